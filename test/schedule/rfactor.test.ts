// Schedule.rfactor: TVM's test_rfactor (shapes and axes of the factored stage, with and without
// splits and factor_axis), results of factored reductions (uneven splits, factorAxis -1,
// multi-value argmax, init values, parallel partials computed at the final reduction), and
// the errors it gives.

import test from "ava";
import { te, lower } from "../../ts/index.js";
import { IntImm, type PrimExpr, Reduce } from "../../ts/ir/expr.js";
import { randomInput, run } from "./helpers.js";
import { prng } from "../helpers/random.js";

function sum2d() {
  const n = te.sizeVar("n");
  const k1 = te.reduceAxis([0, n], "k1");
  const k2 = te.reduceAxis([0, n], "k2");
  const A = te.placeholder([n, n, n], "float32", "A");
  const B = te.compute([n], (i) => te.sum(A.at(i, k1, k2), [k1, k2]), "B");
  return { n, k1, k2, A, B };
}

test("TVM's test_rfactor: factoring a whole reduce axis", (t) => {
  const { n, k1, k2, B } = sum2d();
  const s = te.createSchedule(B.op);
  const BF = s.rfactor(B, k1);
  t.is(BF.name, "B.rf");
  t.deepEqual(BF.shape, [n, n]);
  t.deepEqual((BF.op.body[0] as Reduce).axis, [k2]);
  const repl = s.stage(B).op.body[0] as Reduce;
  t.is(repl.axis[0].dom!.extent, n);
  t.is(repl.axis[0].name, "k1.v");
  t.is(s.stage(B).allIterVars.length, 2);
  t.deepEqual(s.stages.map((st) => st.name), ["A", "B.rf", "B.repl"], "as in TVM, the reduction over the partials is an op named B.repl (it still writes B)");
});

test("TVM's test_rfactor: factoring the inner part of a split, with the data axis split too", (t) => {
  const { n, k1, k2, B } = sum2d();
  const s = te.createSchedule(B.op);
  const [ko, ki] = s.stage(B).split(k1, { factor: 4 });
  const [xo, xi] = s.stage(B).split(B.op.axis[0], { factor: 8 });
  const BF = s.rfactor(B, ki);
  t.true(BF.shape[0] instanceof IntImm && BF.shape[0].value === 4);
  t.is(BF.shape[1], n);
  const body = BF.op.body[0] as Reduce;
  t.is(body.axis[0], k2);
  t.is(body.axis[1].var, ko.var);
  t.is((s.stage(B).op.body[0] as Reduce).axis[0].dom!.extent.toString(), "4");
  // The split of the data axis is kept on the .rf stage, which shares that axis.
  t.deepEqual(s.stage(BF).leafIterVars.map((iv) => iv.name), ["k1.inner", "i.outer", "i.inner", "k2", "k1.outer"]);
  t.truthy(xo && xi);
});

test("TVM's test_rfactor: factorAxis 1 puts the factored axis second", (t) => {
  const { n, k1, k2, B } = sum2d();
  const s = te.createSchedule(B.op);
  const [ko, ki] = s.stage(B).split(k1, { factor: 4 });
  s.stage(B).split(B.op.axis[0], { factor: 8 });
  const BF = s.rfactor(B, ki, 1);
  t.is(BF.shape[0], n);
  t.is(BF.shape[1].toString(), "4");
  const body = BF.op.body[0] as Reduce;
  t.is(body.axis[0], k2);
  t.is(body.axis[1].var, ko.var);
  t.is((s.stage(B).op.body[0] as Reduce).axis[0].dom!.extent.toString(), "4");
});

test("rfactor of an uneven split computes the same sums; the tail is guarded", (t) => {
  const A = te.placeholder([3, 10], "int32", "A");
  const k = te.reduceAxis([0, 10], "k");
  const B = te.compute([3], (i) => te.sum(A.at(i, k), k), "B");
  const s = te.createSchedule(B.op);
  const [, ki] = s.stage(B).split(k, { factor: 4 });
  const BF = s.rfactor(B, ki);
  t.deepEqual(BF.shape.map(String), ["4", "3"]);
  t.regex(lower(s, [A, B], { simpleMode: true }).toString(), /if @tir\.likely\(\(\(\(k\.outer\*4\) \+ k\.inner\) < 10\), dtype=bool\)/);
  const a = randomInput(A, prng(20));
  t.deepEqual(run(s, [A], [B], [a]), run(te.createSchedule(B.op), [A], [B], [a]));
});

