// Softmax kernels over the rows of a 4096x1024 float32 matrix, in GB/s (8 bytes an element: X
// read once, Y written once), with the STREAM add as the limit. Two kernels so that each
// accuracy class is compared with its own: the exact exp (tejit's te.exp against Halide's exp,
// numpy, onnxruntime-node, hand C with libm's expf, plain JS) and the fast exp (te.fastExp
// against Halide's fast_exp and hand C built with -ffast-math, which calls libmvec's expf).
// Outputs are checked against a float64 reference.
import { build } from "../../ts/build.js";
import { ops, te } from "../../ts/index.js";
import { createModuleFromSource, type Module } from "../../ts/runtime/module.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { halideRunner } from "./baselines/halide.js";
import { numpyRunner } from "./baselines/numpy.js";
import { ortRunner } from "./baselines/ort.js";
import { checkClose, randomFloats } from "./check.js";
import { jsRunner, lazy, type SuiteOptions, tejitRunner } from "./common.js";
import { inProcess } from "./inproc.js";
import { HAND_SOFTMAX_FUNCTIONS, handSoftmaxSource } from "./schedules/softmax_hand_c.js";
import type { Entry, Kernel, Runner, Skip } from "./types.js";

const R = 4096;
const C = 1024;

/** The tejit side of a softmax: `ops.schedule([ops.softmax(X, 1, { fastExp })])`, the library's default schedule. */
export function tejitSoftmax(r: number, c: number, fast: boolean): Module {
  const X = te.placeholder([r, c], "float32", "X");
  const Y = ops.softmax(X, 1, { fastExp: fast });
  return build(ops.schedule([Y]), [X, Y], { name: "softmax" });
}

/** Softmax of the rows of x (r x c) into y, in plain JS. */
export function jsSoftmax(x: Float32Array, y: Float32Array | Float64Array, r: number, c: number): void {
  for (let i = 0; i < r; i++) {
    const o = i * c;
    let m = -Infinity;
    for (let j = 0; j < c; j++) if (x[o + j] > m) m = x[o + j];
    let s = 0;
    for (let j = 0; j < c; j++) s += (y[o + j] = Math.exp(x[o + j] - m));
    const inv = 1 / s;
    for (let j = 0; j < c; j++) y[o + j] *= inv;
  }
}

const data = lazy(() => {
  const x = randomFloats(R * C, 5, -10, 10);
  const ref = new Float64Array(R * C);
  jsSoftmax(x, ref, R, C);
  return { x, ref, X: array(x, [R, C]) };
});

function handC(fastMath: boolean): Runner | Skip {
  const y = empty([R, C]);
  const f = createModuleFromSource(handSoftmaxSource(R, C), { cflags: fastMath ? ["-ffast-math"] : [], functions: HAND_SOFTMAX_FUNCTIONS } as never).getFunction("softmax");
  return inProcess(() => f(data().X, y), () => y.toTypedArray() as Float32Array);
}

/** The two softmax kernels. */
export function softmaxKernels(opts: SuiteOptions): Kernel[] {
  const work = (R * C * 8) / 1e9;
  const target = "ops.softmax >= 1.0x Halide 14 at the same or better accuracy, >= 0.8x STREAM";
  const tejit = (fast: boolean): Entry => ({ name: "tejit", role: "tejit", note: `ops.schedule([ops.softmax(X, 1${fast ? ", { fastExp: true }" : ""})]): the default schedule (docs/ops.md)`, setup: async () => tejitRunner(tejitSoftmax(R, C, fast), "softmax", [data().X, empty([R, C])]) });
  const exact: Kernel = {
    id: "softmax", group: "softmax", title: `softmax ${R}x${C}, exact exp`, unit: "GB/s", work, limit: "stream", target,
    entries: [
      tejit(false),
      { name: "Halide 14", role: "baseline", note: "exp; max and sum rfactored into 32 lanes at the row (AOT)", setup: async () => halideRunner("hl_softmax", [data().X], empty([R, C])) },
      { name: "numpy", role: "baseline", note: "max, subtract, exp, sum, divide with out= arrays", setup: async () => numpyRunner("softmax", [{ data: data().x, shape: [R, C] }], [R, C]) },
      { name: "onnxruntime-node", role: "baseline", note: "Softmax node (axis 1), output copy included", setup: async () => ortRunner({ op: "Softmax", inputs: [{ name: "X", shape: [R, C] }], output: { name: "Y", shape: [R, C] }, attributes: { axis: 1 } }, [data().x]) },
      { name: "hand C, libm expf", role: "baseline", singleThread: true, note: "-O3 -march=native, one thread", setup: async () => handC(false) },
      { name: "plain JS", role: "baseline", singleThread: true, note: "Math.exp on Float32Arrays", setup: async () => {
        const y = new Float32Array(R * C);
        return jsRunner(() => jsSoftmax(data().x, y, R, C), y);
      } },
    ],
    check: (y) => checkClose(y, data().ref, 1e-4, 1e-30),
  };
  const fast: Kernel = {
    id: "softmax-fast", group: "softmax", title: `softmax ${R}x${C}, fast exp`, unit: "GB/s", work, limit: "stream", target,
    entries: [
      tejit(true),
      { name: "Halide 14", role: "baseline", note: "fast_exp; same schedule (AOT)", setup: async () => halideRunner("hl_softmax_fast", [data().X], empty([R, C])) },
      { name: "hand C, -ffast-math (libmvec)", role: "baseline", singleThread: true, note: "gcc vectorizes expf through libmvec, one thread", setup: async () => handC(true) },
    ],
    check: (y) => checkClose(y, data().ref, 1e-3, 1e-30),
  };
  return [exact, fast];
}
