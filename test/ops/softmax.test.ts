// ops.softmax (exact and fastExp, along the last and an outer axis) and ops.layerNorm against
// float64 JS references, on rows that do and do not divide the vector width.

import test from "ava";
import { ops, te } from "../../ts/index.js";
import { checkModes, input, strides, type Mode } from "./helpers.js";

/** Softmax of `x` (row-major `shape`) along `axis`, in float64. */
function softmaxRef(x: Float32Array, shape: number[], axis: number): Float64Array {
  const st = strides(shape);
  const y = new Float64Array(x.length);
  const n = shape[axis];
  for (let base = 0; base < x.length; base++) {
    if (Math.floor(base / st[axis]) % n !== 0) continue;
    let m = -Infinity, s = 0;
    for (let k = 0; k < n; k++) m = Math.max(m, x[base + k * st[axis]]);
    for (let k = 0; k < n; k++) s += Math.exp(x[base + k * st[axis]] - m);
    for (let k = 0; k < n; k++) y[base + k * st[axis]] = Math.exp(x[base + k * st[axis]] - m) / s;
  }
  return y;
}

const CASES: { shape: number[]; axis: number; fastExp?: boolean; modes: Mode[] }[] = [
  { shape: [5, 64], axis: -1, modes: ["compiled", "interpreted", "compiled, unscheduled", "interpreted, unscheduled"] },
  { shape: [3, 37], axis: 1, modes: ["compiled", "interpreted"] },
  { shape: [2, 3, 48], axis: 2, fastExp: true, modes: ["compiled", "interpreted"] },
  { shape: [6, 5, 20], axis: 0, modes: ["compiled", "interpreted", "interpreted, unscheduled"] },
  { shape: [4, 7, 9], axis: 1, modes: ["interpreted"] },
  { shape: [33], axis: 0, modes: ["compiled", "interpreted"] },
];

for (const { shape, axis, fastExp, modes } of CASES) {
  test(`softmax [${shape.join(", ")}] along axis ${axis}${fastExp ? ", fastExp" : ""}`, (t) => {
    const X = te.placeholder(shape, "float32", "X");
    // Inputs spread over [-8, 8) so that the max subtraction matters.
    const x = input(X, 1).map((v) => v * 8);
    const Y = ops.softmax(X, axis, { fastExp });
    checkModes(t, Y, [X], [x], softmaxRef(x, shape, (axis + shape.length) % shape.length), fastExp ? 1e-6 : 2e-7, modes);
  });
}

/** Layer norm over the last `nAxes` axes, in float64. */
function layerNormRef(x: Float32Array, g: Float32Array, b: Float32Array, rowLen: number, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / rowLen; r++) {
    let mean = 0, v = 0;
    for (let k = 0; k < rowLen; k++) mean += x[r * rowLen + k];
    mean /= rowLen;
    for (let k = 0; k < rowLen; k++) v += (x[r * rowLen + k] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / rowLen + eps);
    for (let k = 0; k < rowLen; k++) y[r * rowLen + k] = (x[r * rowLen + k] - mean) * inv * g[k] + b[k];
  }
  return y;
}

for (const { shape, axis, modes } of [
  { shape: [4, 32], axis: -1, modes: ["compiled", "interpreted", "interpreted, unscheduled"] },
  { shape: [2, 3, 19], axis: -1, modes: ["compiled", "interpreted"] },
  { shape: [3, 4, 5], axis: 1, modes: ["compiled", "interpreted"] },
  { shape: [24], axis: 0, modes: ["compiled", "interpreted"] },
] as { shape: number[]; axis: number; modes: Mode[] }[]) {
  test(`layerNorm [${shape.join(", ")}] from axis ${axis}`, (t) => {
    const X = te.placeholder(shape, "float32", "X");
    const first = (axis + shape.length) % shape.length;
    const pshape = shape.slice(first);
    const gamma = te.placeholder(pshape, "float32", "gamma");
    const beta = te.placeholder(pshape, "float32", "beta");
    const x = input(X, 2).map((v) => v * 3 + 1), g = input(gamma, 3), b = input(beta, 4);
    const Y = ops.layerNorm(X, gamma, beta, { axis, eps: 1e-3 });
    const rowLen = pshape.reduce((p, q) => p * q, 1);
    checkModes(t, Y, [X, gamma, beta], [x, g, b], layerNormRef(x, g, b, rowLen, 1e-3), 2e-6, modes);
  });
}
