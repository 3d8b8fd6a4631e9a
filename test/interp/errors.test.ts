// The interpreter as an oracle for bad lowering and bad calls: out-of-bounds accesses, wrong
// arguments, unbound variables, failed asserts and unknown calls are Errors that say what and where,
// each of its class: KernelError for what fails while the function runs (an out-of-bounds access,
// a failed assert), Argument/Shape/DTypeError for a bad call, IRError for a malformed function.
import test from "ava";
import { declBuffer } from "../../ts/ir/buffer.js";
import { Call, IntImm, StringImm, Var } from "../../ts/ir/expr.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { AssertStmt, Evaluate, LetStmt, Store } from "../../ts/ir/stmt.js";
import { NDArray, array, empty, releaseView } from "../../ts/runtime/ndarray.js";
import { interpret } from "../../ts/interp/index.js";
import { primFunc } from "../helpers/prim_func.js";
import { ArgumentError, DTypeError, IRError, KernelError, ShapeError, UnsupportedError } from "../../ts/errors.js";

function copyFunc(extent: number) {
  const A = declBuffer([8], "float32", "A");
  const C = declBuffer([8], "float32", "C");
  const ib = irBuilder();
  const [a, c] = [ib.bufferPtr(A), ib.bufferPtr(C)];
  ib.forRange(0, extent, "i", (i) => c.set(i, a.get(i.min(7))));
  return primFunc([A, C], ib.get(), "copy");
}

test("an out-of-bounds store is an Error naming the buffer, the index and the size", (t) => {
  const c = empty([8]);
  const err = t.throws(() => interpret(copyFunc(9), [array(new Float32Array(8)), c]), { instanceOf: KernelError });
  t.is(err?.code, "ERR_KERNEL");
  t.regex(err!.message, /out-of-bounds store to 'C': index 8 is outside \[0, 8\) \(8 elements\)/);
  t.regex(err!.message, /C\[i\]/);
  // The stores before the bad one happened, as they would in C.
  t.is(c.get([7]), 0);
});

test("an out-of-bounds load is an Error naming the buffer; negative indices too", (t) => {
  const A = declBuffer([4], "int32", "A");
  const C = declBuffer([4], "int32", "C");
  const ib = irBuilder();
  const [a, c] = [ib.bufferPtr(A), ib.bufferPtr(C)];
  ib.forRange(0, 4, "i", (i) => c.set(i, a.get(i.sub(1))));
  const err = t.throws(() => interpret(primFunc([A, C], ib.get()), [empty([4], "int32"), empty([4], "int32")]), { instanceOf: KernelError });
  t.regex(err!.message, /out-of-bounds load from 'A': index -1 is outside \[0, 4\)/);
});

test("bounds are those of the array argument, not of its whole TypedArray", (t) => {
  // A 4-element view in the middle of a 10-element TypedArray: index 4 exists in memory but not in A.
  const A = declBuffer([4], "float32", "A");
  const ib = irBuilder();
  ib.bufferPtr(A).set(4, 1);
  const backing = new Float32Array(10);
  const err = t.throws(() => interpret(primFunc([A], ib.get()), [NDArray.view(backing, [4], null, 12)]));
  t.regex(err!.message, /store to 'A': index 4 is outside \[0, 4\)/);
  t.deepEqual(Array.from(backing), new Array(10).fill(0));
});

test("an out-of-bounds allocation access names the allocation", (t) => {
  const ib = irBuilder();
  const tmp = ib.allocate("float64", [3], "tmp");
  ib.forRange(0, 4, "i", (i) => tmp.set(i, 1));
  t.throws(() => interpret(primFunc([], ib.get()), []), { instanceOf: KernelError, message: /store to 'tmp': index 3 is outside \[0, 3\)/ });
});

test("wrong argument shape, dtype, rank or kind is an Error naming the argument", (t) => {
  const f = copyFunc(8);
  const ok = empty([8]);
  t.throws(() => interpret(f, [ok, empty([5])]), { instanceOf: ShapeError, message: /copy: argument 1 \('C'\): shape\[0\] is 5, but buffer 'C' expects 8/ });
  t.throws(() => interpret(f, [empty([8], "int32"), ok]), { instanceOf: DTypeError, message: /argument 0 \('A'\): expected dtype float32, got an NDArray of int32/ });
  t.throws(() => interpret(f, [empty([2, 4]), ok]), { instanceOf: ShapeError, message: /argument 0 \('A'\): expected 1 dimension \(shape \[8\]\), got an NDArray of float32 with shape \[2, 4\]/ });
  t.throws(() => interpret(f, [3, ok]), { instanceOf: ArgumentError, message: /argument 0 \('A'\): expected an NDArray of float32 with shape \[8\], got number 3/ });
  t.throws(() => interpret(f, [ok]), { instanceOf: ArgumentError, message: /copy: expected 2 arguments \(A, C\), got 1/ });
});

