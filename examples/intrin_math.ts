// TVM's tutorial "Intrinsics and Math Functions" (tutorials/language/intrin_math.py, TVM v0.8),
// ported to tejit for the CPU: a direct call of a C math function (tir.callExtern, TVM's
// call_pure_extern), the unified intrinsic te.exp for float32 and float64 (lowered to expf or
// exp, which the C generator emits as GCC's __builtin_expf / __builtin_exp), and a user
// "intrinsic" mylog. Each kernel is built, the line of generated C that
// calls the math function printed (the tutorial prints the CUDA/OpenCL source), and the results
// checked against JS's Math.
//
// Left out: the CUDA and OpenCL targets (__expf, the device sources) and the thread binding:
// tejit compiles C for the host CPU; register_intrin_rule (tejit has no user lowering rules for
// intrinsics: its C names for them are fixed), so mylog is a function choosing the C function
// by dtype when the expression is built, instead of a rule applied at lowering.
//
//   npm run example examples/intrin_math.ts

import { build, nd, te, tir } from "tejit";
import { assertAllclose, uniform } from "./assert_allclose.js";

const size = 100;

/** Builds B = f(A) for a symbolic n, prints the C lines that call `fn`, checks against `ref`. */
function run(title: string, dtype: "float32" | "float64", body: (x: tir.PrimExpr) => tir.PrimExpr, fn: string, ref: (v: number) => number): void {
  const n = te.var("n");
  const A = te.placeholder([n], dtype, "A");
  const B = te.compute(A.shape, (i) => body(A.at(i)), "B");
  const s = te.createSchedule(B.op);
  const [xo] = s.stage(B).split(B.op.axis[0], { factor: 64 });
  s.stage(B).parallel(xo);   // in place of the tutorial's blockIdx.x / threadIdx.x binding
  const mod = build(s, [A, B], { name: "myexp" });
  console.log(`--- ${title}`);
  const call = new RegExp(`(?<!\\w)(__builtin_)?${fn}\\(`);
  for (const line of mod.getSource().split("\n")) if (call.test(line)) console.log(line.trim());
  const x = uniform(size);
  const a = dtype === "float32" ? nd.array(x) : nd.array(Float64Array.from(x));
  const b = nd.empty([size], dtype);
  mod.getFunction("myexp")(a, b);
  const want = dtype === "float32" ? Float32Array.from(x, ref) : Float64Array.from(x, ref);
  assertAllclose(title, b.toTypedArray() as Float32Array, want, dtype === "float32" ? 1e-6 : 1e-14);
}

// Direct declare extern math call: the C library's expf (the tutorial calls CUDA's __expf).
run("callExtern expf", "float32", (x) => tir.callExtern("float32", "expf", x), "expf", Math.exp);

// Unified intrinsic call: te.exp, lowered to the C function for the dtype.
run("te.exp, float32", "float32", (x) => te.exp(x), "expf", Math.exp);
run("te.exp, float64", "float64", (x) => te.exp(x), "exp", Math.exp);

console.log("note: skipped: the cuda and opencl targets, and register_intrin_rule (no user lowering rules for intrinsics in tejit)");

// Add your own intrinsic: mylog picks the C function for the dtype when the expression is built.
function mylog(x: tir.PrimExpr): tir.PrimExpr {
  if (x.dtype.toString() === "float32") return tir.callExtern("float32", "logf", x);
  if (x.dtype.toString() === "float64") return tir.callExtern("float64", "log", x);
  throw new Error(`mylog: no C function for ${x.dtype}`);
}
run("mylog, float32", "float32", mylog, "logf", Math.log);
run("mylog, float64", "float64", mylog, "log", Math.log);
