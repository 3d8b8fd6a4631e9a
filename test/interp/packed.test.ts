// tvm_call_packed from interpreted code: registered JS functions receive NDArray views over the
// interpreter's memory (strided, with byte offsets), numbers and strings; the views are released
// on return; a throwing callback becomes an Error carrying its message and the function's name.
import test from "ava";
import { declBuffer } from "../../ts/ir/buffer.js";
import { callPacked } from "../../ts/ir/builtin.js";
import { IntImm, Var } from "../../ts/ir/expr.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { type AnyNDArray, NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";
import { interpret } from "../../ts/interp/index.js";
import { primFunc } from "../helpers/prim_func.js";

const identity = <T>(x: T): T => x;
const int = (v: number): IntImm => new IntImm("int32", v);

test("a packed callback gets a strided view with a byte offset and writes through it", (t) => {
  // A is a 4x6 view that starts 2 elements into its TypedArray (byteOffset 8); the call passes
  // the 2x3 region starting at A[1, 1]: strides [6, 1], element offset 7 from A's data pointer.
  const A = declBuffer([4, 6], "float32", "A");
  const region = A.makeSlice([int(1), int(1)], [int(2), int(3)], identity);
  const seen: { shape: number[]; strides: number[]; byteOffset: number; values: number[]; scale: number; tag: string }[] = [];
  let kept: AnyNDArray | undefined;
  registerFunc("interp_test_region", (view: NDArray, scale: number, tag: string) => {
    seen.push({ shape: [...view.shape], strides: [...view.strides], byteOffset: view.byteOffset, values: Array.from(view.toTypedArray()), scale, tag });
    view.set([0, 0], -1);
    view.set([1, 2], -2);
    kept = view;
  }, { override: true });
  const ib = irBuilder();
  ib.emit(callPacked("interp_test_region", region, 2.5, "hello"));
  const f = primFunc([A], ib.get());
  const backing = Float32Array.from({ length: 26 }, (_, i) => i);
  const a = NDArray.view(backing, [4, 6], null, 8);
  interpret(f, [a]);
  t.is(seen.length, 1);
  t.deepEqual(seen[0].shape, [2, 3]);
  t.deepEqual(seen[0].strides, [6, 1]);
  t.is(seen[0].byteOffset, (2 + 7) * 4);
  // A[i, j] is backing[2 + 6i + j].
  t.deepEqual(seen[0].values, [9, 10, 11, 15, 16, 17]);
  t.is(seen[0].scale, 2.5);
  t.is(seen[0].tag, "hello");
  t.is(a.get([1, 1]), -1);
  t.is(a.get([2, 3]), -2);
  t.is(backing[9], -1);
  t.is(backing[17], -2);
  // The view was released when the callback returned.
  t.true(kept!.released);
  t.throws(() => kept!.get([0, 0]), { message: /released when the callback returned/ });
});

test("a packed call from a loop sees each tile of an allocation, then the kernel reads what it wrote", (t) => {
  // for i: fill tile i of an 8-element scratch through the callback, then copy scratch to Out.
  const Out = declBuffer([8], "int32", "Out");
  const calls: number[][] = [];
  registerFunc("interp_test_fill", (tile: AnyNDArray, base: number) => {
    calls.push([tile.byteOffset, ...tile.shape]);
    for (let k = 0; k < tile.shape[0]; k++) tile.set([k], base * 10 + k);
  }, { override: true });
  const ib = irBuilder();
  const out = ib.bufferPtr(Out);
  const scratch = ib.allocate("int32", [8], "scratch");
  const scratchBuf = declBuffer([8], "int32", "scratch", { data: scratch.data });
  ib.forRange(0, 4, "i", (i) => {
    const tile = scratchBuf.makeSlice([i.mul(2)], [int(2)], identity);
    ib.emit(callPacked("interp_test_fill", tile, i));
  });
  ib.forRange(0, 8, "j", (j) => out.set(j, scratch.get(j)));
  const o = empty([8], "int32");
  interpret(primFunc([Out], ib.get()), [o]);
  t.deepEqual(calls, [[0, 2], [8, 2], [16, 2], [24, 2]]);
  t.deepEqual(Array.from(o.toTypedArray()), [0, 1, 10, 11, 20, 21, 30, 31]);
});

test("a throwing callback becomes an Error with its message and the function's name", (t) => {
  registerFunc("interp_test_throws", () => {
    throw new Error("the callback is unhappy");
  }, { override: true });
  const A = declBuffer([2], "float32", "A");
  const ib = irBuilder();
  ib.emit(callPacked("interp_test_throws", A));
  const err = t.throws(() => interpret(primFunc([A], ib.get()), [empty([2])]));
  t.regex(err!.message, /interp_test_throws/);
  t.regex(err!.message, /the callback is unhappy/);
  t.true(err!.cause instanceof Error);
});

test("calling a name that is not registered is an Error naming it", (t) => {
  const ib = irBuilder();
  ib.emit(callPacked("interp_test_never_registered", 1));
  t.throws(() => interpret(primFunc([], ib.get()), []), { message: /'interp_test_never_registered' is not registered/ });
});

test("a view outside the memory it points into is an Error naming the buffer", (t) => {
  const A = declBuffer([4], "float32", "A");
  registerFunc("interp_test_noop", () => undefined, { override: true });
  const big = declBuffer([6], "float32", "Abig", { data: A.data });
  const ib = irBuilder();
  ib.emit(callPacked("interp_test_noop", big));
  const err = t.throws(() => interpret(primFunc([A], ib.get()), [empty([4])]));
  t.regex(err!.message, /'A'/);
  t.regex(err!.message, /outside \[0, 4\)/);
});

test("scalar arguments pass as numbers: int32, float32 (rounded), int64 and bool", (t) => {
  const got: unknown[][] = [];
  registerFunc("interp_test_scalars", (...args: unknown[]) => {
    got.push(args);
  }, { override: true });
  const n = new Var("n", "int32");
  const x = new Var("x", "float32");
  const w = new Var("w", "int64");
  const ib = irBuilder();
  ib.emit(callPacked("interp_test_scalars", n.add(1), x, w, n.gt(2)));
  interpret(primFunc([n, x, w], ib.get()), [41, 0.1, 2n ** 40n]);
  t.deepEqual(got, [[42, Math.fround(0.1), 2 ** 40, 1]]);
  // A bool view of a bool buffer.
  const B = declBuffer([3], "bool", "B");
  let values: unknown[] = [];
  registerFunc("interp_test_bools", (v: AnyNDArray) => {
    values = [v.dtype, v.get([0]), v.get([1]), v.get([2])];
  }, { override: true });
  const ib2 = irBuilder();
  ib2.emit(callPacked("interp_test_bools", B));
  interpret(primFunc([B], ib2.get()), [array(new Uint8Array([1, 0, 1]), [3], "bool")]);
  t.deepEqual(values, ["bool", true, false, true]);
});

test("the value of a packed call is the callee's result in the call's dtype", (t) => {
  registerFunc("interp_test_answer", (x: number) => x * 2 + 0.75, { override: true });
  registerFunc("interp_test_nothing", () => undefined, { override: true });
  const Out = declBuffer([2], "int32", "Out");
  const ib = irBuilder();
  const out = ib.bufferPtr(Out);
  out.set(0, callPacked("interp_test_answer", 20));
  out.set(1, callPacked("interp_test_nothing"));
  const o = empty([2], "int32");
  o.set([1], 9);
  interpret(primFunc([Out], ib.get()), [o]);
  t.deepEqual(Array.from(o.toTypedArray()), [40, 0]);
});
