// ops.schedule is the auto-scheduler's default for graphs made with ops (ts/ops/auto_scheduler_default.ts):
// tune seeds its search with it and applyHistoryBest falls back to it; a te.compute program has
// no default, so the unscheduled program is not measured twice.
import test from "ava";
import { lower, ops, te } from "../../ts/index.js";
import { applyHistoryBest } from "../../ts/auto_scheduler/apply_history_best.js";
import { tune } from "../../ts/auto_scheduler/tune.js";
import { FakeQueue } from "./in_process_queue.js";

function opsMatmul() {
  const A = te.placeholder([64, 64], "float32", "A");
  const B = te.placeholder([64, 64], "float32", "B");
  const C = ops.matmul(A, B);
  return { C, args: [A, B, C] };
}

test("tune seeds an ops graph with ops.schedule: the second trial is the default and its C is ops.schedule's", async (t) => {
  const { C, args } = opsMatmul();
  const queue = new FakeQueue();
  const r = await tune(C, { args, trials: 2, batchSize: 2, queue, progress: false, finalists: 1 });
  t.deepEqual(r.trials.map((x) => x.origin), ["unscheduled", "default"]);
  t.is(queue.measured.length, 2);
  t.not(queue.measured[0], queue.measured[1]);
  const applied = applyHistoryBest(C, args, []);
  t.is(applied.fromRecords, false);
  t.regex(applied.message, /: using the default \(ops\) schedule$/);
  t.is(lower(applied.schedule, args).toString(), lower(ops.schedule(C), args).toString());
});

test("a te.compute program has no default: the first batch holds the unscheduled program and samples only", async (t) => {
  const A = te.placeholder([64, 64], "float32", "A");
  const B = te.compute([64, 64], (i, j) => A.at(i, j).mul(2), "B");
  const r = await tune(B, { args: [A, B], trials: 3, batchSize: 3, queue: new FakeQueue(), progress: false });
  t.is(r.trials[0].origin, "unscheduled");
  t.false(r.trials.some((x) => x.origin === "default"));
  t.regex(applyHistoryBest(B, [A, B], []).message, /: using the unscheduled program$/);
});
