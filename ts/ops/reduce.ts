// Reductions over axes: sum, max, min, mean (TOPI's reduction ops), with keepDims. Each is one
// te.compute over the kept axes with a reduction over the others, tagged "reduce"; mean is the
// sum times 1/count, an elementwise consumer that ops.schedule fuses into the sum's loop nest.

import { ArgumentError, DTypeError } from "../errors.js";
import type { PrimExpr } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import { describe } from "../ir/op.js";
import type { Schedule } from "../schedule/schedule.js";
import * as te from "../te/index.js";
import type { Tensor } from "../te/tensor.js";
import { checkOptions, checkTensor, constDim, normalizeAxis } from "./checks.js";
import { axisNames } from "./elementwise.js";
import { familyTag } from "./family.js";
import { extentOf, parallelize, vectorFactor } from "./loops.js";
import type { TargetInfo } from "./target.js";

/** Options of the reductions. */
export interface ReduceOptions {
  /** The axis or axes reduced (negative counts from the end); all of them when omitted. */
  axis?: number | number[];
  /** Keep each reduced axis as an axis of extent 1 (default false). */
  keepDims?: boolean;
}

/** The sorted, distinct reduced axes of `X` from the options. */
function reducedAxes(op: string, X: Tensor, opts: ReduceOptions): number[] {
  checkOptions(op, opts, ["axis", "keepDims"]);
  if (opts.keepDims !== undefined && typeof opts.keepDims !== "boolean") throw new ArgumentError(`ops.${op}: option keepDims must be true or false, got ${describe(opts.keepDims)}`);
  const list = opts.axis === undefined ? X.shape.map((_, i) => i) : Array.isArray(opts.axis) ? opts.axis : [opts.axis];
  if (list.length === 0) throw new ArgumentError(`ops.${op}: option axis lists no axis of '${X.name}'`);
  const axes = list.map((a) => normalizeAxis(op, "X", X, a));
  const dup = axes.find((a, i) => axes.indexOf(a) !== i);
  if (dup !== undefined) throw new ArgumentError(`ops.${op}: axis ${dup} of '${X.name}' is listed twice in option axis`);
  return [...axes].sort((a, b) => a - b);
}

function reduction(op: string, X: unknown, opts: ReduceOptions, reducer: (e: PrimExpr, axes: IterVar[]) => PrimExpr): Tensor {
  checkTensor(op, "X", X);
  const axes = reducedAxes(op, X, opts);
  const keep = opts.keepDims === true;
  const outShape: PrimExpr[] = [];
  X.shape.forEach((d, i) => {
    if (!axes.includes(i)) outShape.push(d);
    else if (keep) outShape.push(te.const(1, d.dtype));
  });
  const rs = axes.map((a) => te.reduceAxis([0, X.shape[a]], `r${a}`));
  return te.compute(outShape, (...o) => {
    const idx: PrimExpr[] = [];
    let next = 0;
    X.shape.forEach((_, i) => {
      const r = axes.indexOf(i);
      if (r >= 0) {
        idx.push(rs[r].var);
        if (keep) next++;
      } else idx.push(o[next++]);
    });
    return reducer(X.at(...idx), rs);
  }, op, { ...familyTag("reduce", { axes }), axisNames: axisNames(outShape.length) });
}

/** The sum over `opts.axis` (all axes by default). @param X The input tensor. @param opts Axes and keepDims. */
export function sum(X: Tensor, opts: ReduceOptions = {}): Tensor { return reduction("sum", X, opts, (e, r) => te.sum(e, r)); }
/** The maximum over `opts.axis`. @param X The input tensor. @param opts Axes and keepDims. */
export function max(X: Tensor, opts: ReduceOptions = {}): Tensor { return reduction("max", X, opts, (e, r) => te.max(e, r)); }
/** The minimum over `opts.axis`. @param X The input tensor. @param opts Axes and keepDims. */
export function min(X: Tensor, opts: ReduceOptions = {}): Tensor { return reduction("min", X, opts, (e, r) => te.min(e, r)); }

/**
 * The mean over `opts.axis`: the sum times 1/count, as two ops (the scale is elementwise and
 * ops.schedule fuses it into the sum's loop nest).
 * @param X The input tensor (float). @param opts Axes and keepDims.
 */
export function mean(X: Tensor, opts: ReduceOptions = {}): Tensor {
  checkTensor("mean", "X", X);
  if (!X.dtype.isFloat()) throw new DTypeError(`ops.mean: 'X' must be a float tensor, got ${X.dtype}`);
  const S = reduction("mean", X, opts, (e, r) => te.sum(e, r));
  const count = reducedAxes("mean", X, opts).reduce((n, a) => n * constDim("mean", "X", X, a), 1);
  return te.compute(S.shape, (...i) => S.at(...i).mul(1 / count), "mean_scale", { ...familyTag("elementwise"), axisNames: axisNames(S.ndim) });
}

/**
 * The default schedule of reduction `R` whose values end in `out` (R, or a fused elementwise
 * consumer such as mean's scale).
 * - Over the last axis of its input (rows): the kept axes fused into one parallel loop, the
 *   reduction rfactored into one vector of partial results a row (vector adds along the row,
 *   one horizontal reduction at its end).
 * - Over other axes: the innermost kept axis (contiguous in the input) in vectors, the
 *   reduction loops outside it, so each step adds a whole vector of independent outputs.
 */
export function scheduleReduce(s: Schedule, R: Tensor, out: Tensor, t: TargetInfo): void {
  const X = R.op.inputTensors()[0];
  const axes = R.op.attrs.axes as number[];
  const lanes = t.lanes(R.dtype);
  const so = s.stage(out);
  const sr = s.stage(R);
  const oax = so.op.axis;
  const rows = axes.includes(X.ndim - 1);
  if (oax.length === 0) return;
  if (rows) {
    const row = parallelize(so, oax, t.numThreads);
    if (out !== R) sr.computeAt(so, row);
    const ks = sr.op.reduceAxis;
    const k = ks[ks.length - 1];
    const n = extentOf(k);
    if (n === undefined || n % lanes !== 0 || n <= lanes) return;
    const [, ki] = sr.split(k, { factor: lanes });
    const RF = s.rfactor(R, ki);
    const sf = s.stage(RF);
    sf.computeAt(out === R ? sr : so, row);
    const [lane, ...rest] = sf.op.axis;
    sf.reorder(...rest, ...sf.op.reduceAxis, lane);
    sf.vectorize(lane);
    return;
  }
  const last = oax[oax.length - 1];
  const [lo, li] = so.split(last, { factor: vectorFactor(extentOf(last), lanes) });
  so.vectorize(li);
  if (out === R) {
    so.reorder(...oax.slice(0, -1), lo, ...so.op.reduceAxis, li);
  } else {
    sr.computeAt(so, lo);
    const rax = sr.op.axis;
    sr.reorder(...sr.op.reduceAxis, rax[rax.length - 1]);
    sr.vectorize(rax[rax.length - 1]);
  }
  if (oax.length > 1) parallelize(so, oax.slice(0, -1), t.numThreads);
}
