// Every property, in the order they run.
import type { PropertyDef } from "./harness.ts";
import { badInputProperty } from "./props/bad-input.ts";
import { envProperty } from "./props/env.ts";
import { lifecycleProperty } from "./props/lifecycle.ts";
import { outputCapProperty } from "./props/output-cap.ts";
import { denyReadProperty, sandboxRoundTripProperty } from "./props/sandbox.ts";
import { stdinProperty } from "./props/stdin.ts";

export function allProperties(): PropertyDef<any>[] {
  return [
    outputCapProperty("exec"),
    outputCapProperty("process"),
    stdinProperty("exec"),
    stdinProperty("process"),
    envProperty("exec"),
    envProperty("process"),
    lifecycleProperty("exec"),
    lifecycleProperty("process"),
    sandboxRoundTripProperty(),
    denyReadProperty(),
    badInputProperty("junk"),
    badInputProperty("i64-ids"),
  ];
}
