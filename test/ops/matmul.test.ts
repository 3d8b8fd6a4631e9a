// ops.matmul, ops.batchMatmul and ops.dense against a plain JS product, on shapes that divide
// and do not divide the register tile, the vector width and the packing panel; in all four
// modes (default schedule built and interpreted, unscheduled built and interpreted).

import test from "ava";
import { build, lower, ops, te } from "../../ts/index.js";
import { prng } from "../helpers/random.js";
import { ALL_MODES, assertClose, checkModes, input, type Mode, runOps } from "./helpers.js";

/** C = op(A)·op(B) in float64, row-major. */
function product(a: Float32Array, b: Float32Array, M: number, K: number, N: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (ta ? a[k * M + i] : a[i * K + k]) * (tb ? b[j * K + k] : b[k * N + j]);
    c[i * N + j] = s;
  }
  return c;
}

const CASES: { M: number; K: number; N: number; ta?: boolean; tb?: boolean; modes: Mode[] }[] = [
  // Packed (M >= 16), N a multiple of the panel; every mode.
  { M: 16, K: 8, N: 32, modes: ALL_MODES },
  // Odd everything: guarded rows and columns, a zero-padded last panel.
  { M: 19, K: 5, N: 37, modes: ["compiled", "interpreted"] },
  { M: 17, K: 9, N: 20, ta: true, modes: ["compiled", "interpreted"] },
  { M: 18, K: 7, N: 24, tb: true, modes: ["compiled", "interpreted"] },
  { M: 20, K: 3, N: 33, ta: true, tb: true, modes: ["interpreted"] },
  // Few rows: B read in place (no packing).
  { M: 3, K: 11, N: 13, modes: ["compiled", "interpreted", "interpreted, unscheduled"] },
  { M: 1, K: 6, N: 5, tb: true, modes: ["interpreted"] },
];

for (const { M, K, N, ta = false, tb = false, modes } of CASES) {
  test(`matmul ${M}x${K}x${N}${ta ? ", A transposed" : ""}${tb ? ", B transposed" : ""}`, (t) => {
    const A = te.placeholder(ta ? [K, M] : [M, K], "float32", "A");
    const B = te.placeholder(tb ? [N, K] : [K, N], "float32", "B");
    const C = ops.matmul(A, B, { transposeA: ta, transposeB: tb });
    t.deepEqual(C.shape.map(String), [String(M), String(N)]);
    const a = input(A, 1), b = input(B, 2);
    checkModes(t, C, [A, B], [a, b], product(a, b, M, K, N, ta, tb), 1e-5, modes);
  });
}

test("batchMatmul with B's batch broadcast, and transposed A", (t) => {
  const [bs, M, K, N] = [3, 17, 4, 10];
  const A = te.placeholder([bs, K, M], "float32", "A");
  const B = te.placeholder([1, K, N], "float32", "B");
  const C = ops.batchMatmul(A, B, { transposeA: true });
  t.deepEqual(C.shape.map(String), ["3", "17", "10"]);
  const a = input(A, 3), b = input(B, 4);
  const want = new Float64Array(bs * M * N);
  for (let z = 0; z < bs; z++) want.set(product(a.subarray(z * K * M, (z + 1) * K * M), b, M, K, N, true, false), z * M * N);
  checkModes(t, C, [A, B], [a, b], want, 1e-5, ["compiled", "interpreted", "interpreted, unscheduled"]);
});

test("batchMatmul, few rows (B in place), transposed B", (t) => {
  const [bs, M, K, N] = [2, 3, 5, 7];
  const A = te.placeholder([bs, M, K], "float32", "A");
  const B = te.placeholder([bs, N, K], "float32", "B");
  const C = ops.batchMatmul(A, B, { transposeB: true });
  const a = input(A, 5), b = input(B, 6);
  const want = new Float64Array(bs * M * N);
  for (let z = 0; z < bs; z++) want.set(product(a.subarray(z * M * K, (z + 1) * M * K), b.subarray(z * N * K, (z + 1) * N * K), M, K, N, false, true), z * M * N);
  checkModes(t, C, [A, B], [a, b], want, 1e-5, ["compiled", "interpreted"]);
});

