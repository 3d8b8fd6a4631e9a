// LocalQueue: the in-process MeasureQueue, the default of autoScheduler.tune. Candidates are
// compiled in parallel (the compile driver runs at most one compiler a core, off the event loop)
// and run one at a time, in the order their compiles finish, each in a measuring child process
// (measure_run.ts), and only while no compile is in flight (compile_gate.ts), so runs share the
// machine neither with each other nor with the compiler. Each job id is measured
// once per queue: a repeated id, in one call or a later one, gets the first measurement's
// result. A job that could not be measured for a reason not its own (the reference broken, a
// child that cannot start) is a "lost" result, and is measured again if submitted again.
import { ArgumentError } from "../errors.js";
import { CompileGate } from "./compile_gate.js";
import { compileJob } from "./measure_compile.js";
import { checkMeasureJob, workerName } from "./measure.js";
import { releaseIdleMeasuringProcesses, runCompiledJob } from "./measure_run.js";
import type { MeasureJob, MeasureQueue, MeasureResult } from "./measure_job.js";

/**
 * The in-process measure queue: compiles candidates in parallel, runs them one at a time in a
 * child process, and measures each job id once.
 *
 * @example
 * ```ts
 * const queue = new autoScheduler.LocalQueue();
 * const results = await queue.measure(jobs, (r) => console.log(r.id, r.median ?? r.error?.kind));
 * await queue.close();
 * ```
 */
export class LocalQueue implements MeasureQueue {
  readonly #results = new Map<string, Promise<MeasureResult>>();
  #runs: Promise<unknown> = Promise.resolve();
  readonly #gate = new CompileGate();
  #closed = false;

  /** Measures every job (each id once, here and across calls), calling `onResult` as results arrive. */
  measure(jobs: readonly MeasureJob[], onResult?: (r: MeasureResult) => void): Promise<MeasureResult[]> {
    if (this.#closed) return Promise.reject(new ArgumentError("LocalQueue.measure: the queue is closed"));
    if (!Array.isArray(jobs)) return Promise.reject(new ArgumentError(`LocalQueue.measure: jobs must be an array of MeasureJob, got ${typeof jobs}`));
    try {
      for (const j of jobs) checkMeasureJob(j);
    } catch (e) {
      return Promise.reject(e);
    }
    const ids = [...new Set(jobs.map((j) => j.id))];
    for (const j of jobs) if (!this.#results.has(j.id)) this.#results.set(j.id, this.#measureOne(j));
    if (onResult) for (const id of ids) void this.#results.get(id)!.then(onResult);
    return Promise.all(jobs.map((j) => this.#results.get(j.id)!));
  }

  async #measureOne(job: MeasureJob): Promise<MeasureResult> {
    const worker = workerName();
    let r: MeasureResult;
    try {
      const compiled = await this.#gate.track(compileJob(job, worker));
      // Timed alone: after the runs before it and once no compile shares the machine.
      r = "job" in compiled ? await this.#exclusive(async () => {
        await this.#gate.idle();
        return runCompiledJob(compiled, worker);
      }) : compiled;
    } catch (e) {
      r = { id: job.id, error: { kind: "lost", message: (e as Error).message }, worker };
    }
    if (r.error?.kind === "lost") this.#results.delete(job.id);
    return r;
  }

  /** Runs `fn` after every run started before it. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#runs.then(fn);
    this.#runs = p.catch(() => undefined);
    return p;
  }

  /** Waits for the runs in progress, then stops the idle measuring processes. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#results.values()]);
    releaseIdleMeasuringProcesses();
  }
}
