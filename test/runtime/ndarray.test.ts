// NDArray: wrapping without copying, strides and byte offsets, dtypes, bounds and copy semantics.
import test from "ava";
import { NDArray, array, empty, releaseView } from "../../ts/runtime/ndarray.js";

test("array wraps a TypedArray without copying", (t) => {
  const data = new Float32Array([1, 2, 3, 4, 5, 6]);
  const a = array(data, [2, 3]);
  t.is(a.data, data);
  t.deepEqual(a.shape, [2, 3]);
  t.deepEqual(a.strides, [3, 1]);
  t.is(a.byteOffset, 0);
  t.is(a.dtype, "float32");
  t.true(a.isContiguous());
  t.is(a.get([1, 2]), 6);
  a.set([0, 1], 20);
  t.is(data[1], 20);
  const view = a.toTypedArray();
  t.is(view.buffer, data.buffer);
  t.is(view.length, 6);
});

test("every supported dtype round-trips through get and set", (t) => {
  const cases: [string, unknown, unknown][] = [
    ["float32", 1.5, 1.5], ["float64", 2.25, 2.25], ["int8", -3, -3], ["int16", -300, -300],
    ["int32", -70000, -70000], ["uint8", 200, 200], ["uint16", 60000, 60000], ["uint32", 4000000000, 4000000000],
    ["int64", -(2n ** 62n), -(2n ** 62n)], ["uint64", 2n ** 63n, 2n ** 63n], ["bool", true, true],
  ];
  for (const [dtype, v, expected] of cases) {
    const a = empty([2, 2], dtype);
    t.is(a.dtype as string, dtype);
    a.set([1, 0], v as number);
    t.is(a.get([1, 0]) as unknown, expected, dtype);
    t.is(a.get([0, 0]), dtype === "bool" ? false : dtype.endsWith("64") && !dtype.startsWith("float") ? 0n : 0, dtype);
  }
  const b = empty([3], "bool");
  t.true(b.data instanceof Uint8Array);
  b.set([2], 5);
  t.is(b.data[2], 1);
  t.is(empty([2], "int64").data.constructor, BigInt64Array);
});

test("strided view with byte offset reads and writes the right elements", (t) => {
  // A 4x6 int32 parent; the view is rows 1..2, columns 2..4 (every element of the tile).
  const parent = new Int32Array(24).map((_, i) => i);
  const v = NDArray.view(parent, [2, 3], [6, 1], (1 * 6 + 2) * 4, "int32");
  t.false(v.isContiguous());
  t.is(v.elemOffset, 8);
  t.is(v.get([0, 0]), 8);
  t.is(v.get([1, 2]), 16);
  t.deepEqual([...v.toTypedArray()], [8, 9, 10, 14, 15, 16]);
  v.set([1, 1], -1);
  t.is(parent[15], -1);
  v.copyFrom([0, 1, 2, 3, 4, 5]);
  t.deepEqual([...parent.slice(6, 18)], [6, 7, 0, 1, 2, 11, 12, 13, 3, 4, 5, 17]);
  // A column-major (transposed) view.
  const tr = NDArray.view(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2], [1, 3], 0);
  t.deepEqual([...tr.toTypedArray()], [1, 4, 2, 5, 3, 6]);
});

test("copyFrom converts types and honours NDArray sources", (t) => {
  const a = empty([2, 2], "int64");
  a.copyFrom(new Float32Array([1, 2, 3, 4]));
  t.deepEqual([...(a.data as BigInt64Array)], [1n, 2n, 3n, 4n]);
  const b = empty([2, 2], "float32");
  b.copyFrom(a);
  t.deepEqual([...b.data], [1, 2, 3, 4]);
  const strided = NDArray.view(new Float32Array(8), [2, 2], [4, 2], 4);
  strided.copyFrom(b);
  t.deepEqual([...strided.data], [0, 1, 0, 2, 0, 3, 0, 4]);
  t.is(b.copyFrom(new Float32Array([9, 9, 9, 9])), b);
});

test("bad input gives Errors naming the dimension and the expectation", (t) => {
  const a = empty([2, 3]);
  t.throws(() => a.get([2, 0]), { message: /index 2 is out of range for dimension 0 of extent 2/ });
  t.throws(() => a.set([0, 3], 1), { message: /dimension 1 of extent 3/ });
  t.throws(() => a.get([0]), { message: /index must have 2 entries/ });
  t.throws(() => array(new Float32Array(5), [2, 3]), { message: /holds 6 elements but the data has 5/ });
  t.throws(() => empty([2, -1]), { message: /shape\[1\] must be a non-negative integer/ });
  t.throws(() => empty([2], "float16"), { message: /unsupported NDArray dtype 'float16'/ });
  t.throws(() => NDArray.view(new Float32Array(4), [2, 2], [2, 1], 4), { message: /outside the data's 4 elements/ });
  t.throws(() => NDArray.view(new Float32Array(4), [2], [1], 2), { message: /multiple of 4/ });
  t.throws(() => new NDArray(new Float32Array(4), [4], null, 0, "int32"), { message: /does not match the data/ });
  t.throws(() => a.copyFrom(new Float32Array(5)), { message: /source has 5 elements/ });
  t.throws(() => a.copyFrom(empty([3, 2])), { message: /source shape \[3, 2\] differs/ });
});

test("a released view throws on every access", (t) => {
  const a = empty([4]);
  releaseView(a, "NDArray view 'x' was released when the callback returned");
  t.true(a.released);
  for (const f of [() => a.get([0]), () => a.set([0], 1), () => a.toTypedArray(), () => a.copyFrom([1, 2, 3, 4])]) {
    t.throws(f, { message: /was released when the callback returned/ });
  }
});

test("zero-size and zero-dimensional arrays", (t) => {
  const z = empty([0, 3]);
  t.is(z.size, 0);
  t.is(z.toTypedArray().length, 0);
  const s = array(new Float64Array([7]), []);
  t.is(s.get([]), 7);
  t.deepEqual(s.strides, []);
});
