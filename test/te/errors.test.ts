import test from "ava";
import { te, tir, lower } from "../../ts/index.js";

test("indexing a tensor with the wrong number of indices names the tensor and its rank", (t) => {
  const A = te.placeholder([4, 5], "float32", "A");
  const e = t.throws(() => te.compute([4], (i) => A.at(i), "B"));
  t.is(e!.message, "tensor 'A' has 2 dimensions (shape [4, 5]) but was indexed with 1 indices");
});

test("a non-integer index is refused", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const e = t.throws(() => te.compute([4], (i) => A.at(A.at(i)), "B"));
  t.regex(e!.message, /tensor 'A': index 0 must be a scalar integer, got float32/);
});

test("mismatched float dtypes in an expression are refused with both dtypes named", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const B = te.placeholder([4], "float64", "B");
  const e = t.throws(() => te.compute([4], (i) => A.at(i).add(B.at(i)), "C"));
  t.is(e!.message, "add: mismatched dtypes float32 and float64; cast one side explicitly with .cast()");
  t.notThrows(() => te.compute([4], (i) => A.at(i).add(B.at(i).cast("float32")), "C"));
});

test("an fcompute returning a non-expression is refused", (t) => {
  const e = t.throws(() => te.compute([4], (i) => "oops" as unknown as number, "C"));
  t.is(e!.message, "compute 'C': fcompute must return an expression, got string oops");
  const e2 = t.throws(() => te.compute([4], (i) => undefined as unknown as number, "D"));
  t.regex(e2!.message, /compute 'D': fcompute returned undefined/);
});

test("an fcompute with the wrong number of index arguments names both counts", (t) => {
  const e = t.throws(() => te.compute([4, 4], (i) => i, "C"));
  t.is(e!.message, "compute 'C': fcompute takes 1 index arguments (i) but the shape has 2 dimensions");
});

test("an extern whose fcompute returns nothing is refused", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const e = t.throws(() => te.extern([4], [A], () => undefined as unknown as tir.Stmt, { name: "ext" }));
  t.regex(e!.message, /^extern 'ext': fcompute returned undefined; it must return a statement or an expression/);
});

test("computeAt refuses a non-leaf axis, the stage itself and a non-consumer", (t) => {
  const A = te.placeholder([16], "float32", "A");
  const B = te.compute([16], (i) => A.at(i).mul(2), "B");
  const C = te.compute([16], (i) => B.at(i).add(1), "C");
  const D = te.compute([16], (i) => A.at(i).sub(1), "D");
  const s = te.createSchedule([C.op, D.op]);
  const [outer] = s.stage(C).split(C.op.axis[0], { factor: 4 });
  t.truthy(outer);
  const e1 = t.throws(() => s.stage(B).computeAt(s.stage(C), C.op.axis[0]));
  t.is(e1!.message, "stage 'B': cannot compute at axis 'i' of 'C': it was split or fused; use one of its leaves (leaf axes: i.outer, i.inner)");
  const e2 = t.throws(() => s.stage(B).computeAt(s.stage(B), B.op.axis[0]));
  t.is(e2!.message, "stage 'B' cannot be computed at its own axis");
  const e3 = t.throws(() => s.stage(B).computeAt(s.stage(D), D.op.axis[0]));
  t.is(e3!.message, "stage 'B': cannot compute at 'D', which does not read 'B' (directly or through other stages)");
  const e4 = t.throws(() => s.stage(B).computeAt(s.stage(C), D.op.axis[0]));
  t.regex(e4!.message, /stage 'B': cannot compute at axis 'i' of 'C': it is not an axis of that stage/);
});

test("lower refuses arguments that are not tensors, buffers or variables", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const B = te.compute([4], (i) => A.at(i), "B");
  const e = t.throws(() => lower(te.createSchedule(B.op), [A, 3 as unknown as te.Tensor]));
  t.is(e!.message, "lower: argument 1 must be a tensor, a buffer or a variable, got number 3");
});
