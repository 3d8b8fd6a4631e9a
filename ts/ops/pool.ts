// ops.pool2d: max or average pooling over NCHW windows (TOPI's pool2d), and its schedule.
// Max pads with the dtype's lowest value, average with zeros and divides by the number of
// elements of the window inside the input (count_include_pad false, ONNX's default), or by the
// window size with countIncludePad. The average is a window sum followed by an elementwise
// scale, which ops.schedule fuses into the sum's loop nest.

import { ArgumentError } from "../errors.js";
import type { PrimExpr } from "../ir/expr.js";
import { describe } from "../ir/op.js";
import type { Schedule } from "../schedule/schedule.js";
import * as te from "../te/index.js";
import type { Tensor } from "../te/tensor.js";
import { checkFloat, checkOptions, checkRank, checkTensor, constDim, pair } from "./checks.js";
import { outExtent, pad } from "./conv2d.js";
import { familyTag } from "./family.js";
import { parallelize, vectorFactor } from "./loops.js";
import type { TargetInfo } from "./target.js";

/** Options of ops.pool2d. */
export interface Pool2dOptions {
  /** "max" or "avg". */
  kind: "max" | "avg";
  /** The window, or [h, w]. */
  size: number | [number, number];
  /** The stride (default: the window size). */
  stride?: number | [number, number];
  /** Padding on each side (default 0). */
  padding?: number | [number, number];
  /** avg only: divide by the whole window, padding included (default false). */
  countIncludePad?: boolean;
}

/**
 * 2-D pooling of X [N, C, H, W] over `size` windows.
 * @param X The input (float, NCHW). @param opts kind, size, stride, padding, countIncludePad.
 * @returns [N, C, OH, OW].
 */
export function pool2d(X: Tensor, opts: Pool2dOptions): Tensor {
  checkTensor("pool2d", "X", X);
  checkOptions("pool2d", opts, ["kind", "size", "stride", "padding", "countIncludePad"]);
  if (opts === undefined || (opts.kind !== "max" && opts.kind !== "avg")) throw new ArgumentError(`ops.pool2d: option kind must be "max" or "avg", got ${describe(opts?.kind)}`);
  checkRank("pool2d", "X", X, 4, "NCHW: [N, C, H, W]");
  checkFloat("pool2d", "X", X);
  if (opts.size === undefined) throw new ArgumentError("ops.pool2d: option size (the window) is required");
  const [kh, kw] = pair("pool2d", "size", opts.size, 1, 1);
  const [sh, sw] = pair("pool2d", "stride", opts.stride ?? [kh, kw], 1, 1);
  const [ph, pw] = pair("pool2d", "padding", opts.padding, 0, 0);
  if (ph >= kh || pw >= kw) throw new ArgumentError(`ops.pool2d: option padding [${ph}, ${pw}] must be smaller than the window [${kh}, ${kw}]`);
  const [n, C, H, W] = X.shape.map((_, i) => constDim("pool2d", "X", X, i));
  const OH = outExtent("pool2d", "X", X, 2, H, kh, sh, ph, 1);
  const OW = outExtent("pool2d", "X", X, 3, W, kw, sw, pw, 1);
  const max = opts.kind === "max";
  const Xp = pad(X, [0, 0, ph, pw], [0, 0, ph, pw], max ? te.minValue(X.dtype) : 0);
  const ry = te.reduceAxis([0, kh], "ry");
  const rx = te.reduceAxis([0, kw], "rx");
  const read = (b: PrimExpr, c: PrimExpr, y: PrimExpr, x: PrimExpr) => Xp.at(b, c, y.mul(sh).add(ry.var), x.mul(sw).add(rx.var));
  const P = te.compute([n, C, OH, OW], (b, c, y, x) => (max ? te.max(read(b, c, y, x), [ry, rx]) : te.sum(read(b, c, y, x), [ry, rx])),
    max ? "max_pool2d" : "avg_pool2d_sum", { ...familyTag("pool2d", { kind: opts.kind }), axisNames: ["n", "c", "y", "x"] });
  if (max) return P;
  if (opts.countIncludePad === true || (ph === 0 && pw === 0 && (H - kh) % sh === 0 && (W - kw) % sw === 0)) {
    return te.compute(P.shape, (b, c, y, x) => P.at(b, c, y, x).mul(1 / (kh * kw)), "avg_pool2d", { ...familyTag("elementwise"), axisNames: ["n", "c", "y", "x"] });
  }
  // Elements of the window inside the input along one axis, at output index o.
  const inside = (o: PrimExpr, s: number, p: number, k: number, size: number) => {
    const lo = o.mul(s).sub(p);
    return lo.add(k).min(size).sub(lo.max(0));
  };
  return te.compute(P.shape, (b, c, y, x) => P.at(b, c, y, x).div(inside(y, sh, ph, kh, H).mul(inside(x, sw, pw, kw, W)).cast(X.dtype)), "avg_pool2d", { ...familyTag("elementwise"), axisNames: ["n", "c", "y", "x"] });
}

/** The default pool schedule: the window loops outside a vector of output columns, rows parallel. */
export function schedulePool2d(s: Schedule, P: Tensor, out: Tensor, t: TargetInfo): void {
  const so = s.stage(out);
  const [n, c, , x] = so.op.axis;
  const xv = vectorFactor(constDim("pool2d", "out", out, 3), t.lanes(P.dtype));
  const [xo, xi] = so.split(x, { factor: xv });
  so.vectorize(xi);
  if (out !== P) {
    // The window's accumulators (one vector) at the column block of the fused scale.
    const sp = s.stage(P);
    sp.computeAt(so, xo);
    const [ry, rx] = sp.op.reduceAxis;
    sp.reorder(ry, rx, sp.op.axis[3]);
    sp.vectorize(sp.op.axis[3]);
  } else {
    const [ry, rx] = so.op.reduceAxis;
    so.reorder(xo, ry, rx, xi);
  }
  parallelize(so, [n, c], t.numThreads);
}
