// Programmatic API of the conformance kit (the CLI is cli/main.ts).
export { Fixture, Step, FEATURE_TAGS, fixtureJsonSchema, type FixtureInput } from "./fixture/format.ts";
export { loadFixtures, parseFixture, type LoadedFixture } from "./fixture/load.ts";
export { match, ABSENT, type MatchContext, type Mismatch } from "./match.ts";
export { expandString, expandValue, type Vars } from "./vars.ts";
export { runFixture, type FixtureResult, type RunOptions, type Failure } from "./run-fixture.ts";
export { runSuite, selectFixtures, defaultJobs, type SuiteReport, type FixtureReport, type Outcome } from "./suite.ts";
export { BaselineEntry, judge, updatedBaseline } from "./baseline.ts";
export { loadImplementation, adHocImplementation, ImplementationDescriptor, type Implementation } from "./implementation.ts";
export { lintCorpus, lintFixture } from "./lint.ts";
export { createValidator, type MessageValidator, type SchemaVariant } from "./schema-check.ts";
export { probeArgv } from "./probe-path.ts";
export { renderJson } from "./reporters/json.ts";
export { renderJunit } from "./reporters/junit.ts";
export { renderTap } from "./reporters/tap.ts";
export { renderMarkdown } from "./reporters/markdown.ts";
export { renderPretty } from "./reporters/pretty.ts";
export { renderGithub } from "./reporters/github.ts";
