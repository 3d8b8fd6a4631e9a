// Kernel -> JS packed calls on the JS thread (callbacks.c): per-tile calls on views with the
// parent's strides and the tile's byte offset, scalar conversion both ways, view release,
// throwing callbacks, override of a cached handle, unknown names.
import test from "ava";
import { loadFixture } from "./helpers.js";
import { NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc, removeGlobalFunc } from "../../ts/runtime/registry.js";

const mod = loadFixture("callbacks.c");
const rowTiles = mod.getFunction("row_tiles");

test.serial("a kernel calls a registered function once per tile, on views of the tile", (t) => {
  const seen: string[] = [];
  registerFunc("test.tile", (a: NDArray, b: NDArray, row0: number) => {
    seen.push(`${row0}: shape [${a.shape}] strides [${a.strides}] byteOffset ${a.byteOffset} dtype ${a.dtype}`);
    t.is(a.data.length, a.byteOffset / 4 + a.size); // the view's buffer starts at the parent's data
    const x = a.toTypedArray();
    b.copyFrom(x.map((v) => (v as number) * 2));
  }, { override: true });
  const n = 5, m = 4;
  const A = array(new Float32Array(n * m).map((_, i) => i), [n, m]);
  const B = empty([n, m]);
  t.is(rowTiles(A, B, 2), 3);
  t.deepEqual(seen, [
    "0: shape [2,4] strides [4,1] byteOffset 0 dtype float32",
    "2: shape [2,4] strides [4,1] byteOffset 32 dtype float32",
    "4: shape [1,4] strides [4,1] byteOffset 64 dtype float32",
  ]);
  t.deepEqual([...B.data], [...A.data].map((v) => v * 2));
});

test.serial("column tiles arrive as strided views; get/set honour strides and offset", (t) => {
  const offsets: number[] = [];
  registerFunc("test.col", (v: NDArray, c0: number) => {
    offsets.push(v.byteOffset);
    t.false(v.isContiguous());
    for (let i = 0; i < v.shape[0]; i++) for (let j = 0; j < v.shape[1]; j++) v.set([i, j], (v.get([i, j]) as number) + 100 * (c0 + j));
  }, { override: true });
  const parent = new Float32Array(3 * 5).fill(1);
  mod.getFunction("col_tiles")(array(parent, [3, 5]), 2);
  t.deepEqual(offsets, [0, 8, 16]);
  t.deepEqual([...parent.slice(0, 5)], [1, 101, 201, 301, 401]);
  t.deepEqual([...parent.slice(10, 15)], [1, 101, 201, 301, 401]);
});

test.serial("a view of a view: the kernel's argument passes through with its strides and byte offset", (t) => {
  let got = "";
  registerFunc("test.echo", (v: NDArray) => {
    got = `${v.shape} | ${v.strides} | ${v.byteOffset} | ${[...v.toTypedArray()]}`;
    return v.size;
  }, { override: true });
  const parent = new Int32Array(24).map((_, i) => i);
  const view = NDArray.view(parent, [2, 2], [6, 2], 4 * 7, "int32");
  t.is(mod.getFunction("pass_through")("test.echo", view), 4);
  t.is(got, "2,2 | 6,2 | 28 | 7,9,13,15");
});

test.serial("two views of the same memory in one call alias each other", (t) => {
  registerFunc("test.alias", (x: NDArray, y: NDArray) => {
    x.set([1], 42);
    return y.get([1]);
  }, { override: true });
  const a = array(new Float64Array([1, 2, 3]));
  for (let i = 0; i < 100; i++) t.is(mod.getFunction("pass_twice")("test.alias", a), 42);
  t.is(a.get([1]), 42);
});

test.serial("scalars reach JS as numbers (bigint beyond 2^53), strings and null; results come back", (t) => {
  let args: unknown[] = [];
  registerFunc("test.scalars", (...a: unknown[]) => {
    args = a;
    return 1.25;
  }, { override: true });
  const call = mod.getFunction("call_scalars");
  t.is(call("test.scalars"), 1.25);
  t.deepEqual(args, [7, -(2n ** 60n), 2.5, "hi", null, 3]);
  for (const [ret, expected] of [[7, 7], [2n ** 62n, 2n ** 62n], ["text", "text"], [undefined, undefined], [true, 1], [null, undefined]] as const) {
    registerFunc("test.scalars", () => ret, { override: true });
    t.is(call("test.scalars"), expected);
  }
  registerFunc("test.scalars", () => ({}), { override: true });
  t.throws(() => call("test.scalars"), { message: /packed function 'test.scalars' returned a value that is not a number/ });
});

