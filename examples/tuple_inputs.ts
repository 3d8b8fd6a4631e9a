// TVM's tutorial "Compute and Reduce with Tuple Inputs" (tutorials/language/tuple_inputs.py, TVM
// v0.8), ported to tejit: a compute with two outputs scheduled together, an argmax written as a
// commutative reducer over (index, value) pairs, and a multi-output op computed at a consumer's
// loop. Each is printed as the tutorial prints it, then built and checked against JS (the
// tutorial only prints). Nothing is left out.
//
//   npm run example examples/tuple_inputs.ts

import { build, DataType, lower, nd, te, tir } from "tejit";
import { assertAllclose, uniform } from "./assert_allclose.js";

const M = 7, N = 9; // the sizes the kernels are checked with

// Batchwise computation: two outputs of the same shape from one compute, in one loop nest.
{
  const n = te.var("n"), m = te.var("m");
  const A0 = te.placeholder([m, n], "float32", "A0");
  const A1 = te.placeholder([m, n], "float32", "A1");
  const [B0, B1] = te.compute([m, n], (i, j) => [A0.at(i, j).add(2), A1.at(i, j).mul(3)], "B");
  const s = te.createSchedule(B0.op);
  console.log(lower(s, [A0, A1, B0, B1], { simpleMode: true }).toString());
  const a0 = uniform(M * N), a1 = uniform(M * N);
  const b0 = nd.empty([M, N]), b1 = nd.empty([M, N]);
  build(s, [A0, A1, B0, B1]).getFunction("main")(nd.array(a0, [M, N]), nd.array(a1, [M, N]), b0, b1);
  assertAllclose("B.v0 = A0 + 2", b0.toTypedArray() as Float32Array, a0.map((v) => v + 2), 1e-6);
  assertAllclose("B.v1 = A1 * 3", b1.toTypedArray() as Float32Array, a1.map((v) => v * 3), 1e-6);
}

// Reduction with collaborative inputs: argmax over (index, value) pairs.
{
  const fcombine = (x: tir.PrimExpr[], y: tir.PrimExpr[]) => [
    te.select(x[1].ge(y[1]), x[0], y[0]),
    te.select(x[1].ge(y[1]), x[1], y[1]),
  ];
  const fidentity = (t0: DataType, t1: DataType) => [te.const(-1, t0), te.minValue(t1)];
  const argmax = te.commReducer(fcombine, fidentity, "argmax");
  const m = te.var("m"), n = te.var("n");
  const idx = te.placeholder([m, n], "int32", "idx");
  const val = te.placeholder([m, n], "int32", "val");
  const k = te.reduceAxis([0, n], "k");
  const [T0, T1] = te.compute([m], (i) => argmax([idx.at(i, k), val.at(i, k)], k), "T");
  const s = te.createSchedule(T0.op);
  console.log(lower(s, [idx, val, T0, T1], { simpleMode: true }).toString());
  const ids = Int32Array.from({ length: M * N }, (_, e) => e % N);
  const vals = Int32Array.from({ length: M * N }, () => Math.floor(Math.random() * 100));
  const t0 = nd.empty([M], "int32"), t1 = nd.empty([M], "int32");
  build(s, [idx, val, T0, T1]).getFunction("main")(nd.array(ids, [M, N]), nd.array(vals, [M, N]), t0, t1);
  // The reference: the first index of the largest value of each row, and that value.
  const refIdx: number[] = [], refVal: number[] = [];
  for (let i = 0; i < M; i++) {
    let best = -1, bestVal = -(2 ** 31);
    for (let j = 0; j < N; j++) if (bestVal < vals[i * N + j] || best < 0) { best = ids[i * N + j]; bestVal = vals[i * N + j]; }
    refIdx.push(best); refVal.push(bestVal);
  }
  assertAllclose("argmax index", t0.toTypedArray() as Int32Array, refIdx);
  assertAllclose("argmax value", t1.toTypedArray() as Int32Array, refVal);
}

// A multi-output op is scheduled as one: B0 and B1 are computed at C's row loop together.
{
  const n = te.var("n"), m = te.var("m");
  const A0 = te.placeholder([m, n], "float32", "A0");
  const [B0] = te.compute([m, n], (i, j) => [A0.at(i, j).add(2), A0.at(i, j).mul(3)], "B");
  const A1 = te.placeholder([m, n], "float32", "A1");
  const C = te.compute([m, n], (i, j) => A1.at(i, j).add(B0.at(i, j)), "C");
  const s = te.createSchedule(C.op);
  s.stage(B0).computeAt(s.stage(C), C.op.axis[0]);
  console.log(lower(s, [A0, A1, C], { simpleMode: true }).toString());
  const a0 = uniform(M * N), a1 = uniform(M * N);
  const c = nd.empty([M, N]);
  build(s, [A0, A1, C]).getFunction("main")(nd.array(a0, [M, N]), nd.array(a1, [M, N]), c);
  assertAllclose("C = A1 + (A0 + 2)", c.toTypedArray() as Float32Array, a1.map((v, e) => v + a0[e] + 2), 1e-6);
}
