// stderr logging; stdout carries only protocol.
export type LogLevel = "error" | "warn" | "info" | "debug";
const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
let threshold: LogLevel = "warn";

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(ORDER, value);
}

export function log(level: LogLevel, message: string): void {
  if (ORDER[level] > ORDER[threshold]) return;
  try {
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${message}\n`);
  } catch {
    // stderr gone: nothing sensible left to do
  }
}
