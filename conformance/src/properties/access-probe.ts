#!/usr/bin/env node
// The access probe of properties 4 and 5: tries filesystem and network accesses and prints
// one line per attempt, "ok" or "denied <code>", so the kit can compare what a sandbox
// allowed with its own model. Runs under Node and Deno (node:* modules only).
//
// Usage: access-probe <action> <arg>... (actions in sequence)
//   read <path>           read a file
//   write <path>          create/overwrite a file with "w"
//   list <dir>            list a directory
//   connect <host> <port> open a TCP connection (2 s limit)
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import process from "node:process";

function attempt(f: () => void): string {
  try {
    f();
    return "ok";
  } catch (e) {
    return `denied ${(e as NodeJS.ErrnoException).code ?? "error"}`;
  }
}

function tcp(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve("denied ETIMEDOUT");
    }, 2000);
    s.on("connect", () => {
      clearTimeout(timer);
      s.destroy();
      resolve("ok");
    });
    s.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(`denied ${e.code ?? "error"}`);
    });
  });
}

async function main(args: string[]): Promise<void> {
  const out: string[] = [];
  for (let i = 0; i < args.length; ) {
    const action = args[i++]!;
    if (action === "read") {
      const p = args[i++]!;
      out.push(attempt(() => readFileSync(p)));
    } else if (action === "write") {
      const p = args[i++]!;
      out.push(attempt(() => writeFileSync(p, "w")));
    } else if (action === "list") {
      const p = args[i++]!;
      out.push(attempt(() => readdirSync(p)));
    } else if (action === "connect") {
      const host = args[i++]!;
      const port = Number(args[i++]);
      out.push(await tcp(host, port));
    } else {
      out.push(`unknown ${action}`);
    }
  }
  process.stdout.write(`${out.join("\n")}\n`, () => process.exit(0));
}

void main(process.argv.slice(2));
