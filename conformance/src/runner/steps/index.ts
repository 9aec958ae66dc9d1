// Runs one step: a handler per step kind, each in its own module. The table's type makes a
// new kind in fixture/format.ts a type error here until it has a handler.
import type { Step } from "../../fixture/format.ts";
import type { Session } from "../session.ts";
import { closeStdin } from "./close-stdin.ts";
import { expectExit } from "./expect-exit.ts";
import { expectFile } from "./expect-file.ts";
import { expectNoLeftovers } from "./expect-no-leftovers.ts";
import { expectNotifications } from "./expect-notifications.ts";
import { expectOrder } from "./expect-order.ts";
import { expectResponse } from "./expect-response.ts";
import { expectSilence } from "./expect-silence.ts";
import { expectStream } from "./expect-stream.ts";
import { notify } from "./notify.ts";
import { sendRaw } from "./send-raw.ts";
import { send } from "./send.ts";
import { sleep } from "./sleep.ts";
import { waitFile } from "./wait-file.ts";
import { writeFile } from "./write-file.ts";

type StepHandler<K extends Step["step"]> = (s: Session, step: Extract<Step, { step: K }>) => void | Promise<void>;

const HANDLERS: { [K in Step["step"]]: StepHandler<K> } = {
  send,
  notify,
  sendRaw,
  expectResponse,
  expectNotifications,
  expectStream,
  expectSilence,
  expectOrder,
  closeStdin,
  expectExit,
  expectNoLeftovers,
  sleep,
  waitFile,
  expectFile,
  writeFile,
};

/** Resolves when the step is done; rejects with a StepFailure when the server fails it. */
export async function runStep(s: Session, step: Step): Promise<void> {
  // TypeScript cannot tie HANDLERS[step.step] to this step's own type; the table above does.
  const handler = HANDLERS[step.step] as StepHandler<Step["step"]>;
  await handler(s, step);
}
