// Admission of fixtures by what the machine has to spare. Most of a fixture's wall time is
// waiting (a server starting, a 2 s drain window, a quiet period), so a fixed job count
// leaves the CPU idle. The gate always admits up to `floor` fixtures at once (--jobs), and
// one more at a time, up to `ceiling` (--max-jobs), whenever the CPU was mostly idle over
// the last sampling interval. On a loaded machine it stays at the floor, so a fixture's
// deadlines meet the same contention as with a fixed job count.
import { cpus } from "node:os";

/** Fraction of the machine's CPU time spent idle since the previous call; undefined if unknown. */
export type IdleSampler = () => number | undefined;

export function cpuIdleSampler(): IdleSampler {
  const totals = () => {
    let idle = 0;
    let all = 0;
    for (const { times } of cpus()) {
      idle += times.idle;
      all += times.user + times.nice + times.sys + times.idle + times.irq;
    }
    return { idle, all };
  };
  let last = totals();
  return () => {
    const now = totals();
    const all = now.all - last.all;
    const idle = now.idle - last.idle;
    last = now;
    return all > 0 ? idle / all : undefined;
  };
}

export interface IdleGateOptions {
  floor: number;
  ceiling: number;
  /** Idle fraction above which one more fixture may start. */
  idleAbove?: number;
  intervalMs?: number;
  sampler?: IdleSampler;
}

export class IdleGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The most fixtures that ran at once. */
  peak = 0;

  constructor(private readonly o: IdleGateOptions) {
    if (o.ceiling > o.floor) {
      const sample = o.sampler ?? cpuIdleSampler();
      this.timer = setInterval(() => {
        const idle = sample();
        if (idle !== undefined && idle > (o.idleAbove ?? 0.35) && this.active < o.ceiling) this.admitOne();
      }, o.intervalMs ?? 100);
      this.timer.unref?.();
    }
  }

  /** Resolves when the caller may start a fixture; pair with done(). */
  enter(): Promise<void> {
    if (this.active < this.o.floor) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  done(): void {
    this.active--;
    if (this.active < this.o.floor) this.admitOne();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const w of this.waiting.splice(0)) w();
  }

  private take(): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
  }

  private admitOne(): void {
    const next = this.waiting.shift();
    if (next) {
      this.take();
      next();
    }
  }
}
