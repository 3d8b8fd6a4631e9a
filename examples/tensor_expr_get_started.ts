// TVM's tutorial "Working with Operators Using Tensor Expressions" (tutorials/get_started/
// tensor_expr_get_started.py, TVM v0.8), example 1, ported to tejit: a vector addition, its
// default schedule, a parallel one and a vectorized one, each built, checked against JS and
// timed, then saved as a library and loaded back.
//
// Left out (each printed as a note where the tutorial has it):
// - the GPU part (te.thread_axis, s[C].bind, targets cuda/rocm/opencl, imported_modules):
//   tejit compiles C for the host CPU only;
// - saving a .o and linking it with cc.create_shared: tejit's exportLibrary writes the .so at once;
// - example 2 (matrix multiplication, step by step) is TVM's opt_gemm: examples/gemm.ts.
// numpy's timings are replaced by a plain JS loop's.
//
//   npm run example examples/tensor_expr_get_started.ts

import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, lower, nd, runtime, te } from "tejit";
import { assertAllclose, uniform } from "./assert_allclose.js";

// Describing the vector computation: n is symbolic, A, B and C share it.
let n = te.var("n");
let A = te.placeholder([n], "float32", "A");
let B = te.placeholder([n], "float32", "B");
let C = te.compute(A.shape, (i) => A.at(i).add(B.at(i)), "C");

// The default schedule, compiled for the CPU ("llvm" is taken as tejit's C target).
let s = te.createSchedule(C.op);
const fadd = build(s, [A, B, C], { target: "llvm", name: "myadd" });

const size = 1024;
const a = nd.array(uniform(size));
const b = nd.array(uniform(size));
const c = nd.empty([size]);
fadd.getFunction("myadd")(a, b, c);
function sum(x: nd.NDArray, y: nd.NDArray): Float32Array {
  const xs = x.toTypedArray() as Float32Array, ys = y.toTypedArray() as Float32Array;
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i] + ys[i];
  return out;
}
assertAllclose("myadd", c.toTypedArray() as Float32Array, sum(a, b));

// Timing: a JS loop in place of numpy, then each schedule with the module's time evaluator.
const timeN = 32768;
const ta = nd.array(uniform(timeN)), tb = nd.array(uniform(timeN)), tc = nd.empty([timeN]);
const jsStart = process.hrtime.bigint();
const jsRepeat = 100;
for (let r = 0; r < jsRepeat; r++) sum(ta, tb);
const log: [string, number][] = [["js", Number(process.hrtime.bigint() - jsStart) / 1e9 / jsRepeat]];
console.log(`JS running time: ${log[0][1].toFixed(6)}`);

function evaluateAddition(mod: runtime.Module, name: string, optimization: string): void {
  const meanTime = mod.timeEvaluator(name, { number: 10 })(ta, tb, tc).mean;
  assertAllclose(`${optimization} (n = ${timeN})`, tc.toTypedArray() as Float32Array, sum(ta, tb));
  console.log(`${optimization}: ${meanTime.toFixed(6)}`);
  log.push([optimization, meanTime]);
}
evaluateAddition(fadd, "myadd", "naive");

// Parallelism: the loop runs on the thread pool.
s.stage(C).parallel(C.op.axis[0]);
console.log(lower(s, [A, B, C], { simpleMode: true }).toString());
const faddParallel = build(s, [A, B, C], { target: "llvm", name: "myadd_parallel" });
faddParallel.getFunction("myadd_parallel")(a, b, c);
assertAllclose("myadd_parallel", c.toTypedArray() as Float32Array, sum(a, b));
evaluateAddition(faddParallel, "myadd_parallel", "parallel");

// Vectorization: split by a factor, the outer loop parallel, the inner one vectorized (on a new
// schedule: the previous one is parallel already).
n = te.var("n");
A = te.placeholder([n], "float32", "A");
B = te.placeholder([n], "float32", "B");
C = te.compute(A.shape, (i) => A.at(i).add(B.at(i)), "C");
s = te.createSchedule(C.op);
const factor = 4;
const [outer, inner] = s.stage(C).split(C.op.axis[0], { factor });
s.stage(C).parallel(outer);
s.stage(C).vectorize(inner);
const faddVector = build(s, [A, B, C], { target: "llvm", name: "myadd_parallel" });
evaluateAddition(faddVector, "myadd_parallel", "vector");
console.log(lower(s, [A, B, C], { simpleMode: true }).toString());

// Comparing the schedules.
const baseline = log[0][1];
console.log(`${"Operator".padStart(20)}\t${"Timing".padStart(20)}\t${"Performance".padStart(20)}`);
for (const [name, time] of log) console.log(`${name.padStart(20)}\t${time.toExponential(3).padStart(20)}\t${(time / baseline).toFixed(4).padStart(20)}`);

console.log("note: skipped the GPU part (te.thread_axis, bind, cuda/rocm/opencl targets): tejit compiles C for the host CPU");

// Saving and loading compiled modules: one shared library, loaded back with runtime.loadModule.
const temp = mkdtempSync(join(tmpdir(), "tejit-tutorial-"));
fadd.exportLibrary(join(temp, "myadd.so"));
console.log(readdirSync(temp));
const fadd1 = runtime.loadModule(join(temp, "myadd.so"));
c.copyFrom(new Float32Array(size));
fadd1.getFunction("myadd")(a, b, c);
assertAllclose("myadd loaded from myadd.so", c.toTypedArray() as Float32Array, sum(a, b));
rmSync(temp, { recursive: true, force: true });
console.log("note: skipped saving myadd.o and cc.create_shared: exportLibrary writes the shared library directly");
console.log("note: example 2 of the tutorial (matrix multiplication step by step) is TVM's opt_gemm: examples/gemm.ts");
