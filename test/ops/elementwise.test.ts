// The elementwise ops and broadcasting against JS, built with ops.schedule and interpreted.

import test from "ava";
import { ops, te } from "../../ts/index.js";
import { erf } from "../../ts/interp/index.js";
import { checkModes, input, strides } from "./helpers.js";

const UNARY: [string, (X: te.Tensor) => te.Tensor, (v: number) => number, number][] = [
  ["relu", ops.relu, (v) => Math.max(0, v), 0],
  ["leakyRelu", (X) => ops.leakyRelu(X, 0.1), (v) => (v > 0 ? v : 0.1 * v), 1e-7],
  ["gelu", ops.gelu, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), 3e-7],
  ["sigmoid", ops.sigmoid, (v) => 1 / (1 + Math.exp(-v)), 3e-7],
  ["tanh", ops.tanh, Math.tanh, 3e-7],
  ["exp", ops.exp, Math.exp, 3e-7],
  ["exp fast", (X) => ops.exp(X, { fast: true }), Math.exp, 1e-6],
  ["abs", ops.abs, Math.abs, 0],
  ["negative", ops.negative, (v) => -v, 0],
  ["clip", (X) => ops.clip(X, -0.25, 0.5), (v) => Math.min(0.5, Math.max(-0.25, v)), 0],
];

for (const [name, f, ref, tol] of UNARY) {
  test(`${name} on [3, 19]`, (t) => {
    const X = te.placeholder([3, 19], "float32", "X");
    const x = input(X, 1).map((v) => v * 4);
    checkModes(t, f(X), [X], [x], Array.from(x, ref), tol, name === "gelu" || name === "relu" ? ["compiled", "interpreted", "interpreted, unscheduled"] : ["compiled"]);
  });
}

test("log, sqrt and rsqrt of positive values", (t) => {
  const X = te.placeholder([37], "float32", "X");
  const x = input(X, 2).map((v) => v + 1.5);
  checkModes(t, ops.log(X), [X], [x], Array.from(x, Math.log), 3e-7, ["compiled", "interpreted"]);
  checkModes(t, ops.sqrt(X), [X], [x], Array.from(x, Math.sqrt), 3e-7, ["compiled"]);
  checkModes(t, ops.rsqrt(X), [X], [x], Array.from(x, (v) => 1 / Math.sqrt(v)), 3e-7, ["compiled"]);
});

/** a op b with NumPy broadcasting, in float64. */
function broadcastRef(a: Float32Array, as: number[], b: Float32Array, bs: number[], f: (x: number, y: number) => number): { out: Float64Array; shape: number[] } {
  const n = Math.max(as.length, bs.length);
  const pa = [...new Array(n - as.length).fill(1), ...as], pb = [...new Array(n - bs.length).fill(1), ...bs];
  const shape = pa.map((d, i) => Math.max(d, pb[i]));
  const so = strides(shape), sa = strides(pa), sb = strides(pb);
  const total = shape.reduce((p, q) => p * q, 1);
  const out = new Float64Array(total);
  for (let e = 0; e < total; e++) {
    let ia = 0, ib = 0;
    for (let d = 0; d < n; d++) {
      const i = Math.floor(e / so[d]) % shape[d];
      if (pa[d] !== 1) ia += i * sa[d];
      if (pb[d] !== 1) ib += i * sb[d];
    }
    out[e] = f(a[ia], b[ib]);
  }
  return { out, shape };
}

const BINARY: [string, (a: ops.Operand, b: ops.Operand) => te.Tensor, (x: number, y: number) => number][] = [
  ["add", ops.add, (x, y) => x + y],
  ["sub", ops.sub, (x, y) => x - y],
  ["mul", ops.mul, (x, y) => x * y],
  ["div", ops.div, (x, y) => x / y],
  ["maximum", ops.maximum, Math.max],
  ["minimum", ops.minimum, Math.min],
];

for (const [name, f, ref] of BINARY) {
  test(`${name} broadcasting [4, 1, 5] with [3, 1]`, (t) => {
    const A = te.placeholder([4, 1, 5], "float32", "A");
    const B = te.placeholder([3, 1], "float32", "B");
    const a = input(A, 3), b = input(B, 4).map((v) => (name === "div" ? v + 2 : v));
    const { out, shape } = broadcastRef(a, [4, 1, 5], b, [3, 1], ref);
    const Y = f(A, B);
    t.deepEqual(Y.shape.map(String), shape.map(String));
    checkModes(t, Y, [A, B], [a, b], out, 1e-6, name === "add" ? ["compiled", "interpreted", "interpreted, unscheduled"] : ["compiled"]);
  });
}

test("a number operand is a constant of the tensor's dtype, on either side", (t) => {
  const A = te.placeholder([2, 9], "float32", "A");
  const a = input(A, 5);
  checkModes(t, ops.sub(1, A), [A], [a], Array.from(a, (v) => 1 - v), 1e-7, ["compiled", "interpreted"]);
  checkModes(t, ops.mul(A, 2.5), [A], [a], Array.from(a, (v) => v * 2.5), 1e-7, ["interpreted"]);
});

test("a chain of elementwise ops is one loop nest (the producers inlined)", (t) => {
  const A = te.placeholder([5, 33], "float32", "A");
  const B = te.placeholder([33], "float32", "B");
  const Y = ops.sigmoid(ops.mul(ops.add(A, B), 0.5));
  const a = input(A, 6), b = input(B, 7);
  checkModes(t, Y, [A, B], [a, b], Array.from(a, (v, i) => 1 / (1 + Math.exp(-(v + b[i % 33]) * 0.5))), 3e-7, ["compiled", "interpreted"]);
});
