// Fixture lint: well-formed, unique ids matching file names, every message valid against
// the schema (or marked `invalid` and really invalid), known matcher operators and
// variables, labels defined before use, and responses expected only for sent ids.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { findNodeAtLocation, getNodeValue, parseTree } from "jsonc-parser";
import { join } from "node:path";
import process from "node:process";
import { loadImplementation } from "../descriptor/implementation.ts";
import { expectedFileName, loadFixtures, type LoadProblem } from "../fixture/load.ts";
import { locate } from "../fixture/locate.ts";
import { fixtureJsonSchema, schemaVariantOf, stepName, type Fixture } from "../fixture/format.ts";
import { isRecord, unknownOperators } from "../fixture/match.ts";
import { createValidator } from "../runner/schema-check.ts";
import { packageRoot } from "../probe/probe-path.ts";
import { expandValue, referencedVariables, type Vars } from "../fixture/vars.ts";
import { lintSpecCitations } from "./spec-sections.ts";

const LINT_VARS: Vars = { workspace: "/conformance-workspace", probe: ["/usr/bin/node", "/probe.js"], extra: { pathSep: "/", node: "/usr/bin/node" }, env: {} };

export type LintProblem = LoadProblem;

const BUILTIN_VARS = new Set(["workspace", "probe", "pathSep", "node"]);

function captureNames(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => captureNames(v, out));
  else if (isRecord(value)) {
    if (typeof value.$capture === "string") out.add(value.$capture);
    Object.values(value).forEach((v) => captureNames(v, out));
  }
}

function safeExpand(value: unknown, captures: Set<string>): unknown {
  const placeholders = new Map<string, unknown>([...captures].map((c) => [c, "captured"]));
  try {
    return expandValue(value, LINT_VARS, placeholders);
  } catch {
    return value;
  }
}

/** Lints one fixture; with its text, problems of a step carry the step's line and column. */
export function lintFixture(f: Fixture, file: string, text?: string): LintProblem[] {
  const problems: LintProblem[] = [];
  let stepIndex: number | undefined;
  const p = (message: string) => {
    const at = text === undefined ? undefined : locate(text, stepIndex === undefined ? ["id"] : ["steps", stepIndex]);
    problems.push({ file, ...(at ? { at } : {}), message: `${f.id}: ${message}` });
  };
  if (!expectedFileName(file, f.id)) p(`the file must be named ${f.id}.jsonc`);
  const validator = createValidator(schemaVariantOf(f), packageRoot());
  const sent = new Set<string>();
  const captures = new Set<string>();
  const labels = new Set<string>();
  const names = new Set<string>();
  const checkVars = (value: unknown, where: string) => {
    for (const v of referencedVariables(value)) {
      if (BUILTIN_VARS.has(v) || v.startsWith("env:") || captures.has(v)) continue;
      p(`${where}: unknown variable \${${v}}`);
    }
  };
  const checkMatcher = (value: unknown, where: string) => {
    for (const op of unknownOperators(value)) p(`${where}: unknown matcher operator ${op}`);
    checkVars(value, where);
  };
  f.steps.forEach((step, i) => {
    stepIndex = i;
    const where = `step ${stepName(step, i)} (${step.step})`;
    if (step.name !== undefined) {
      if (names.has(step.name)) p(`${where}: duplicate step name`);
      names.add(step.name);
    }
    switch (step.step) {
      case "send": {
        checkVars(step.params, where);
        const key = JSON.stringify(step.id);
        if (sent.has(key) && !step.invalid) p(`${where}: request id ${key} is used twice`);
        sent.add(key);
        const hasParams = !step.omitParams && step.params !== undefined;
        const params = safeExpand(step.params, captures);
        const problemsOf = validator.request(step.method, params, hasParams);
        if (step.invalid && problemsOf.length === 0) p(`${where}: marked invalid but ${step.method} params are valid against the schema`);
        if (!step.invalid && problemsOf.length > 0) p(`${where}: ${step.method} params are invalid: ${problemsOf.join("; ")} (mark the step "invalid": true if that is the point)`);
        break;
      }
      case "notify": {
        const problemsOf = validator.clientNotification(step.method, safeExpand(step.params, captures));
        if (step.invalid && problemsOf.length === 0) p(`${where}: marked invalid but the notification is valid`);
        if (!step.invalid && problemsOf.length > 0) p(`${where}: ${problemsOf.join("; ")}`);
        break;
      }
      case "sendRaw": {
        try {
          const v: unknown = JSON.parse(step.line);
          if (isRecord(v) && (typeof v.id === "string" || typeof v.id === "number")) sent.add(JSON.stringify(v.id));
        } catch {
          // raw lines may be anything
        }
        checkVars(step.line, where);
        break;
      }
      case "expectResponse": {
        if (!sent.has(JSON.stringify(step.id))) p(`${where}: no request with id ${JSON.stringify(step.id)} was sent before`);
        if (step.result !== undefined && step.error !== undefined) p(`${where}: give result or error, not both`);
        checkMatcher(step.result, where);
        checkMatcher(step.error, where);
        captureNames(step.result, captures);
        captureNames(step.error, captures);
        if (step.label) labels.add(step.label);
        break;
      }
      case "expectNotifications":
        for (const m of step.messages) {
          checkMatcher(m.params, where);
          captureNames(m.params, captures);
          if (m.label) labels.add(m.label);
        }
        break;
      case "expectStream": {
        if ((step.processId === undefined) === (step.processHandle === undefined)) p(`${where}: give exactly one of processId and processHandle`);
        const until = step.until ?? (step.processHandle !== undefined ? "exited" : "match");
        if (until === "match" && step.text === undefined && step.base64 === undefined && step.byteLength === undefined) {
          p(`${where}: until "match" (the default for processId) needs text, base64 or byteLength`);
        }
        if (until === "exited" && step.processHandle === undefined) p(`${where}: until "exited" applies to processHandle streams`);
        if (typeof until === "object" && !sent.has(JSON.stringify(until.response))) p(`${where}: until response ${JSON.stringify(until.response)} was never sent`);
        checkMatcher(step.text, where);
        checkMatcher(step.base64, where);
        checkMatcher(step.byteLength, where);
        if (step.label) labels.add(step.label);
        break;
      }
      case "expectOrder":
        for (const l of step.labels) if (!labels.has(l)) p(`${where}: label ${JSON.stringify(l)} is not defined by an earlier step`);
        break;
      case "expectExit":
        checkMatcher(step.code, where);
        break;
      case "expectFile":
        checkMatcher(step.content, where);
        checkVars(step.path, where);
        break;
      case "waitFile":
      case "writeFile":
        checkVars(step.path, where);
        break;
      default:
        break;
    }
  });
  return problems;
}