test("rfactor with factorAxis -1, the partials parallel and computed at the final reduction", (t) => {
  const A = te.placeholder([6, 32], "float32", "A");
  const k = te.reduceAxis([0, 32], "k");
  const B = te.compute([6], (i) => te.sum(A.at(i, k).mul(A.at(i, k)), k), "B");
  const s = te.createSchedule(B.op);
  const [ko] = s.stage(B).split(k, { nparts: 4 });
  const BF = s.rfactor(B, ko, -1);
  t.deepEqual(BF.shape.map(String), ["6", "4"]);
  s.stage(BF).computeAt(s.stage(B), s.stage(B).op.axis[0]);
  s.stage(BF).parallel(s.stage(BF).op.axis[1]);
  const text = lower(s, [A, B]).toString();
  t.regex(text, /allocate\(B\.rf, float32, \[4\]\)/);
  const a = randomInput(A, prng(21));
  const ref = run(te.createSchedule(B.op), [A], [B], [a])[0];
  const got = run(s, [A], [B], [a])[0];
  t.true(got.every((v, i) => Math.abs(v - ref[i]) <= 1e-5 * Math.max(1, Math.abs(ref[i]))), `${got} vs ${ref}`);
});

test("rfactor of a multi-value reduction (argmax) returns the partial index and value", (t) => {
  const argmax = te.commReducer(
    (x: PrimExpr[], y: PrimExpr[]) => [te.select(x[1].ge(y[1]), x[0], y[0]), te.select(x[1].ge(y[1]), x[1], y[1])],
    () => [te.const(-1, "int32"), te.minValue("float32")],
    "argmax",
  );
  const V = te.placeholder([4, 11], "float32", "V");
  const k = te.reduceAxis([0, 11], "k");
  const [I, M] = te.compute([4], (i) => argmax([k.var, V.at(i, k)], k), "T");
  const s = te.createSchedule(I.op);
  const [, ki] = s.stage(I).split(k, { factor: 3 });
  const [RI, RM] = s.rfactor([I, M], ki);
  t.deepEqual([RI.name, RM.name], ["T.rf.v0", "T.rf.v1"]);
  t.is(RI.op, RM.op);
  const v = randomInput(V, prng(22));
  t.deepEqual(run(s, [V], [I, M], [v]), run(te.createSchedule(I.op), [V], [I, M], [v]));
  // The single-tensor form returns the partials of that tensor.
  const s2 = te.createSchedule(I.op);
  const [, ki2] = s2.stage(I).split(k, { factor: 3 });
  const rm = s2.rfactor(M, ki2);
  t.is(rm.name, "T.rf.v1");
  t.deepEqual(run(s2, [V], [I, M], [v]), run(te.createSchedule(I.op), [V], [I, M], [v]));
});

test("rfactor of a reduction with an init value starts the partials at the identity", (t) => {
  const A = te.placeholder([3, 8], "int32", "A");
  const C0 = te.placeholder([3], "int32", "C0");
  const k = te.reduceAxis([0, 8], "k");
  const B = te.compute([3], (i) => te.sum(A.at(i, k), k, undefined, C0.at(i)), "B");
  const s = te.createSchedule(B.op);
  const [, ki] = s.stage(B).split(k, { factor: 2 });
  const BF = s.rfactor(B, ki);
  t.deepEqual((BF.op.body[0] as Reduce).init, []);
  const rand = prng(23);
  const inputs = [randomInput(A, rand), randomInput(C0, rand)];
  t.deepEqual(run(s, [A, C0], [B], inputs), run(te.createSchedule(B.op), [A, C0], [B], inputs));
});

test("rfactor with a where condition and two reduce axes; rfactor of the partials again", (t) => {
  const A = te.placeholder([5, 6, 7], "int32", "A");
  const k1 = te.reduceAxis([0, 6], "k1");
  const k2 = te.reduceAxis([0, 7], "k2");
  const B = te.compute([5], (i) => te.sum(A.at(i, k1, k2), [k1, k2], k1.var.add(k2.var).lt(9)), "B");
  const s = te.createSchedule(B.op);
  const [, k2i] = s.stage(B).split(k2, { factor: 3 });
  const BF = s.rfactor(B, k2i);
  t.deepEqual(BF.shape.map(String), ["3", "5"]);
  const BF2 = s.rfactor(BF, BF.op.reduceAxis[0]);
  t.is(BF2.name, "B.rf.rf");
  t.deepEqual(BF2.shape.map(String), ["6", "3", "5"]);
  const a = randomInput(A, prng(24));
  t.deepEqual(run(s, [A], [B], [a]), run(te.createSchedule(B.op), [A], [B], [a]));
});

