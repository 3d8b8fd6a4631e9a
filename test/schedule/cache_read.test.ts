// Schedule.cacheRead: the copy stage it creates (name, scope, shape, place in the stage list),
// the rewiring of the given readers only, tile-sized copies under computeAt, results against
// the unscheduled program, and the errors it gives.

import test from "ava";
import { te, lower, schedule } from "../../ts/index.js";
import type { IterVar } from "../../ts/ir/iter_var.js";
import { randomInput, run } from "./helpers.js";
import { prng } from "../helpers/random.js";

function blurProgram() {
  const A = te.placeholder([10, 12], "float32", "A");
  const B = te.compute([8, 10], (i, j) => A.at(i, j).add(A.at(i.add(1), j.add(1))).add(A.at(i.add(2), j.add(2))), "B");
  return { A, B };
}

test("cacheRead returns a copy named <tensor>.<scope> with the tensor's shape, placed after its producer", (t) => {
  const { A, B } = blurProgram();
  const s = te.createSchedule(B.op);
  const AA = s.cacheRead(A, "shared", [B]);
  t.is(AA.name, "A.shared");
  t.deepEqual(AA.shape.map(String), ["10", "12"]);
  t.is(AA.dtype.toString(), "float32");
  t.deepEqual(s.stages.map((st) => st.name), ["A", "A.shared", "B"]);
  t.is(s.stage(AA).scope, "shared");
  t.deepEqual(AA.op.axis.map((iv: IterVar) => iv.name), ["ax0", "ax1"]);
  t.deepEqual(s.stage(B).op.inputTensors().map((x) => x.name), ["A.shared"]);
  t.is(s.stage(B.op), s.stage(s.stage(B).op), "the reader's stage is found by its old and new op");
});

test("cacheRead: computed at the reader's outer loop, only the tile (with its halo) is copied", (t) => {
  const { A, B } = blurProgram();
  const s = te.createSchedule(B.op);
  const AA = s.cacheRead(A, "local", B);
  const [xo] = s.stage(B).split(B.op.axis[0], 4);
  s.stage(AA).computeAt(s.stage(B), xo);
  const bounds = schedule.inferBound(s.normalize());
  t.is(bounds.get(AA.op.axis[0])!.extent.toString(), "6");
  t.is(bounds.get(AA.op.axis[1])!.extent.toString(), "12");
  const text = lower(s, [A, B]).toString();
  t.regex(text, /allocate\(A\.local, float32, \[72\]\)/);
  const rand = prng(1);
  const a = randomInput(A, rand);
  const ref = run(te.createSchedule(B.op), [A], [B], [a]);
  t.deepEqual(run(s, [A], [B], [a]), ref);
});

test("cacheRead rewires only the listed readers; another reader keeps reading the original", (t) => {
  const A = te.placeholder([16], "int32", "A");
  const B = te.compute([16], (i) => A.at(i).mul(2), "B");
  const C = te.compute([16], (i) => A.at(i).add(B.at(i)), "C");
  const s = te.createSchedule(C.op);
  const AA = s.cacheRead(A, "global", [B]);
  t.deepEqual(s.stage(B).op.inputTensors().map((x) => x.name), ["A.global"]);
  t.deepEqual(s.stage(C).op.inputTensors().map((x) => x.name), ["A", "B"]);
  s.stage(AA).computeAt(s.stage(B), B.op.axis[0]);
  const rand = prng(2);
  const a = randomInput(A, rand);
  t.deepEqual(run(s, [A], [C], [a]), run(te.createSchedule(C.op), [A], [C], [a]));
});

test("two caches of one tensor in one scope get distinct names; a cache of a cache works", (t) => {
  const A = te.placeholder([8], "int32", "A");
  const B = te.compute([8], (i) => A.at(i).add(1), "B");
  const C = te.compute([8], (i) => A.at(i).mul(3), "C");
  const D = te.compute([8], (i) => B.at(i).add(C.at(i)), "D");
  const s = te.createSchedule(D.op);
  const A1 = s.cacheRead(A, "local", [B]);
  const A2 = s.cacheRead(A, "local", [C]);
  const A3 = s.cacheRead(A1, "shared", [B]);
  t.is(A1.name, "A.local");
  t.is(A2.name, "A.d.local");
  t.is(A3.name, "A.local.shared");
  t.deepEqual(s.stages.map((st) => st.name), ["A", "A.d.local", "A.local", "A.local.shared", "B", "C", "D"]);
  const a = randomInput(A, prng(3));
  t.deepEqual(run(s, [A], [D], [a]), run(te.createSchedule(D.op), [A], [D], [a]));
});