test("dense with bias, and relu after it", (t) => {
  const [M, K, N] = [18, 6, 21];
  const X = te.placeholder([M, K], "float32", "X");
  const W = te.placeholder([N, K], "float32", "W");
  const bias = te.placeholder([N], "float32", "bias");
  const x = input(X, 7), w = input(W, 8), b = input(bias, 9);
  const plain = product(x, w, M, K, N, false, true);
  const withBias = plain.map((v, i) => v + b[i % N]);
  checkModes(t, ops.dense(X, W, bias), [X, W, bias], [x, w, b], withBias, 1e-5, ["compiled", "interpreted", "interpreted, unscheduled"], "dense + bias");
  checkModes(t, ops.relu(ops.dense(X, W, bias)), [X, W, bias], [x, w, b], withBias.map((v) => Math.max(0, v)), 1e-5, ["compiled", "interpreted"], "relu(dense + bias)");
  checkModes(t, ops.dense(X, W), [X, W], [x, w], plain, 1e-5, ["interpreted"], "dense");
});

// The default schedule's paths: blocked (k split into KC blocks outside the MR x NR register
// tile, A's block copied at the row block), skinny (few rows: B streamed row by row, k blocks
// in parallel), and the plain tile; each on AVX-512, AVX2 and SSE vector widths, with small
// caches given so that small shapes take the blocked path.
const PATHS: { M: number; K: number; N: number; ta?: boolean; tb?: boolean; cacheBytes?: { l1: number }; numThreads?: number }[] = [
  { M: 1, K: 257, N: 129, numThreads: 2 },
  { M: 1, K: 4096, N: 33, numThreads: 2 },
  { M: 5, K: 300, N: 70, numThreads: 2, tb: true },
  { M: 37, K: 61, N: 53 },
  { M: 64, K: 512, N: 48 },
  { M: 64, K: 512, N: 48, cacheBytes: { l1: 4096 } },
  { M: 37, K: 300, N: 200, cacheBytes: { l1: 8192 }, numThreads: 2 },
  { M: 50, K: 130, N: 140, ta: true, cacheBytes: { l1: 4096 }, numThreads: 3 },
  { M: 33, K: 192, N: 260, tb: true, cacheBytes: { l1: 4096 } },
  // Blocked with odd sizes everywhere: K = 500 (k blocks of 100 at a 32 KiB L1: no divisor of
  // 500 is a multiple of 8), 61 rows (a guarded last sliver), a zero-padded last panel.
  { M: 61, K: 500, N: 150, ta: true, cacheBytes: { l1: 32768 }, numThreads: 2 },
  { M: 100, K: 1000, N: 136, tb: true, numThreads: 2 },
  // K = 1005: k blocks of 201, which no vector width divides (A's block copied by a plain loop).
  { M: 40, K: 1005, N: 136, numThreads: 2 },
  { M: 45, K: 1005, N: 136, ta: true },
];

for (const { M, K, N, ta = false, tb = false, ...opts } of PATHS) {
  test(`matmul ${M}x${K}x${N}${ta ? ", A transposed" : ""}${tb ? ", B transposed" : ""}${opts.cacheBytes ? `, L1 ${opts.cacheBytes.l1}` : ""}: default schedule for 64-, 32- and 16-byte vectors`, (t) => {
    const A = te.placeholder(ta ? [K, M] : [M, K], "float32", "A");
    const B = te.placeholder(tb ? [N, K] : [K, N], "float32", "B");
    const C = ops.matmul(A, B, { transposeA: ta, transposeB: tb });
    const a = input(A, 11), b = input(B, 12);
    const want = product(a, b, M, K, N, ta, tb);
    const tol = 4e-6 * Math.sqrt(K); // float32 sums of K terms of |a·b| <= 1
    for (const vectorBytes of [64, 32, 16]) {
      assertClose(t, runOps(C, [A, B], [a, b], "compiled", { ...opts, vectorBytes }), want, tol, `${vectorBytes}-byte vectors, compiled`);
    }
    if (M * K * N <= 2e5) assertClose(t, runOps(C, [A, B], [a, b], "interpreted", { ...opts, vectorBytes: 32 }), want, tol, "interpreted");
  });
}

