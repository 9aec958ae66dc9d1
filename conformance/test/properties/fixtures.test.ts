// Every regression fixture the properties can write is valid per the fixture format and
// passes the corpus lint, for random cases.
import * as fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Fixture } from "../../src/fixture/format.ts";
import { lintFixture } from "../../src/lint/lint.ts";
import { adHocImplementation, DEFAULT_AD_HOC_FEATURES } from "../../src/descriptor/implementation.ts";
import { PropertyEnv, readClaims, type PropertyDef } from "../../src/properties/harness.ts";
import { allProperties } from "../../src/properties/registry.ts";

describe("regression fixtures", () => {
  const impl = adHocImplementation(["true"], DEFAULT_AD_HOC_FEATURES);
  const env = new PropertyEnv(impl, readClaims(impl), ["probe"]);
  afterAll(() => env.close());
  const withFixtures = (allProperties() as PropertyDef<unknown>[]).filter((p) => p.fixture);

  it("exist for the properties that have a fixture form", () => {
    expect(withFixtures.map((p) => p.id).sort()).toEqual(
      ["bad-input/junk", "env/exec", "env/process", "lifecycle/exec", "lifecycle/process", "output-cap/exec", "output-cap/process", "stdin/exec", "stdin/process"].sort(),
    );
  });

  for (const p of withFixtures) {
    it(`${p.id}: generated fixtures are valid and lint-clean`, () => {
      for (const value of fc.sample(p.arbitrary(env), { numRuns: 15, seed: 1 })) {
        const input = p.fixture!(value, env)!;
        input.id = `regression.${p.id.replace(/\//g, "-")}.test`;
        const parsed = Fixture.safeParse(input);
        expect(parsed.success, JSON.stringify(parsed.error?.issues[0])).toBe(true);
        const problems = lintFixture(parsed.data!, `${input.id}.jsonc`);
        expect(problems, JSON.stringify(problems.slice(0, 2))).toEqual([]);
      }
    });
  }
});
