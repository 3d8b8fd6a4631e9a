// ops.sum / max / min / mean over axes, with and without keepDims, against JS.

import test from "ava";
import { ops, te } from "../../ts/index.js";
import { checkModes, input, strides, type Mode } from "./helpers.js";

/** The reduction of `x` over `axes`, in float64 (output in row-major order of the kept axes). */
function reduceRef(x: Float32Array, shape: number[], axes: number[], f: (acc: number, v: number) => number, init: number, scale = 1): Float64Array {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const so = strides(kept), sx = strides(shape);
  const out = new Float64Array(kept.reduce((p, q) => p * q, 1)).fill(init);
  for (let e = 0; e < x.length; e++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) if (!axes.includes(d)) o += (Math.floor(e / sx[d]) % shape[d]) * so[d];
    out[o] = f(out[o], x[e]);
  }
  return out.map((v) => v * scale);
}

const SHAPE = [3, 4, 21];
const CASES: { name: string; axis?: number | number[]; keepDims?: boolean; modes: Mode[] }[] = [
  { name: "sum", axis: -1, modes: ["compiled", "interpreted", "compiled, unscheduled", "interpreted, unscheduled"] },
  { name: "sum", axis: 0, keepDims: true, modes: ["compiled", "interpreted"] },
  { name: "max", axis: [0, 2], modes: ["compiled", "interpreted"] },
  { name: "min", axis: 1, modes: ["compiled", "interpreted"] },
  { name: "mean", axis: [1, 2], keepDims: true, modes: ["compiled", "interpreted", "interpreted, unscheduled"] },
  { name: "mean", axis: 1, modes: ["compiled"] },
  // Every axis: a 0-d result.
  { name: "sum", modes: ["compiled", "interpreted"] },
];

const FNS = {
  sum: [ops.sum, (a: number, v: number) => a + v, 0],
  max: [ops.max, Math.max, -Infinity],
  min: [ops.min, Math.min, Infinity],
  mean: [ops.mean, (a: number, v: number) => a + v, 0],
} as const;

for (const { name, axis, keepDims, modes } of CASES) {
  test(`${name} of [${SHAPE.join(", ")}] over ${JSON.stringify(axis)}${keepDims ? ", keepDims" : ""}`, (t) => {
    const X = te.placeholder(SHAPE, "float32", "X");
    const x = input(X, 1);
    const [f, acc, init] = FNS[name as keyof typeof FNS];
    const Y = f(X, { axis, keepDims });
    const axes = (axis === undefined ? SHAPE.map((_, i) => i) : Array.isArray(axis) ? axis : [axis]).map((a) => (a + SHAPE.length) % SHAPE.length);
    const kept = SHAPE.map((d, i) => (axes.includes(i) ? (keepDims ? 1 : 0) : d)).filter((d) => d > 0);
    t.deepEqual(Y.shape.map(String), kept.map(String));
    const scale = name === "mean" ? 1 / axes.reduce((n, a) => n * SHAPE[a], 1) : 1;
    checkModes(t, Y, [X], [x], reduceRef(x, SHAPE, axes, acc, init, scale), 1e-5, modes);
  });
}
