// autoScheduler.tune: measures candidate schedules of a program and returns the fastest that ran
// and was right. It keys the program (workload key) and the machine (target key), takes what the
// records already know of that pair, builds the rules' search space, then asks the evolutionary
// search for batches of candidates; each is lowered and its C generated here, and measured by the
// queue (compiled, run in a child process with a timeout, checked against the unscheduled
// program's output, repeated until the median is stable). Every outcome, error or time, becomes
// a record; an error is never chosen. At the end the fastest few (`finalists`) are timed again
// back to back and the fastest of those times wins: on a shared machine times taken minutes
// apart drift by more than good candidates differ. The candidates of a batch are compiled while
// other work waits on promises, so the event loop keeps running.

import { ArgumentError, ConfigError, TuneError } from "../errors.js";
import type { LowerArg } from "../schedule/postproc_to_primfunc.js";
import type { Schedule } from "../schedule/schedule.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import { version } from "../version.js";
import { defaultSchedule, type DefaultScheduleHook, hasDefaultSchedule } from "./default_schedule.js";
import type { Decisions } from "./decisions.js";
import { ruleSeed } from "./rule_seed.js";
import { type Candidate, EvolutionarySearch, type Measured, type Origin, traceKey } from "./evolutionary_search.js";
import type { MeasureError, MeasureJob, MeasureQueue, MeasureResult } from "./measure_job.js";
import { type JobSettings, makeJob, measureArgs, referenceSource, scheduleSource } from "./measure_jobs.js";
import { TerminalProgress, type TuneProgress } from "./progress.js";
import { appendRecords, recordsOf, translateTrace, type TuningRecord } from "./records.js";
import { searchSpace } from "./search_space.js";
import { describeTarget, type TargetOptions, targetKeyOf } from "./target_key.js";
import { outputOps, replayTrace, type Trace } from "./trace.js";
import { workloadKey, workloadNames } from "./workload_key.js";

/** Options of {@link tune}. */
export interface TuneOptions extends TargetOptions {
  /** The kernel's arguments in order (tensors of constant shape), as build takes them. */
  args: LowerArg[];
  /** Candidates to measure in this run (default 64). */
  trials?: number;
  /** Seed of the search's random choices and of the input data (default 0). */
  seed?: number;
  /**
   * Records to start from and to add to: a JSON-lines file (read, then appended to as results
   * arrive), or an array (read; new records are pushed onto it).
   */
  records?: string | TuningRecord[];
  /** A candidate whose run takes longer is killed and recorded as a timeout (default 10000 ms). */
  timeoutMs?: number;
  /** Where candidates are measured (default: a LocalQueue, closed at the end). */
  queue?: MeasureQueue;
  /** Called after each measurement. */
  onProgress?: (p: TuneProgress) => void;
  /** Candidates a batch (default 16): a batch is compiled and measured together. */
  batchSize?: number;
  /** The kernel's name (default "main"). */
  name?: string;
  /** The default schedule to seed the search with (default: the one `ops` registers, if any). */
  defaultSchedule?: DefaultScheduleHook;
  /** A module the measuring process imports first (it registers the JS functions the program calls). */
  setupModule?: string;
  /** Threads to measure with (default: all cores). */
  threads?: number;
  /** Relative tolerance of the output check (default 1e-3 for floats). */
  rtol?: number;
  /** Timed runs a candidate: at least, at most, and the median's stability to stop at (defaults 3, 10, 0.05). */
  minRepeats?: number;
  /** At most this many timed runs a candidate (default 10). */
  maxRepeats?: number;
  /** Stop repeating once the median is stable within this (relative; default 0.05). */
  stableWithin?: number;
  /** Write the status line on a TTY (default true). */
  progress?: boolean;
  /**
   * The fastest this many candidates are timed again at the end, one right after another, and
   * the fastest of those times wins (default 3; 1 chooses by the search's times alone). Times
   * taken minutes apart drift on a shared machine by more than candidates differ.
   */
  finalists?: number;
}