test.serial("views are released when the callback returns", (t) => {
  let kept: NDArray | undefined;
  let keptData: Float32Array | undefined;
  registerFunc("test.keep", (v: NDArray) => {
    kept = v;
    keptData = v.data as Float32Array;
    t.is(v.get([1]), 2);
  }, { override: true });
  const a = array(new Float32Array([1, 2, 3]));
  mod.getFunction("pass_through")("test.keep", a);
  t.true(kept!.released);
  t.throws(() => kept!.get([0]), { message: /was released when the callback returned/ });
  t.throws(() => kept!.toTypedArray(), { message: /argument 0 of packed function 'test.keep'\) was released when the callback returned/ });
  t.throws(() => kept!.set([0], 1), { message: /released/ });
  t.throws(() => kept!.copyFrom([1, 2, 3]), { message: /released/ });
  t.is(keptData!.length, 0); // the external buffer was detached
  t.is(keptData!.buffer.byteLength, 0);
  t.throws(() => mod.getFunction("pass_through")("test.keep", kept!), { message: /argument 1: .*released/ });
  t.deepEqual([...a.data], [1, 2, 3]); // the kernel's memory is untouched
});

test.serial("a throwing callback makes the kernel fail with the callback's own exception (class, stack, cause)", (t) => {
  let calls = 0;
  class Cursed extends Error {}
  const cause = new Error("the curse");
  let thrown: Error | undefined;
  registerFunc("test.tile", (_a: NDArray, _b: NDArray, row0: number) => {
    calls++;
    if (row0 === 2) throw (thrown = new Cursed("tile 2 is cursed", { cause }));
  }, { override: true });
  const A = empty([6, 2]);
  const e = t.throws(() => rowTiles(A, empty([6, 2]), 2), { instanceOf: Cursed, message: "tile 2 is cursed" });
  t.is(e, thrown, "the very exception the callback threw");
  t.is(e?.cause, cause);
  t.regex(e?.stack ?? "", /callbacks\.test\.ts/, "its stack is the callback's");
  t.is(calls, 2); // the kernel stopped at the failing call
  registerFunc("test.tile", () => { throw "a string"; }, { override: true });
  t.throws(() => rowTiles(A, empty([6, 2]), 2), { message: "packed function 'test.tile' threw: a string" });
  registerFunc("test.tile", () => Promise.resolve(1), { override: true });
  t.throws(() => rowTiles(A, empty([6, 2]), 2), { message: /returned a Promise: functions called from kernels must be synchronous/ });
  // The process and the module still work.
  registerFunc("test.tile", () => undefined, { override: true });
  t.is(rowTiles(A, empty([6, 2]), 4), 2);
});

test.serial("the handle a kernel cached stays valid: override changes what it calls", (t) => {
  const A = empty([4, 1]);
  const log: string[] = [];
  registerFunc("test.tile", () => { log.push("first"); }, { override: true });
  rowTiles(A, empty([4, 1]), 4);
  registerFunc("test.tile", () => { log.push("second"); }, { override: true });
  rowTiles(A, empty([4, 1]), 4);
  t.deepEqual(log, ["first", "second"]);
  t.is(mod.getFunction("lookup")("test.tile"), 1);
  removeGlobalFunc("test.tile");
  t.throws(() => rowTiles(A, empty([4, 1]), 4), { message: "packed function 'test.tile' was removed from the registry" });
  registerFunc("test.tile", () => { log.push("third"); });
  rowTiles(A, empty([4, 1]), 4);
  t.deepEqual(log, ["first", "second", "third"]);
});

test.serial("an unknown name fails in GetFuncFromEnv with a message naming it", (t) => {
  t.throws(() => mod.getFunction("call_scalars")("test.nobody"), {
    message: "packed function 'test.nobody' is not registered: call registerFunc('test.nobody', fn) before running the kernel",
  });
});

test.serial("a callback can call another kernel (nested synchronous calls)", (t) => {
  const basic = loadFixture("basic.c");
  const addOne = basic.getFunction("add_one");
  registerFunc("test.nested", (v: NDArray) => {
    const out = empty([v.size]);
    addOne(array(v.toTypedArray().slice() as Float32Array), out);
    v.copyFrom(out);
    return mod.getFunction("call_scalars")("test.inner");
  }, { override: true });
  registerFunc("test.inner", (a: number) => a * 3, { override: true });
  const a = array(new Float32Array([1, 2]));
  t.is(mod.getFunction("pass_through")("test.nested", a), 21);
  t.deepEqual([...a.data], [2, 3]);
});
