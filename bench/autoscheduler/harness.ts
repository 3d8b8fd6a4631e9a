// The pieces of the auto-scheduler benchmark, each usable alone (the test runs them on a tiny
// workload): tuneWorkload runs autoScheduler.tune with its records in a file and keeps the
// trials-to-best curve; variantsOf builds the tuned, `ops` default, unscheduled and hand schedules
// of a workload; checkVariants runs each once on the same seeded inputs and compares its output
// with the unscheduled program's (the reference, as the tuner's own check uses), dropping a wrong
// one; timeInterleaved times the rest in rounds (A B C D A B C D ...) in this process, so the load
// of a shared machine falls on all of them alike.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { autoScheduler, build, te } from "../../ts/index.js";
import { IntImm } from "../../ts/ir/expr.js";
import type { Module } from "../../ts/runtime/module.js";
import { array, empty, type NDArray } from "../../ts/runtime/ndarray.js";
import { CheckError, checkClose, randomFloats } from "../suite/check.js";
import { median } from "../suite/stats.js";
import type { Scheduled, Workload } from "./types.js";

/** One point of the trials-to-best curve. */
export interface CurvePoint {
  /** 1-based trial number, in the order results arrived. */
  trial: number;
  /** This trial's median (seconds), or undefined when it failed. */
  seconds?: number;
  /** The best median so far (seconds). */
  best?: number;
  /** Seconds since the tune started. */
  elapsed: number;
}

/** What tuneWorkload found. */
export interface TuneOutcome {
  result: autoScheduler.TuneResult;
  curve: CurvePoint[];
  /** Wall-clock seconds of the tune. */
  seconds: number;
  /** Trials that failed (build, wrong, crash, timeout, lost). */
  errors: number;
  /** The trial (1-based) at which the final best was first reached. */
  bestAt: number;
  /** Whether the run stopped at the time budget before its trials were done. */
  stoppedAtBudget: boolean;
}

/** Options of tuneWorkload. */
export interface TuneWorkloadOptions {
  trials: number;
  seed: number;
  /** The records file (JSON lines); removed first unless `resume`. */
  records: string;
  resume?: boolean;
  /** Stop starting new rounds of trials after this many seconds (checked between chunks of `chunk` trials). */
  budgetSeconds?: number;
  /** Trials a tune call when a budget is set (default 64). */
  chunk?: number;
  timeoutMs?: number;
  batchSize?: number;
  queue?: autoScheduler.MeasureQueue;
  minRepeats?: number;
  maxRepeats?: number;
  log?: (line: string) => void;
}

/**
 * Tunes the workload's program. Without a budget this is one autoScheduler.tune call. With one,
 * the trials are run as successive tune calls of `chunk` trials on the same records file (each
 * starts from the records so far; chunk c uses seed + c), until the trials are done or the
 * budget has passed: tune has no time budget of its own.
 */
export async function tuneWorkload(w: Workload, opts: TuneWorkloadOptions): Promise<TuneOutcome> {
  mkdirSync(dirname(opts.records), { recursive: true });
  if (!opts.resume && existsSync(opts.records)) rmSync(opts.records);
  const curve: CurvePoint[] = [];
  const start = performance.now();
  let best: number | undefined;
  const chunk = opts.budgetSeconds === undefined ? opts.trials : (opts.chunk ?? 64);
  let done = 0;
  let result: autoScheduler.TuneResult | undefined;
  let stoppedAtBudget = false;
  const trials: autoScheduler.Trial[] = [];
  for (let c = 0; done < opts.trials; c++) {
    // The first chunk always runs: a budget stops a tune between chunks, never before a trial.
    if (c > 0 && opts.budgetSeconds !== undefined && (performance.now() - start) / 1000 >= opts.budgetSeconds) {
      stoppedAtBudget = true;
      break;
    }
    const p = w.program();
    const n = Math.min(chunk, opts.trials - done);
    result = await autoScheduler.tune(p.outputs, {
      args: p.args, trials: n, seed: opts.seed + c, records: opts.records, timeoutMs: opts.timeoutMs ?? 20_000,
      batchSize: opts.batchSize, queue: opts.queue, progress: false,
      minRepeats: opts.minRepeats, maxRepeats: opts.maxRepeats,
      onProgress: (pr) => {
        const s = pr.last.seconds;
        if (s !== undefined && (best === undefined || s < best)) best = s;
        curve.push({ trial: curve.length + 1, seconds: s, best, elapsed: (performance.now() - start) / 1000 });
        if (opts.log && (pr.done % 8 === 0 || pr.done === pr.trials)) opts.log(`  ${w.name}: ${done + pr.done}/${opts.trials} trials, best ${best === undefined ? "none" : `${(best * 1e3).toFixed(3)} ms`}`);
      },
    });
    trials.push(...result.trials);
    done += result.trials.length;
    if (result.trials.length === 0) break;
  }
  if (!result) throw new Error(`tuneWorkload ${w.name}: no tune ran (trials ${opts.trials})`);
  const final = curve.at(-1)?.best;
  const bestAt = curve.find((p) => p.best !== undefined && p.best === final)?.trial ?? 0;
  return {
    result: { ...result, trials }, curve, seconds: (performance.now() - start) / 1000,
    errors: trials.filter((t) => t.error).length, bestAt, stoppedAtBudget,
  };
}

