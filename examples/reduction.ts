// TVM's tutorial "Reduction" (tutorials/language/reduction.py, TVM v0.8), ported to tejit: a
// row sum with te.sum over a reduce axis, split (a nested reduction), rfactor (the reduction
// factored into a temporary B.rf), a 2-D convolution as a 2-D reduction, and a user-defined
// commutative reducer (a product). Each is printed as the tutorial prints it, built, and checked
// against JS (the tutorial checks only the GPU kernel).
//
// Left out: binding rows and the reduction to GPU threads (te.thread_axis, cross-thread
// reduction, set_store_predicate, the CUDA source): tejit compiles C for the host CPU. In their
// place the factored reduction runs its factored axis in parallel on the CPU.
//
//   npm run example examples/reduction.ts

import { build, DataType, lower, nd, te, tir } from "tejit";
import { assertAllclose, uniform } from "./assert_allclose.js";

const N = 100, M = 70; // the sizes the kernels are checked with

// Describe sum of rows: B[i] = sum over k of A[i, k].
let n = te.var("n");
let m = te.var("m");
let A = te.placeholder([n, m], "float32", "A");
let k = te.reduceAxis([0, m], "k");
let B = te.compute([n], (i) => te.sum(A.at(i, k), k), "B");

const a = uniform(N * M);
const rowSums = Float32Array.from({ length: N }, (_, i) => a.subarray(i * M, (i + 1) * M).reduce((x, y) => x + y, 0));

/** Builds `s` and checks B = the row sums of a. */
function check(title: string, s: te.Schedule): void {
  const b = nd.empty([N]);
  build(s, [A, B]).getFunction("main")(nd.array(a, [N, M]), b);
  assertAllclose(title, b.toTypedArray() as Float32Array, rowSums, 1e-5);
}

// The default schedule.
let s = te.createSchedule(B.op);
console.log(lower(s, [A, B], { simpleMode: true }).toString());
check("row sum", s);

// The reduction axis can be split like any axis: a nested reduction.
s.stage(B).split(B.op.reduceAxis[0], { factor: 16 });   // k.outer, k.inner
s.stage(B).split(B.op.axis[0], { factor: 32 });         // i.outer, i.inner
console.log(lower(s, [A, B], { simpleMode: true }).toString());
check("row sum, k split by 16, rows by 32", s);

console.log("note: skipped: binding xo, xi to te.thread_axis(\"blockIdx.x\"), (\"threadIdx.x\") is for GPUs");

// Reduction factoring: rfactor writes partial sums to B.rf, whose first dimension is the factored axis.
s = te.createSchedule(B.op);
const [, kInner] = s.stage(B).split(B.op.reduceAxis[0], { factor: 16 });
const BF = s.rfactor(B, kInner);
console.log(lower(s, [A, B], { simpleMode: true }).toString());
check("row sum through rfactor", s);

// B is now a sum over the first axis of B.rf.
console.log(`[${(s.stage(B).op as te.ComputeOp).body.join(", ")}]`);

// Cross-thread reduction is GPU-only; on the CPU the factored axis of B.rf runs in parallel.
console.log("note: skipped: the cross-thread reduction (threadIdx.x bound to the reduce axis, set_store_predicate, tvm.build for cuda) is for GPUs");
s.stage(BF).parallel(s.stage(BF).op.axis[0]);
check("row sum through rfactor, factored axis parallel", s);

// Describe convolution via 2-D reduction: a 3x3 filter, strides 1.
n = te.var("n");
const Input = te.placeholder([n, n], "float32", "Input");
const Filter = te.placeholder([3, 3], "float32", "Filter");
const di = te.reduceAxis([0, 3], "di");
const dj = te.reduceAxis([0, 3], "dj");
const Output = te.compute([n.sub(2), n.sub(2)], (i, j) => te.sum(Input.at(i.add(di), j.add(dj)).mul(Filter.at(di, dj)), [di, dj]), "Output");
s = te.createSchedule(Output.op);
console.log(lower(s, [Input, Filter, Output], { simpleMode: true }).toString());
{
  const size = 20, input = uniform(size * size), filter = uniform(9);
  const out = nd.empty([size - 2, size - 2]);
  build(s, [Input, Filter, Output]).getFunction("main")(nd.array(input, [size, size]), nd.array(filter, [3, 3]), out);
  const ref = new Float32Array((size - 2) ** 2);
  for (let i = 0; i < size - 2; i++) {
    for (let j = 0; j < size - 2; j++) {
      for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) ref[i * (size - 2) + j] += input[(i + p) * size + j + q] * filter[p * 3 + q];
    }
  }
  assertAllclose("3x3 convolution", out.toTypedArray() as Float32Array, ref, 1e-5);
}

// A general commutative reduction: the product, with identity 1.
n = te.var("n");
m = te.var("m");
const product = te.commReducer((x: tir.PrimExpr, y: tir.PrimExpr) => x.mul(y), (t: DataType) => te.const(1, t), "product");
A = te.placeholder([n, m], "float32", "A");
k = te.reduceAxis([0, m], "k");
B = te.compute([n], (i) => product(A.at(i, k), k), "B");
s = te.createSchedule(B.op);
console.log(lower(s, [A, B], { simpleMode: true }).toString());
{
  const rows = 5, cols = 6, data = Float32Array.from({ length: rows * cols }, () => 0.5 + Math.random());
  const out = nd.empty([rows]);
  build(s, [A, B]).getFunction("main")(nd.array(data, [rows, cols]), out);
  const ref = Float32Array.from({ length: rows }, (_, i) => data.subarray(i * cols, (i + 1) * cols).reduce((x, y) => Math.fround(x * y), 1));
  assertAllclose("product reducer", out.toTypedArray() as Float32Array, ref, 1e-5);
}
