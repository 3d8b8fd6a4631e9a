// The overlap check across distinct buffer objects over one memory: a cloned SharedArrayBuffer
// and a callback's view of kernel memory are compared by address, so a noalias kernel never
// writes memory it also reads through another argument.
import test from "ava";
import { build, te, tir } from "../../ts/index.js";
import { NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc, removeGlobalFunc } from "../../ts/runtime/registry.js";

function addKernel(n: number) {
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const C = te.compute([n], (i) => A.at(i).add(B.at(i)), "C");
  return build(te.createSchedule(C.op), [A, B, C], { name: "add" }).getFunction("add");
}

test("two SharedArrayBuffer objects over one memory (structuredClone) are compared by address", (t) => {
  const add = addKernel(16);
  const sab = new SharedArrayBuffer(16 * 4 * 2);
  const clone = structuredClone(sab);
  t.not(clone, sab);
  const a = new NDArray(new Float32Array(sab, 0, 16), [16]);
  const aAgain = new NDArray(new Float32Array(clone, 0, 16), [16]);
  const after = new NDArray(new Float32Array(clone, 64, 16), [16]);
  const b = array(Float32Array.from({ length: 16 }, (_, i) => i));
  const err = t.throws(() => add(a, b, aAgain))!;
  t.regex(err.message, /^add: arguments 0 \('A'\) and 2 \('C'\) share memory \(addresses 0x[0-9a-f]+\.\.0x[0-9a-f]+ and 0x[0-9a-f]+\.\.0x[0-9a-f]+, seen through two buffer objects\) and the kernel writes argument 2 \('C'\)/);
  // The bytes past A in the clone are not A's: that call is fine, and right.
  new Float32Array(sab).fill(1, 0, 16);
  add(a, b, after);
  t.deepEqual([...after.toTypedArray()], Array.from({ length: 16 }, (_, i) => 1 + i));
  // Distinct shared memories never overlap.
  const other = new NDArray(new Float32Array(new SharedArrayBuffer(64)), [16]);
  add(a, b, other);
  t.deepEqual([...other.toTypedArray()], Array.from({ length: 16 }, (_, i) => 1 + i));
});

test("a callback's view of kernel memory passed back next to the array it shows is refused", (t) => {
  const add = addKernel(8);
  const X = te.placeholder([8], "float32", "X");
  const Y = te.extern([8], [X], (ins, outs) => tir.callPacked("test.overlap.cb", ins[0], outs[0]), { name: "Y" }) as te.Tensor;
  const outer = build(te.createSchedule(Y.op), [X, Y], { name: "outer" }).getFunction("outer");
  const x = array(Float32Array.from({ length: 8 }, (_, i) => i + 1));
  const y = empty([8]);
  const ones = array(new Float32Array(8).fill(1));
  let refused = "";
  registerFunc("test.overlap.cb", (xv: NDArray, yv: NDArray) => {
    // xv shows x's memory through another buffer object: writing x while reading xv is refused.
    try {
      add(xv, ones, x);
    } catch (e) {
      refused = (e as Error).message;
    }
    add(xv, ones, yv); // distinct memory: fine
  });
  try {
    outer(x, y);
  } finally {
    removeGlobalFunc("test.overlap.cb");
  }
  t.regex(refused, /^add: arguments 0 \('A'\) and 2 \('C'\) share memory \(addresses .*seen through two buffer objects\)/);
  t.deepEqual([...x.toTypedArray()], [1, 2, 3, 4, 5, 6, 7, 8], "x was not written");
  t.deepEqual([...y.toTypedArray()], [2, 3, 4, 5, 6, 7, 8, 9]);
});
