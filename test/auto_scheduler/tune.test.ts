// autoScheduler.tune: the same seed and records give the same trials and the same schedule
// (whatever order results arrive in); an error candidate is recorded and never chosen; recorded
// candidates are not measured again; progress is reported after each measurement; and a real
// tune of a small matmul (compiled, run and checked in this process) returns a schedule that
// builds and computes the product.

import test from "ava";
import { build, lower, nd, te } from "../../ts/index.js";
import { applyHistoryBest } from "../../ts/auto_scheduler/apply_history_best.js";
import { scheduleSource } from "../../ts/auto_scheduler/measure_jobs.js";
import { tune, type TuneResult } from "../../ts/auto_scheduler/tune.js";
import type { TuningRecord } from "../../ts/auto_scheduler/records.js";
import type { TuneProgress } from "../../ts/auto_scheduler/progress.js";
import { replayTrace } from "../../ts/auto_scheduler/trace.js";
import { gemmReference } from "../../examples/gemm.js";
import { randomFloats } from "../helpers/random.js";
import { FakeQueue, InProcessQueue } from "./in_process_queue.js";
import { createHash } from "node:crypto";
import type { MeasureJob, MeasureResult } from "../../ts/auto_scheduler/measure_job.js";
import { matmul, withExtern } from "./programs.js";

const summary = (r: TuneResult) => r.trials.map((x) => ({ origin: x.origin, trace: x.trace, median: x.median, error: x.error?.kind }));

test("the same seed gives the same trials and the same schedule, whatever order results arrive in", async (t) => {
  const run = (seed: number, reverse: boolean) => {
    const p = matmul(8);
    return tune(p.outputs, { args: [...p.inputs, ...p.outputs], trials: 14, batchSize: 5, seed, queue: new FakeQueue(undefined, reverse), progress: false });
  };
  const a = await run(5, false);
  const b = await run(5, true);
  t.is(a.trials.length, 14);
  t.deepEqual(summary(b), summary(a));
  t.deepEqual(b.bestTrace, a.bestTrace);
  t.is(lower(b.schedule, b.args).toString(), lower(replayTrace(b.schedule.outputs, a.bestTrace), b.args).toString());
  t.is(a.trials[0].origin, "unscheduled");
  t.true(a.trials.some((x) => x.origin === "mutation"));
  const other = await run(6, false);
  t.notDeepEqual(summary(other), summary(a));
});

test("an error candidate is recorded and never chosen; the best is the fastest good trial", async (t) => {
  const p = matmul(8);
  const args = [...p.inputs, ...p.outputs];
  const first = await tune(p.outputs, { args, trials: 10, batchSize: 5, seed: 2, queue: new FakeQueue(), progress: false });
  const winner = first.trials.find((x) => x.median === first.bestSeconds)!;
  // The same search, with the winner's job (and every third job) measured wrong.
  const records: TuningRecord[] = [];
  const failing = new Set([winner.jobId]);
  const second = await tune(p.outputs, {
    args, trials: 10, batchSize: 5, seed: 2, records, progress: false,
    queue: new FakeQueue((job) => failing.has(job.id) || parseInt(job.id.slice(0, 4), 16) % 3 === 0),
  });
  const bad = second.trials.find((x) => x.jobId === winner.jobId)!;
  t.is(bad.error?.kind, "wrong");
  t.is(bad.median, undefined);
  t.notDeepEqual(second.bestTrace, winner.trace);
  const good = second.trials.filter((x) => x.median !== undefined);
  t.is(second.bestSeconds, Math.min(...good.map((x) => x.median!)));
  t.true(second.trials.some((x) => x.error) && good.length > 0);
  t.is(records.length, 10);
  t.deepEqual(records.filter((r) => r.error).map((r) => r.meta?.trial), second.trials.filter((x) => x.error).map((x) => x.index));
  t.true(records.every((r) => r.workloadKey === second.workloadKey && r.targetKey === second.targetKey));
});