test("rfactor errors name the tensor, the axis and what was expected", (t) => {
  const A = te.placeholder([4, 8], "float32", "A");
  const k = te.reduceAxis([0, 8], "k");
  const B = te.compute([4], (i) => te.sum(A.at(i, k), k), "B");
  const C = te.compute([4], (i) => B.at(i).add(1), "C");
  const s = te.createSchedule(C.op);
  t.is(t.throws(() => s.rfactor(B, B.op.axis[0]))!.message, "rfactor of 'B': axis 'i' is a DataPar axis; rfactor factors a reduction axis (a reduce axis of 'B', or a part of one after split)");
  t.is(t.throws(() => s.rfactor(C, k))!.message, "rfactor of 'C': cannot factor axis 'k': it is not a loop of that stage (leaf loops: i)");
  t.is(t.throws(() => s.rfactor(A, k))!.message, "rfactor of 'A': only compute stages can be factored; 'A' is a PlaceholderOp");
  t.is(t.throws(() => s.rfactor(B, k, 2))!.message, "rfactor of 'B': factorAxis 2 is out of range; 'B' has 1 dimensions, so the new axis goes at a position in [0, 1] (or [-2, -1] from the end)");
  t.is(t.throws(() => s.rfactor(B, k, -3))!.message, "rfactor of 'B': factorAxis -3 is out of range; 'B' has 1 dimensions, so the new axis goes at a position in [0, 1] (or [-2, -1] from the end)");
  t.is(t.throws(() => s.rfactor(B, "k" as unknown as typeof k))!.message, "rfactor of 'B': expects a reduction loop (an IterVar) of 'B', got string k");
  const [ko] = s.stage(B).split(k, 2);
  t.is(t.throws(() => s.rfactor(B, k))!.message, "rfactor of 'B': cannot factor axis 'k': it was split or fused; factor one of its leaves (leaf loops: i, k.outer, k.inner)");
  s.stage(B).computeAt(s.stage(C), C.op.axis[0]);
  const fused = s.stage(B).fuse(B.op.axis[0], ko);
  t.is(t.throws(() => s.rfactor(B, fused))!.message, "rfactor of 'B': loop 'i.k.outer.fused' was fused with data-parallel axis 'i'; rfactor needs a loop derived from reduction axes only");

  const A2 = te.placeholder([8, 9], "int32", "A2");
  const k9 = te.reduceAxis([0, 9], "k9");
  const M = te.compute([8, 7], (i, j) => te.sum(A2.at(i, k9).mul(j), k9), "M");
  const s5 = te.createSchedule(M.op);
  const [mko, mki] = s5.stage(M).split(k9, { nparts: 3 });
  s5.stage(M).fuse(M.op.axis[1], mko);
  t.is(t.throws(() => s5.rfactor(M, mki))!.message, "rfactor of 'M': loop 'j.k9.outer.fused' fuses the reduction 'k9.inner' belongs to with data-parallel loop 'j'; rfactor needs the reduction's loops kept apart from data-parallel ones");

  const D = te.compute([4], (i) => te.sum(A.at(i, k), k), "D");
  const E = te.compute([4], (i) => D.at(i).mul(2), "E");
  const F = te.compute([4], (i) => E.at(i).sub(1), "F");
  const s2 = te.createSchedule(F.op);
  const [, dki] = s2.stage(D).split(D.op.reduceAxis[0], 4);
  s2.stage(E).computeAt(s2.stage(F), F.op.axis[0]);
  const x = te.reduceAxis([2, 8], "x");
  const G = te.compute([4], (i) => te.sum(A.at(i, x), x), "G");
  const s3 = te.createSchedule(G.op);
  t.is(t.throws(() => s3.rfactor(G, x))!.message, "rfactor of 'G': reduction axis 'x' starts at 2; rfactor needs a reduction domain starting at 0");
  // a stage attached at a loop of the factored stage would lose its attach point
  const H = te.compute([4], (i) => A.at(i, 0), "H");
  const J = te.compute([4], (i) => te.sum(A.at(i, k).add(H.at(i)), k), "J");
  const s4 = te.createSchedule(J.op);
  s4.stage(H).computeAt(s4.stage(J), J.op.axis[0]);
  const [, jki] = s4.stage(J).split(k, 4);
  t.is(t.throws(() => s4.rfactor(J, jki))!.message, "rfactor of 'J': stage 'H' is computed at loop 'i' of 'J', which this rewrite removes (it resets the loops of 'J'); call rfactor before computeAt, or compute 'H' at a loop that remains");
  t.notThrows(() => s2.rfactor(D, dki));
});
