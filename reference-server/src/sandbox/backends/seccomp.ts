// Classic-BPF seccomp filters, generated in pure TypeScript and handed to `bwrap --seccomp FD`.
// Default action ALLOW; matches return EPERM. Only x86_64 and aarch64 have syscall tables;
// any other architecture is refused (fail closed).

export type SeccompArch = "x64" | "arm64";

export interface SeccompOptions {
  arch: SeccompArch;
  /** Network off: deny socket use except AF_UNIX socket/socketpair, and connect even for AF_UNIX. */
  networkOff: boolean;
  /** PTY mode without --new-session: deny TIOCSTI/TIOCLINUX ioctls. */
  denyTerminalInjection: boolean;
}

interface ArchTable {
  audit: number;
  x32Bit: boolean;
  nr: Record<SyscallName, number>;
}

type SyscallName =
  | "socket" | "connect" | "accept" | "accept4" | "sendto" | "shutdown" | "bind" | "listen"
  | "getsockname" | "getpeername" | "socketpair" | "setsockopt" | "getsockopt" | "recvmmsg" | "sendmmsg"
  | "ptrace" | "process_vm_readv" | "process_vm_writev" | "io_uring_setup" | "io_uring_enter" | "io_uring_register"
  | "sendmsg" | "ioctl";

const TABLES: Record<SeccompArch, ArchTable> = {
  x64: {
    audit: 0xc000003e, // AUDIT_ARCH_X86_64
    x32Bit: true,
    nr: {
      socket: 41, connect: 42, accept: 43, sendto: 44, shutdown: 48, bind: 49, listen: 50, getsockname: 51,
      getpeername: 52, socketpair: 53, setsockopt: 54, getsockopt: 55, ptrace: 101, accept4: 288, recvmmsg: 299,
      sendmmsg: 307, process_vm_readv: 310, process_vm_writev: 311, io_uring_setup: 425, io_uring_enter: 426,
      io_uring_register: 427, sendmsg: 46, ioctl: 16,
    },
  },
  arm64: {
    audit: 0xc00000b7, // AUDIT_ARCH_AARCH64
    x32Bit: false,
    nr: {
      socket: 198, socketpair: 199, bind: 200, listen: 201, accept: 202, connect: 203, getsockname: 204,
      getpeername: 205, sendto: 206, setsockopt: 208, getsockopt: 209, shutdown: 210, ptrace: 117, accept4: 242,
      recvmmsg: 243, sendmmsg: 269, process_vm_readv: 270, process_vm_writev: 271, io_uring_setup: 425,
      io_uring_enter: 426, io_uring_register: 427, sendmsg: 211, ioctl: 29,
    },
  },
};

// BPF opcodes and seccomp return values.
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
const RET_KILL_PROCESS = 0x80000000;
const RET_ALLOW = 0x7fff0000;
const RET_EPERM = 0x00050000 | 1;
const OFF_NR = 0;
const OFF_ARCH = 4;
const OFF_ARG0 = 16;
const OFF_ARG1 = 24;
const OFF_ARG4 = 48;
const AF_UNIX = 1;
const AF_VSOCK = 40;
const TIOCSTI = 0x5412;
const TIOCLINUX = 0x541c;

export interface BpfInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const ins = (code: number, k: number, jt = 0, jf = 0): BpfInsn => ({ code, jt, jf, k: k >>> 0 });

export function seccompArchFor(nodeArch: string): SeccompArch | undefined {
  return nodeArch === "x64" || nodeArch === "arm64" ? nodeArch : undefined;
}