test("cacheRead of one output of a multi-output op is named <op>.v<i>.<scope>", (t) => {
  const A = te.placeholder([6], "int32", "A");
  const [P, Q] = te.compute([6], (i) => [A.at(i).add(1), A.at(i).mul(2)], "P");
  const R = te.compute([6], (i) => P.at(i).sub(Q.at(i)), "R");
  const s = te.createSchedule(R.op);
  const QQ = s.cacheRead(Q, "local", [R]);
  t.is(QQ.name, "P.v1.local");
  t.deepEqual(s.stage(R).op.inputTensors().map((x) => x.name), ["P.v0", "P.v1.local"]);
  const a = randomInput(A, prng(4));
  t.deepEqual(run(s, [A], [R], [a]), run(te.createSchedule(R.op), [A], [R], [a]));
});

test("cacheRead after a cacheWrite of the producer and with an inlined reader", (t) => {
  const A = te.placeholder([12], "float32", "A");
  const B = te.compute([12], (i) => A.at(i).mul(2), "B");
  const C = te.compute([12], (i) => B.at(i).add(1), "C");
  const D = te.compute([12], (i) => C.at(i).mul(C.at(i)), "D");
  const s = te.createSchedule(D.op);
  s.cacheWrite(B, "local");
  const BB = s.cacheRead(B, "shared", [C]);
  s.stage(C).computeInline();
  const [xo] = s.stage(D).split(D.op.axis[0], 5);
  s.stage(BB).computeAt(s.stage(D), xo);
  const a = randomInput(A, prng(5));
  t.deepEqual(run(s, [A], [D], [a]), run(te.createSchedule(D.op), [A], [D], [a]));
});

test("cacheRead errors name the tensor, the reader and what was expected", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const X = te.placeholder([4], "float32", "X");
  const B = te.compute([4], (i) => A.at(i).add(1), "B");
  const C = te.compute([4], (i) => B.at(i).mul(2), "C");
  const s = te.createSchedule(C.op);
  t.is(t.throws(() => s.cacheRead(A, "shared", [C]))!.message, "cacheRead of 'A': reader 'C' does not read 'A' (it reads 'B')");
  t.is(t.throws(() => s.cacheRead(A, "shared", []))!.message, "cacheRead of 'A': needs at least one reader (a tensor or op that reads 'A')");
  t.is(t.throws(() => s.cacheRead(A, "shared", [B, B.op]))!.message, "cacheRead of 'A': reader 'B' is listed twice");
  t.is(t.throws(() => s.cacheRead(A, "", [B]))!.message, 'cacheRead of \'A\': scope must be a non-empty storage scope name such as "global", "shared" or "local", got string ');
  t.regex(t.throws(() => s.cacheRead(X, "shared", [B]))!.message, /^cacheRead of 'X': tensor 'X' is not part of this schedule/);
  t.regex(t.throws(() => s.cacheRead(A, "shared", [X]))!.message, /^cacheRead of 'A': reader 'X' is not part of this schedule/);
  t.regex(t.throws(() => s.cacheRead(A, "shared", ["B" as unknown as te.Tensor]))!.message, /^cacheRead of 'A': readers must be tensors or ops, got string B/);
  t.regex(t.throws(() => s.cacheRead(3 as unknown as te.Tensor, "shared", [B]))!.message, /^cacheRead: expects a tensor of this schedule, got number 3/);
  // A refused call changes nothing.
  t.deepEqual(s.stages.map((st) => st.name), ["A", "B", "C"]);
  t.deepEqual(s.stage(B).op.inputTensors().map((x) => x.name), ["A"]);
});
