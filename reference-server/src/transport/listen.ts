// `--listen` values, as upstream: `stdio://` (default), `ws://IP:PORT` (an IP literal,
// IPv6 in brackets; port 0 picks a free port) and `unix://PATH`.
import { isIPv4, isIPv6 } from "node:net";
import { resolve } from "node:path";

export type ListenTarget = { kind: "stdio" } | { kind: "ws"; host: string; port: number } | { kind: "unix"; path: string };

export function parseListen(value: string, cwd: string = process.cwd()): ListenTarget {
  if (value === "stdio://" || value === "stdio") return { kind: "stdio" };
  if (value.startsWith("unix://")) {
    const path = value.slice("unix://".length);
    if (path === "") throw new Error("`--listen unix://` needs a path (unix:///absolute/path.sock); this server has no default socket path");
    return { kind: "unix", path: resolve(cwd, path) };
  }
  if (value.startsWith("ws://")) {
    const bad = () => new Error(`invalid websocket --listen URL \`${value}\`; expected \`ws://IP:PORT\``);
    const rest = value.slice("ws://".length).replace(/\/$/, "");
    const m = /^(?:\[([^\]]+)\]|([^:/\[\]]+)):(\d{1,5})$/.exec(rest);
    if (!m) throw bad();
    const host = m[1] ?? m[2]!;
    const port = Number(m[3]);
    if (port > 65535) throw bad();
    if (m[1] !== undefined ? !isIPv6(host) : !isIPv4(host)) throw bad();
    return { kind: "ws", host, port };
  }
  if (value === "off") throw new Error("`--listen off` is not supported by this reference server");
  throw new Error(`invalid --listen '${value}': expected stdio://, ws://IP:PORT or unix://PATH`);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(host: string): boolean {
  if (isIPv4(host)) return host.startsWith("127.");
  const h = host.toLowerCase();
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null && mapped[1]!.startsWith("127.");
}

export function formatTarget(target: ListenTarget): string {
  switch (target.kind) {
    case "stdio":
      return "stdio://";
    case "unix":
      return `unix://${target.path}`;
    case "ws":
      return `ws://${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
  }
}