test("candidates in the records are not measured again, and the records' best can win", async (t) => {
  const p = matmul(8);
  const args = [...p.inputs, ...p.outputs];
  const records: TuningRecord[] = [];
  const q1 = new FakeQueue();
  const first = await tune(p.outputs, { args, trials: 8, batchSize: 4, seed: 1, records, queue: q1, progress: false, finalists: 1 });
  const q2 = new FakeQueue();
  const second = await tune(p.outputs, { args, trials: 8, batchSize: 4, seed: 1, records, queue: q2, progress: false, finalists: 1 });
  t.is(records.length, 16);
  t.is(q2.measured.filter((id) => q1.measured.includes(id)).length, 0);
  t.true(second.bestSeconds <= first.bestSeconds);
  t.false(second.trials.some((x) => x.origin === "unscheduled"), "the unscheduled program is in the records already");
  // Same seed, same records: the same second search.
  const again = await tune(p.outputs, { args, trials: 8, batchSize: 4, seed: 1, records: records.slice(0, 8), queue: new FakeQueue(), progress: false });
  t.deepEqual(summary(again), summary(second));
});

test("onProgress is told after every measurement", async (t) => {
  const p = matmul(8);
  const seen: TuneProgress[] = [];
  const r = await tune(p.outputs, { args: [...p.inputs, ...p.outputs], trials: 6, batchSize: 3, queue: new FakeQueue(), onProgress: (x) => seen.push(x), progress: false });
  t.deepEqual(seen.map((x) => x.done), [1, 2, 3, 4, 5, 6]);
  t.true(seen.every((x) => x.trials === 6 && x.elapsedMs >= 0 && x.remainingMs >= 0));
  t.is(seen[5].bestSeconds, r.bestSeconds);
});

test("bad options are clear errors", async (t) => {
  const p = matmul(8);
  await t.throwsAsync(() => tune(p.outputs, { args: [...p.inputs, ...p.outputs], trials: 0, queue: new FakeQueue() }), { message: "autoScheduler.tune: option trials must be a positive integer, got 0" });
  await t.throwsAsync(() => tune(p.outputs, { args: [p.inputs[0], 3 as never], queue: new FakeQueue() }), { message: "autoScheduler.tune: argument 1 (3) is not a tensor; tuning takes tensors of constant shape only" });
});

test("a real tune of a small matmul returns a schedule that builds and computes the product", async (t) => {
  const n = 32;
  const p = matmul(n);
  const args = [...p.inputs, ...p.outputs];
  const queue = new InProcessQueue();
  const r = await tune(p.outputs, { args, trials: 5, batchSize: 5, seed: 3, queue, progress: false });
  t.is(r.trials.length, 5);
  t.is(queue.measured.length, 5 + 3, "five trials, then the three fastest timed again");
  const good = r.trials.filter((x) => x.median !== undefined).sort((x, y) => x.median! - y.median!);
  // The winner is one of the three fastest, chosen by their final timing (bestSeconds).
  t.true(good.slice(0, 3).some((x) => JSON.stringify(x.trace) === JSON.stringify(r.bestTrace)));
  t.true(r.bestSeconds > 0 && Number.isFinite(r.bestSeconds));
  const a = randomFloats(n * n, 1);
  const b = randomFloats(n * n, 2);
  const c = nd.empty([n, n]);
  build(r.schedule, args).getFunction("main")(nd.array(a, [n, n]), nd.array(b, [n, n]), c);
  const want = gemmReference(a, b, n);
  const got = c.toTypedArray() as Float32Array;
  t.true(want.every((w, i) => Math.abs(got[i] - w) <= 1e-4 * Math.max(1, Math.abs(w))));
});

