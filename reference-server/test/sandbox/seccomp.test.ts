import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  SECCOMP_AUDIT_ARCH,
  SECCOMP_RET,
  runSeccompProgram,
  seccompFilterBytes,
  seccompProgram,
  syscallNumber,
  type SeccompArch,
} from "../../src/sandbox/backends/seccomp.ts";

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_VSOCK = 40;

for (const arch of ["x64", "arm64"] as const satisfies readonly SeccompArch[]) {
  describe(`seccomp filter (${arch})`, () => {
    const off = seccompProgram({ arch, networkOff: true, denyTerminalInjection: true });
    const on = seccompProgram({ arch, networkOff: false, denyTerminalInjection: false });
    const call = (prog: typeof off, name: Parameters<typeof syscallNumber>[1], args: number[] = []) =>
      runSeccompProgram(prog, { nr: syscallNumber(arch, name), arch: SECCOMP_AUDIT_ARCH[arch], args });

    it("kills on a foreign architecture", () => {
      const other = arch === "x64" ? SECCOMP_AUDIT_ARCH.arm64 : SECCOMP_AUDIT_ARCH.x64;
      expect(runSeccompProgram(off, { nr: 0, arch: other })).toBe(SECCOMP_RET.KILL_PROCESS);
    });
    it("network off: only AF_UNIX sockets, no connect/bind/listen/accept", () => {
      expect(call(off, "socket", [AF_UNIX])).toBe(SECCOMP_RET.ALLOW);
      expect(call(off, "socketpair", [AF_UNIX])).toBe(SECCOMP_RET.ALLOW);
      for (const domain of [AF_INET, AF_INET6, AF_VSOCK, 16 /* netlink */]) expect(call(off, "socket", [domain])).toBe(SECCOMP_RET.EPERM);
      for (const name of ["connect", "bind", "listen", "accept", "accept4", "sendmsg", "sendmmsg", "ptrace", "io_uring_setup"] as const) {
        expect(call(off, name)).toBe(SECCOMP_RET.EPERM);
      }
    });
    it("network off: send() on a connected socket is allowed, sendto with an address is not", () => {
      expect(call(off, "sendto", [3, 0, 10, 0, 0, 0])).toBe(SECCOMP_RET.ALLOW);
      expect(call(off, "sendto", [3, 0, 10, 0, 0x7ffd1000, 16])).toBe(SECCOMP_RET.EPERM);
      expect(call(off, "sendto", [3, 0, 10, 0, 2 ** 40, 16])).toBe(SECCOMP_RET.EPERM);
    });
    it("network off: socket introspection stays allowed (libuv stdio detection)", () => {
      for (const name of ["getsockname", "getpeername", "getsockopt", "shutdown"] as const) expect(call(off, name)).toBe(SECCOMP_RET.ALLOW);
    });
    it("PTY mode denies TIOCSTI and TIOCLINUX only", () => {
      expect(call(off, "ioctl", [0, 0x5412])).toBe(SECCOMP_RET.EPERM);
      expect(call(off, "ioctl", [0, 0x541c])).toBe(SECCOMP_RET.EPERM);
      expect(call(off, "ioctl", [0, 0x5413 /* TIOCGWINSZ */])).toBe(SECCOMP_RET.ALLOW);
      expect(call(on, "ioctl", [0, 0x5412])).toBe(SECCOMP_RET.ALLOW);
    });
    it("network on: everything but AF_VSOCK and io_uring is allowed", () => {
      expect(call(on, "socket", [AF_INET])).toBe(SECCOMP_RET.ALLOW);
      expect(call(on, "connect")).toBe(SECCOMP_RET.ALLOW);
      expect(call(on, "socket", [AF_VSOCK])).toBe(SECCOMP_RET.EPERM);
      expect(call(on, "io_uring_enter")).toBe(SECCOMP_RET.EPERM);
    });
    it("encodes 8 bytes per instruction, little-endian", () => {
      const bytes = seccompFilterBytes({ arch, networkOff: true, denyTerminalInjection: false });
      expect(bytes.length).toBe(seccompProgram({ arch, networkOff: true, denyTerminalInjection: false }).length * 8);
      expect(bytes.readUInt16LE(0)).toBe(0x20); // ld [arch]
      expect(bytes.readUInt32LE(4)).toBe(4);
      expect(bytes.readUInt32LE(8 + 4)).toBe(SECCOMP_AUDIT_ARCH[arch]);
    });
  });
}

it("x86_64 filter bytes are stable (golden hash)", () => {
  const hash = (o: Parameters<typeof seccompFilterBytes>[0]) => createHash("sha256").update(seccompFilterBytes(o)).digest("hex").slice(0, 16);
  expect({
    off: hash({ arch: "x64", networkOff: true, denyTerminalInjection: false }),
    offPty: hash({ arch: "x64", networkOff: true, denyTerminalInjection: true }),
    on: hash({ arch: "x64", networkOff: false, denyTerminalInjection: false }),
  }).toMatchInlineSnapshot(`
    {
      "off": "51fddb3a4ad8e94a",
      "offPty": "1a0e35832e6a3108",
      "on": "4d30c500c6c3f2bb",
    }
  `);
  expect(runSeccompProgram(seccompProgram({ arch: "x64", networkOff: true, denyTerminalInjection: false }), { nr: 0x40000000 + 1, arch: SECCOMP_AUDIT_ARCH.x64 })).toBe(
    SECCOMP_RET.EPERM,
  );
});
