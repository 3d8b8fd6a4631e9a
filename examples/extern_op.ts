// TVM's tutorial "External Tensor Functions" (tutorials/language/extern_op.py, TVM v0.8), ported
// to tejit: a stage computed by an external function (te.extern + tir.callPacked) followed by a
// scheduled stage that adds a bias, and a JavaScript function hooked in as an extern.
//
// Changed: tejit has no CBLAS contrib library; the matrix product is a JavaScript function
// registered under the tutorial's name "tvm.contrib.cblas.matmul" (the kernel calls it exactly as
// it would call CBLAS through the packed-function registry). Left out: the `cblas.matmul(A, B)`
// contrib wrapper (there is no contrib library; the wrapper is a function returning the same
// te.extern, written below as `matmul`).
//
//   npm run example examples/extern_op.ts

import { build, lower, nd, registerFunc, te, tir } from "tejit";
import { assertAllclose, uniform } from "./assert_allclose.js";

// The "library" function: out = a·b (row-major, float32); transa/transb as CBLAS takes them.
registerFunc("tvm.contrib.cblas.matmul", (a: nd.NDArray, b: nd.NDArray, out: nd.NDArray, transa: number, transb: number) => {
  if (transa || transb) throw new Error("this matmul does not transpose");
  const [rows, inner] = a.shape, cols = b.shape[1];
  const x = a.toTypedArray() as Float32Array, y = b.toTypedArray() as Float32Array;
  const z = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let p = 0; p < inner; p++) for (let j = 0; j < cols; j++) z[i * cols + j] += x[i * inner + p] * y[p * cols + j];
  out.copyFrom(z);
});

// Use an extern tensor function: C is computed by the registered function, D = C + bias by tejit.
const n = 1024, l = 128, m = 235;
const bias = te.var("bias", "float32");
let A = te.placeholder([n, l], "float32", "A");
const B = te.placeholder([l, m], "float32", "B");
const matmul = (x: te.Tensor, y: te.Tensor) =>
  te.extern([n, m], [x, y], (ins, outs) => tir.callPacked("tvm.contrib.cblas.matmul", ins[0], ins[1], outs[0], false, false), { name: "C" });
const C = matmul(A, B);
const D = te.compute(C.shape, (i, j) => C.at(i, j).add(bias), "D");
let s = te.createSchedule(D.op);
console.log(lower(s, [A, B, D, bias], { simpleMode: true }).toString());

// Verify the result.
const f = build(s, [A, B, D, bias], { target: "llvm" });
const a = uniform(n * l), b = uniform(l * m);
const d = nd.empty([n, m]);
f.getFunction("main")(nd.array(a, [n, l]), nd.array(b, [l, m]), d, 10.0);
const ref = new Float32Array(n * m);
for (let i = 0; i < n; i++) for (let p = 0; p < l; p++) for (let j = 0; j < m; j++) ref[i * m + j] += a[i * l + p] * b[p * m + j];
assertAllclose("matmul + bias", d.toTypedArray() as Float32Array, ref.map((v) => v + 10), 1e-5);

console.log("note: skipped: tvm.contrib.cblas (no contrib library; `matmul` above is the wrapper)");

// Hook a JavaScript function as an extern: it receives NDArray views of the kernel's buffers.
registerFunc("tvm.contrib.my_tvm_addone", (x: nd.NDArray, y: nd.NDArray) => {
  console.log(`my_tvm_addone signatures: ${x.constructor.name}, ${y.constructor.name}`);
  y.copyFrom((x.toTypedArray() as Float32Array).map((v) => v + 1));
});
A = te.placeholder([n], "float32", "A");
const addOne = te.extern(A.shape, [A], (ins, outs) => tir.callPacked("tvm.contrib.my_tvm_addone", ins[0], outs[0]), { name: "C" });
s = te.createSchedule(addOne.op);
const g = build(s, [A, addOne], { target: "llvm" });
const x = uniform(n);
const y = nd.array(uniform(n));
g.getFunction("main")(nd.array(x), y);
assertAllclose("my_tvm_addone", y.toTypedArray() as Float32Array, x.map((v) => v + 1), 1e-5);
