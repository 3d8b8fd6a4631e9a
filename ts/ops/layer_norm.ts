// ops.layerNorm: (x - mean) / sqrt(var + eps) · gamma + beta over the trailing axes (TOPI's
// layer_norm), as three ops (the sum, the sum of squared deviations, the normalization; tagged
// "layer_norm" with their part: two passes over the row for the variance, as accurate as the
// data allows), and its schedule: the row schedule of rows.ts (rows parallel, both sums
// rfactored into vector partials at the row, the normalization vectorized).

import { ArgumentError, ShapeError } from "../errors.js";
import { describe } from "../ir/op.js";
import type { PrimExpr } from "../ir/expr.js";
import type { Schedule } from "../schedule/schedule.js";
import * as te from "../te/index.js";
import type { Tensor } from "../te/tensor.js";
import { checkFloat, checkOptions, checkSameDType, checkTensor, constDim, normalizeAxis, who } from "./checks.js";
import { axisNames } from "./elementwise.js";
import { familyTag } from "./family.js";
import { rowLoop, rowReduction } from "./rows.js";
import { streamStores } from "./streaming.js";
import type { TargetInfo } from "./target.js";

/** Options of ops.layerNorm. */
export interface LayerNormOptions {
  /** The first normalized axis, or the list of normalized axes (the trailing ones; default -1, the last). */
  axis?: number | number[];
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Layer normalization of X over its trailing axes.
 * @param X The input (float). @param gamma The scale, shaped as the normalized axes.
 * @param beta The shift, shaped as the normalized axes. @param opts axis, eps.
 */
export function layerNorm(X: Tensor, gamma: Tensor, beta: Tensor, opts: LayerNormOptions = {}): Tensor {
  checkTensor("layerNorm", "X", X);
  checkTensor("layerNorm", "gamma", gamma);
  checkTensor("layerNorm", "beta", beta);
  checkOptions("layerNorm", opts, ["axis", "eps"]);
  checkFloat("layerNorm", "X", X);
  checkSameDType("layerNorm", "X", X, "gamma", gamma);
  checkSameDType("layerNorm", "X", X, "beta", beta);
  const eps = opts.eps ?? 1e-5;
  if (typeof eps !== "number" || !(eps >= 0)) throw new ArgumentError(`ops.layerNorm: option eps must be a number >= 0, got ${describe(opts.eps)}`);
  const list = opts.axis === undefined ? [-1] : Array.isArray(opts.axis) ? opts.axis : [opts.axis];
  const axes = [...new Set(list.map((a) => normalizeAxis("layerNorm", "X", X, a)))].sort((p, q) => p - q);
  const first = axes[0];
  const norm = X.shape.map((_, i) => i).filter((i) => i >= first);
  if (norm.length !== axes.length && Array.isArray(opts.axis)) {
    throw new ShapeError(`ops.layerNorm: the normalized axes must be the trailing axes of 'X' (${norm.join(", ")}), got ${axes.join(", ")}`);
  }
  for (const [role, p] of [["gamma", gamma], ["beta", beta]] as const) {
    if (p.ndim !== norm.length) throw new ShapeError(`ops.layerNorm: ${who(role, p)} must have ${norm.length} dimension${norm.length === 1 ? "" : "s"} (the normalized axes ${norm.join(", ")} of 'X'), got ${p.ndim}`);
    norm.forEach((a, i) => {
      if (constDim("layerNorm", role, p, i) !== constDim("layerNorm", "X", X, a)) {
        throw new ShapeError(`ops.layerNorm: ${who(role, p)} axis ${i} has ${constDim("layerNorm", role, p, i)} but 'X' axis ${a} has ${constDim("layerNorm", "X", X, a)} (expected equal)`);
      }
    });
  }
  const count = norm.reduce((n, a) => n * constDim("layerNorm", "X", X, a), 1);
  const rowShape = X.shape.slice(0, first);
  const names = axisNames(X.ndim);
  const tag = (part: string) => familyTag("layer_norm", { part, axes: norm });
  const ks = () => norm.map((a) => te.reduceAxis([0, X.shape[a]], `k${a}`));
  const k1 = ks();
  const rowsOf = (i: PrimExpr[]) => i.slice(0, first);
  const shape = rowShape.length > 0 ? rowShape : [te.const(1, "int32")];
  const rowIdx = (i: PrimExpr[]) => (rowShape.length > 0 ? rowsOf(i) : [te.const(0, "int32")]);
  const S1 = te.compute(shape, (...r) => te.sum(X.at(...(rowShape.length > 0 ? r : []), ...k1.map((k) => k.var)), k1), "layer_norm_sum",
    { ...tag("sum"), axisNames: rowShape.length > 0 ? names.slice(0, first) : ["r"] });
  const mean = (r: PrimExpr[]) => S1.at(...r).mul(1 / count);
  const k2 = ks();
  const V = te.compute(shape, (...r) => {
    const d = X.at(...(rowShape.length > 0 ? r : []), ...k2.map((k) => k.var)).sub(mean(r));
    return te.sum(d.mul(d), k2);
  }, "layer_norm_var", { ...tag("var"), axisNames: rowShape.length > 0 ? names.slice(0, first) : ["r"] });
  return te.compute(X.shape, (...i) => {
    const r = rowIdx(i);
    const inv = te.rsqrt(V.at(...r).mul(1 / count).add(eps));
    const p = i.slice(first);
    return X.at(...i).sub(mean(r)).mul(inv).mul(gamma.at(...p)).add(beta.at(...p));
  }, "layer_norm", { ...tag("out"), axisNames: names });
}

/** The default schedule of layer norm `Y` whose values end in `out`. */
export function scheduleLayerNorm(s: Schedule, Y: Tensor, out: Tensor, t: TargetInfo): void {
  const V = Y.op.inputTensors().find((x) => x.op.attrs.part === "var")!;
  const S1 = V.op.inputTensors().find((x) => x.op.attrs.part === "sum")!;
  if (out !== Y) s.stage(Y).computeInline();
  const so = s.stage(out);
  const lanes = t.lanes(Y.dtype);
  const single = (Y.op.attrs.axes as number[]).length === 1 && Y.ndim > 1;
  if (!single) {
    // Several normalized axes (or a 1-D X): the sums at the root, the normalization vectorized.
    rowLoop(so, lanes, t.numThreads);
    return;
  }
  const row = rowLoop(so, lanes, t.numThreads);
  rowReduction(s, S1, so, row, lanes);
  rowReduction(s, V, so, row, lanes);
  streamStores(so, row, out, t);
}