test("a program with a tiled extern (a JS function) is tuned around it and stays right", async (t) => {
  const shape = [8, 4, 32];
  const p = withExtern(shape, `as_tune_ext_${process.pid}`);
  const args = [...p.inputs, ...p.outputs];
  const r = await tune(p.outputs, { args, trials: 6, batchSize: 6, seed: 1, queue: new InProcessQueue(), progress: false });
  t.is(r.trials.filter((x) => x.error).length, 0, JSON.stringify(r.trials.map((x) => x.error)));
  t.true(r.trials.some((x) => x.trace.some((s) => s.p === "computeAt" && s.stage === "ext")), "some candidate computes the extern at its consumer's loop");
  const a = randomFloats(8 * 4 * 32, 5);
  const c = nd.empty(shape);
  build(r.schedule, args).getFunction("main")(nd.array(a, shape), c);
  const got = c.toTypedArray() as Float32Array;
  t.true(Array.from(a).every((v, i) => Math.abs(got[i] - (v + 1) * 3 * 2) < 1e-5));
});

test("the default schedule seeds the search; when it wins it is returned, recorded as the default, and applied from the records", async (t) => {
  const p = matmul(16);
  const args = [...p.inputs, ...p.outputs];
  const hand = (outs: te.Tensor[]) => {
    const s = te.createSchedule(outs.map((o) => o.op));
    const st = s.stage(outs[0]);
    const [, ji] = st.split(st.op.axis[1], { factor: 8 });
    st.vectorize(ji);
    return s;
  };
  const handSource = scheduleSource(hand(p.outputs), args, "main", {}).source;
  const records: TuningRecord[] = [];
  const r = await tune(p.outputs, {
    args, trials: 6, batchSize: 3, records, defaultSchedule: hand, progress: false,
    queue: new FakeQueue((job) => job.source !== handSource),
  });
  t.deepEqual(r.trials.slice(0, 2).map((x) => x.origin), ["unscheduled", "default"]);
  t.is(r.bestOrigin, "default");
  t.is(lower(r.schedule, args).toString(), lower(hand(p.outputs), args).toString());
  t.deepEqual(records.filter((x) => x.meta?.schedule === "default").length, 1);
  const applied = applyHistoryBest(p.outputs, args, records, { defaultSchedule: hand });
  t.true(applied.fromRecords);
  t.is(lower(applied.schedule, args).toString(), lower(hand(p.outputs), args).toString());
});

/** Times by the source's hash the first time a source is measured; a repeat takes the reverse order. */
class DriftingQueue extends FakeQueue {
  readonly seen = new Set<string>();
  async measure(jobs: readonly MeasureJob[], onResult?: (r: MeasureResult) => void): Promise<MeasureResult[]> {
    const out = jobs.map((job): MeasureResult => {
      const h = createHash("sha256").update(job.source).digest().readUInt32BE(0) / 2 ** 32;
      const again = this.seen.has(job.source);
      this.seen.add(job.source);
      this.measured.push(job.id);
      const median = 1e-3 * (again ? 2 - h : 1 + h);
      return { id: job.id, seconds: [median], median };
    });
    for (const r of out) onResult?.(r);
    return out;
  }
}

test("the finalists are timed again back to back and the fastest of those times wins", async (t) => {
  const p = matmul(16);
  const args = [...p.inputs, ...p.outputs];
  const q = new DriftingQueue();
  const r = await tune(p.outputs, { args, trials: 8, batchSize: 4, seed: 4, queue: q, progress: false });
  const good = r.trials.filter((x) => x.median !== undefined).sort((a, b) => a.median! - b.median!);
  t.is(q.measured.length, 8 + 3, "eight trials and three final timings");
  t.true(q.measured.slice(8).every((id) => !q.measured.slice(0, 8).includes(id)), "the final timings are new jobs");
  // The third fastest in the search is the fastest when timed again (the queue reverses the order).
  t.deepEqual(r.bestTrace, good[2].trace);
  t.true(r.bestSeconds > good[2].median!, "bestSeconds is the final timing");
  const one = await tune(p.outputs, { args, trials: 8, batchSize: 4, seed: 4, queue: new DriftingQueue(), progress: false, finalists: 1 });
  t.deepEqual(one.bestTrace, good[0].trace, "finalists: 1 chooses by the search's times");
  await t.throwsAsync(tune(p.outputs, { args, trials: 2, queue: new FakeQueue(), progress: false, finalists: 0 }), { message: /option finalists must be a positive integer, got 0/ });
});
