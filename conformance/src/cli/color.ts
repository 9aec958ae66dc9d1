// Whether to write ANSI colors to a stream: --no-color, then FORCE_COLOR, then NO_COLOR
// (https://no-color.org), then whether the stream is a terminal.
import process from "node:process";

export function useColor(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !["0", "false"].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}
