// Public API of the schema compatibility gate.
export { BUNDLE_FILE, BUNDLE_PATH, BundleError, type MethodEntry, type SchemaBundle } from "./model.ts";
export { bundleFromDocument, loadBundleFromGit, loadBundleFromPath, loadSide } from "./bundle.ts";
export { loadAnySide, loadUpstreamBundle, upstreamBundleFromDocument, type SideRequest } from "./layouts/load.ts";
export { lintNames, type LintOptions } from "./lint.ts";
export { diffBundles, isBreaking, type DiffOptions, type Finding } from "./diff.ts";
export { RULES, RULE_IDS, type Direction, type RuleId, type Severity } from "./rules.ts";
export { applyWaivers, loadWaivers, parseWaivers, Waiver, type ApplyOptions } from "./waivers.ts";
export {
  checkFixtureMessages,
  extractMessages,
  FixtureValidator,
  literalPart,
  loadFixtureMessages,
  type FixtureMessage,
} from "./fixtures.ts";
export { FORMATS, renderReport, type Format, type GateReport } from "./report.ts";
export {
  createSchemaCommand,
  runSchemaCommand,
  schemaCheck,
  schemaDiff,
  schemaUpstreamDiff,
  updateBaseline,
  UsageError,
  type CheckRequest,
  type DiffRequest,
  type SchemaCommandIo,
  type UpstreamRequest,
} from "./command.ts";
