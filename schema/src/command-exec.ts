// The `command/exec` family: sandboxed one-off commands (stable).
// Tri-state fields: absent and `null` both mean "server default" here; `process/spawn`
// is the family where `null` means something else.
import { z } from "zod";
import { EnvOverrides, I32, I64, OutputStream, U16, UInt } from "./primitives.ts";
import { PermissionProfile, SandboxPolicy } from "./permissions.ts";
import { experimental } from "./stability.ts";

export const CommandExecTerminalSize = z
  .object({ rows: U16, cols: U16 })
  .meta({ id: "CommandExecTerminalSize", description: "PTY size in character cells." });

export const CommandExecParams = z
  .object({
    command: z.array(z.string()).meta({ description: "argv; command[0] is the program. Empty arrays are rejected." }),
    processId: z.string().nullable().optional().meta({
      description: "Client-chosen, connection-scoped id; required for tty, streaming and follow-up requests.",
    }),
    tty: z.boolean().optional().meta({ description: "Run under a PTY; implies streamStdin and streamStdoutStderr." }),
    streamStdin: z.boolean().optional(),
    streamStdoutStderr: z.boolean().optional(),
    outputBytesCap: UInt.nullable().optional().meta({ description: "Per-stream cap in bytes (default 1 MiB)." }),
    disableOutputCap: z.boolean().optional(),
    disableTimeout: z.boolean().optional(),
    timeoutMs: I64.nullable().optional().meta({ description: "Wall-clock limit (default 10 s); expiry reports exit code 124." }),
    cwd: z.string().nullable().optional(),
    env: EnvOverrides.nullable().optional(),
    size: CommandExecTerminalSize.nullable().optional(),
    sandboxPolicy: SandboxPolicy.nullable().optional(),
    permissionProfile: experimental(
      z.union([z.string(), PermissionProfile]).nullable().optional().meta({
        description: "A permission profile id (as upstream), or an inline PermissionProfile (extension).",
      }),
    ),
  })
  .meta({ id: "CommandExecParams", description: "Run a standalone command (argv vector) under the server's sandbox." });

export const CommandExecResponse = z
  .object({ exitCode: I32, stdout: z.string(), stderr: z.string() })
  .meta({ id: "CommandExecResponse", description: "Final result; stdout/stderr are empty for streamed streams." });

export const CommandExecWriteParams = z
  .object({
    processId: z.string(),
    deltaBase64: z.string().nullable().optional(),
    closeStdin: z.boolean().optional(),
  })
  .meta({ id: "CommandExecWriteParams" });

export const CommandExecResizeParams = z
  .object({ processId: z.string(), size: CommandExecTerminalSize })
  .meta({ id: "CommandExecResizeParams" });

export const CommandExecTerminateParams = z
  .object({ processId: z.string() })
  .meta({ id: "CommandExecTerminateParams" });

const Empty = (id: string) => z.object({}).meta({ id });
export const CommandExecWriteResponse = Empty("CommandExecWriteResponse");
export const CommandExecResizeResponse = Empty("CommandExecResizeResponse");
export const CommandExecTerminateResponse = Empty("CommandExecTerminateResponse");

export const CommandExecOutputStream = OutputStream.meta({ id: "CommandExecOutputStream" });

export const CommandExecOutputDeltaNotification = z
  .object({
    processId: z.string(),
    stream: CommandExecOutputStream,
    deltaBase64: z.string(),
    capReached: z.boolean().meta({ description: "True on the final chunk of a stream that reached its cap." }),
  })
  .meta({ id: "CommandExecOutputDeltaNotification" });

export type CommandExecTerminalSize = z.infer<typeof CommandExecTerminalSize>;
export type CommandExecParams = z.infer<typeof CommandExecParams>;
export type CommandExecResponse = z.infer<typeof CommandExecResponse>;
export type CommandExecWriteParams = z.infer<typeof CommandExecWriteParams>;
export type CommandExecResizeParams = z.infer<typeof CommandExecResizeParams>;
export type CommandExecTerminateParams = z.infer<typeof CommandExecTerminateParams>;
export type CommandExecOutputDeltaNotification = z.infer<typeof CommandExecOutputDeltaNotification>;
