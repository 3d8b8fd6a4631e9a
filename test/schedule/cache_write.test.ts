// Schedule.cacheWrite: the cache stage (name, axes, reduction, place in the stage list), the
// original stage reset to a copy, the relayout along split/reordered loops (TVM's
// test_schedule_cache_relayout1..4), multi-output ops, results against the unscheduled program,
// and the errors it gives.

import test from "ava";
import { te, lower, schedule } from "../../ts/index.js";
import type { IterVar } from "../../ts/ir/iter_var.js";
import type { PrimExpr } from "../../ts/ir/expr.js";
import { max as maxOp } from "../../ts/ir/op.js";
import { randomInput, run } from "./helpers.js";
import { prng } from "../helpers/random.js";

function matmul(n = 16, dtype = "float32") {
  const A = te.placeholder([n, n], dtype, "A");
  const B = te.placeholder([n, n], dtype, "B");
  const k = te.reduceAxis([0, n], "k");
  const C = te.compute([n, n], (x, y) => te.sum(A.at(x, k).mul(B.at(k, y)), k), "C");
  return { A, B, C, k };
}

const names = (ivs: IterVar[]): string[] => ivs.map((iv) => iv.name);

test("cacheWrite of a reduction: the cache stage reduces, the original becomes a copy with its loops reset", (t) => {
  const { A, B, C, k } = matmul();
  const s = te.createSchedule(C.op);
  s.stage(C).split(C.op.axis[0], 4);
  const CC = s.cacheWrite(C, "local");
  t.is(CC.name, "C.local");
  t.deepEqual(s.stages.map((st) => st.name), ["A", "B", "C.local", "C"]);
  t.is(s.stage(CC).scope, "local");
  t.deepEqual(names(CC.op.axis), ["x.outer.c", "x.inner.c", "y.c"], "one axis per data-parallel leaf loop");
  t.deepEqual(CC.shape.map(String), ["4", "4", "16"]);
  t.deepEqual(CC.op.reduceAxis, [k], "the reduction moves to the cache stage");
  t.deepEqual(s.stage(C).op.reduceAxis, []);
  t.deepEqual(s.stage(C).leafIterVars, C.op.axis, "the original's loops are reset to its axes");
  t.is(s.stage(C).relations.length, 0);
  t.deepEqual(s.stage(C).op.inputTensors().map((x) => x.name), ["C.local"]);
  const rand = prng(10);
  const inputs = [randomInput(A, rand), randomInput(B, rand)];
  const ref = run(te.createSchedule(C.op), [A, B], [C], inputs);
  t.deepEqual(run(s, [A, B], [C], inputs), ref);
});

test("GEMM tutorial blocking: the write cache computed at the tile allocates the 32x32 tile", (t) => {
  const { A, B, C } = matmul(64);
  const s = te.createSchedule(C.op);
  const CC = s.cacheWrite(C, "global");
  const [, yo] = s.stage(C).tile(C.op.axis[0], C.op.axis[1], 32, 32);
  s.stage(CC).computeAt(s.stage(C), yo);
  const [xc, yc] = s.stage(CC).op.axis;
  const [kk] = s.stage(CC).op.reduceAxis;
  const [ko, ki] = s.stage(CC).split(kk, { factor: 4 });
  s.stage(CC).reorder(ko, xc, ki, yc);
  const bounds = schedule.inferBound(s.normalize());
  t.is(bounds.get(CC.op.axis[0])!.extent.toString(), "32");
  t.is(bounds.get(CC.op.axis[1])!.extent.toString(), "32");
  t.regex(lower(s, [A, B, C]).toString(), /allocate\(C\.global, float32, \[1024\]\)/);
  const rand = prng(11);
  const inputs = [randomInput(A, rand), randomInput(B, rand)];
  const ref = run(te.createSchedule(C.op), [A, B], [C], inputs)[0];
  const got = run(s, [A, B], [C], inputs)[0];
  t.true(got.every((v, i) => Math.abs(v - ref[i]) <= 1e-5 * Math.max(1, Math.abs(ref[i]))));
});

