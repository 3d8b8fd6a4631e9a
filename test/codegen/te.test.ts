// TE programs built with build() and run on NDArrays, each checked against a plain JS reference
// and against the TIR interpreter running the lowered module: the seed program (an extern stage
// computed at a loop, calling a registered JS function), elementwise (with a split, parallel and
// vectorized schedule), broadcast, naive matmul, a row reduction, softmax (max, exp, sum), a 2-d
// convolution with padding, and an extern kernel written with irBuilder.
import test from "ava";
import "./helpers.js";
import { STRICT, assertClose, clangTest } from "./helpers.js";
import { randomFloats } from "../helpers/random.js";
import { te, tir, lower } from "../../ts/index.js";
import { build } from "../../ts/build.js";
import { interpret } from "../../ts/interp/index.js";
import type { Tensor } from "../../ts/te/tensor.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import { type NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";
import * as op from "../../ts/ir/op.js";
import { gemm } from "../../examples/gemm.js";

/** Builds `s`, runs it on `inputs` (outputs fresh), and also interprets the lowered module. */
function runBoth(s: Schedule, args: Tensor[], inputs: NDArray[], name = "main") {
  const mod = build(s, args, { name, cflags: STRICT, onWarning: () => {} });
  const outShapes = args.slice(inputs.length).map((t) => t.shape.map((d) => Number((d as unknown as { value: number }).value)));
  const compiled = outShapes.map((shp, k) => empty(shp, args[inputs.length + k].dtype.toString()));
  mod.getFunction(name)(...inputs, ...compiled);
  const interpreted = outShapes.map((shp, k) => empty(shp, args[inputs.length + k].dtype.toString()));
  interpret(lower(s, args, { name, onWarning: () => {} }), [...inputs, ...interpreted]);
  return { mod, compiled: compiled.map((a) => a.toTypedArray() as Float32Array), interpreted: interpreted.map((a) => a.toTypedArray() as Float32Array) };
}

test.serial("the seed program: an extern at a loop calls JS 3 times; output = input + 1", (t) => {
  let calls = 0;
  registerFunc("test.codegen.seed", (dataIn: NDArray, dataMid: NDArray) => {
    calls++;
    dataMid.copyFrom((dataIn.toTypedArray() as Float32Array).map((v) => v + 1));
  });
  const shape = [3, 4, 8];
  const dataIn = te.placeholder(shape);
  const dataMid = te.extern(shape, [dataIn], (ins, outs) => tir.callPacked("test.codegen.seed", ins[0], outs[0])) as Tensor;
  const dataOut = te.compute(shape, (i, j, k) => dataMid.at(i, j, k));
  const s = te.createSchedule(dataOut.op);
  s.stage(dataMid).computeAt(s.stage(dataOut), s.stage(dataOut).op.axis[0]);
  const x = randomFloats(96, 2);
  const { mod, compiled, interpreted } = runBoth(s, [dataIn, dataOut], [array(x, shape)]);
  t.is(calls, 6, "3 calls compiled, 3 interpreted");
  assertClose(t, compiled[0], x.map((v) => v + 1), 0);
  t.deepEqual([...compiled[0]], [...interpreted[0]]);
  t.regex(mod.getSource(), /float extern\w*\[96\]/, "the whole extern output is allocated, as in TVM");
});

test("elementwise, default and split/parallel/vectorize schedules", (t) => {
  const n = 1000;
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const C = te.compute([n], (i) => A.at(i).add(B.at(i).mul(2)), "C");
  const a = randomFloats(n, 3);
  const b = randomFloats(n, 4);
  const expected = a.map((x, i) => x + b[i] * 2);
  const s1 = te.createSchedule(C.op);
  const r1 = runBoth(s1, [A, B, C], [array(a), array(b)]);
  assertClose(t, r1.compiled[0], expected);
  t.deepEqual([...r1.compiled[0]], [...r1.interpreted[0]]);
  const s2 = te.createSchedule(C.op);
  const [xo, xi] = s2.stage(C).split(s2.stage(C).op.axis[0], { factor: 8 });
  s2.stage(C).parallel(xo);
  s2.stage(C).vectorize(xi);
  const r2 = runBoth(s2, [A, B, C], [array(a), array(b)]);
  assertClose(t, r2.compiled[0], expected);
  t.regex(r2.mod.getSource(), /__TVMBackendParallelLaunch/);
});

test("broadcast: a row vector added to every row", (t) => {
  const [m, n] = [7, 33];
  const A = te.placeholder([m, n], "float32", "A");
  const b = te.placeholder([n], "float32", "b");
  const C = te.compute([m, n], (i, j) => A.at(i, j).add(b.at(j)), "C");
  const av = randomFloats(m * n, 5);
  const bv = randomFloats(n, 6);
  const r = runBoth(te.createSchedule(C.op), [A, b, C], [array(av, [m, n]), array(bv)]);
  assertClose(t, r.compiled[0], av.map((x, k) => x + bv[k % n]));
  t.deepEqual([...r.compiled[0]], [...r.interpreted[0]]);
});

