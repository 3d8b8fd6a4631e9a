// The suite's reference checks (bench/suite/check.ts): they accept right outputs and reject a
// single wrong element, a NaN, a zeroed tile and a wrong length, with a message naming where.
import test from "ava";
import { CheckError, checkClose, checkGemm, randomFloats } from "../../bench/suite/check.js";
import { jsGemm } from "../../bench/suite/gemm.js";
import { jsConv2d } from "../../bench/suite/conv2d.js";
import { jsSoftmax } from "../../bench/suite/softmax.js";

test("checkClose accepts a match and reports its error", (t) => {
  const want = Float64Array.from([1, 2, 3, 1e-3]);
  const got = Float32Array.from([1, 2.0000002, 3, 1e-3]);
  t.regex(checkClose(got, want, 1e-6), /^max rel. error 1\.2e-7$/);
});

test("checkClose rejects one wrong element, naming it", (t) => {
  const want = new Float64Array(100).fill(2);
  const got = new Float32Array(100).fill(2);
  got[37] = 2.01;
  const e = t.throws(() => checkClose(got, want, 1e-4), { instanceOf: CheckError });
  t.regex(e!.message, /^element 37 is 2\.009999990463257, the reference 2 \(relative error 5\.00e-3 > 0\.0001\)$/);
});

test("checkClose rejects a NaN and a wrong length", (t) => {
  const want = new Float64Array(10).fill(1);
  const got = new Float32Array(10).fill(1);
  got[4] = NaN;
  t.throws(() => checkClose(got, want, 1), { instanceOf: CheckError, message: /^element 4 is NaN/ });
  t.throws(() => checkClose(new Float32Array(9), want, 1), { instanceOf: CheckError, message: "output has 9 elements, the reference 10" });
});

const m = 24;
const n = 40;
const k = 33;
const a = randomFloats(m * k, 1);
const b = randomFloats(k * n, 2);
const right = new Float32Array(m * n);
jsGemm(a, b, right, m, n, k);

test("checkGemm accepts a right product", (t) => {
  t.regex(checkGemm(a, b, right, m, n, k), /^256 sampled elements within .* Freivalds' test passed$/);
});

test("checkGemm rejects one wrong element (Freivalds' test finds it even when no sample hits it)", (t) => {
  const c = right.slice();
  c[5 * n + 17] += 0.05;
  const e = t.throws(() => checkGemm(a, b, c, m, n, k, 0), { instanceOf: CheckError });
  t.regex(e!.message, /^row 5 of C fails Freivalds' test/);
});

test("checkGemm rejects a zeroed tile through the sampled elements", (t) => {
  const c = right.slice();
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) c[i * n + j] = 0;
  t.throws(() => checkGemm(a, b, c, m, n, k), { instanceOf: CheckError });
});

test("checkGemm rejects an output of the wrong size", (t) => {
  t.throws(() => checkGemm(a, b, right.subarray(1), m, n, k), { instanceOf: CheckError, message: `output has ${m * n - 1} elements, expected 24 x 40 = 960` });
});

test("the JS references: conv2d against a hand-computed value, softmax rows summing to 1", (t) => {
  // 1 channel 3x3 input, one 3x3 filter of ones, pad 1: the centre sums all nine inputs.
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const out = new Float64Array(9);
  jsConv2d(x, new Float32Array(9).fill(1), out, { c: 1, h: 3, w: 3, f: 1, k: 3, stride: 1, pad: 1 });
  t.deepEqual([...out], [12, 21, 16, 27, 45, 33, 24, 39, 28]);
  const y = new Float64Array(6);
  jsSoftmax(Float32Array.from([0, 0, 1, 2, 3, 4]), y, 2, 3);
  t.is(y[0], y[1]);
  t.true(Math.abs(y[0] + y[1] + y[2] - 1) < 1e-15 && Math.abs(y[3] + y[4] + y[5] - 1) < 1e-15);
  t.true(Math.abs(y[5] / y[4] - Math.E) < 1e-12);
});
