// Admission of fixtures by what the machine has to spare. Most of a fixture's wall time is
// waiting (a 2 s drain window, a quiet period, a child's sleep), so a fixed job count
// leaves the CPU idle. The gate keeps a level: how many fixtures may run at once. It starts
// at `floor` (--jobs), rises by one whenever the CPU was mostly idle over the last sampling
// interval, up to `ceiling` (--max-jobs), and falls by one, never below the floor, when the
// CPU was nearly busy. A fixture that ends makes room for the next one up to the level
// (not only up to the floor: a level that decayed with every fixture that ended kept a run
// at half the machine). On a loaded machine the level stays at the floor, so a fixture's
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
  /** Idle fraction above which the level rises by one (default 0.2). */
  idleAbove?: number;
  /** Idle fraction below which the level falls by one (default 0.05). */
  idleBelow?: number;
  intervalMs?: number;
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
      this.timer = setInterval(() => {
        const idle = sample();
        if (idle === undefined) return;
        // Rises only while fixtures wait for a place: a level nobody uses proves nothing.
        if (idle > (o.idleAbove ?? 0.2) && this.level < o.ceiling && this.waiting.length > 0) this.level++;
        else if (idle < (o.idleBelow ?? 0.05) && this.level > o.floor) this.level--;
        this.admit();
      }, o.intervalMs ?? 100);
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