/** One measured candidate of a tuning run. */
export interface Trial {
  /** Its position in the run (0 first). */
  index: number;
  /** Where it came from: the unscheduled program, the default schedule, the rules' first guess, a record, a sample of the rules' space, a mutation. */
  origin: Origin;
  /** Its schedule. */
  trace: Trace;
  /** The search's decisions behind the trace (rule-made candidates). */
  decisions?: Decisions;
  /** Median seconds, when it ran and was right. */
  median?: number;
  /** Seconds of each timed run. */
  seconds?: number[];
  /** Why it has no time (it is never chosen). */
  error?: MeasureError;
  /** The id of its measurement job (a hash of workload, schedule and target). */
  jobId?: string;
}

/** What {@link tune} returns. */
export interface TuneResult {
  /** The fastest schedule (a fresh one: the caller may keep changing it). */
  schedule: Schedule;
  /** The kernel's arguments (as given). */
  args: LowerArg[];
  /** Its median time, in seconds (from the final timing of the finalists, when there was one). */
  bestSeconds: number;
  /** The candidates measured in this run, in order. */
  trials: Trial[];
  /** The trace of the chosen schedule. */
  bestTrace: Trace;
  /** Where the chosen schedule came from ("record": measured in an earlier run). */
  bestOrigin: Origin;
  /** The program's workload key. */
  workloadKey: string;
  /** This machine's target key. */
  targetKey: string;
}

