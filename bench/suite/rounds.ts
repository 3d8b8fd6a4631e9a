// Runs one kernel: sets up every entry (a missing baseline becomes a Skip with its install hint),
// checks each entry's output against the reference before timing it (a wrong entry is reported,
// not timed), then times the entries in interleaved rounds (A B C A B C ...) so that the load of
// a shared machine falls on all of them alike, once per thread count.
import { describeHotLoop, hotLoop } from "./hot_loop.js";
import { isSkip, type Kernel, type Measurement, type Runner, type Skipped } from "./types.js";

/** How a kernel is run. */
export interface RoundOptions {
  /** Thread counts, e.g. [1, 2]. */
  threads: number[];
  /** Interleaved rounds per thread count. */
  rounds: number;
  /** About how long one entry's calls in one round should take, in seconds (sets the calls per round). */
  targetSeconds: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Log each tejit entry's hot loop, read from its library's disassembly. */
  disasm?: boolean;
}

/** The kernel's measurements and its skipped or wrong entries. */
export interface KernelResult {
  kernel: Kernel;
  measurements: Measurement[];
  skipped: Skipped[];
}

/** Calls per round so that a round of this entry takes about `target` seconds. */
export function repsFor(secondsPerCall: number, target: number): number {
  if (!(secondsPerCall > 0)) return 1;
  return Math.max(1, Math.min(100_000, Math.round(target / secondsPerCall)));
}

/**
 * Calls per round for a runner: batches of 1, 10, 100, ... calls (which also warm it up) until a
 * batch takes a tenth of the target, then as many calls as fill the target at that rate.
 */
export async function calibrate(runner: Runner, threads: number, target: number): Promise<number> {
  let reps = 1;
  for (;;) {
    const s = await runner.time(reps, threads);
    if (s * reps >= target / 10 || reps >= 100_000) return repsFor(s, target);
    reps *= 10;
  }
}

/** Runs `kernel` as `opts` says. */
export async function runKernel(kernel: Kernel, opts: RoundOptions): Promise<KernelResult> {
  const log = opts.log ?? (() => {});
  const skipped: Skipped[] = [];
  const ready: { entry: Kernel["entries"][number]; runner: Runner }[] = [];
  for (const entry of kernel.entries) {
    let r;
    try {
      r = await entry.setup();
    } catch (e) {
      r = { skip: `setup failed: ${(e as Error).message.split("\n")[0]}` };
    }
    if (isSkip(r)) {
      skipped.push({ kernel: kernel.id, entry: entry.name, reason: r.skip });
      log(`  ${entry.name}: skipped: ${r.skip}`);
    } else {
      ready.push({ entry, runner: r });
      if (opts.disasm && r.library) log(`  ${entry.name}: hot loop: ${describeHotLoop(hotLoop(r.library))}`);
    }
  }
  const measurements: Measurement[] = [];
  try {
    for (const threads of opts.threads) {
      const active: { entry: Kernel["entries"][number]; runner: Runner; m: Measurement }[] = [];
      for (const { entry, runner } of ready) {
        if (entry.singleThread && threads !== 1) continue;
        let check: string | undefined;
        try {
          if (kernel.check && runner.result) check = kernel.check(await runner.result(threads));
          const reps = await calibrate(runner, threads, opts.targetSeconds);
          active.push({ entry, runner, m: { kernel: kernel.id, entry: entry.name, role: entry.role, threads, seconds: [], reps, check, ...(entry.work !== undefined ? { work: entry.work } : {}) } });
        } catch (e) {
          const reason = `${threads} thread${threads === 1 ? "" : "s"}: ${check === undefined && kernel.check && runner.result ? "wrong result or failed run" : "failed"}: ${(e as Error).message.split("\n")[0]}`;
          skipped.push({ kernel: kernel.id, entry: entry.name, reason });
          log(`  ${entry.name}: ${reason}`);
        }
      }
      for (let round = 0; round < opts.rounds; round++) {
        for (const a of active) a.m.seconds.push(await a.runner.time(a.m.reps, threads));
      }
      for (const a of active) measurements.push(a.m);
    }
  } finally {
    for (const { runner } of ready) runner.close?.();
  }
  return { kernel, measurements, skipped };
}
