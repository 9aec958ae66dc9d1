// The method table: every method and notification of this surface with its params,
// result, direction and stability. Server dispatch, the kit's validation and the schema
// generators all derive from this one table.
import { z } from "zod";
import {
  CommandExecOutputDeltaNotification,
  CommandExecParams,
  CommandExecResizeParams,
  CommandExecResizeResponse,
  CommandExecResponse,
  CommandExecTerminateParams,
  CommandExecTerminateResponse,
  CommandExecWriteParams,
  CommandExecWriteResponse,
} from "./command-exec.ts";
import { InitializeParams, InitializeResponse } from "./initialize.ts";
import { PermissionProfileListParams, PermissionProfileListResponse } from "./permissions.ts";
import {
  ProcessExitedNotification,
  ProcessKillParams,
  ProcessKillResponse,
  ProcessOutputDeltaNotification,
  ProcessResizePtyParams,
  ProcessResizePtyResponse,
  ProcessSpawnParams,
  ProcessSpawnResponse,
  ProcessWriteStdinParams,
  ProcessWriteStdinResponse,
} from "./process.ts";
import type { Stability } from "./stability.ts";

export interface RequestSpec {
  readonly params: z.ZodType;
  readonly result: z.ZodType;
  readonly stability: Stability;
  readonly description: string;
}

export interface NotificationSpec {
  /** `undefined` for notifications that carry no params. */
  readonly params: z.ZodType | undefined;
  readonly stability: Stability;
  readonly description: string;
}

export const clientRequests = {
  initialize: {
    params: InitializeParams,
    result: InitializeResponse,
    stability: "stable",
    description: "Open the session; must be the first request on a connection.",
  },
  "command/exec": {
    params: CommandExecParams,
    result: CommandExecResponse,
    stability: "stable",
    description: "Run a command under the sandbox; the response is deferred until it exits.",
  },
  "command/exec/write": {
    params: CommandExecWriteParams,
    result: CommandExecWriteResponse,
    stability: "stable",
    description: "Write stdin bytes to a running command/exec, close stdin, or both.",
  },
  "command/exec/terminate": {
    params: CommandExecTerminateParams,
    result: CommandExecTerminateResponse,
    stability: "stable",
    description: "Kill a running command/exec (its whole process group).",
  },
  "command/exec/resize": {
    params: CommandExecResizeParams,
    result: CommandExecResizeResponse,
    stability: "stable",
    description: "Resize the PTY of a running tty command/exec.",
  },
  "process/spawn": {
    params: ProcessSpawnParams,
    result: ProcessSpawnResponse,
    stability: "experimental",
    description: "Start an unsandboxed host process under a client handle; answers once it runs.",
  },
  "process/writeStdin": {
    params: ProcessWriteStdinParams,
    result: ProcessWriteStdinResponse,
    stability: "experimental",
    description: "Write stdin bytes to a spawned process, close stdin, or both.",
  },
  "process/kill": {
    params: ProcessKillParams,
    result: ProcessKillResponse,
    stability: "experimental",
    description: "Kill a spawned process (its whole process group).",
  },
  "process/resizePty": {
    params: ProcessResizePtyParams,
    result: ProcessResizePtyResponse,
    stability: "experimental",
    description: "Resize the PTY of a spawned tty process.",
  },
  "permissionProfile/list": {
    params: PermissionProfileListParams,
    result: PermissionProfileListResponse,
    stability: "stable",
    description: "List the permission profiles a command may select.",
  },
} as const satisfies Record<string, RequestSpec>;

export const clientNotifications = {
  initialized: {
    params: undefined,
    stability: "stable",
    description: "Sent by the client once it has read the initialize response.",
  },
} as const satisfies Record<string, NotificationSpec>;

export const serverNotifications = {
  "command/exec/outputDelta": {
    params: CommandExecOutputDeltaNotification,
    stability: "stable",
    description: "A base64 chunk of a streamed command/exec's stdout or stderr.",
  },
  "process/outputDelta": {
    params: ProcessOutputDeltaNotification,
    stability: "experimental",
    description: "A base64 chunk of a streamed process/spawn's stdout or stderr.",
  },
  "process/exited": {
    params: ProcessExitedNotification,
    stability: "experimental",
    description: "The last message about a process/spawn handle: exit code and buffered output.",
  },
} as const satisfies Record<string, NotificationSpec>;

export type ClientRequestMethod = keyof typeof clientRequests;
export type ServerNotificationMethod = keyof typeof serverNotifications;

export function isClientRequestMethod(method: string): method is ClientRequestMethod {
  return Object.hasOwn(clientRequests, method);
}

export function isServerNotificationMethod(method: string): method is ServerNotificationMethod {
  return Object.hasOwn(serverNotifications, method);
}

export type ParamsOf<M extends ClientRequestMethod> = z.infer<(typeof clientRequests)[M]["params"]>;
export type ResultOf<M extends ClientRequestMethod> = z.infer<(typeof clientRequests)[M]["result"]>;
export type NotificationParamsOf<M extends ServerNotificationMethod> = z.infer<
  (typeof serverNotifications)[M]["params"]
>;
