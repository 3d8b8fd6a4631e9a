// The errors of the stage primitives that issue 4 lists (an axis that is not a leaf, a fuse of
// non-adjacent axes, reorder with duplicates, vectorize of a reduction axis, computeAt to
// itself, a non-consumer or a non-leaf) and their neighbours: each names the stage, the axis
// and what was expected, and a refused call leaves the schedule unchanged.

import test from "ava";
import { te, lower, ScheduleError, ArgumentError } from "../../ts/index.js";

function program() {
  const A = te.placeholder([16, 16], "float32", "A");
  const k = te.reduceAxis([0, 16], "k");
  const B = te.compute([16], (r) => te.sum(A.at(r, k), k), "B");
  const C = te.compute([16, 16], (x, y) => A.at(x, y).mul(B.at(x)), "C");
  const D = te.compute([16, 16], (x, y) => C.at(x, y).add(B.at(y)), "D");
  return { A, k, B, C, D, s: te.createSchedule(D.op) };
}

test("split refuses an axis that is not a leaf, an axis of another stage and bad factors", (t) => {
  const { C, D, s } = program();
  const [x, y] = D.op.axis;
  s.stage(D).split(x, 4);
  t.is(t.throws(() => s.stage(D).split(x, 2), { instanceOf: ScheduleError })!.message, "stage 'D': cannot split axis 'x': it is no longer a leaf (it was already split or fused)");
  t.is(t.throws(() => s.stage(D).split(C.op.axis[0], 2), { instanceOf: ScheduleError })!.message, "stage 'D': cannot split axis 'x': it is not an axis of this stage (its axes: x.outer, x.inner, y)");
  t.is(t.throws(() => s.stage(D).split(y, 0), { instanceOf: ScheduleError })!.message, "stage 'D': split of axis 'y': factor must be a positive integer, got 0");
  t.is(t.throws(() => s.stage(D).split(y, { nparts: -2 }), { instanceOf: ScheduleError })!.message, "stage 'D': split of axis 'y': nparts must be a positive integer, got -2");
  t.is(t.throws(() => s.stage(D).split(y, 1.5), { instanceOf: ScheduleError })!.message, "stage 'D': split of axis 'y': factor must be a positive integer, got 1.5");
  t.is(t.throws(() => s.stage(D).split(y, { factor: 2, nparts: 2 } as unknown as { factor: number }), { instanceOf: ScheduleError })!.message, "stage 'D': split of axis 'y' needs exactly one of {factor} or {nparts}");
  t.is(t.throws(() => s.stage(D).tile(x, y, 2, 2), { instanceOf: ScheduleError })!.message, "stage 'D': cannot split axis 'x': it is no longer a leaf (it was already split or fused)");
  t.deepEqual(s.stage(D).leafIterVars.map((iv) => iv.name), ["x.outer", "x.inner", "y"], "refused calls change nothing");
});

test("fuse refuses non-adjacent axes, duplicates and non-leaves; reorder refuses duplicates and non-leaves", (t) => {
  const { D, s } = program();
  const [x, y] = D.op.axis;
  const [xo, xi] = s.stage(D).split(x, 4);
  t.is(t.throws(() => s.stage(D).fuse(xo, y), { instanceOf: ScheduleError })!.message, "stage 'D': can only fuse consecutive axes; 'x.outer' and 'y' are not adjacent in the loop order (x.outer, x.inner, y)");
  t.is(t.throws(() => s.stage(D).fuse(xo, xo), { instanceOf: ScheduleError })!.message, "stage 'D': fuse lists axis 'x.outer' twice");
  t.is(t.throws(() => s.stage(D).fuse(x, y), { instanceOf: ScheduleError })!.message, "stage 'D': cannot fuse axis 'x': it is no longer a leaf (it was already split or fused)");
  t.is(t.throws(() => s.stage(D).reorder(y, xo, y), { instanceOf: ScheduleError })!.message, "stage 'D': reorder lists axis 'y' more than once");
  t.is(t.throws(() => s.stage(D).reorder(y, x), { instanceOf: ScheduleError })!.message, "stage 'D': cannot reorder axis 'x': it is no longer a leaf (it was already split or fused)");
  t.deepEqual(s.stage(D).leafIterVars, [xo, xi, y]);
  // Adjacent in either order is fine (the fused loop takes the outer one's place).
  const f = s.stage(D).fuse(xi, xo);
  t.is(f.name, "x.outer.x.inner.fused");
});

