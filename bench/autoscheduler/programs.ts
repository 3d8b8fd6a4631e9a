// The TE programs of the three workloads with no schedule in `ops` (a user's new op), written
// with te.compute as a user would: a fused matmul + bias + GELU, a 3-d 7-point stencil over the
// interior of a cube, and a batch of small matmuls. The hand schedules (hand_*.ts) and the
// auto-scheduler start from these same definitions.
import type { PrimExpr } from "../../ts/ir/expr.js";
import { te } from "../../ts/index.js";
import type { Program } from "./types.js";

/** GELU(x) = x·(1 + erf(x/√2))/2, as ops.gelu computes it. */
export function geluOf(x: PrimExpr): PrimExpr {
  return x.mul(0.5).mul(te.erf(x.mul(Math.SQRT1_2)).add(1));
}

/** Y = gelu(A·W + b): A m x k, W k x n, b n; the matmul C is a stage of its own that Y reads. */
export function matmulBiasGelu(m: number, n: number, k: number): Program & { A: te.Tensor; W: te.Tensor; b: te.Tensor; C: te.Tensor; Y: te.Tensor } {
  const A = te.placeholder([m, k], "float32", "A");
  const W = te.placeholder([k, n], "float32", "W");
  const b = te.placeholder([n], "float32", "b");
  const r = te.reduceAxis([0, k], "k");
  const C = te.compute([m, n], (i, j) => te.sum(A.at(i, r).mul(W.at(r, j)), r), "C");
  const Y = te.compute([m, n], (i, j) => geluOf(C.at(i, j).add(b.at(j))), "Y");
  return { outputs: [Y], args: [A, W, b, Y], A, W, b, C, Y };
}

/** The 7-point stencil's weights: the centre and each of the six neighbours. */
export const STENCIL_CENTRE = -6;
export const STENCIL_NEIGHBOUR = 1;

/** Y[i,j,k] = -6·X[i+1,j+1,k+1] + the six neighbours: X n³, Y (n-2)³ (the interior, no bounds tests). */
export function stencil3d(n: number): Program & { X: te.Tensor; Y: te.Tensor } {
  const X = te.placeholder([n, n, n], "float32", "X");
  const o = n - 2;
  const Y = te.compute([o, o, o], (i, j, k) => {
    const [x, y, z] = [i.add(1), j.add(1), k.add(1)];
    return X.at(x, y, z).mul(STENCIL_CENTRE)
      .add(X.at(i, y, z).add(X.at(x.add(1), y, z)).add(X.at(x, j, z)).add(X.at(x, y.add(1), z)).add(X.at(x, y, k)).add(X.at(x, y, z.add(1))).mul(STENCIL_NEIGHBOUR));
  }, "Y");
  return { outputs: [Y], args: [X, Y], X, Y };
}

/** C[b] = A[b]·B[b] for `batch` m x k · k x n matrices. */
export function batchMatmul(batch: number, m: number, n: number, k: number): Program & { A: te.Tensor; B: te.Tensor; C: te.Tensor } {
  const A = te.placeholder([batch, m, k], "float32", "A");
  const B = te.placeholder([batch, k, n], "float32", "B");
  const r = te.reduceAxis([0, k], "k");
  const C = te.compute([batch, m, n], (bb, i, j) => te.sum(A.at(bb, i, r).mul(B.at(bb, r, j)), r), "C");
  return { outputs: [C], args: [A, B, C], A, B, C };
}
