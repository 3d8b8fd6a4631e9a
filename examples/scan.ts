// TVM's tutorial "Scan and Recurrent Kernel" (tutorials/language/scan.py), ported to tejit: a
// cumulative sum over the rows of X written as a scan, scheduled and checked against a JS
// cumulative sum; a multi-stage scan cell whose first stage is computed at the second's loop;
// and a scan with two states. Left out: binding the scan cell to GPU threads (the update's inner
// loop is split and vectorized instead) and the CUDA target.
//
//   npm run example examples/scan.ts

import { build, lower, nd, te } from "tejit";
import { assertAllclose, uniform } from "./assert_allclose.js";

const M = 10, N = 1024; // the sizes the kernels are checked with

// A cumulative sum: step 0 is X[0], step t is the state at t - 1 plus X[t].
{
  const m = te.var("m"), n = te.var("n");
  const X = te.placeholder([m, n], "float32", "X");
  const sState = te.placeholder([m, n]);
  const sInit = te.compute([1, n], (_, i) => X.at(0, i));
  const sUpdate = te.compute([m, n], (t, i) => sState.at(t.sub(1), i).add(X.at(t, i)));
  const sScan = te.scan(sInit, sUpdate, sState, { inputs: [X] });

  // Schedule the scan cell: the init and the update are scheduled separately.
  const s = te.createSchedule(sScan.op);
  const [, ii] = s.stage(sInit).split(sInit.op.axis[1], { factor: 8 });
  s.stage(sInit).vectorize(ii);
  const [, ui] = s.stage(sUpdate).split(sUpdate.op.axis[1], { factor: 8 });
  s.stage(sUpdate).vectorize(ui);
  console.log(lower(s, [X, sScan], { simpleMode: true }).toString());
  console.log("note: skipped binding the scan cell to blockIdx.x / threadIdx.x (GPU); the inner loops are vectorized instead");

  const fscan = build(s, [X, sScan], { name: "myscan" }).getFunction("myscan");
  const a = uniform(M * N);
  const b = nd.empty([M, N]);
  fscan(nd.array(a, [M, N]), b);
  const want = new Float32Array(M * N);
  for (let t = 0; t < M; t++) for (let i = 0; i < N; i++) want[t * N + i] = (t > 0 ? want[(t - 1) * N + i] : 0) + a[t * N + i];
  assertAllclose("cumsum over the rows", b.toTypedArray() as Float32Array, want, 1e-6);
}

// A multi-stage scan cell: s1 (twice the previous step) is computed at s2's outer loop.
{
  const m = te.var("m"), n = te.var("n");
  const X = te.placeholder([m, n], "float32", "X");
  const sState = te.placeholder([m, n]);
  const sInit = te.compute([1, n], (_, i) => X.at(0, i));
  const s1 = te.compute([m, n], (t, i) => sState.at(t.sub(1), i).mul(2), "s1");
  const s2 = te.compute([m, n], (t, i) => s1.at(t, i).add(X.at(t, i)), "s2");
  const sScan = te.scan(sInit, s2, sState, { inputs: [X] });
  const s = te.createSchedule(sScan.op);
  const [xo] = s.stage(s2).split(s2.op.axis[1], { factor: 32 });
  s.stage(s1).computeAt(s.stage(s2), xo);
  console.log(lower(s, [X, sScan], { simpleMode: true }).toString());

  const a = uniform(M * N);
  const b = nd.empty([M, N]);
  build(s, [X, sScan]).getFunction("main")(nd.array(a, [M, N]), b);
  const want = new Float32Array(M * N);
  for (let t = 0; t < M; t++) for (let i = 0; i < N; i++) want[t * N + i] = (t > 0 ? 2 * want[(t - 1) * N + i] : 0) + a[t * N + i];
  assertAllclose("multi-stage scan cell", b.toTypedArray() as Float32Array, want, 1e-6);
}

// Multiple states: the second reads the first's previous step.
{
  const m = te.var("m"), n = te.var("n"), l = te.var("l");
  const X = te.placeholder([m, n], "float32", "X");
  const sState1 = te.placeholder([m, n]);
  const sState2 = te.placeholder([m, l]);
  const sInit1 = te.compute([1, n], (_, i) => X.at(0, i));
  const sInit2 = te.compute([1, l], () => te.const(0, "float32"));
  const sUpdate1 = te.compute([m, n], (t, i) => sState1.at(t.sub(1), i).add(X.at(t, i)));
  const sUpdate2 = te.compute([m, l], (t, i) => sState2.at(t.sub(1), i).add(sState1.at(t.sub(1), 0)));
  const [sScan1, sScan2] = te.scan([sInit1, sInit2], [sUpdate1, sUpdate2], [sState1, sState2], { inputs: [X] }) as te.Tensor[];
  const s = te.createSchedule(sScan1.op);
  console.log(lower(s, [X, sScan1, sScan2], { simpleMode: true }).toString());

  const L = 5;
  const a = uniform(M * N);
  const [b1, b2] = [nd.empty([M, N]), nd.empty([M, L])];
  build(s, [X, sScan1, sScan2]).getFunction("main")(nd.array(a, [M, N]), b1, b2);
  const w1 = new Float32Array(M * N);
  const w2 = new Float32Array(M * L);
  for (let t = 0; t < M; t++) {
    for (let i = 0; i < N; i++) w1[t * N + i] = (t > 0 ? w1[(t - 1) * N + i] : 0) + a[t * N + i];
    for (let i = 0; i < L; i++) w2[t * L + i] = t > 0 ? w2[(t - 1) * L + i] + w1[(t - 1) * N] : 0;
  }
  assertAllclose("two states: the first", b1.toTypedArray() as Float32Array, w1, 1e-6);
  assertAllclose("two states: the second", b2.toTypedArray() as Float32Array, w2, 1e-5);
}
