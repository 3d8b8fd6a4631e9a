// Layer normalization over the rows of a 4096x1024 float32 matrix (gamma and beta of 1024,
// eps 1e-5), in GB/s (8 bytes an element), against Halide 14, numpy, onnxruntime-node's
// LayerNormalization and plain JS, with the STREAM add as the limit. Outputs are checked against
// a float64 reference.
import { build } from "../../ts/build.js";
import { ops, te } from "../../ts/index.js";
import type { Module } from "../../ts/runtime/module.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { halideRunner } from "./baselines/halide.js";
import { numpyRunner } from "./baselines/numpy.js";
import { ortRunner } from "./baselines/ort.js";
import { checkClose, randomFloats } from "./check.js";
import { jsRunner, lazy, type SuiteOptions, tejitRunner } from "./common.js";
import type { Kernel } from "./types.js";

const R = 4096;
const C = 1024;
const EPS = 1e-5;

/** The tejit side of a layer norm: `ops.schedule([ops.layerNorm(X, gamma, beta, { axis: 1, eps })])`, the library's default schedule. */
export function tejitLayerNorm(r: number, c: number, eps: number): Module {
  const X = te.placeholder([r, c], "float32", "X");
  const G = te.placeholder([c], "float32", "gamma");
  const B = te.placeholder([c], "float32", "beta");
  const Y = ops.layerNorm(X, G, B, { axis: 1, eps });
  return build(ops.schedule([Y]), [X, G, B, Y], { name: "layernorm" });
}

/** Layer norm of the rows of x (r x c) into y, in plain JS. */
export function jsLayerNorm(x: Float32Array, g: Float32Array, b: Float32Array, y: Float32Array | Float64Array, r: number, c: number, eps: number): void {
  for (let i = 0; i < r; i++) {
    const o = i * c;
    let s = 0;
    for (let j = 0; j < c; j++) s += x[o + j];
    const mean = s / c;
    let v = 0;
    for (let j = 0; j < c; j++) v += (x[o + j] - mean) ** 2;
    const rstd = 1 / Math.sqrt(v / c + eps);
    for (let j = 0; j < c; j++) y[o + j] = (x[o + j] - mean) * rstd * g[j] + b[j];
  }
}

/** The layer norm kernel. */
export function layerNormKernels(opts: SuiteOptions): Kernel[] {
  const data = lazy(() => {
    const x = randomFloats(R * C, 6, -2, 3);
    const g = randomFloats(C, 7, 0.5, 1.5);
    const b = randomFloats(C, 8);
    const ref = new Float64Array(R * C);
    jsLayerNorm(x, g, b, ref, R, C, EPS);
    return { x, g, b, ref, X: array(x, [R, C]), G: array(g, [C]), B: array(b, [C]) };
  });
  return [{
    id: "layernorm", group: "layernorm", title: `layerNorm ${R}x${C}`, unit: "GB/s", work: (R * C * 8) / 1e9, limit: "stream",
    target: "ops.layerNorm >= 1.0x Halide 14, >= 0.8x STREAM",
    entries: [
      { name: "tejit", role: "tejit", note: "ops.schedule([ops.layerNorm(X, gamma, beta, { axis: 1, eps })]): the default schedule (docs/ops.md)", setup: async () => tejitRunner(tejitLayerNorm(R, C, EPS), "layernorm", [data().X, data().G, data().B, empty([R, C])]) },
      { name: "Halide 14", role: "baseline", note: "the softmax's structure: sums rfactored into 32 lanes at the row (AOT)", setup: async () => halideRunner("hl_layernorm", [data().X, data().G, data().B], empty([R, C]), [EPS]) },
      { name: "numpy", role: "baseline", note: "mean, subtract, mean of squares, scale with out= arrays", setup: async () => numpyRunner("layernorm", [{ data: data().x, shape: [R, C] }, { data: data().g, shape: [C] }, { data: data().b, shape: [C] }], [R, C], { eps: EPS }) },
      { name: "onnxruntime-node", role: "baseline", note: "LayerNormalization node (opset 17), output copy included", setup: async () => ortRunner({
        op: "LayerNormalization", inputs: [{ name: "X", shape: [R, C] }, { name: "G", shape: [C] }, { name: "B", shape: [C] }], output: { name: "Y", shape: [R, C] }, attributes: { axis: -1, epsilon: { float: EPS } },
      }, [data().x, data().g, data().b]) },
      { name: "plain JS", role: "baseline", singleThread: true, note: "three passes a row on Float32Arrays", setup: async () => {
        const y = new Float32Array(R * C);
        return jsRunner(() => jsLayerNorm(data().x, data().g, data().b, y, R, C, EPS), y);
      } },
    ],
    check: (y) => checkClose(y, data().ref, 1e-4),
  }];
}
