import { createRequire } from "node:module";
import { loadFixtures, renderJunit, selectFixtures, type SuiteReport } from "app-server-conformance";
import { diffBundles, lintNames, loadAnySide, loadBundleFromPath, type Finding } from "app-server-conformance/schema-gate";

const root = createRequire(import.meta.url).resolve("app-server-conformance/package.json").replace(/package\.json$/, "");
const { fixtures } = loadFixtures(root + "fixtures");
const selection = selectFixtures(fixtures, { filter: ["handshake.*"], tags: [], features: ["*"] });
const stable = loadBundleFromPath(root + "schema/json/stable");
const findings: Finding[] = diffBundles(stable, stable);
const names: Finding[] = lintNames(loadAnySide({ spec: root + "schema/json/stable", cwd: root }), { since: stable });
export const junit = (report: SuiteReport): string => renderJunit(report);
console.log(JSON.stringify({ handshake: selection.selected.length, findings: findings.length, newNames: names.length }));
