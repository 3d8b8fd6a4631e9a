// Test queues for the auto-scheduler's search (the real LocalQueue runs candidates in child
// processes; these stay in the test's process):
// - InProcessQueue compiles each job's C (compileSourceAsync, so the event loop keeps running),
//   runs it and the reference on the same seeded inputs, checks every output within the job's
//   tolerance and times it with timeEvaluator: a real measurement, for tests that need real
//   schedules to be right;
// - FakeQueue compiles nothing: a job's "time" is a hash of its source, and a job whose source
//   matches `failWhen` is an error, so a search can be run many times quickly and deterministically.

import { createHash } from "node:crypto";
import { createModuleFromSourceAsync, type Module } from "../../ts/runtime/module.js";
import { empty, type NDArray } from "../../ts/runtime/ndarray.js";
import type { MeasureJob, MeasureQueue, MeasureResult } from "../../ts/auto_scheduler/measure_job.js";
import { prng } from "../../ts/interp/prng.js";

function inputs(job: MeasureJob): NDArray[] {
  const r = prng(job.dataSeed);
  return job.args.map((a) => {
    const x = empty(a.shape, a.dtype as "float32");
    const data = x.toTypedArray() as Float32Array;
    if (a.role === "input") for (let i = 0; i < data.length; i++) data[i] = a.dtype.startsWith("float") ? r() * 2 - 1 : Math.floor(r() * 8);
    return x;
  });
}

function mismatch(job: MeasureJob, got: NDArray[], want: NDArray[]): string | undefined {
  for (let k = 0; k < job.args.length; k++) {
    if (job.args[k].role !== "output") continue;
    const g = got[k].toTypedArray() as Float32Array;
    const w = want[k].toTypedArray() as Float32Array;
    for (let i = 0; i < w.length; i++) {
      if (!(Math.abs(g[i] - w[i]) <= job.rtol * Math.max(1, Math.abs(w[i])))) return `output '${job.args[k].name}' element ${i}: ${g[i]}, expected ${w[i]}`;
    }
  }
  return undefined;
}

/** Measures jobs in this process: compile, run, check against the reference, time. */
export class InProcessQueue implements MeasureQueue {
  readonly measured: string[] = [];
  private readonly references = new Map<string, Promise<Module>>();
  private readonly expected = new Map<string, NDArray[]>();

  async measure(jobs: readonly MeasureJob[], onResult?: (r: MeasureResult) => void): Promise<MeasureResult[]> {
    const out: MeasureResult[] = [];
    const built = jobs.map((j) => createModuleFromSourceAsync(j.source, { cflags: j.cflags }).then((m) => ({ m }), (e: Error) => ({ e })));
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i];
      this.measured.push(job.id);
      const r = await this.one(job, await built[i]);
      out.push(r);
      onResult?.(r);
    }
    return out;
  }

  private async one(job: MeasureJob, b: { m?: Module; e?: Error }): Promise<MeasureResult> {
    if (!b.m) return { id: job.id, error: { kind: "build", message: b.e!.message }, worker: "in-process" };
    let ref = this.references.get(job.referenceSource);
    if (!ref) {
      ref = createModuleFromSourceAsync(job.referenceSource, { cflags: job.cflags });
      this.references.set(job.referenceSource, ref);
    }
    const got = inputs(job);
    try {
      const refKey = `${job.dataSeed}\0${job.referenceSource}`;
      let want = this.expected.get(refKey);
      if (!want) {
        want = inputs(job);
        (await ref).getFunction(job.entry)(...want);
        this.expected.set(refKey, want);
      }
      const f = b.m.getFunction(job.entry);
      f(...got);
      const wrong = mismatch(job, got, want);
      if (wrong) return { id: job.id, error: { kind: "wrong", message: wrong }, worker: "in-process" };
      const seconds = b.m.timeEvaluator(job.entry, { number: 1, repeat: job.minRepeats })(...got).results;
      const sorted = [...seconds].sort((x, y) => x - y);
      return { id: job.id, seconds, median: sorted[Math.floor(sorted.length / 2)], worker: "in-process" };
    } catch (e) {
      return { id: job.id, error: { kind: "crash", message: (e as Error).message }, worker: "in-process" };
    }
  }

  async close(): Promise<void> {}
}

/** A deterministic queue that measures nothing: times are hashes of the source. */
export class FakeQueue implements MeasureQueue {
  readonly measured: string[] = [];
  constructor(private readonly failWhen?: (job: MeasureJob) => boolean, private readonly reverse = false) {}

  async measure(jobs: readonly MeasureJob[], onResult?: (r: MeasureResult) => void): Promise<MeasureResult[]> {
    const out = jobs.map((job): MeasureResult => {
      this.measured.push(job.id);
      if (this.failWhen?.(job)) return { id: job.id, error: { kind: "wrong", message: "fake: marked wrong" } };
      const h = createHash("sha256").update(job.source).digest().readUInt32BE(0);
      const median = 1e-3 * (1 + h / 2 ** 32);
      return { id: job.id, seconds: [median], median };
    });
    // Results may arrive in any order: the search must not depend on it.
    const arrival = this.reverse ? [...out].reverse() : out;
    for (const r of arrival) onResult?.(r);
    return arrival;
  }

  async close(): Promise<void> {}
}
