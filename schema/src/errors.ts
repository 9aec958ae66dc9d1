// Error codes and the message catalogue of this surface, as upstream words them.
// Server and kit share these so the fixtures and the implementation cannot drift apart.
export const ErrorCode = {
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  overloaded: -32001,
} as const;

export interface WireError {
  code: number;
  message: string;
  data?: unknown;
}

const quote = (value: string) => JSON.stringify(value);

export const Messages = {
  notInitialized: "Not initialized",
  alreadyInitialized: "Already initialized",
  overloaded: "Server overloaded; retry later.",
  invalidRequest: (detail: string) => `Invalid request: ${detail}`,
  invalidClientName: (name: string) => `Invalid clientInfo.name: '${name}'. Must be a valid HTTP header value.`,
  requiresExperimental: (reason: string) => `${reason} requires experimentalApi capability`,
  localEnvironmentNotConfigured: "local environment is not configured",
  commandEmpty: "command must not be empty",
  processHandleEmpty: "processHandle must not be empty",

  // command/exec
  profileWithSandboxPolicy: "`permissionProfile` cannot be combined with `sandboxPolicy`",
  execSizeRequiresTty: "command/exec size requires tty: true",
  execCapConflict: "command/exec cannot set both outputBytesCap and disableOutputCap",
  execTimeoutConflict: "command/exec cannot set both timeoutMs and disableTimeout",
  execNegativeTimeout: (n: number) => `command/exec timeoutMs must be non-negative, got ${n}`,
  invalidPermissionProfile: (detail: string) => `invalid permission profile: ${detail}`,
  invalidSandboxPolicy: (detail: string) => `invalid sandbox policy: ${detail}`,
  execSizeZero: "command/exec size rows and cols must be greater than 0",
  execFailed: (detail: string) => `exec failed: ${detail}`,
  execStreamingNeedsId: "command/exec tty or streaming requires a client-supplied processId",
  invalidCwd: (detail: string) => `invalid command cwd: ${detail}`,
  execDuplicateId: (id: string) => `duplicate active command/exec process id: ${quote(id)}`,
  execSpawnFailed: (detail: string) => `failed to spawn command: ${detail}`,
  execUnknownId: (id: string) => `no active command/exec for process id ${quote(id)}`,
  execNotRunning: (id: string) => `command/exec ${quote(id)} is no longer running`,
  execWriteNeedsPayload: "command/exec/write requires deltaBase64 or closeStdin",
  invalidBase64: (detail: string) => `invalid deltaBase64: ${detail}`,
  execStdinNotEnabled: "stdin streaming is not enabled for this command/exec",
  stdinClosed: "stdin is already closed",
  resizeFailed: (detail: string) => `failed to resize PTY: ${detail}`,

  // process/*
  processNegativeTimeout: (n: number) => `process/spawn timeoutMs must be non-negative, got ${n}`,
  processSizeRequiresTty: "process/spawn size requires tty: true",
  processSizeZero: "process size rows and cols must be greater than 0",
  processDuplicateHandle: (handle: string) => `duplicate active process handle: ${quote(handle)}`,
  processSpawnFailed: (detail: string) => `failed to spawn process: ${detail}`,
  processUnknownHandle: (handle: string) => `no active process for process handle ${quote(handle)}`,
  processNotRunning: (handle: string) => `process ${quote(handle)} is no longer running`,
  processWriteNeedsPayload: "process/writeStdin requires deltaBase64 or closeStdin",
  processStdinNotEnabled: "stdin streaming is not enabled for this process",
} as const;

export function invalidRequest(message: string): WireError {
  return { code: ErrorCode.invalidRequest, message };
}

export function invalidParams(message: string): WireError {
  return { code: ErrorCode.invalidParams, message };
}

export function internalError(message: string): WireError {
  return { code: ErrorCode.internalError, message };
}