/** A built schedule of the workload. */
export interface Variant {
  /** "tuned", "ops default", "unscheduled" or "hand". */
  name: string;
  module: Module;
  /** What went wrong when it was checked (then it is not timed). */
  wrong?: string;
}

/** Builds a schedule as the variant `name`. */
export function buildVariant(name: string, v: Scheduled): Variant {
  const module = build(v.s, v.args, { name: "kernel", maxStackBytes: Math.max(v.maxStackBytes ?? 0, 1 << 16) });
  return { name, module };
}

/** The tuned, ops default (when there is one), unscheduled and hand (when there is one) variants. */
export function variantsOf(w: Workload, tuned: autoScheduler.TuneResult, lanes: number): Variant[] {
  const out = [buildVariant("tuned", { s: tuned.schedule, args: tuned.args as te.Tensor[] })];
  if (w.opsDefault) out.push(buildVariant("ops default", w.opsDefault()));
  const p = w.program();
  out.push(buildVariant("unscheduled", { s: te.createSchedule(p.outputs.map((t) => t.op)), args: p.args }));
  if (w.hand) out.push(buildVariant("hand", w.hand(lanes)));
  return out;
}

/** The workload's seeded inputs and a fresh output for each variant. */
export interface WorkloadData {
  inputs: NDArray[];
  outputShape: number[];
}

/** Inputs of the shapes of the program's arguments (all but the last), from `seed`. */
export function workloadData(w: Workload, seed: number): WorkloadData {
  const p = w.program();
  const shapes = p.args.map((t) => t.shape.map((d) => {
    if (!(d instanceof IntImm)) throw new Error(`workloadData ${w.name}: tensor ${t.name} needs a constant shape`);
    return d.value;
  }));
  const inputs = shapes.slice(0, -1).map((sh, i) => array(randomFloats(sh.reduce((a, b) => a * b, 1), seed * 101 + i), sh));
  return { inputs, outputShape: shapes.at(-1)! };
}

/** Runs a variant once and returns its output. */
export function runOnce(v: Variant, data: WorkloadData): Float32Array {
  const out = empty(data.outputShape);
  v.module.getFunction("kernel")(...data.inputs, out);
  return out.data as Float32Array;
}

/**
 * Checks every variant against the unscheduled program's output (max error relative to
 * max(|ref|, 1), within `rtol`); a wrong variant gets `wrong` set and is not timed.
 * @returns The variants that passed.
 */
export function checkVariants(variants: Variant[], data: WorkloadData, rtol = 1e-3): Variant[] {
  const ref = variants.find((v) => v.name === "unscheduled");
  if (!ref) throw new Error("checkVariants: needs the unscheduled variant as the reference");
  const want = runOnce(ref, data);
  for (const v of variants) {
    if (v === ref) continue;
    try {
      checkClose(runOnce(v, data), want, rtol);
    } catch (e) {
      if (!(e instanceof CheckError)) throw e;
      v.wrong = e.message;
    }
  }
  return variants.filter((v) => v.wrong === undefined);
}

/** Seconds a call of each variant, one entry a round. */
export type Timings = Map<string, number[]>;

/**
 * Times the variants in `rounds` interleaved rounds: each variant's calls a round are set once
 * so that they take about `roundSeconds` (at least one call), after a warm-up call.
 */
export function timeInterleaved(variants: Variant[], data: WorkloadData, rounds: number, roundSeconds: number): Timings {
  const out = empty(data.outputShape);
  const calls = variants.map((v) => {
    const f = v.module.timeEvaluator("kernel", { number: 1, repeat: 1 });
    const once = f(...data.inputs, out).results[0];
    return Math.max(1, Math.min(10_000, Math.round(roundSeconds / Math.max(once, 1e-9))));
  });
  const times: Timings = new Map(variants.map((v) => [v.name, []]));
  for (let r = 0; r < rounds; r++) {
    variants.forEach((v, i) => {
      const f = v.module.timeEvaluator("kernel", { number: calls[i], repeat: 1 });
      times.get(v.name)!.push(f(...data.inputs, out).results[0]);
    });
  }
  return times;
}

/** The median seconds of each variant. */
export function medians(t: Timings): Map<string, number> {
  return new Map([...t].map(([k, v]) => [k, median(v)]));
}
