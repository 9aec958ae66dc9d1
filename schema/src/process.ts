// The `process/*` family: unsandboxed host processes addressed by a client handle
// (experimental upstream). Tri-state: `outputBytesCap`/`timeoutMs` absent means the
// server default, `null` means no cap / no timeout, a number means that value.
import { z } from "zod";
import { AbsolutePath, EnvOverrides, I32, I64, OutputStream, U16, UInt } from "./primitives.ts";

export const ProcessTerminalSize = z
  .object({ rows: U16, cols: U16 })
  .meta({ id: "ProcessTerminalSize", description: "PTY size in character cells." });

export const ProcessSpawnParams = z
  .object({
    command: z.array(z.string()),
    processHandle: z.string(),
    cwd: AbsolutePath,
    tty: z.boolean().optional(),
    streamStdin: z.boolean().optional(),
    streamStdoutStderr: z.boolean().optional(),
    outputBytesCap: UInt.nullable().optional().meta({ description: "Absent: 1 MiB; null: no cap." }),
    timeoutMs: I64.nullable().optional().meta({ description: "Absent: 10 s; null: no timeout." }),
    env: EnvOverrides.nullable().optional(),
    size: ProcessTerminalSize.nullable().optional(),
  })
  .meta({ id: "ProcessSpawnParams", description: "Spawn a host process (no sandbox) under a client-chosen handle." });

export const ProcessWriteStdinParams = z
  .object({
    processHandle: z.string(),
    deltaBase64: z.string().nullable().optional(),
    closeStdin: z.boolean().optional(),
  })
  .meta({ id: "ProcessWriteStdinParams" });

export const ProcessResizePtyParams = z
  .object({ processHandle: z.string(), size: ProcessTerminalSize })
  .meta({ id: "ProcessResizePtyParams" });

export const ProcessKillParams = z.object({ processHandle: z.string() }).meta({ id: "ProcessKillParams" });

const Empty = (id: string) => z.object({}).meta({ id });
export const ProcessSpawnResponse = Empty("ProcessSpawnResponse");
export const ProcessWriteStdinResponse = Empty("ProcessWriteStdinResponse");
export const ProcessResizePtyResponse = Empty("ProcessResizePtyResponse");
export const ProcessKillResponse = Empty("ProcessKillResponse");

export const ProcessOutputStream = OutputStream.meta({ id: "ProcessOutputStream" });

export const ProcessOutputDeltaNotification = z
  .object({
    processHandle: z.string(),
    stream: ProcessOutputStream,
    deltaBase64: z.string(),
    capReached: z.boolean(),
  })
  .meta({ id: "ProcessOutputDeltaNotification" });

export const ProcessExitedNotification = z
  .object({
    processHandle: z.string(),
    exitCode: I32,
    outputDrainTimedOut: z.boolean().nullable().optional().meta({
      description: "True when output collection hit its post-exit deadline before EOF or the cap.",
    }),
    stdout: z.string(),
    stdoutCapReached: z.boolean(),
    stderr: z.string(),
    stderrCapReached: z.boolean(),
  })
  .meta({ id: "ProcessExitedNotification", description: "Always the last message about a handle." });

export type ProcessTerminalSize = z.infer<typeof ProcessTerminalSize>;
export type ProcessSpawnParams = z.infer<typeof ProcessSpawnParams>;
export type ProcessWriteStdinParams = z.infer<typeof ProcessWriteStdinParams>;
export type ProcessResizePtyParams = z.infer<typeof ProcessResizePtyParams>;
export type ProcessKillParams = z.infer<typeof ProcessKillParams>;
export type ProcessOutputDeltaNotification = z.infer<typeof ProcessOutputDeltaNotification>;
export type ProcessExitedNotification = z.infer<typeof ProcessExitedNotification>;
