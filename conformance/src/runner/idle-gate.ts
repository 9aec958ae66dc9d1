// Admission of fixtures by what the machine has to spare. Most of a fixture's wall time is
// waiting (a 2 s drain window, a quiet period, a child's sleep), so a fixed job count
// leaves the CPU idle. The gate keeps a level: how many fixtures may run at once. It starts
// at `floor` (--jobs), rises by one while the CPU was mostly idle over the latest samples,
// up to `ceiling` (--max-jobs), and falls by one, never below the floor, while it was
// nearly busy. Over several samples, not the last one alone: a 100 ms sample counts idle
// in 10 ms ticks and swings between 0 and 40% as servers start in bursts, and a gate that
// went by single samples kept a run's second half near the floor with the CPU 10 to 15%
// idle (docs/performance.md). A fixture that ends makes room for the next one up to the
// level (not only up to the floor: a level that decayed with every fixture that ended kept
// a run at half the machine). On a loaded machine the level stays at the floor, so a
// fixture's deadlines meet the same contention as with a fixed job count.
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

/** The defaults of the options below; `run --help` states them. */
export const IDLE_GATE_DEFAULTS = { idleAbove: 0.06, idleBelow: 0.02, intervalMs: 100, window: 5 } as const;

export interface IdleGateOptions {
  floor: number;
  ceiling: number;
  /** Mean idle fraction above which the level rises by one (default 0.06). */
  idleAbove?: number;
  /** Mean idle fraction below which the level falls by one (default 0.02). */
  idleBelow?: number;
  intervalMs?: number;
  /** How many of the latest samples the mean is over (default 5: half a second at 100 ms). */
  window?: number;
  sampler?: IdleSampler;
}

export class IdleGate {
  private active = 0;
  private level: number;
  private readonly waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The most fixtures that ran at once. */
  peak = 0;

  constructor(private readonly o: IdleGateOptions) {
    this.level = o.floor;
    if (o.ceiling > o.floor) {
      const sample = o.sampler ?? cpuIdleSampler();
      const latest: number[] = [];
      this.timer = setInterval(() => {
        const one = sample();
        if (one === undefined) return;
        latest.push(one);
        if (latest.length > (o.window ?? IDLE_GATE_DEFAULTS.window)) latest.shift();
        const idle = latest.reduce((sum, x) => sum + x, 0) / latest.length;
        // Rises only while fixtures wait for a place: a level nobody uses proves nothing.
        if (idle > (o.idleAbove ?? IDLE_GATE_DEFAULTS.idleAbove) && this.level < o.ceiling && this.waiting.length > 0) this.level++;
        else if (idle < (o.idleBelow ?? IDLE_GATE_DEFAULTS.idleBelow) && this.level > o.floor) this.level--;
        this.admit();
      }, o.intervalMs ?? IDLE_GATE_DEFAULTS.intervalMs);
      this.timer.unref?.();
    }
  }

  /** Resolves when the caller may start a fixture; pair with done(). */
  enter(): Promise<void> {
    if (this.active < this.level && this.waiting.length === 0) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  done(): void {
    this.active--;
    this.admit();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const w of this.waiting.splice(0)) w();
  }

  private take(): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
  }

  private admit(): void {
    while (this.active < this.level) {
      const next = this.waiting.shift();
      if (!next) return;
      this.take();
      next();
    }
  }
}