test("a strided array is refused by a compact buffer, accepted by one that declares strides", (t) => {
  const backing = Float32Array.from({ length: 16 }, (_, i) => i);
  const strided = NDArray.view(backing, [8], [2], 0);
  t.throws(() => interpret(copyFunc(8), [strided, empty([8])]), { instanceOf: ShapeError, message: /argument 0 \('A'\): expected a compact \(row-major\) array, got strides \[2\]/ });
  const s = new Var("s", "int32");
  const A = declBuffer([8], "float32", "A", { strides: [s] });
  const C = declBuffer([8], "float32", "C");
  const ib = irBuilder();
  ib.forRange(0, 8, "i", (i) => ib.emit(A.vstore([i], A.vload([i]).mul(10))));
  // Pre-flattening accesses go through the strides; flat ones index the data pointer directly.
  const [a, c8] = [ib.bufferPtr(A), ib.bufferPtr(C)];
  ib.forRange(0, 8, "i", (i) => c8.set(i, a.get(i.mul(s))));
  const c = empty([8]);
  interpret(primFunc([A, C], ib.get()), [strided, c]);
  t.deepEqual(Array.from(c.toTypedArray()), [0, 20, 40, 60, 80, 100, 120, 140]);
  t.deepEqual(Array.from(backing.filter((_, i) => i % 2 === 1)), [1, 3, 5, 7, 9, 11, 13, 15]);
});

test("scalar arguments are type- and range-checked", (t) => {
  const n = new Var("n", "int32");
  const u = new Var("u", "uint8");
  const f = primFunc([n, u], new Evaluate(new IntImm("int32", 0)));
  t.throws(() => interpret(f, [1.5, 1]), { instanceOf: ArgumentError, message: /argument 0 \('n'\): expected a int32 \(an integer\), got 1.5/ });
  t.throws(() => interpret(f, [1, 256]), { instanceOf: ArgumentError, message: /argument 1 \('u'\): 256 is out of range for uint8/ });
  t.is(interpret(f, [-5, 255]), undefined);
});

test("a released NDArray is refused as an argument", (t) => {
  const a = empty([8]);
  releaseView(a, "this view is gone");
  t.throws(() => interpret(copyFunc(8), [a, empty([8])]), { message: /argument 0 \('A'\): this view is gone/ });
});

test("a variable used outside the statement that binds it is an Error", (t) => {
  const C = declBuffer([1], "int32", "C");
  const x = new Var("x", "int32");
  const body = new Store(C.data, x, new IntImm("int32", 0));
  t.throws(() => interpret(primFunc([C], body), [empty([1], "int32")]), { instanceOf: IRError, message: /variable 'x' is used where nothing binds it/ });
  // Bound by a let, it is fine.
  const c = empty([1], "int32");
  interpret(primFunc([C], new LetStmt(x, new IntImm("int32", 7), body)), [c]);
  t.is(c.get([0]), 7);
});

test("a failed assert throws its message", (t) => {
  const n = new Var("n", "int32");
  const body = new AssertStmt(n.gt(0), new StringImm("n must be positive"), new Evaluate(new IntImm("int32", 0)));
  const f = primFunc([n], body);
  t.is(t.throws(() => interpret(f, [0]), { instanceOf: KernelError, message: "n must be positive" })?.code, "ERR_KERNEL");
  t.notThrows(() => interpret(f, [1]));
});

test("an unknown call is an Error naming the op", (t) => {
  const body = new Evaluate(new Call("int32", "tir.frobnicate", [new IntImm("int32", 1)]));
  t.is(t.throws(() => interpret(primFunc([], body), []), { instanceOf: IRError, message: /unknown call 'tir.frobnicate'/ })?.code, "ERR_IR");
  const ext = new Evaluate(new Call("float32", "tir.call_extern", [new StringImm("my_c_function")]));
  t.is(t.throws(() => interpret(primFunc([], ext), []), { instanceOf: UnsupportedError, message: /call_extern of 'my_c_function' is not supported/ })?.code, "ERR_UNSUPPORTED");
});