test("relayout1: a reorder before cacheWrite transposes the cache", (t) => {
  const A = te.placeholder([5, 7], "int32", "A");
  const B = te.placeholder([5, 7], "int32", "B");
  const C = te.compute([5, 7], (i, j) => A.at(i, j).mul(B.at(i, j)), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).reorder(C.op.axis[1], C.op.axis[0]);
  const CC = s.cacheWrite(C, "global");
  t.deepEqual(names(CC.op.axis), ["j.c", "i.c"]);
  t.deepEqual(CC.shape.map(String), ["7", "5"]);
  const rand = prng(12);
  const inputs = [randomInput(A, rand), randomInput(B, rand)];
  t.deepEqual(run(s, [A, B], [C], inputs), run(te.createSchedule(C.op), [A, B], [C], inputs));
});

test("relayout2: split and reorder before cacheWrite; an uneven split guards the cache (if_then_else: nothing read past the end)", (t) => {
  const A = te.placeholder([10, 3], "int32", "A");
  const B = te.placeholder([10, 3], "int32", "B");
  const C = te.compute([10, 3], (i, j) => A.at(i, j).mul(B.at(i, j)), "C");
  const s = te.createSchedule(C.op);
  const [x, y] = C.op.axis;
  const [xo, xi] = s.stage(C).split(x, { factor: 4 });
  s.stage(C).reorder(xo, y, xi);
  const CC = s.cacheWrite(C, "global");
  t.deepEqual(names(CC.op.axis), ["i.outer.c", "j.c", "i.inner.c"]);
  t.deepEqual(CC.shape.map(String), ["3", "3", "4"]);
  t.regex(CC.op.body[0].toString(), /^@tir\.if_then_else\(\(\(i\.inner\.c \+ \(i\.outer\.c\*4\)\) < 10\), \(A\[/);
  const text = lower(s, [A, B, C]).toString();
  t.regex(text, /allocate\(C\.global, int32, \[36\]\)/);
  t.regex(text, /C_2\[\(\(i\*3\) \+ j\)\] = \(int32\*\)C\.global\[\(\(\(floordiv\(i, 4\)\*12\) \+ \(j\*4\)\) \+ floormod\(i, 4\)\)\]/);
  const rand = prng(13);
  const inputs = [randomInput(A, rand), randomInput(B, rand)];
  t.deepEqual(run(s, [A, B], [C], inputs), run(te.createSchedule(C.op), [A, B], [C], inputs));
});

test("relayout3: a reduction split on its data axis before cacheWrite", (t) => {
  const A = te.placeholder([8, 5], "int32", "A");
  const B = te.placeholder([8, 5], "int32", "B");
  const k = te.reduceAxis([0, 5], "k");
  const C = te.compute([8], (i) => te.sum(A.at(i, k).mul(B.at(i, k)), k), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).split(C.op.axis[0], { factor: 4 });
  const CC = s.cacheWrite(C, "global");
  t.deepEqual(names(CC.op.axis), ["i.outer.c", "i.inner.c"]);
  t.deepEqual(names(CC.op.reduceAxis), ["k"]);
  const rand = prng(14);
  const inputs = [randomInput(A, rand), randomInput(B, rand)];
  t.deepEqual(run(s, [A, B], [C], inputs), run(te.createSchedule(C.op), [A, B], [C], inputs));
});

test("relayout4: cacheWrite of a multi-output op caches all outputs in one stage", (t) => {
  const A = te.placeholder([8, 3], "float32", "A");
  const B = te.placeholder([8, 3], "float32", "B");
  const [C1, C2] = te.compute([8, 3], (i, j) => [A.at(i, j).add(1), B.at(i, j).div(2)], "C");
  const s = te.createSchedule([C1.op, C2.op]);
  const [L1, L2] = s.cacheWrite([C1, C2], "local");
  t.is(L1.op, L2.op);
  t.deepEqual([L1.name, L2.name], ["C.local.v0", "C.local.v1"]);
  const rand = prng(15);
  const inputs = [randomInput(A, rand), randomInput(B, rand)];
  t.deepEqual(run(s, [A, B], [C1, C2], inputs), run(te.createSchedule(C1.op), [A, B], [C1, C2], inputs));
  // One tensor of a multi-output op caches the whole op and returns that tensor's cache.
  const s2 = te.createSchedule(C1.op);
  const L = s2.cacheWrite(C2, "local");
  t.is(L.name, "C.local.v1");
  t.is(L.op.numOutputs, 2);
  t.deepEqual(run(s2, [A, B], [C1, C2], inputs), run(te.createSchedule(C1.op), [A, B], [C1, C2], inputs));
});

test("cacheWrite of a multi-output reduction (argmax) keeps one shared reduction", (t) => {
  const argmax = te.commReducer(
    (x: PrimExpr[], y: PrimExpr[]) => [te.select(x[1].ge(y[1]), x[0], y[0]), te.select(x[1].ge(y[1]), x[1], y[1])],
    (t1: unknown, t2: unknown) => [te.const(-1, "int32"), te.minValue("float32")],
    "argmax",
  );
  const V = te.placeholder([5, 9], "float32", "V");
  const k = te.reduceAxis([0, 9], "k");
  const [I, M] = te.compute([5], (i) => argmax([k.var, V.at(i, k)], k), "T");
  const s = te.createSchedule(I.op);
  const [CI, CM] = s.cacheWrite([I, M], "local");
  t.is(CI.op.numOutputs, 2);
  t.deepEqual(CM.op.reduceAxis, [k]);
  const v = randomInput(V, prng(16));
  t.deepEqual(run(s, [V], [I, M], [v]), run(te.createSchedule(I.op), [V], [I, M], [v]));
});

test("TVM's test_schedule_compute_inline: caches read and written, then the original copy inlined", (t) => {
  const shape = [4, 16];
  const A = te.placeholder(shape, "float32", "A");
  const B = te.placeholder(shape, "float32", "B");
  const C = te.compute(shape, (i, j) => A.at(i, j).add(B.at(i, j)), "C");
  const [F, E] = te.compute(shape, (i, j) => [C.at(i, j), C.at(i, j).mul(B.at(i, j))], "F");
  const s = te.createSchedule([F.op, E.op]);
  s.cacheRead(A, "local", [C]);
  s.cacheRead(B, "local", [C, E]);
  s.cacheWrite(C, "local");
  s.cacheWrite([F, E], "local");
  s.stage(C).computeInline();
  const text = lower(s, [A, B, F, E]).toString();
  t.notRegex(text, /allocate\(C,/, "C is inlined: only its cache is stored");
  t.regex(text, /C\.local|A\.local\[\(\(i\.c\*16\) \+ j\.c\)\] = /, "C's cache is stored (storage rewrite may reuse A.local for it)");
  const rand = prng(17);
  const inputs = [randomInput(A, rand), randomInput(B, rand)];
  t.deepEqual(run(s, [A, B], [F, E], inputs), run(te.createSchedule([F.op, E.op]), [A, B], [F, E], inputs));
});

test("TVM's test_schedule_cache and test_schedule_middle_cache lower and compute the same", (t) => {
  const A = te.placeholder([6, 5], "float32", "A");
  const B = te.placeholder([6, 5], "float32", "B");
  const C = te.compute([6, 5], (i, j) => A.at(i, j).mul(B.at(i, j)), "C");
  const s = te.createSchedule(C.op);
  const AA = s.cacheRead(A, "shared", [C]);
  const CC = s.cacheWrite(C, "shared");
  s.stage(AA).computeAt(s.stage(CC), CC.op.axis[0]);
  const rand = prng(18);
  const inputs = [randomInput(A, rand), randomInput(B, rand)];
  t.deepEqual(run(s, [A, B], [C], inputs), run(te.createSchedule(C.op), [A, B], [C], inputs));

  const D = te.compute([6, 5], (i, j) => C.at(i, j), "D");
  const s2 = te.createSchedule(D.op);
  s2.cacheRead(A, "local", [C]);
  s2.cacheRead(B, "local", [C]);
  s2.cacheRead(C, "local", [D]);
  s2.cacheWrite(D, "local");
  t.deepEqual(s2.stages.map((st) => st.name), ["A", "A.local", "B", "B.local", "C", "C.local", "D.local", "D"]);
  t.deepEqual(run(s2, [A, B], [D], inputs), run(te.createSchedule(D.op), [A, B], [D], inputs));
});

test("cacheWrite with a reducer that uses the axis variable (TVM's test_loop_dep_reduce_cache_write)", (t) => {
  const X = te.placeholder([10], "float32", "x");
  const Y = te.compute([10], (n) => {
    const rv = te.reduceAxis([0, n], "rv");
    const nf = n.cast("float32");
    const sum = te.commReducer((a: PrimExpr, b: PrimExpr) => maxOp(a.add(b), nf),
      (dt: unknown) => te.select(n.gt(1), te.const(0, "float32"), nf), "sum");
    return sum(X.at(rv), rv);
  }, "y");
  const s = te.createSchedule(Y.op);
  s.cacheWrite(Y, "local");
  const x = randomInput(X, prng(19));
  t.deepEqual(run(s, [X], [Y], [x]), run(te.createSchedule(Y.op), [X], [Y], [x]));
});

test("cacheWrite errors name the tensor, the loop and what was expected", (t) => {
  const { A, C, k } = matmul(8);
  const D = te.compute([8, 8], (i, j) => C.at(i, j).add(1), "D");
  const ext = te.extern([8, 8], [A], () => te.const(0, "int32"), { name: "ext" }) as te.Tensor;
  const E = te.compute([8, 8], (i, j) => ext.at(i, j).add(D.at(i, j)), "E");
  const s = te.createSchedule(E.op);
  t.is(t.throws(() => s.cacheWrite(A, "local"))!.message, "cacheWrite of 'A': only compute stages can be cache-written; 'A' is a placeholder (an input of the program)");
  t.is(t.throws(() => s.cacheWrite(ext, "local"))!.message, "cacheWrite of 'ext': only compute stages can be cache-written; 'ext' is a ExternOp");
  t.is(t.throws(() => s.cacheWrite([C, D], "local"))!.message, "cacheWrite of 'C': all tensors must be outputs of one op, but 'D' is computed by 'D', not 'C'");
  t.is(t.throws(() => s.cacheWrite([], "local"))!.message, "cacheWrite: needs a tensor (or the tensors of one op) to cache");
  t.regex(t.throws(() => s.cacheWrite(C, ""))!.message, /^cacheWrite of 'C': scope must be a non-empty storage scope name/);
  s.stage(C).split(k, 2);
  t.is(t.throws(() => s.cacheWrite(C, "local"))!.message, "cacheWrite of 'C': loop 'k.outer' of 'C' is a CommReduce loop derived from a reduction axis; cacheWrite lays the cache out along data-parallel loops only (as TVM's cache_write), so split the reduction on the cache stage after cacheWrite instead. To block the reduction outside an accumulator tile, factor the block loop: s.rfactor(C, <the block loop>) gives a stage 'C.rf' of partial sums that 'C' adds up block by block; compute it at a loop of 'C' below the block loop (docs/schedule.md, \"Blocked reductions\")");
  const [dxo] = s.stage(D).split(D.op.axis[0], 4);
  s.stage(C).computeAt(s.stage(D), dxo);
  const [exo] = s.stage(E).split(E.op.axis[0], 2);
  s.stage(D).computeAt(s.stage(E), exo);
  t.is(t.throws(() => s.cacheWrite(D, "local"))!.message, "cacheWrite of 'D': stage 'C' is computed at loop 'i.outer' of 'D', which this rewrite removes (it resets the loops of 'D'); call cacheWrite before computeAt, or compute 'C' at a loop that remains");
  s.stage(C).computeAt(s.stage(D), D.op.axis[1]);
  t.notThrows(() => s.cacheWrite(D, "local"), "an attach point at an axis of the op survives");
  const [B2, C2] = te.compute([4], (i) => [i, i], "M");
  const s2 = te.createSchedule(B2.op);
  t.is(t.throws(() => s2.cacheWrite([B2], "local"))!.message, "cacheWrite of 'M.v0': 'M' has 2 outputs; pass all of them (got 1)");
  t.truthy(C2);
});

test("cacheWrite of a stage already marked inline: the copy is inlined, the cache computed", (t) => {
  const A = te.placeholder([6], "int32", "A");
  const B = te.compute([6], (i) => A.at(i).mul(2), "B");
  const C = te.compute([6], (i) => B.at(i).add(1), "C");
  const s = te.createSchedule(C.op);
  s.stage(B).computeInline();
  const BL = s.cacheWrite(B, "local");
  t.is(s.stage(B).attachType, "inline");
  t.is(s.stage(BL).attachType, "root");
  const text = lower(s, [A, C]).toString();
  t.regex(text, /allocate\(B\.local, int32, \[6\]\)/);
  t.notRegex(text, /allocate\(B,/);
  const a = randomInput(A, prng(40));
  t.deepEqual(run(s, [A], [C], [a]), run(te.createSchedule(C.op), [A], [C], [a]));
});
