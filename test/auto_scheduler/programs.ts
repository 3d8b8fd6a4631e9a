// Small programs the auto-scheduler tests tune and sample: a matmul, a matmul with a bias and a
// ReLU after it (a fused consumer), a full sum (rfactor), an elementwise chain, and a tiled
// extern (a JS function with an elementwise region map) between two computes.

import { te, tir, registerFunc, type nd } from "../../ts/index.js";

export interface TestProgram {
  name: string;
  inputs: te.Tensor[];
  outputs: te.Tensor[];
}

/** C = A B, n x n x n (float32). */
export function matmul(n: number, names = { A: "A", B: "B", C: "C", k: "k" }): TestProgram {
  const A = te.placeholder([n, n], "float32", names.A);
  const B = te.placeholder([n, n], "float32", names.B);
  const k = te.reduceAxis([0, n], names.k);
  const C = te.compute([n, n], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), names.C);
  return { name: `matmul${n}`, inputs: [A, B], outputs: [C] };
}

/** relu(A B + bias): the matmul's tile can be computed inside the ReLU's. */
export function matmulBiasRelu(m: number, n: number, kk: number): TestProgram {
  const A = te.placeholder([m, kk], "float32", "A");
  const B = te.placeholder([kk, n], "float32", "B");
  const bias = te.placeholder([n], "float32", "bias");
  const k = te.reduceAxis([0, kk], "k");
  const C = te.compute([m, n], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
  const D = te.compute([m, n], (i, j) => C.at(i, j).add(bias.at(j)), "D");
  const E = te.compute([m, n], (i, j) => te.max(D.at(i, j), 0), "E");
  return { name: "matmulBiasRelu", inputs: [A, B, bias], outputs: [E] };
}

/** The sum of all n elements: one output point, so the reduction is factored. */
export function totalSum(n: number): TestProgram {
  const A = te.placeholder([n], "float32", "A");
  const k = te.reduceAxis([0, n], "k");
  const S = te.compute([1], (_i) => te.sum(A.at(k), k), "S");
  return { name: "totalSum", inputs: [A], outputs: [S] };
}

/** exp(A) * 2 + B over a 3-d shape. */
export function elementwise(shape: number[]): TestProgram {
  const A = te.placeholder(shape, "float32", "A");
  const B = te.placeholder(shape, "float32", "B");
  const E = te.compute(shape, (...ix) => te.exp(A.at(...ix)), "E");
  const F = te.compute(shape, (...ix) => E.at(...ix).mul(2).add(B.at(...ix)), "F");
  return { name: "elementwise", inputs: [A, B], outputs: [F] };
}

/** C = ext(A + 1) * 2, where ext (a JS function, x -> 3x) is tiled by its elementwise region map. */
export function withExtern(shape: number[], func: string): TestProgram {
  registerFunc(func, (a: nd.NDArray, b: nd.NDArray) => {
    const n = a.shape.reduce((x, y) => x * y, 1);
    const idx = new Array<number>(a.shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      b.set(idx, (a.get(idx) as number) * 3);
      for (let d = idx.length - 1; d >= 0; d--) {
        if (++idx[d] < a.shape[d]) break;
        idx[d] = 0;
      }
    }
  }, { override: true });
  const A = te.placeholder(shape, "float32", "A");
  const P = te.compute(shape, (...ix) => A.at(...ix).add(1), "P");
  const X = te.extern(shape, [P], (ins, outs) => tir.callPacked(func, ins[0], outs[0]), { name: "ext", regionMap: "elementwise" }) as te.Tensor;
  const C = te.compute(shape, (...ix) => X.at(...ix).mul(2), "C");
  return { name: "withExtern", inputs: [A], outputs: [C] };
}