function matmulRef(a: Float32Array, b: Float32Array, M: number, N: number, K: number): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let acc = 0;
    for (let k = 0; k < K; k++) acc += a[i * K + k] * b[k * N + j];
    c[i * N + j] = acc;
  }
  return c;
}

test("naive matmul, and a tiled schedule with a parallel outer loop", (t) => {
  const [M, N, K] = [24, 40, 17];
  const A = te.placeholder([M, K], "float32", "A");
  const B = te.placeholder([K, N], "float32", "B");
  const k = te.reduceAxis([0, K], "k");
  const C = te.compute([M, N], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
  const av = randomFloats(M * K, 7);
  const bv = randomFloats(K * N, 8);
  const expected = matmulRef(av, bv, M, N, K);
  const r = runBoth(te.createSchedule(C.op), [A, B, C], [array(av, [M, K]), array(bv, [K, N])]);
  assertClose(t, r.compiled[0], expected, 1e-5);
  assertClose(t, r.compiled[0], r.interpreted[0], 1e-6, "interpreter");
  const s = te.createSchedule(C.op);
  const st = s.stage(C);
  const [io, jo, ii, ji] = st.tile(st.op.axis[0], st.op.axis[1], 8, 8);
  st.reorder(io, jo, st.op.reduceAxis[0], ii, ji);
  st.parallel(io);
  const r2 = runBoth(s, [A, B, C], [array(av, [M, K]), array(bv, [K, N])]);
  assertClose(t, r2.compiled[0], expected, 1e-5);
});

test("matmul with the GEMM tutorial's schedule (packed B, blocked, k split and unrolled, vectorized, parallel)", (t) => {
  const N = 64;
  const { s, args } = gemm({ n: N, bn: 16, cacheWrite: false });
  const av = randomFloats(N * N, 21);
  const bv = randomFloats(N * N, 22);
  const r = runBoth(s, args, [array(av, [N, N]), array(bv, [N, N])]);
  assertClose(t, r.compiled[0], matmulRef(av, bv, N, N, N), 1e-5);
  assertClose(t, r.compiled[0], r.interpreted[0], 1e-6, "interpreter");
  const src = r.mod.getSource();
  t.is((src.match(/__TVMBackendParallelLaunch\(/g) ?? []).length, 2, "packing and the blocked product are both parallel");
  t.notRegex(src, /#pragma GCC unroll/, "k.inner is expanded by the unroll pass (TVM's explicit unrolling)");
  t.regex(src, /float32x16/, "the inner loop is a 16-lane vector");
});

test("a reduction over rows (sum and max)", (t) => {
  const [m, n] = [9, 130];
  const A = te.placeholder([m, n], "float32", "A");
  const k = te.reduceAxis([0, n], "k");
  const S = te.compute([m], (i) => te.sum(A.at(i, k), k), "S");
  const k2 = te.reduceAxis([0, n], "k2");
  const Mx = te.compute([m], (i) => te.max(A.at(i, k2), k2), "Mx");
  const av = randomFloats(m * n, 9);
  const rowSums = Float32Array.from({ length: m }, (_, i) => av.slice(i * n, (i + 1) * n).reduce((x, y) => x + y, 0));
  const rowMax = Float32Array.from({ length: m }, (_, i) => Math.max(...av.slice(i * n, (i + 1) * n)));
  const r = runBoth(te.createSchedule(S.op), [A, S], [array(av, [m, n])]);
  assertClose(t, r.compiled[0], rowSums, 1e-5);
  assertClose(t, r.compiled[0], r.interpreted[0], 1e-6);
  const r2 = runBoth(te.createSchedule(Mx.op), [A, Mx], [array(av, [m, n])]);
  t.deepEqual([...r2.compiled[0]], [...rowMax]);
});

test("softmax: max, exp, sum, divide", (t) => {
  const [m, n] = [6, 50];
  const X = te.placeholder([m, n], "float32", "X");
  const k1 = te.reduceAxis([0, n], "k1");
  const mx = te.compute([m], (i) => te.max(X.at(i, k1), k1), "mx");
  const e = te.compute([m, n], (i, j) => te.exp(X.at(i, j).sub(mx.at(i))), "e");
  const k2 = te.reduceAxis([0, n], "k2");
  const sm = te.compute([m], (i) => te.sum(e.at(i, k2), k2), "sm");
  const out = te.compute([m, n], (i, j) => e.at(i, j).div(sm.at(i)), "softmax");
  const xv = randomFloats(m * n, 10).map((v) => v * 4);
  const expected = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = xv.slice(i * n, (i + 1) * n);
    const mxv = Math.max(...row);
    const ex = row.map((v) => Math.exp(v - mxv));
    const sum = ex.reduce((p, q) => p + q, 0);
    ex.forEach((v, j) => { expected[i * n + j] = v / sum; });
  }
  const r = runBoth(te.createSchedule(out.op), [X, out], [array(xv, [m, n])]);
  assertClose(t, r.compiled[0], expected, 1e-6);
  assertClose(t, r.compiled[0], r.interpreted[0], 1e-6);
  t.regex(r.mod.getSource(), /__builtin_expf\(/);
});

test("2-d convolution (NCHW, 3x3, padding 1), the padded input computed per output row", (t) => {
  const [C, H, W, F, R] = [3, 10, 9, 4, 3];
  const I = te.placeholder([C, H, W], "float32", "I");
  const Wt = te.placeholder([F, C, R, R], "float32", "W");
  const P = te.compute([C, H + 2, W + 2], (c, y, x) =>
    te.ifThenElse(op.logicalAnd(op.logicalAnd(y.ge(1), y.lt(H + 1)), op.logicalAnd(x.ge(1), x.lt(W + 1))), I.at(c, y.sub(1), x.sub(1)), 0), "pad");
  const rc = te.reduceAxis([0, C], "rc");
  const ry = te.reduceAxis([0, R], "ry");
  const rx = te.reduceAxis([0, R], "rx");
  const O = te.compute([F, H, W], (f, y, x) => te.sum(P.at(rc, y.add(ry), x.add(rx)).mul(Wt.at(f, rc, ry, rx)), [rc, ry, rx]), "conv");
  const iv = randomFloats(C * H * W, 11);
  const wv = randomFloats(F * C * R * R, 12);
  const expected = new Float32Array(F * H * W);
  for (let f = 0; f < F; f++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let acc = 0;
    for (let c = 0; c < C; c++) for (let dy = 0; dy < R; dy++) for (let dx = 0; dx < R; dx++) {
      const yy = y + dy - 1;
      const xx = x + dx - 1;
      if (yy >= 0 && yy < H && xx >= 0 && xx < W) acc += iv[(c * H + yy) * W + xx] * wv[((f * C + c) * R + dy) * R + dx];
    }
    expected[(f * H + y) * W + x] = acc;
  }
  const s = te.createSchedule(O.op);
  s.stage(P).computeAt(s.stage(O), O.op.axis[1]);
  const r = runBoth(s, [I, Wt, O], [array(iv, [C, H, W]), array(wv, [F, C, R, R])]);
  assertClose(t, r.compiled[0], expected, 1e-5);
  assertClose(t, r.compiled[0], r.interpreted[0], 1e-6);
});

test("an extern kernel written with irBuilder: allocate, loops, if/else", (t) => {
  const n = 37;
  const A = te.placeholder([n], "float32", "A");
  // out[i] = running sum of A up to i, clipped to [-1, 1]; computed through a local scratch.
  const B = te.extern([n], [A], (ins, outs) => {
    const ib = tir.irBuilder();
    const a = ib.bufferPtr(ins[0]);
    const b = ib.bufferPtr(outs[0]);
    const acc = ib.allocate("float32", 1, "acc");
    acc.set(0, 0);
    ib.forRange(0, n, "i", (i) => {
      acc.set(0, acc.get(0).add(a.get(i)));
      ib.ifScope(acc.get(0).gt(1), () => b.set(i, 1));
      ib.elseScope(() => {
        ib.ifScope(acc.get(0).lt(-1), () => b.set(i, -1));
        ib.elseScope(() => b.set(i, acc.get(0)));
      });
    });
    return ib.get();
  }, { name: "clipsum" }) as Tensor;
  const av = randomFloats(n, 13);
  const expected = new Float32Array(n);
  let acc = 0;
  av.forEach((v, i) => { acc = Math.fround(acc + v); expected[i] = Math.max(-1, Math.min(1, acc)); });
  const r = runBoth(te.createSchedule(B.op), [A, B], [array(av)]);
  assertClose(t, r.compiled[0], expected, 0);
  t.deepEqual([...r.compiled[0]], [...r.interpreted[0]]);
});

clangTest("a scheduled TE program compiles without warnings under clang -Wall -Wextra", () => {
  const A = te.placeholder([64, 64], "float32", "A");
  const k = te.reduceAxis([0, 64], "k");
  const B = te.compute([64], (i) => te.sum(te.exp(A.at(i, k)), k), "B");
  const s = te.createSchedule(B.op);
  const [io, ii] = s.stage(B).split(s.stage(B).op.axis[0], { factor: 16 });
  s.stage(B).parallel(io);
  s.stage(B).unroll(ii);
  return build(s, [A, B], { cflags: STRICT }).getSource();
});
