// The property-based part of the kit: what the CLI and other code use.
export { propertiesCommand, renderReport, implementationFrom } from "./command.ts";
export {
  runProperties,
  replayCommand,
  writeRegressionFixture,
  RUN_DEFAULTS,
  type RunPropertiesOptions,
  type PropertiesReport,
  type PropertyResult,
  type PropertyStatus,
} from "./run.ts";
export { readClaims, type PropertyClaims, type DenyReadConfig, type PropertyDef } from "./harness.ts";
export { allProperties } from "./registry.ts";
