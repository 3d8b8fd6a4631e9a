// ops.softmax: exp(x - max) / sum(exp(x - max)) along an axis (TOPI's softmax), as four ops
// (max, exp, sum, the scale; tagged "softmax" with their part), and its schedule. The exp is
// te.exp (the C backend's vector exp, 1.5 ULP) or, with {fastExp: true}, te.fastExp (4 ULP,
// cheaper: docs/vector_math.md).
//
// Schedule along the last axis (rows.ts): rows parallel; at each row the max and the sum
// rfactored into two vectors of partials (added up as a tree); the row's exp staged in a row buffer (computed at the
// row: one exp an element, the buffer stays in L1) and scaled by 1/sum, all vectorized. Along
// another axis: the reductions at the root with the innermost (contiguous) axis vectorized.

import { ArgumentError, DTypeError } from "../errors.js";
import { describe } from "../ir/op.js";
import type { PrimExpr } from "../ir/expr.js";
import type { Schedule } from "../schedule/schedule.js";
import * as te from "../te/index.js";
import type { Tensor } from "../te/tensor.js";
import { checkFloat, checkOptions, checkTensor, normalizeAxis } from "./checks.js";
import { axisNames } from "./elementwise.js";
import { familyTag } from "./family.js";
import { scheduleInjective } from "./injective.js";
import { parallelize, vectorFactor, extentOf } from "./loops.js";
import { rowLoop, rowReduction } from "./rows.js";
import { streamStores } from "./streaming.js";
import type { TargetInfo } from "./target.js";

/** Options of ops.softmax. */
export interface SoftmaxOptions {
  /** te.fastExp instead of te.exp (float32 only; 4 ULP instead of 1.5, no subnormal results). */
  fastExp?: boolean;
}

/**
 * Softmax of X along `axis` (default the last).
 * @param X The input (float). @param axis The axis (negative counts from the end).
 * @param opts fastExp.
 */
export function softmax(X: Tensor, axis = -1, opts: SoftmaxOptions = {}): Tensor {
  checkTensor("softmax", "X", X);
  checkFloat("softmax", "X", X);
  checkOptions("softmax", opts, ["fastExp"]);
  if (opts.fastExp !== undefined && typeof opts.fastExp !== "boolean") throw new ArgumentError(`ops.softmax: option fastExp must be true or false, got ${describe(opts.fastExp)}`);
  if (opts.fastExp && X.dtype.toString() !== "float32") throw new DTypeError(`ops.softmax: option fastExp needs a float32 'X', got ${X.dtype}`);
  const a = normalizeAxis("softmax", "X", X, axis);
  const red = X.shape.filter((_, i) => i !== a);
  const names = axisNames(X.ndim);
  const without = (idx: PrimExpr[]) => idx.filter((_, i) => i !== a);
  const withK = (idx: PrimExpr[], k: PrimExpr) => [...idx.slice(0, a), k, ...idx.slice(a)];
  const tag = (part: string) => ({ ...familyTag("softmax", { axis: a, part }) });
  const k1 = te.reduceAxis([0, X.shape[a]], "k");
  const M = te.compute(red, (...i) => te.max(X.at(...withK(i, k1.var)), k1), "softmax_max", { ...tag("max"), axisNames: names.filter((_, i) => i !== a) });
  const E = te.compute(X.shape, (...i) => {
    const d = X.at(...i).sub(M.at(...without(i)));
    return opts.fastExp ? te.fastExp(d) : te.exp(d);
  }, "softmax_exp", { ...tag("exp"), axisNames: names });
  const k2 = te.reduceAxis([0, X.shape[a]], "k");
  const S = te.compute(red, (...i) => te.sum(E.at(...withK(i, k2.var)), k2), "softmax_sum", { ...tag("sum"), axisNames: names.filter((_, i) => i !== a) });
  // Times the reciprocal: one division a row (gcc hoists it), a multiply an element.
  return te.compute(X.shape, (...i) => E.at(...i).mul(te.const(1, X.dtype).div(S.at(...without(i)))), "softmax", { ...tag("out"), axisNames: names });
}

/** The stages of a softmax from its output. */
function parts(Y: Tensor): { M: Tensor; E: Tensor; S: Tensor } {
  const E = Y.op.inputTensors().find((x) => x.op.attrs.part === "exp")!;
  const S = Y.op.inputTensors().find((x) => x.op.attrs.part === "sum")!;
  const M = E.op.inputTensors().find((x) => x.op.attrs.part === "max")!;
  return { M, E, S };
}

/** The default schedule of softmax `Y` whose values end in `out` (Y, or a fused elementwise consumer). */
export function scheduleSoftmax(s: Schedule, Y: Tensor, out: Tensor, t: TargetInfo): void {
  const { M, E, S } = parts(Y);
  const lanes = t.lanes(Y.dtype);
  if (out !== Y) s.stage(Y).computeInline();
  const so = s.stage(out);
  if (Y.ndim === 1) {
    // One row: the reductions at the root (computed at a loop of the output they would be
    // recomputed a chunk), the exp inlined into the sum and the scale.
    s.stage(E).computeInline();
    const sy = s.stage(out);
    const [, yi] = sy.split(sy.op.axis[0], { factor: vectorFactor(extentOf(sy.op.axis[0]), lanes) });
    sy.vectorize(yi);
    return;
  }
  if (Y.op.attrs.axis === Y.ndim - 1) {
    const row = rowLoop(so, lanes, t.numThreads);
    rowReduction(s, M, so, row, lanes);
    rowReduction(s, S, so, row, lanes);
    // The row's exp in a row buffer: computed once an element, read by the sum and the scale.
    const se = s.stage(E);
    se.computeAt(so, row);
    const last = se.op.axis[se.op.axis.length - 1];
    const [, ei] = se.split(last, { factor: vectorFactor(extentOf(last), lanes) });
    se.vectorize(ei);
    streamStores(so, row, out, t);
    return;
  }
  // Along an outer axis: exp recomputed in the sum and the scale (no buffer), the reductions
  // over rows of contiguous vectors.
  s.stage(E).computeInline();
  for (const R of [M, S]) {
    const sr = s.stage(R);
    const ax = sr.op.axis;
    const last = ax[ax.length - 1];
    const [lo, li] = sr.split(last, { factor: vectorFactor(extentOf(last), lanes) });
    sr.reorder(...ax.slice(0, -1), lo, sr.op.reduceAxis[0], li);
    sr.vectorize(li);
    if (ax.length > 1) parallelize(sr, ax.slice(0, -1), t.numThreads);
  }
  scheduleInjective(s, out, t);
}
