// The method table of a generation, derived from its four method-keyed unions:
// ClientRequest (client -> server requests), ServerRequest (server -> client requests),
// ServerNotification and ClientNotification. A request's result type is not in the
// unions; it is paired with the params type by the generator's naming convention, and
// when that fails the pairing is left unknown and said so (never guessed silently).
import { EXPERIMENTAL, isJsonObject, methodOfArm, unionArms, type Json, type MethodEntry, type MethodKind } from "../model.ts";

export const METHOD_UNIONS: Record<string, MethodKind> = {
  ClientRequest: "clientRequest",
  ServerRequest: "serverRequest",
  ClientNotification: "clientNotification",
  ServerNotification: "serverNotification",
};

/** The definition a params node names: `$ref`, `allOf: [$ref]`, or `anyOf: [$ref, null]` (Codex's optional params). */
export function paramsTypeName(node: unknown): string | undefined {
  if (!isJsonObject(node)) return undefined;
  if (typeof node.$ref === "string") return node.$ref.split("/").pop();
  for (const kw of ["allOf", "anyOf", "oneOf"] as const) {
    const arms = node[kw];
    if (!Array.isArray(arms)) continue;
    const named = arms.filter((a) => !(isJsonObject(a) && a.type === "null")).map(paramsTypeName);
    if (named.length === 1 && named[0] !== undefined) return named[0];
  }
  return undefined;
}

const pascal = (segment: string) => segment.charAt(0).toUpperCase() + segment.slice(1);

/**
 * Result-type names a request's method name suggests, most specific first:
 * `config/mcpServer/reload` -> ConfigMcpServerReloadResponse, McpServerReloadResponse, ...;
 * `account/logout` -> LogoutAccountResponse; `account/usage/read` -> GetAccountUsageResponse.
 */
export function resultCandidates(method: string): string[] {
  const segs = method.split("/").filter(Boolean).map(pascal);
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) out.push(segs.slice(i).join(""));
  out.push([...segs].reverse().join(""));
  if (segs.length > 1 && segs[segs.length - 1] === "Read") {
    const body = segs.slice(0, -1);
    for (let i = 0; i < body.length; i++) out.push(`Get${body.slice(i).join("")}`);
  }
  return [...new Set(out.map((s) => `${s}Response`))];
}

export interface PairedMethods {
  methods: Record<string, MethodEntry>;
  /** Requests whose result type could not be derived, with the reason. */
  unpaired: Record<string, string>;
}

/** The method table from the unions. `experimental` arms (`x-experimental`) make experimental methods. */
export function methodTable(definitions: Record<string, Json>): PairedMethods {
  const methods: Record<string, MethodEntry> = {};
  const unpaired: Record<string, string> = {};
  for (const [union, kind] of Object.entries(METHOD_UNIONS)) {
    for (const arm of unionArms(definitions[union])) {
      const method = methodOfArm(arm);
      if (method === undefined) continue;
      const props = arm.properties as Json;
      const params = paramsTypeName(props.params);
      const entry: MethodEntry = { kind, stability: arm[EXPERIMENTAL] === true ? "experimental" : "stable" };
      if (params !== undefined) entry.params = params;
      if (kind === "clientRequest" || kind === "serverRequest") {
        const byParams = params?.endsWith("Params") ? `${params.slice(0, -"Params".length)}Response` : undefined;
        if (byParams !== undefined && byParams in definitions) {
          entry.result = byParams;
        } else {
          const found = resultCandidates(method).filter((c) => c in definitions);
          if (found.length === 1) entry.result = found[0]!;
          else {
            const tried = [byParams, ...resultCandidates(method)].filter((c): c is string => c !== undefined);
            unpaired[method] =
              found.length > 1
                ? `several result types fit ${method} (${found.join(", ")})`
                : `no result type found for ${method} (params ${params ?? "none"}; tried ${tried.join(", ")})`;
          }
        }
      }
      methods[method] = entry;
    }
  }
  return { methods, unpaired };
}
