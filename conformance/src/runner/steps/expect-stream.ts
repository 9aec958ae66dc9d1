// `expectStream`: the output of one process on one stream, reassembled from its base64
// deltas (command/exec by processId, process/* by processHandle) and judged as text, base64
// or length; deltas after the end (exit or response) and after capReached are failures.
import type { Step } from "../../fixture/format.ts";
import { isRecord, match, type Mismatch } from "../../fixture/match.ts";
import { describeInbound, idKey, type Inbound } from "../inbound.ts";
import type { Session } from "../session.ts";
import { formatMismatches, StepFailure } from "../step-failure.ts";

export async function expectStream(s: Session, step: Extract<Step, { step: "expectStream" }>): Promise<void> {
  const byHandle = step.processHandle !== undefined;
  const key = byHandle ? step.processHandle! : step.processId;
  if (key === undefined) throw new StepFailure("expectStream needs processId or processHandle");
  const method = byHandle ? "process/outputDelta" : "command/exec/outputDelta";
  const field = byHandle ? "processHandle" : "processId";
  const until = step.until ?? (byHandle ? "exited" : "match");
  const isChunk = (e: Inbound) =>
    !e.consumed &&
    e.kind === "notification" &&
    e.msg.method === method &&
    isRecord(e.msg.params) &&
    e.msg.params[field] === key &&
    e.msg.params.stream === step.stream;
  const bytesOf = (chunks: Inbound[]) =>
    Buffer.concat(chunks.map((c) => Buffer.from(String((c.msg.params as Record<string, unknown>).deltaBase64 ?? ""), "base64")));
  const judge = (chunks: Inbound[]): Mismatch[] => {
    const bytes = bytesOf(chunks);
    const captures = new Map(s.ctx.captures);
    const ctx = { ...s.ctx, captures };
    const out: Mismatch[] = [];
    if (step.text !== undefined) out.push(...match(step.text, bytes.toString("utf8"), ctx, "text"));
    if (step.base64 !== undefined) out.push(...match(step.base64, bytes.toString("base64"), ctx, "base64"));
    if (step.byteLength !== undefined) out.push(...match(step.byteLength, bytes.length, ctx, "byteLength"));
    if (out.length === 0) for (const [k, v] of captures) s.ctx.captures.set(k, v);
    return out;
  };
  const what = `waiting for the ${step.stream} stream of ${field} ${JSON.stringify(key)}`;
  let chunks: Inbound[];
  try {
    if (until === "match") {
      if (step.text === undefined && step.base64 === undefined && step.byteLength === undefined) {
        throw new StepFailure('until "match" needs text, base64 or byteLength');
      }
      chunks = await s.waitFor(() => {
        const cs = s.inbox.filter(isChunk);
        return judge(cs).length === 0 ? cs : undefined;
      }, s.stepMs(step.withinMs), what);
    } else if (until === "capReached") {
      chunks = await s.waitFor(() => {
        const cs = s.inbox.filter(isChunk);
        const idx = cs.findIndex((c) => (c.msg.params as Record<string, unknown>).capReached === true);
        return idx >= 0 ? cs.slice(0, idx + 1) : undefined;
      }, s.stepMs(step.withinMs), what);
    } else {
      const end = await s.waitFor(
        () =>
          until === "exited"
            ? s.inbox.find((e) => e.kind === "notification" && e.msg.method === "process/exited" && isRecord(e.msg.params) && e.msg.params.processHandle === key)
            : s.inbox.find((e) => (e.kind === "response" || e.kind === "error") && idKey(e.msg.id) === idKey(until.response)),
        s.stepMs(step.withinMs),
        what,
      );
      chunks = s.inbox.filter((e) => isChunk(e) && e.seq < end.seq);
      const late = s.inbox.filter((e) => isChunk(e) && e.seq > end.seq);
      if (late.length) {
        throw new StepFailure(`${late.length} ${step.stream} delta(s) arrived after ${until === "exited" ? "process/exited" : "the response"}: ${describeInbound(late[0]!)}`);
      }
    }
  } catch (e) {
    const seen = bytesOf(s.inbox.filter(isChunk)).toString("utf8");
    throw new StepFailure(`${(e as Error).message} (reassembled so far: ${JSON.stringify(seen.length > 300 ? `${seen.slice(0, 300)}…` : seen)})`);
  }
  for (const c of chunks) c.consumed = true;
  const last = chunks[chunks.length - 1];
  if (last) s.label(step.label, last.seq);
  const flags = chunks.map((c) => (c.msg.params as Record<string, unknown>).capReached === true);
  const firstCap = flags.indexOf(true);
  if (firstCap >= 0 && firstCap < flags.length - 1) {
    throw new StepFailure(`a delta with capReached: true was followed by ${flags.length - 1 - firstCap} more delta(s) on ${step.stream}`);
  }
  if (step.capReached === true && (flags.length === 0 || flags[flags.length - 1] !== true)) {
    throw new StepFailure(`expected capReached: true on the final ${step.stream} delta (got ${flags.length} delta(s), flags ${JSON.stringify(flags)})`);
  }
  if (step.capReached === false && firstCap >= 0) throw new StepFailure(`expected no ${step.stream} delta with capReached: true`);
  const ms = judge(chunks);
  if (ms.length) {
    const text = bytesOf(chunks).toString("utf8");
    throw new StepFailure(`${step.stream} stream of ${JSON.stringify(key)}: ${formatMismatches(ms)} (reassembled ${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text)})`);
  }
}