test("the blocked schedule: k blocks of the register tile's partial sums, A's block copied at the task, row slivers outside the panels", (t) => {
  const [M, K, N] = [64, 512, 128];
  const A = te.placeholder([M, K], "float32", "A");
  const B = te.placeholder([K, N], "float32", "B");
  const C = ops.matmul(A, B);
  // L1 of 32 KiB gives KC = 256; L3 of 256 KiB: a 256 x 64 block of packed B in a quarter of it
  // (2 column blocks), 2 row blocks of 32 rows (4 tasks for a thread): a 32 x 256 block of A.
  const sched = (l3: number) => lower(ops.schedule(C, { vectorBytes: 64, numThreads: 1, cacheBytes: { l1: 32768, l2: 65536, l3 } }), [A, B, C]).toString();
  const text = sched(262144);
  t.regex(text, /for \(k\.outer\.v: int32, 0, 2\)/, "two k blocks of 256");
  t.regex(text, /allocate\(matmul\.rf, float32x32, \[8\]\)|allocate\(matmul\.rf, float32, \[256\]\)/, "an 8 x 32 register tile");
  t.regex(text, /allocate\(A\.global, float32, \[8192\]\)/, "a 32 x 256 block of A");
  t.regex(text, /allocate\(matmul_packedB, float32, \[32768\]\)/, "B packed a k block at a time: 256 x 128");
  t.regex(text, /for \(ax1\.outer\.ax0\.outer\.fused: int32, 0, 4\)/, "2 column blocks x 2 row blocks: 4 tasks");
  // Inside a task: the 4 row slivers of 8, then the 2 panels of 32 (each tile along C's rows), then k.
  t.regex(text, /for \(ax0\.inner\.outer: int32, 0, 4\) \{\s*for \(ax1\.inner\.outer: int32, 0, 2\) \{[^]*?for \(k\.inner: int32, 0, 256\)/);
  // A larger L3 holds all of N's columns a k block: one column block, A copied once a k block,
  // 4 row blocks of 16 rows.
  const wide = sched(1 << 20);
  t.regex(wide, /allocate\(A\.global, float32, \[4096\]\)/, "a 16 x 256 block of A");
  t.regex(wide, /for \(ax0\.outer: int32, 0, 4\)/, "4 row blocks");
  t.notRegex(wide, /ax1\.outer\.ax0\.outer\.fused/, "no column blocks");
});

test("matmul 1000x1000x1000: k blocks of 200 (a multiple of the vector width), built within the unroll budget and right", (t) => {
  // With k blocks of 250, A's block copy had a guarded vector tail a row; loop partition then
  // cut the k-block loop too, and the four copies of the unrolled tile went past the unroll
  // budget: the build failed.
  const n = 1000;
  const A = te.placeholder([n, n], "float32", "A");
  const B = te.placeholder([n, n], "float32", "B");
  const C = ops.matmul(A, B);
  const a = input(A, 21), b = input(B, 22);
  const r = prng(23);
  const samples = Array.from({ length: 300 }, () => [Math.floor(r() * n), Math.floor(r() * n)]);
  for (const vectorBytes of [64, 32]) {
    const opts = { vectorBytes, numThreads: 2, cacheBytes: { l1: 32768, l2: 1 << 20, l3: 32 << 20 } };
    t.regex(lower(ops.schedule(C, opts), [A, B, C]).toString(), /for \(k\.outer\.v: int32, 0, 5\)/, `${vectorBytes}-byte vectors: 5 k blocks of 200`);
    const got = runOps(C, [A, B], [a, b], "compiled", opts);
    for (const [i, j] of samples) {
      let want = 0;
      for (let k = 0; k < n; k++) want += a[i * n + k] * b[k * n + j];
      if (!(Math.abs(got[i * n + j] - want) <= 4e-6 * Math.sqrt(n))) return t.fail(`${vectorBytes}-byte vectors: C[${i}, ${j}] is ${got[i * n + j]}, expected ${want}`);
    }
  }
  t.pass();
});

test("matmul 1000x1000x1005 and 300x700x1005: k blocks of 201, one k-block loop, built within the unroll budget", (t) => {
  // No vector width divides 201: a guarded vector tail in the copy of A's block made loop
  // partition peel the last k block, and with the column and row tails the unrolled tiles went
  // past the unroll budget.
  for (const [M, N] of [[1000, 1000], [300, 700]]) {
    const A = te.placeholder([M, 1005], "float32", "A");
    const B = te.placeholder([1005, N], "float32", "B");
    const C = ops.matmul(A, B);
    for (const vectorBytes of [64, 32]) {
      const s = ops.schedule(C, { vectorBytes, numThreads: 2, cacheBytes: { l1: 32768, l2: 1 << 20, l3: 32 << 20 } });
      const text = lower(s, [A, B, C]).toString();
      t.is(text.match(/for \(k\.outer\.v: int32, 0, \d+\)/g)?.join(), "for (k.outer.v: int32, 0, 5)", `${M}x${N}, ${vectorBytes}-byte vectors: one loop of 5 k blocks`);
      t.notThrows(() => build(s, [A, B, C]), `${M}x${N}, ${vectorBytes}-byte vectors: builds`);
    }
  }
});

test("the skinny schedule: k blocks in parallel, partial rows added up", (t) => {
  const A = te.placeholder([1, 4096], "float32", "A");
  const B = te.placeholder([4096, 64], "float32", "B");
  const C = ops.matmul(A, B);
  const text = lower(ops.schedule(C, { vectorBytes: 64, numThreads: 2 }), [A, B, C]).toString();
  t.regex(text, /allocate\(matmul\.rf, float32x32, \[16\]\)/, "8 blocks of 512 rows: 8 partial rows of 64");
  t.regex(text, /for \(k\.outer: int32, 0, 8\) "parallel"/, "the blocks in parallel");
});

test("relu(dense + bias) on the blocked path: the product blocked, the bias and relu a vectorized pass after it", (t) => {
  const [M, K, N] = [40, 300, 200];
  const X = te.placeholder([M, K], "float32", "X");
  const W = te.placeholder([N, K], "float32", "W");
  const bias = te.placeholder([N], "float32", "bias");
  const Y = ops.relu(ops.dense(X, W, bias));
  const opts = { cacheBytes: { l1: 8192 }, numThreads: 2 };
  const text = lower(ops.schedule(Y, { ...opts, vectorBytes: 64 }), [X, W, bias, Y]).toString();
  t.regex(text, /for \(k\.outer\.v: int32, 0, 5\)/, "5 k blocks of 60");
  const x = input(X, 13), w = input(W, 14), b = input(bias, 15);
  const want = product(x, w, M, K, N, false, true).map((v, i) => Math.max(0, v + b[i % N]));
  for (const vectorBytes of [64, 32]) assertClose(t, runOps(Y, [X, W, bias], [x, w, b], "compiled", { ...opts, vectorBytes }), want, 1e-4, `${vectorBytes}-byte vectors`);
  assertClose(t, runOps(Y, [X, W, bias], [x, w, b], "interpreted", { ...opts, vectorBytes: 32 }), want, 1e-4, "interpreted");
});