test("vectorize and parallel refuse a reduction axis; annotations refuse axes of other stages", (t) => {
  const { B, C, k, s } = program();
  t.is(t.throws(() => s.stage(B).vectorize(k), { instanceOf: ScheduleError })!.message, "stage 'B': cannot vectorize axis 'k' of type CommReduce: only data-parallel axes can be vectorized");
  t.is(t.throws(() => s.stage(B).parallel(k), { instanceOf: ScheduleError })!.message, "stage 'B': cannot parallelize reduction axis 'k': its iterations update the same output (rfactor it first)");
  t.is(t.throws(() => s.stage(B).unroll(C.op.axis[0]), { instanceOf: ScheduleError })!.message, "stage 'B': cannot unroll axis 'x': it is not an axis of this stage (its axes: r, k)");
  const [ko] = s.stage(B).split(k, 4);
  t.is(t.throws(() => s.stage(B).vectorize(k), { instanceOf: ScheduleError })!.message, "stage 'B': cannot vectorize axis 'k': it is no longer a leaf (it was already split or fused)");
  t.is(t.throws(() => s.stage(B).vectorize(ko), { instanceOf: ScheduleError })!.message, "stage 'B': cannot vectorize axis 'k.outer' of type CommReduce: only data-parallel axes can be vectorized");
  t.is(t.throws(() => s.stage(B).pragma(ko, ""), { instanceOf: ArgumentError })!.message, "stage 'B': pragma key must be a non-empty string, got string ");
  t.is(t.throws(() => s.stage(C).storageAlign(C.op.axis[0], 0, 0), { instanceOf: ScheduleError })!.message, "stage 'C': storageAlign factor must be a positive integer, got 0");
  t.is(t.throws(() => s.stage(C).storageAlign(C.op.axis[1], 4, 4), { instanceOf: ScheduleError })!.message, "stage 'C': storageAlign offset must be an integer in [0, 4), got 4");
});

test("computeAt refuses the stage itself, a non-consumer and a non-leaf; computeInline refuses reductions, outputs and placeholders", (t) => {
  const { A, B, C, D, s } = program();
  const E = te.compute([16], (r) => A.at(r, 0), "E");
  const s2 = te.createSchedule([D.op, E.op]);
  const [xo] = s2.stage(D).split(D.op.axis[0], 4);
  t.is(t.throws(() => s2.stage(C).computeAt(s2.stage(C), C.op.axis[0]), { instanceOf: ScheduleError })!.message, "stage 'C' cannot be computed at its own axis");
  t.is(t.throws(() => s2.stage(C).computeAt(s2.stage(E), E.op.axis[0]), { instanceOf: ScheduleError })!.message, "stage 'C': cannot compute at 'E', which does not read 'C' (directly or through other stages)");
  t.is(t.throws(() => s2.stage(C).computeAt(s2.stage(D), D.op.axis[0]), { instanceOf: ScheduleError })!.message, "stage 'C': cannot compute at axis 'x' of 'D': it was split or fused; use one of its leaves (leaf axes: x.outer, x.inner, y)");
  t.notThrows(() => s2.stage(B).computeAt(s2.stage(D), xo), "a consumer through another stage is fine");
  t.is(t.throws(() => s.stage(B).computeInline(), { instanceOf: ScheduleError })!.message, "stage 'B': a reduction cannot be inlined into its consumers");
  t.is(t.throws(() => s.stage(D).computeInline(), { instanceOf: ScheduleError })!.message, "stage 'D' is an output of the schedule and cannot be inlined");
  t.is(t.throws(() => s.stage(A).computeInline(), { instanceOf: ScheduleError })!.message, "stage 'A': only compute stages can be inlined (this is a PlaceholderOp)");
});

test("lower refuses a producer attached inside one consumer while another consumer reads it outside", (t) => {
  const { A, B, C, D, s } = program();
  s.stage(B).computeAt(s.stage(C), C.op.axis[0]);
  t.is(t.throws(() => lower(s, [A, D]), { instanceOf: ScheduleError })!.message, "invalid schedule: stage 'B' is computed at loop 'x', but its consumer 'D' is not inside that loop (attach the consumer inside it too, or compute 'B' at a loop of 'D')");
  // Attaching C inside D does not help: D itself reads B outside C's loop; inlining C does.
  s.stage(C).computeAt(s.stage(D), D.op.axis[1]);
  t.throws(() => lower(s, [A, D]), { instanceOf: ScheduleError });
  s.stage(B).computeRoot();
  s.stage(C).computeInline();
  t.notThrows(() => lower(s, [A, D]));
});

test("schedule errors carry the code ERR_SCHEDULE and are TejitErrors and Errors", (t) => {
  const A = te.placeholder([8], "float32", "A");
  const B = te.compute([8], (i) => A.at(i).add(1), "B");
  const s = te.createSchedule(B.op);
  const e = t.throws(() => s.stage(B).split(B.op.axis[0], 0), { instanceOf: ScheduleError });
  t.is(e?.code, "ERR_SCHEDULE");
  t.is(e?.name, "ScheduleError");
  t.true(e instanceof Error);
  const a = t.throws(() => s.stage(B).split(3 as never, 2), { instanceOf: ArgumentError });
  t.is(a?.code, "ERR_ARGUMENT");
  t.is(a?.message, "stage 'B': split expects an axis (IterVar) of this stage, got number 3");
});