function positiveInt(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new ArgumentError(`autoScheduler.tune: option ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

async function defaultQueue(): Promise<MeasureQueue> {
  // The LocalQueue is in its own file (local_queue.ts); imported when first needed.
  const path = "./local_queue.js";
  let mod: { LocalQueue?: new () => MeasureQueue };
  try {
    mod = (await import(path)) as typeof mod;
  } catch (e) {
    throw new ConfigError(`autoScheduler.tune: no queue given and the LocalQueue could not be loaded (${(e as Error).message}); pass {queue}`);
  }
  if (!mod.LocalQueue) throw new ConfigError("autoScheduler.tune: no queue given and local_queue.js exports no LocalQueue; pass {queue}");
  return new mod.LocalQueue();
}

/** Records of this workload and target as search results (renamed for this spelling of the program). */
function knownResults(records: readonly TuningRecord[], wkey: string, tkey: string, names: ReturnType<typeof workloadNames>): Measured[] {
  const mine = records.filter((r) => r.workloadKey === wkey && r.targetKey === tkey);
  const out = mine.map((r): Measured => ({
    trace: r.names ? translateTrace(r.trace, r.names, names) : r.trace,
    decisions: r.decisions,
    origin: r.meta?.schedule === "default" ? "default" : "record",
    median: r.error ? undefined : r.median,
    error: r.error,
  }));
  // One result a schedule (the best time of it), in an order that does not depend on the file's.
  const best = new Map<string, Measured>();
  for (const m of out) {
    const k = traceKey(m);
    const b = best.get(k);
    if (!b || (m.median !== undefined && (b.median === undefined || m.median < b.median))) best.set(k, m);
  }
  return [...best.entries()].sort((a, b) => (a[1].median ?? Infinity) - (b[1].median ?? Infinity) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, m]) => m);
}

/**
 * Searches for the fastest schedule of the program that produces `outputs` on this machine,
 * measuring candidates (TVM's auto_scheduler / MetaSchedule tuning).
 * @param outputs The program's output tensors (or ops).
 * @param opts The kernel's arguments, the trial budget, the seed, the records, the queue.
 * @returns The fastest schedule that ran and was right, its time, and every trial.
 * @throws Error when an option is wrong, an argument is not a tensor of constant shape, or no
 * candidate ran correctly.
 */
export async function tune(outputs: Tensor | Operation | readonly (Tensor | Operation)[], opts: TuneOptions): Promise<TuneResult> {
  if (opts === null || typeof opts !== "object") throw new ArgumentError("autoScheduler.tune: expects options {args, trials, seed, records, timeoutMs, queue, onProgress}");
  const ops = outputOps(outputs);
  if (!Array.isArray(opts.args)) throw new ArgumentError("autoScheduler.tune: option args (the kernel's tensors in order) is required");
  const trials = positiveInt(opts.trials, "trials", 64);
  const batchSize = positiveInt(opts.batchSize, "batchSize", 16);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ArgumentError(`autoScheduler.tune: option seed must be an integer, got ${String(seed)}`);
  const timeoutMs = positiveInt(opts.timeoutMs, "timeoutMs", 10_000);
  const finalists = positiveInt(opts.finalists, "finalists", 3);
  const entry = opts.name ?? "main";
  const build = { cc: opts.cc, cflags: opts.cflags, target: opts.target };
  const args = measureArgs(opts.args, ops);
  const floats = args.every((a) => a.dtype.startsWith("float"));

  const target = describeTarget(build);
  const tkey = targetKeyOf(target);
  const wkey = workloadKey(ops);
  const names = workloadNames(ops);
  const allRecords = recordsOf(opts.records);
  const known = knownResults(allRecords, wkey, tkey, names);
  const space = searchSpace(ops, { vectorBytes: target.vectorBytes, cores: target.cores });
  const seeds: Candidate[] = [{ trace: [], origin: "unscheduled" }];
  // Only a default that is not the unscheduled program (a hook may decline a program).
  if (hasDefaultSchedule(opts.defaultSchedule) && defaultSchedule(ops, opts.defaultSchedule).from === "hook") seeds.push({ trace: [], origin: "default" });
  const rules = ruleSeed(space, target.cores);
  if (rules) {
    try {
      seeds.push({ trace: space.build(rules), decisions: rules, origin: "rules" });
    } catch {
      // The schedule API refused the guess (a shape the rules did not foresee): the search samples instead.
    }
  }
  const search = new EvolutionarySearch(space, seed, seeds, known);

  const settings: JobSettings = {
    workloadKey: wkey, targetKey: tkey, entry, build, timeoutMs, dataSeed: seed, rtol: opts.rtol ?? (floats ? 1e-3 : 0),
    setupModule: opts.setupModule, threads: opts.threads,
    minRepeats: opts.minRepeats ?? 3, maxRepeats: opts.maxRepeats ?? 10, stableWithin: opts.stableWithin ?? 0.05,
  };
  const reference = referenceSource(ops, opts.args, entry, build);
  const queue = opts.queue ?? (await defaultQueue());
  const terminal = new TerminalProgress();
  const showTerminal = opts.progress !== false;
  const start = performance.now();
  const done: Trial[] = [];
  let best: number | undefined = known.find((k) => k.median !== undefined)?.median;
  let arrived = 0;
  const report = (last: TuneProgress["last"]) => {
    arrived++;
    if (last.seconds !== undefined && (best === undefined || last.seconds < best)) best = last.seconds;
    const elapsedMs = performance.now() - start;
    const p: TuneProgress = { done: arrived, trials, bestSeconds: best, elapsedMs, remainingMs: (elapsedMs / arrived) * (trials - arrived), last };
    if (showTerminal) terminal.update(p);
    opts.onProgress?.(p);
  };
  const newRecords: TuningRecord[] = [];
  const record = (t: Trial, r?: MeasureResult) => {
    const rec: TuningRecord = {
      version: 1, workloadKey: wkey, targetKey: tkey, trace: t.trace,
      ...(t.median !== undefined ? { seconds: t.seconds, median: t.median } : { error: t.error }),
      names, ...(t.decisions ? { decisions: t.decisions } : {}), target,
      meta: { time: new Date().toISOString(), worker: r?.worker, seed, trial: t.index, tejit: version, ...(t.origin === "default" ? { schedule: "default" } : {}) },
    };
    newRecords.push(rec);
    if (typeof opts.records === "string") appendRecords(opts.records, [rec]);
    else if (Array.isArray(opts.records)) opts.records.push(rec);
  };

  const jobOf = (c: Candidate, salt = ""): MeasureJob => {
    const s = c.origin === "default" ? defaultSchedule(ops, opts.defaultSchedule).schedule : replayTrace(ops, c.trace);
    const { source, symbol } = scheduleSource(s, opts.args, entry, build);
    return makeJob(settings, traceKey(c) + salt, source, symbol, reference, args);
  };
  let final: { c: Measured; seconds: number }[] = [];
  try {
    while (done.length < trials) {
      const batch = search.next(Math.min(batchSize, trials - done.length));
      if (batch.length === 0) break;
      const jobs: (MeasureJob | undefined)[] = [];
      const errors: (MeasureError | undefined)[] = [];
      for (const c of batch) {
        // Lowering a candidate takes milliseconds (more with a large unroll): let other work run between them.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (c.error) {
          jobs.push(undefined);
          errors.push(c.error);
          continue;
        }
        try {
          jobs.push(jobOf(c));
          errors.push(undefined);
        } catch (e) {
          jobs.push(undefined);
          errors.push({ kind: "build", message: (e as Error).message });
        }
      }
      for (const e of errors) if (e) report({ error: `${e.kind}: ${e.message}` });
      const toMeasure = jobs.filter((j): j is MeasureJob => j !== undefined);
      const results = toMeasure.length === 0 ? [] : await queue.measure(toMeasure, (r) => report(r.error ? { error: `${r.error.kind}: ${r.error.message}` } : { seconds: r.median }));
      const byId = new Map(results.map((r) => [r.id, r]));
      const told: Measured[] = [];
      batch.forEach((c, i) => {
        const job = jobs[i];
        const r = job ? byId.get(job.id) : undefined;
        const error: MeasureError | undefined = errors[i] ?? r?.error ?? (job && !r ? { kind: "lost", message: "the queue returned no result for this job" } : undefined)
          ?? (r && (r.median === undefined || !Number.isFinite(r.median)) ? { kind: "lost", message: "the result has no median time" } : undefined);
        const t: Trial = {
          index: done.length, origin: c.origin, trace: c.trace, ...(c.decisions ? { decisions: c.decisions } : {}),
          ...(error ? { error } : { median: r!.median, seconds: r!.seconds }), ...(job ? { jobId: job.id } : {}),
        };
        done.push(t);
        record(t, r);
        told.push({ ...c, median: t.median, error: t.error });
      });
      search.tell(told);
    }
    // The finalists timed again back to back (new job ids: a queue measures an id once).
    const best = search.population().slice(0, finalists);
    if (best.length > 1) {
      const jobs = best.map((c) => jobOf(c, "\0final"));
      const results = await queue.measure(jobs);
      const byId = new Map(results.map((r) => [r.id, r]));
      final = best.flatMap((c, i) => {
        const r = byId.get(jobs[i].id);
        return r && r.error === undefined && r.median !== undefined && Number.isFinite(r.median) ? [{ c, seconds: r.median }] : [];
      });
    }
  } finally {
    if (showTerminal) terminal.finish();
    if (!opts.queue) await queue.close();
  }

  // The fastest finalist (the first of them on a tie), else the search's fastest.
  const chosen = final.length > 0 ? final.reduce((a, b) => (b.seconds < a.seconds ? b : a)) : undefined;
  const winner = chosen?.c ?? search.population()[0];
  if (!winner) {
    const first = done.find((t) => t.error)?.error;
    throw new TuneError(`autoScheduler.tune: no candidate ran correctly (${done.length} trials${first ? `; the first error, ${first.kind}: ${first.message.split("\n")[0]}` : ""})`);
  }
  const schedule = winner.origin === "default" ? defaultSchedule(ops, opts.defaultSchedule).schedule : replayTrace(ops, winner.trace);
  return {
    schedule, args: opts.args, bestSeconds: chosen?.seconds ?? winner.median!, trials: done, bestTrace: winner.trace,
    bestOrigin: winner.origin, workloadKey: wkey, targetKey: tkey,
  };
}
