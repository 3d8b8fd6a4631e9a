// argEncoder, the per-kernel encoder of kernel calls (marshal.ts): on its fast path (real, live
// NDArrays of the planned dtypes and ranks in distinct buffers) it must write exactly the
// descriptors encodeArgs writes, and every other call must get encodeArgs' answer: the same
// descriptors, or the same Error.
import test from "ava";
import { argEncoder, encodeArgs, type ParamInfo } from "../../ts/runtime/marshal.js";
import { NDArray, array, empty, releaseView } from "../../ts/runtime/ndarray.js";

const params: ParamInfo[] = [
  { kind: "tensor", name: "A", dtype: "float32", ndim: 2, noalias: "read" },
  { kind: "tensor", name: "B", dtype: "float32", ndim: 1, noalias: "read" },
  { kind: "tensor", name: "C", dtype: "float32", ndim: 2, noalias: "written" },
];

/** The descriptors and values of both encoders for `args`, or both Errors' messages. */
function both(args: unknown[], ps: ParamInfo[] = params) {
  const run = (f: (meta: Float64Array, out: unknown[]) => unknown[]) => {
    const meta = new Float64Array(64).fill(-1);
    try {
      const values = f(meta, []).slice(0, args.length);
      return { meta: [...meta.subarray(0, 1 + 7 * 3 + 4 * 3)], values };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const enc = argEncoder("k", ps);
  return { fast: run((m, o) => enc(args, m, o)), general: run((m, o) => encodeArgs("k", args, ps, m, o)) };
}

test("the fast path writes encodeArgs' descriptors: compact, strided and offset views", (t) => {
  const a = array(Float32Array.from({ length: 12 }, (_, i) => i), [3, 4]);
  const b = array(new Float32Array(5), [5]);
  const c = empty([3, 4]);
  const r = both([a, b, c]);
  t.deepEqual(r.fast, r.general);
  t.is(r.fast.meta![0], 3);
  t.deepEqual(r.fast.meta!.slice(1, 10), [1, 2, 32, 1, 0, 2, 0, 3, 4]);
  t.is(r.fast.values![0], a.data);
  // A transposed view (strides written) and a view at a byte offset.
  const at = new NDArray(a.data, [4, 3], [1, 4]);
  const bo = new NDArray(new Float32Array(8), [5], null, 8);
  const r2 = both([at, bo, c]);
  t.deepEqual(r2.fast, r2.general);
  t.deepEqual(r2.fast.meta!.slice(1, 12), [1, 2, 32, 1, 0, 2, 1, 4, 3, 1, 4]);
  t.deepEqual(r2.fast.meta!.slice(12, 20), [1, 2, 32, 1, 8, 1, 0, 5]);
});

test("off the fast path the encoder gives encodeArgs' errors", (t) => {
  const a = empty([3, 4]);
  const b = empty([5]);
  const c = empty([3, 4]);
  const cases: [string, unknown[], RegExp][] = [
    ["a wrong dtype", [empty([3, 4], "int32"), b, c], /^k: argument 0 \('A'\): expected an NDArray of dtype float32, got int32$/],
    ["a wrong rank", [a, empty([5, 1]), c], /^k: argument 1 \('B'\): expected an NDArray of 1 dimensions, got shape \[5, 1\]$/],
    ["a TypedArray", [a, new Float32Array(5), c], /^k: argument 1 \('B'\): expected an NDArray of dtype float32, got Float32Array \(wrap TypedArrays/],
    ["a Proxy of an NDArray", [new Proxy(a, {}), b, c], /^k: argument 0 \('A'\): expected an NDArray made by tejit/],
    ["too few arguments", [a, b], /^k: expected 3 arguments \(A, B, C\), got 2$/],
    ["the output as an input", [c, b, c], /^k: arguments 0 \('A'\) and 2 \('C'\) share memory \(bytes 0\.\.47 and 0\.\.47 of one ArrayBuffer\)/],
  ];
  for (const [what, args, message] of cases) {
    const r = both(args);
    t.deepEqual(r.fast, r.general, what);
    t.regex(r.fast.error ?? "", message, what);
  }
  const v = new NDArray(new Float32Array(12), [3, 4]);
  releaseView(v, "released by its callback");
  const r = both([v, b, c]);
  t.deepEqual(r.fast, r.general);
  t.regex(r.fast.error ?? "", /^k: argument 0 \('A'\): released by its callback$/);
  // Detached data.
  const d = empty([5]);
  structuredClone(d.data.buffer, { transfer: [d.data.buffer] });
  const rd = both([a, d, c]);
  t.deepEqual(rd.fast, rd.general);
  t.regex(rd.fast.error ?? "", /^k: argument 1 \('B'\): the NDArray's data is detached/);
});

test("two views of one buffer take the full check: disjoint halves pass, as with encodeArgs", (t) => {
  const buf = new Float32Array(24);
  const a = new NDArray(buf, [3, 4]);
  const c = new NDArray(buf, [3, 4], null, 48);
  const r = both([a, empty([5]), c]);
  t.deepEqual(r.fast, r.general);
  t.is(r.fast.error, undefined);
  t.is(r.fast.values![2], buf);
});

test("scalar parameters: ints and floats as encodeArgs writes them, anything else its errors", (t) => {
  const ps: ParamInfo[] = [{ kind: "tensor", dtype: "float32" }, { kind: "scalar", name: "n", dtype: "int32" }, { kind: "scalar", name: "x", dtype: "float32" }];
  const ok = both([empty([2]), 7, 2], ps);
  t.deepEqual(ok.fast, ok.general);
  // n as int (kind 2), x as float (kind 3) even though 2 is an integer.
  t.deepEqual(ok.fast.meta!.slice(9, 13), [2, 7, 3, 2]);
  const flags = both([empty([2]), true, false], ps);
  t.deepEqual(flags.fast, flags.general);
  t.deepEqual(flags.fast.meta!.slice(9, 13), [2, 1, 3, 0]);
  const big = both([empty([2]), 5n, 1.25], ps);
  t.deepEqual(big.fast, big.general);
  t.is(big.fast.values![1], 5n);
  const bad = both([empty([2]), 1.5, 0], ps);
  t.deepEqual(bad.fast, bad.general);
  t.regex(bad.fast.error ?? "", /^k: argument 1 \('n'\): expected an integer for int32, got 1\.5$/);
  for (const wrong of [2 ** 63, "7", null, undefined, empty([1])]) {
    const r = both([empty([2]), wrong, 0], ps);
    t.deepEqual(r.fast, r.general, String(wrong));
    t.truthy(r.fast.error, String(wrong));
  }
  const meta = new Float64Array(32), meta2 = new Float64Array(32);
  const args = [empty([2]), 2.5, "s"];
  t.deepEqual(argEncoder("k", undefined)(args, meta, []), encodeArgs("k", args, undefined, meta2));
  t.deepEqual([...meta], [...meta2]);
});

test("tensors in memory another buffer object may show take the full check (by address)", (t) => {
  const sab = new SharedArrayBuffer(12 * 4 * 2);
  const a = new NDArray(new Float32Array(sab, 0, 12), [3, 4]);
  const sameMemory = new NDArray(new Float32Array(structuredClone(sab), 0, 12), [3, 4]);
  const after = new NDArray(new Float32Array(structuredClone(sab), 48, 12), [3, 4]);
  const refused = both([a, empty([5]), sameMemory]);
  t.deepEqual(refused.fast, refused.general);
  t.regex(refused.fast.error ?? "", /^k: arguments 0 \('A'\) and 2 \('C'\) share memory \(addresses .* seen through two buffer objects\)/);
  const fine = both([a, empty([5]), after]);
  t.deepEqual(fine.fast, fine.general);
  t.is(fine.fast.error, undefined);
});