/** The filter as instructions (exposed for tests). */
export function seccompProgram(options: SeccompOptions): BpfInsn[] {
  const t = TABLES[options.arch];
  const p: BpfInsn[] = [
    ins(LD_W_ABS, OFF_ARCH),
    ins(JEQ_K, t.audit, 1, 0),
    ins(RET_K, RET_KILL_PROCESS),
    ins(LD_W_ABS, OFF_NR),
  ];
  if (t.x32Bit) p.push(ins(JGE_K, 0x40000000, 0, 1), ins(RET_K, RET_EPERM));
  const deny = (name: SyscallName) => p.push(ins(JEQ_K, t.nr[name], 0, 1), ins(RET_K, RET_EPERM));
  // Always: io_uring bypasses the syscall filter for socket ops.
  for (const n of ["io_uring_setup", "io_uring_enter", "io_uring_register"] as const) deny(n);
  if (options.networkOff) {
    // Unlike upstream, getsockname/getpeername/getsockopt/shutdown stay allowed: they only
    // inspect or close sockets the process already has, and libuv needs them to recognise
    // the socketpair stdio Node's child_process hands to children (otherwise Node silently
    // discards stdout).
    for (const n of [
      "connect", "accept", "accept4", "bind", "listen", "sendmsg", "sendmmsg", "recvmmsg", "setsockopt",
      "ptrace", "process_vm_readv", "process_vm_writev",
    ] as const) deny(n);
    // sendto only without a destination address (send() on an already connected socket);
    // with an address it could reach host datagram sockets such as /dev/log.
    p.push(
      ins(JEQ_K, t.nr.sendto, 0, 6),
      ins(LD_W_ABS, OFF_ARG4),
      ins(JEQ_K, 0, 0, 3),
      ins(LD_W_ABS, OFF_ARG4 + 4),
      ins(JEQ_K, 0, 0, 1),
      ins(RET_K, RET_ALLOW),
      ins(RET_K, RET_EPERM),
    );
    // socket / socketpair: only AF_UNIX.
    for (const n of ["socket", "socketpair"] as const) {
      p.push(ins(JEQ_K, t.nr[n], 0, 4), ins(LD_W_ABS, OFF_ARG0), ins(JEQ_K, AF_UNIX, 0, 1), ins(RET_K, RET_ALLOW), ins(RET_K, RET_EPERM));
    }
  } else {
    // Network on: only AF_VSOCK (host bridges such as WSL interop) is denied.
    for (const n of ["socket", "socketpair"] as const) {
      p.push(ins(JEQ_K, t.nr[n], 0, 4), ins(LD_W_ABS, OFF_ARG0), ins(JEQ_K, AF_VSOCK, 0, 1), ins(RET_K, RET_EPERM), ins(RET_K, RET_ALLOW));
    }
  }
  if (options.denyTerminalInjection) {
    p.push(
      ins(JEQ_K, t.nr.ioctl, 0, 5),
      ins(LD_W_ABS, OFF_ARG1),
      ins(JEQ_K, TIOCSTI, 2, 0),
      ins(JEQ_K, TIOCLINUX, 1, 0),
      ins(RET_K, RET_ALLOW),
      ins(RET_K, RET_EPERM),
    );
  }
  p.push(ins(RET_K, RET_ALLOW));
  return p;
}

/** `struct sock_filter[]` bytes (8 bytes per instruction, little-endian), as bwrap reads them. */
export function seccompFilterBytes(options: SeccompOptions): Buffer {
  const prog = seccompProgram(options);
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((i, n) => {
    buf.writeUInt16LE(i.code, n * 8);
    buf.writeUInt8(i.jt, n * 8 + 2);
    buf.writeUInt8(i.jf, n * 8 + 3);
    buf.writeUInt32LE(i.k, n * 8 + 4);
  });
  return buf;
}

/** A tiny interpreter of our own programs, for unit tests of the jump layout. */
export function runSeccompProgram(prog: readonly BpfInsn[], data: { nr: number; arch: number; args?: number[] }): number {
  let acc = 0;
  let pc = 0;
  const load = (off: number): number => {
    if (off === OFF_NR) return data.nr >>> 0;
    if (off === OFF_ARCH) return data.arch >>> 0;
    const index = Math.floor((off - OFF_ARG0) / 8);
    const value = data.args?.[index] ?? 0;
    return ((off - OFF_ARG0) % 8 === 4 ? Math.floor(value / 2 ** 32) : value % 2 ** 32) >>> 0;
  };
  for (let steps = 0; steps < 10_000; steps++) {
    const i = prog[pc];
    if (!i) throw new Error(`pc ${pc} out of range`);
    switch (i.code) {
      case LD_W_ABS:
        acc = load(i.k);
        pc++;
        break;
      case JEQ_K:
        pc += 1 + (acc === i.k ? i.jt : i.jf);
        break;
      case JGE_K:
        pc += 1 + (acc >= i.k ? i.jt : i.jf);
        break;
      case RET_K:
        return i.k;
      default:
        throw new Error(`unknown opcode ${i.code}`);
    }
  }
  throw new Error("program did not terminate");
}

export const SECCOMP_RET = { ALLOW: RET_ALLOW, EPERM: RET_EPERM, KILL_PROCESS: RET_KILL_PROCESS } as const;
export const SECCOMP_AUDIT_ARCH = { x64: TABLES.x64.audit, arm64: TABLES.arm64.audit } as const;
export const syscallNumber = (arch: SeccompArch, name: SyscallName): number => TABLES[arch].nr[name];