/** Baseline entries whose reason is still a TODO (as --update-baseline leaves them). */
export function lintBaselineFile(file: string): LintProblem[] {
  const text = readFileSync(file, "utf8");
  const root = parseTree(text);
  const list = root?.type === "array" ? root : root ? findNodeAtLocation(root, ["entries"]) : undefined;
  const out: LintProblem[] = [];
  (list?.children ?? []).forEach((child, i) => {
    const entry = getNodeValue(child) as { fixture?: unknown; reason?: unknown };
    if (typeof entry.reason === "string" && /\bTODO\b/.test(entry.reason)) {
      const path = list === root ? [i, "reason"] : ["entries", i, "reason"];
      const at = locate(text, path);
      out.push({ file, ...(at ? { at } : {}), message: `baseline entry ${String(entry.fixture)}: the reason is a TODO: say why this failure is expected` });
    }
  });
  return out;
}

function lintImplementations(implDir: string): LintProblem[] {
  const out: LintProblem[] = [];
  const baselines = new Set<string>();
  for (const name of readdirSync(implDir).sort()) {
    if (!name.endsWith(".jsonc")) continue;
    const file = join(implDir, name);
    if (name.endsWith(".baseline.jsonc")) {
      baselines.add(file);
      continue;
    }
    try {
      const impl = loadImplementation(file, { ...process.env, CODEX_BIN: process.env.CODEX_BIN ?? "/codex" });
      for (const e of impl.baseline) if (!e.reason.trim()) out.push({ file, message: `baseline entry ${e.fixture} has no reason` });
      if (impl.baselineFile && existsSync(impl.baselineFile)) baselines.add(impl.baselineFile);
    } catch (e) {
      out.push({ file, message: (e as Error).message });
    }
  }
  for (const b of [...baselines].sort()) out.push(...lintBaselineFile(b));
  return out;
}

export function lintCorpus(dirs: string | readonly string[]): { count: number; problems: LintProblem[] } {
  const list = typeof dirs === "string" ? [dirs] : dirs;
  const implProblems: LintProblem[] = [];
  for (const dir of list) {
    const implDir = join(dir, "implementations");
    if (existsSync(implDir)) implProblems.push(...lintImplementations(implDir));
  }
  const { fixtures, problems } = loadFixtures(list);
  const all: LintProblem[] = [...problems, ...implProblems];
  for (const { file, fixture } of fixtures) {
    let text: string | undefined;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      text = undefined;
    }
    all.push(...lintFixture(fixture, file, text));
  }
  all.push(...lintSpecCitations(fixtures));
  // A corpus that ships the generated schema must keep it in step with the format.
  for (const dir of list) {
    const schemaFile = join(dir, "fixture.schema.json");
    if (!existsSync(schemaFile)) continue;
    const want = `${JSON.stringify(fixtureJsonSchema(), null, 2)}\n`;
    if (readFileSync(schemaFile, "utf8") !== want) all.push({ file: schemaFile, message: "out of date: run `app-server-conformance fixture-schema --write`" });
  }
  return { count: fixtures.length + problems.length, problems: all };
}
