// TE's errors: each names the tensor, axis or argument, and is of its class (ShapeError for index
// counts and shapes, DTypeError for dtypes, ArgumentError for a misused API, ScheduleError for a
// schedule primitive applied where it is not valid).
import test from "ava";
import { te, tir, lower, ShapeError, DTypeError, ArgumentError, ScheduleError } from "../../ts/index.js";

test("indexing a tensor with the wrong number of indices names the tensor and its rank", (t) => {
  const A = te.placeholder([4, 5], "float32", "A");
  const e = t.throws(() => te.compute([4], (i) => A.at(i), "B"), { instanceOf: ShapeError });
  t.is(e!.code, "ERR_SHAPE");
  t.is(e!.message, "tensor 'A' has 2 dimensions (shape [4, 5]) but was indexed with 1 indices");
});

test("a non-integer index is refused", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const e = t.throws(() => te.compute([4], (i) => A.at(A.at(i)), "B"), { instanceOf: DTypeError });
  t.regex(e!.message, /tensor 'A': index 0 must be a scalar integer, got float32/);
});

test("mismatched float dtypes in an expression are refused with both dtypes named", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const B = te.placeholder([4], "float64", "B");
  const e = t.throws(() => te.compute([4], (i) => A.at(i).add(B.at(i)), "C"), { instanceOf: DTypeError });
  t.is(e!.code, "ERR_DTYPE");
  t.is(e!.message, "add: mismatched dtypes float32 and float64; cast one side explicitly with .cast()");
  t.notThrows(() => te.compute([4], (i) => A.at(i).add(B.at(i).cast("float32")), "C"));
});

test("an fcompute returning a non-expression is refused", (t) => {
  const e = t.throws(() => te.compute([4], (i) => "oops" as unknown as number, "C"), { instanceOf: ArgumentError });
  t.is(e!.code, "ERR_ARGUMENT");
  t.is(e!.message, "compute 'C': fcompute must return an expression, got string oops");
  const e2 = t.throws(() => te.compute([4], (i) => undefined as unknown as number, "D"));
  t.regex(e2!.message, /compute 'D': fcompute returned undefined/);
});

test("an fcompute with the wrong number of index arguments names both counts", (t) => {
  const e = t.throws(() => te.compute([4, 4], (i) => i, "C"), { instanceOf: ShapeError });
  t.is(e!.message, "compute 'C': fcompute takes 1 index arguments (i) but the shape has 2 dimensions");
});

test("an extern whose fcompute returns nothing is refused", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const e = t.throws(() => te.extern([4], [A], () => undefined as unknown as tir.Stmt, { name: "ext" }), { instanceOf: ArgumentError });
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
  const e1 = t.throws(() => s.stage(B).computeAt(s.stage(C), C.op.axis[0]), { instanceOf: ScheduleError });
  t.is(e1!.message, "stage 'B': cannot compute at axis 'i' of 'C': it was split or fused; use one of its leaves (leaf axes: i.outer, i.inner)");
  const e2 = t.throws(() => s.stage(B).computeAt(s.stage(B), B.op.axis[0]), { instanceOf: ScheduleError });
  t.is(e2!.message, "stage 'B' cannot be computed at its own axis");
  const e3 = t.throws(() => s.stage(B).computeAt(s.stage(D), D.op.axis[0]), { instanceOf: ScheduleError });
  t.is(e3!.message, "stage 'B': cannot compute at 'D', which does not read 'B' (directly or through other stages)");
  const e4 = t.throws(() => s.stage(B).computeAt(s.stage(C), D.op.axis[0]), { instanceOf: ScheduleError });
  t.regex(e4!.message, /stage 'B': cannot compute at axis 'i' of 'C': it is not an axis of that stage/);
});

test("lower refuses arguments that are not tensors, buffers or variables", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const B = te.compute([4], (i) => A.at(i), "B");
  const e = t.throws(() => lower(te.createSchedule(B.op), [A, 3 as unknown as te.Tensor]), { instanceOf: ArgumentError });
  t.is(e!.message, "lower: argument 1 must be a tensor, a buffer or a variable, got number 3");
});

test("a size of a float dtype, or a float index, is a DTypeError", (t) => {
  const e = t.throws(() => te.sizeVar("n", "float32"), { instanceOf: DTypeError });
  t.is(e?.code, "ERR_DTYPE");
  t.is(e?.message, "sizeVar 'n': a size must have an integer dtype, got float32");
  const A = te.placeholder([4], "float32", "A");
  t.throws(() => te.compute([4], (i) => A.at(i.cast("float32")), "B"), { instanceOf: DTypeError, message: /^tensor 'A': index 0 must be a scalar integer, got float32/ });
});

test("a negative reduce axis, a non-function fcompute and a loose reduce axis are ArgumentErrors", (t) => {
  const e = t.throws(() => te.reduceAxis([4, 0], "k"), { instanceOf: ArgumentError });
  t.is(e?.code, "ERR_ARGUMENT");
  t.is(e?.message, "reduceAxis 'k': the range [4, 0) has a negative extent (-4); expected [lo, hi] with lo <= hi");
  t.throws(() => te.compute([4], 3 as never, "B"), { instanceOf: ArgumentError, message: "compute 'B': fcompute must be a function of the indices, got number 3" });
  const A = te.placeholder([4, 4], "float32", "A");
  const k = te.reduceAxis([0, 4], "k");
  t.throws(() => te.compute([4], (i) => A.at(i, k), "C"), { instanceOf: ArgumentError, message: /^compute 'C': reduce axis 'k' is used outside a reduction over it/ });
});
