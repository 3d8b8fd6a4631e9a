// ops.schedule: what the default schedules do, read from the lowered text: bias and relu fused
// into the matmul's and the conv's register tile (no loop nest, no buffer of their own), the
// vector width and tile read from the target, the returned schedule still open to changes.

import test from "ava";
import { build, lower, nd, ops, te } from "../../ts/index.js";
import { input, runOps, assertClose } from "./helpers.js";

function dense(M: number, K: number, N: number) {
  const X = te.placeholder([M, K], "float32", "X");
  const W = te.placeholder([N, K], "float32", "W");
  const b = te.placeholder([N], "float32", "b");
  return { X, W, b, Y: ops.relu(ops.dense(X, W, b)) };
}

const allocations = (text: string): string[] => [...text.matchAll(/allocate\((\S+), (\S+), \[(\d+)\]\)/g)].map((m) => `${m[1]} ${m[2]} [${m[3]}]`);
/** The loop nests at the top of the body (lines `for` at the body's outermost indentation under the allocations). */
const topLoops = (text: string): string[] => text.split("\n").filter((l) => /^ {4}for \(/.test(l)).map((l) => l.trim());

test("relu(dense + bias): the bias add and relu are the copy-out of the matmul's register tile", (t) => {
  const { X, W, b, Y } = dense(16, 8, 32);
  const text = lower(ops.schedule(Y, { vectorBytes: 64, numThreads: 2 }), [X, W, b, Y]).toString();
  // Two buffers: the packed weights and one 8 x 32 accumulator tile; none for the add or relu.
  t.deepEqual(allocations(text), ["dense_packedB float32 [256]", "dense float32x32 [8]"]);
  // Two loop nests: the packing and the parallel row blocks; relu is written inside the second,
  // from the tile and the bias, after the tile's k loop.
  t.deepEqual(topLoops(text), ["for (ji: int32, 0, 32) {", 'for (ax0.outer: int32, 0, 2) "parallel" {']);
  const writes = text.split("\n").filter((l) => l.includes("relu_2["));
  t.deepEqual(writes.map((l) => l.trim()), ["relu_2[ramp(((ax0.outer*256) + (ax0.inner*32)), 1, 32)] = max(((float32x32*)dense[ramp((ax0.inner*32), 1, 32)] + (float32x32*)b_2[ramp(0, 1, 32)]), broadcast(0f32, 32))"]);
  t.false(/\b(add|relu)\b[^_]*: Pointer/.test(text), "no buffer for add or relu");
});

test("relu(conv2d + bias): fused into the conv's tile; the pad computed once at the root", (t) => {
  const I = te.placeholder([1, 2, 8, 8], "float32", "I");
  const K = te.placeholder([4, 2, 3, 3], "float32", "K");
  const cb = te.placeholder([4, 1, 1], "float32", "cb");
  const O = ops.relu(ops.add(ops.conv2d(I, K, { padding: 1 }), cb));
  const text = lower(ops.schedule(O, { vectorBytes: 64, numThreads: 2 }), [I, K, cb, O]).toString();
  // 4 channels x 4 rows x 8 columns of accumulators (16 vectors of 8: 8 divides the width 8).
  t.deepEqual(allocations(text), ["I_pad float32 [200]", "conv2d float32x8 [16]"]);
  t.is(topLoops(text).length, 2);
  const writes = text.split("\n").filter((l) => l.includes("relu_2[")).map((l) => l.trim());
  t.deepEqual(writes, ["relu_2[ramp((((ax1.inner*64) + (ax0.ax1.outer.fused.ax2.outer.fused*32)) + (ax2.inner*8)), 1, 8)] = max(((float32x8*)conv2d[ramp(((ax1.inner*32) + (ax2.inner*8)), 1, 8)] + broadcast((float32*)cb_2[ax1.inner], 8)), broadcast(0f32, 8))"]);
});

test("the tile and vector width come from the target: AVX2 and AVX-512 lower differently", (t) => {
  const { X, W, b, Y } = dense(24, 8, 64);
  const avx2 = lower(ops.schedule(Y, { target: "c -mcpu=haswell", numThreads: 1 }), [X, W, b, Y]).toString();
  const avx512 = lower(ops.schedule(Y, { target: "c -mcpu=skylake-avx512", numThreads: 1 }), [X, W, b, Y]).toString();
  // AVX2 (8 floats a vector, 16 registers): 6 rows x 2 vectors of 8; AVX-512 (16 floats, 32
  // registers): 8 rows x 2 vectors of 16.
  t.true(allocations(avx2).includes("dense float32x16 [6]"), allocations(avx2).join("; "));
  t.true(allocations(avx512).includes("dense float32x32 [8]"), allocations(avx512).join("; "));
  // cflags say the same as a target, and vectorBytes overrides both.
  t.is(lower(ops.schedule(Y, { cflags: ["-march=haswell"], numThreads: 1 }), [X, W, b, Y]).toString(), avx2);
  t.is(lower(ops.schedule(Y, { target: "c -mcpu=haswell", vectorBytes: 64, numThreads: 1 }), [X, W, b, Y]).toString(), avx512);
  // One thread: no parallel loop; two: the row blocks are parallel.
  t.false(avx2.includes('"parallel"'));
  t.true(lower(ops.schedule(Y, { vectorBytes: 32, numThreads: 2 }), [X, W, b, Y]).toString().includes('for (ax0.outer: int32, 0, 4) "parallel"'));
});

test("softmax: the row's reductions rfactored into vector partials at the row, the row parallel", (t) => {
  const X = te.placeholder([8, 64], "float32", "X");
  const Y = ops.softmax(X);
  const text = lower(ops.schedule(Y, { vectorBytes: 32, numThreads: 2 }), [X, Y]).toString();
  // Per row: two vectors (16 lanes: two independent chains) of partial maxima, halved as a tree
  // (8, 4, 2 lanes) into the max, the same for the sum; the tree's steps ping-pong between two
  // buffers, and the row's exp (64 floats) shares the partial maxima's buffer once they are
  // reduced (storage rewrite).
  t.deepEqual(allocations(text), ["softmax_max.rf float32 [64]", "softmax_max.repl.rf float32 [16]", "softmax_max float32 [1]", "softmax_sum.repl.rf float32 [8]", "softmax_sum float32 [1]"]);
  t.true(text.includes("softmax_max.rf[ramp(0, 1, 16)] = max((float32x16*)softmax_max.rf[ramp(0, 1, 16)], (float32x16*)X_2[ramp(((ax0*64) + (k.outer*16)), 1, 16)])"));
  t.true(text.includes("softmax_max.repl.rf[ramp(0, 1, 8)] = max((float32x8*)softmax_max.repl.rf[ramp(0, 1, 8)], (float32x8*)softmax_max.rf[ramp((k.inner.v.outer*8), 1, 8)])"), "16 partial maxima halved to 8");
  t.true(text.includes("softmax_max[0] = max((float32*)softmax_max[0], (float32*)softmax_max.repl.rf[k.inner.v.inner.v.inner.v.inner.v])"), "the last two");
  t.true(/for \(k\.inner\.v\.inner\.v\.inner\.v\.inner\.v: int32, 0, 2\)/.test(text), "the scalar step is over 2 partials");
  t.true(text.includes("= @tir.exp(((float32x8*)X_2[ramp(((ax0*64) + (ax1.outer*8)), 1, 8)] - broadcast((float32*)softmax_max[0], 8)), dtype=float32x8)"));
  // One loop nest: the parallel rows, everything else inside.
  t.deepEqual(text.split("\n").filter((l) => /^ {2}for \(/.test(l)), ['  for (ax0: int32, 0, 8) "parallel" {']);
});

test("the returned schedule can be changed further", (t) => {
  const A = te.placeholder([4, 40], "float32", "A");
  const B = te.placeholder([40], "float32", "B");
  const Y = ops.add(A, B);
  const s = ops.schedule(Y, { vectorBytes: 32, numThreads: 1 });
  // The default: the inner axis split by 8 and vectorized; the user unrolls the outer part too.
  const st = s.stage(Y);
  t.deepEqual(st.leafIterVars.map((v) => v.name), ["ax0", "ax1.outer", "ax1.inner"]);
  st.unroll(st.leafIterVars[1]);
  const text = lower(s, [A, B, Y]).toString();
  t.false(text.includes("ax1.outer"), "unrolled");
  const a = input(A, 1), b = input(B, 2);
  const out = nd.empty([4, 40]);
  build(s, [A, B, Y]).getFunction("main")(nd.array(a, [4, 40]), nd.array(b, [40]), out);
  assertClose(t, out.toTypedArray() as Float32Array, Array.from(a, (v, i) => v + b[i % 40]), 1e-7, "a + b");
});

test("ops not made by ops keep TE's default schedule; the graph still runs", (t) => {
  const A = te.placeholder([3, 5], "float32", "A");
  const C = te.compute([3, 5], (i, j) => A.at(i, j).mul(2), "C");
  const Y = ops.relu(C);
  const a = input(A, 3);
  assertClose(t, runOps(Y, [A], [a], "compiled"), Array.from(a, (v) => Math.max(0, 2 * v)), 1e-7, "relu(2a)");
});

test("the schedules for 32- and 16-byte vectors (AVX2, SSE) compute the same numbers", (t) => {
  const { X, W, b, Y } = dense(19, 5, 37);
  const x = input(X, 4), w = input(W, 5), bias = input(b, 6);
  const want = new Float64Array(19 * 37);
  for (let i = 0; i < 19; i++) for (let j = 0; j < 37; j++) {
    let acc = bias[j];
    for (let k = 0; k < 5; k++) acc += x[i * 5 + k] * w[j * 5 + k];
    want[i * 37 + j] = Math.max(0, acc);
  }
  const I = te.placeholder([1, 3, 5, 12], "float32", "I");
  const K = te.placeholder([6, 3, 3, 3], "float32", "K");
  const O = ops.conv2d(I, K, { padding: 1 });
  const xi = input(I, 7), ki = input(K, 8);
  const conv = new Float64Array(6 * 5 * 12);
  for (let co = 0; co < 6; co++) for (let y = 0; y < 5; y++) for (let xx = 0; xx < 12; xx++) {
    let acc = 0;
    for (let ci = 0; ci < 3; ci++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
      const iy = y + ky - 1, ix = xx + kx - 1;
      if (iy >= 0 && iy < 5 && ix >= 0 && ix < 12) acc += xi[(ci * 5 + iy) * 12 + ix] * ki[((co * 3 + ci) * 3 + ky) * 3 + kx];
    }
    conv[(co * 5 + y) * 12 + xx] = acc;
  }
  for (const vectorBytes of [32, 16]) {
    assertClose(t, runOps(Y, [X, W, b], [x, w, bias], "compiled", { vectorBytes }), want, 1e-5, `relu(dense), ${vectorBytes}-byte vectors`);
    assertClose(t, runOps(O, [I, K], [xi, ki], "compiled", { vectorBytes }), conv, 1e-5, `conv2d, ${vectorBytes}-byte vectors`);
  }
});
