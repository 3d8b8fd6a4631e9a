// 2-D convolutions: ops.conv2d (NCHW, or NCHWc: channels blocked innermost, TVM's x86 layout),
// ops.depthwiseConv2d (NCHW) and ops.pad, with their default CPU schedules.
//
// Padding is a separate "pad" op (a guarded read, ifThenElse) the convolution reads. The conv
// schedules compute it once at the root, vectorized and parallel, rather than inline: inlined,
// every tap of the inner loop would be a guarded read and the vectorizer would fall back to
// scalar code; the copy costs one pass over the input (1.2x its size for 56x56 with pad 1).
//
// NCHW schedule (scheduleConv2d), after Halide's (ANCHORS.md): the output is tiled 4 output
// channels x YB rows (4 with 32 vector registers, 2 with 16) x XV columns (XV the widest vector
// dividing the width: 8 floats for 56 on AVX-512), each tile's accumulators (4·YB vectors)
// computed at the tile with the reduction (ci, ky, kx) outermost and kx, the tile's channels
// and rows unrolled: a step is YB vector loads of the input and 4 broadcasts of weights for
// 4·YB FMAs.
// Rows not a whole number of 8-float vectors (14, 28, 7), and strided convs, with at least 16
// output channels take the channel-blocked form instead
// (conv2d_channel_blocks.ts: vectors over output channels, weights packed). A pointwise conv
// (1x1, stride 1) uses native-width vectors with a tail and, with small weights, runs the channel
// tiles inside the row tiles.
// NCHWc schedule: the output's channel block is the vector (whatever the width), a tile is a
// row of OWB columns of it, the reduction (ci block, ky, kx, ci) outside the tile.

import { ArgumentError, ShapeError } from "../errors.js";
import { IntImm, type PrimExpr } from "../ir/expr.js";
import { describe } from "../ir/op.js";
import type { Schedule } from "../schedule/schedule.js";
import * as te from "../te/index.js";
import type { Tensor } from "../te/tensor.js";
import { checkFloat, checkOptions, checkRank, checkSameDType, checkTensor, constDim, pair, who } from "./checks.js";
import { axisNames } from "./elementwise.js";
import { familyTag } from "./family.js";
import { conv2dChannelBlocked, scheduleConv2dChannelBlocked, useChannelBlocks } from "./conv2d_channel_blocks.js";
import { parallelize, vectorFactor } from "./loops.js";
import { schedulePadAtRoot } from "./pad_at_root.js";
import type { TargetInfo } from "./target.js";

/** Options of ops.conv2d and ops.depthwiseConv2d. */
export interface Conv2dOptions {
  /** The stride, one number for both axes or [h, w] (default 1). */
  stride?: number | [number, number];
  /** Zero padding on each side, or [h, w] (default 0). */
  padding?: number | [number, number];
  /** The dilation of the kernel, or [h, w] (default 1). */
  dilation?: number | [number, number];
  /**
   * "NCHW" (X [N, C, H, W], W [CO, C, KH, KW]; the default) or "NCHWc" (X [N, C/c, H, W, c],
   * W [CO/oc, C/c, KH, KW, c, oc]: TVM's NCHW{c}c and OIHW{i}i{o}o; output [N, CO/oc, OH, OW, oc]).
   */
  layout?: "NCHW" | "NCHWc";
}

/**
 * X padded with `value` (zero by default): `before[i]` and `after[i]` elements on each side of
 * axis i (TOPI's pad). Tagged "pad": ops.schedule inlines it or, under a conv, computes it once.
 * @param X The input. @param before Elements before each axis. @param after Elements after (default: before).
 * @param value The padding value (a number, or an expression such as te.minValue(dtype)).
 */
export function pad(X: Tensor, before: number[], after: number[] = before, value: number | PrimExpr = 0): Tensor {
  checkTensor("pad", "X", X);
  for (const [n, v] of [["before", before], ["after", after]] as const) {
    if (!Array.isArray(v) || v.length !== X.ndim || v.some((p) => !Number.isInteger(p) || p < 0)) {
      throw new ArgumentError(`ops.pad: ${n} must list ${X.ndim} non-negative integers (one an axis of '${X.name}'), got ${describe(v)}`);
    }
  }
  if (before.every((p) => p === 0) && after.every((p) => p === 0)) return X;
  const shape = X.shape.map((d, i) => d.add(before[i] + after[i]));
  return te.compute(shape, (...idx) => {
    let inside: PrimExpr | undefined;
    const src = idx.map((v, i) => {
      if (before[i] === 0 && after[i] === 0) return v;
      const c = v.ge(before[i]).and(v.lt(X.shape[i].add(before[i])));
      inside = inside ? inside.and(c) : c;
      return v.sub(before[i]);
    });
    return te.ifThenElse(inside!, X.at(...src), typeof value === "number" ? te.const(value, X.dtype) : value);
  }, `${X.name}_pad`, { ...familyTag("pad"), axisNames: axisNames(X.ndim) });
}

/** The output extent of a windowed op along one axis; an Error naming the axis when below 1. */
export function outExtent(op: string, role: string, X: Tensor, axis: number, size: number, k: number, stride: number, padding: number, dilation: number): number {
  const span = dilation * (k - 1) + 1;
  const out = Math.floor((size + 2 * padding - span) / stride) + 1;
  if (out < 1) throw new ShapeError(`ops.${op}: ${who(role, X)} axis ${axis} has ${size} (+ ${2 * padding} padding), less than the window (${span}): no output`);
  return out;
}

/**
 * A 2-D convolution (TOPI's conv2d_nchw / conv2d_NCHWc), no bias (add one with ops.add: it is
 * fused by ops.schedule).
 * @param X The input. @param W The weights. @param opts stride, padding, dilation, layout.
 * @throws Error naming the tensor and axis when ranks, channels or dtypes do not match.
 */
export function conv2d(X: Tensor, W: Tensor, opts: Conv2dOptions = {}): Tensor {
  checkTensor("conv2d", "X", X);
  checkTensor("conv2d", "W", W);
  checkOptions("conv2d", opts, ["stride", "padding", "dilation", "layout"]);
  const layout = opts.layout ?? "NCHW";
  if (layout !== "NCHW" && layout !== "NCHWc") throw new ArgumentError(`ops.conv2d: option layout must be "NCHW" or "NCHWc", got ${describe(opts.layout)}`);
  const blocked = layout === "NCHWc";
  checkRank("conv2d", "X", X, blocked ? 5 : 4, blocked ? "NCHWc: [N, C/c, H, W, c]" : "NCHW: [N, C, H, W]");
  checkRank("conv2d", "W", W, blocked ? 6 : 4, blocked ? "NCHWc: [CO/oc, C/c, KH, KW, c, oc]" : "NCHW: [CO, C, KH, KW]");
  checkFloat("conv2d", "X", X);
  checkSameDType("conv2d", "X", X, "W", W);
  const [sh, sw] = pair("conv2d", "stride", opts.stride, 1, 1);
  const [ph, pw] = pair("conv2d", "padding", opts.padding, 0, 0);
  const [dh, dw] = pair("conv2d", "dilation", opts.dilation, 1, 1);
  const xs = X.shape.map((_, i) => constDim("conv2d", "X", X, i));
  const ws = W.shape.map((_, i) => constDim("conv2d", "W", W, i));
  const [n, cb, H, Wd] = xs;
  if (ws[1] !== cb || (blocked && ws[4] !== xs[4])) {
    const what = blocked ? `[${ws[1]}, ${ws[4]}] (axes 1 and 4)` : `${ws[1]} (axis 1)`;
    const want = blocked ? `[${cb}, ${xs[4]}] (axes 1 and 4)` : `${cb} (axis 1)`;
    throw new ShapeError(`ops.conv2d: the input channels: 'W' has ${what} but ${who("X", X)} has ${want} (expected equal)`);
  }
  const [KH, KW] = [ws[2], ws[3]];
  const OH = outExtent("conv2d", "X", X, 2, H, KH, sh, ph, dh);
  const OW = outExtent("conv2d", "X", X, 3, Wd, KW, sw, pw, dw);
  const Xp = pad(X, blocked ? [0, 0, ph, pw, 0] : [0, 0, ph, pw]);
  const ry = te.reduceAxis([0, KH], "ry");
  const rx = te.reduceAxis([0, KW], "rx");
  const attrs = familyTag("conv2d", { layout, stride: [sh, sw], dilation: [dh, dw], kernel: [KH, KW], inChannels: blocked ? cb * xs[4] : cb });
  if (!blocked && useChannelBlocks(OW, ws[0], sw)) {
    return conv2dChannelBlocked(Xp, W, { n, C: cb, CO: ws[0], KH, KW, OH, OW, sh, sw, dh, dw }, { layout, stride: [sh, sw], dilation: [dh, dw], kernel: [KH, KW], inChannels: cb });
  }
  if (!blocked) {
    const rc = te.reduceAxis([0, cb], "rc");
    return te.compute([n, ws[0], OH, OW], (b, co, y, x) => te.sum(
      Xp.at(b, rc.var, y.mul(sh).add(ry.var.mul(dh)), x.mul(sw).add(rx.var.mul(dw))).mul(W.at(co, rc.var, ry.var, rx.var)),
      [rc, ry, rx]), "conv2d", { ...attrs, axisNames: ["n", "co", "y", "x"] });
  }
  const rco = te.reduceAxis([0, cb], "rco");
  const rci = te.reduceAxis([0, xs[4]], "rci");
  return te.compute([n, ws[0], OH, OW, ws[5]], (b, co, y, x, c) => te.sum(
    Xp.at(b, rco.var, y.mul(sh).add(ry.var.mul(dh)), x.mul(sw).add(rx.var.mul(dw)), rci.var).mul(W.at(co, rco.var, ry.var, rx.var, rci.var, c)),
    [rco, ry, rx, rci]), "conv2d", { ...attrs, axisNames: ["n", "co", "y", "x", "c"] });
}

/**
 * A depthwise 2-D convolution, NCHW (TOPI's depthwise_conv2d_nchw): X [N, C, H, W], W
 * [C, M, KH, KW] (M filters a channel); the output has C·M channels, channel c·M + q from
 * input channel c and filter q.
 * @param X The input. @param W The weights. @param opts stride, padding, dilation.
 */
export function depthwiseConv2d(X: Tensor, W: Tensor, opts: Omit<Conv2dOptions, "layout"> = {}): Tensor {
  checkTensor("depthwiseConv2d", "X", X);
  checkTensor("depthwiseConv2d", "W", W);
  checkOptions("depthwiseConv2d", opts, ["stride", "padding", "dilation"]);
  checkRank("depthwiseConv2d", "X", X, 4, "NCHW: [N, C, H, W]");
  checkRank("depthwiseConv2d", "W", W, 4, "[C, M, KH, KW]");
  checkFloat("depthwiseConv2d", "X", X);
  checkSameDType("depthwiseConv2d", "X", X, "W", W);
  const [sh, sw] = pair("depthwiseConv2d", "stride", opts.stride, 1, 1);
  const [ph, pw] = pair("depthwiseConv2d", "padding", opts.padding, 0, 0);
  const [dh, dw] = pair("depthwiseConv2d", "dilation", opts.dilation, 1, 1);
  const [n, C, H, Wd] = X.shape.map((_, i) => constDim("depthwiseConv2d", "X", X, i));
  const [WC, M, KH, KW] = W.shape.map((_, i) => constDim("depthwiseConv2d", "W", W, i));
  if (WC !== C) throw new ShapeError(`ops.depthwiseConv2d: the channels: 'W' axis 0 has ${WC} but ${who("X", X)} axis 1 has ${C} (expected equal)`);
  const OH = outExtent("depthwiseConv2d", "X", X, 2, H, KH, sh, ph, dh);
  const OW = outExtent("depthwiseConv2d", "X", X, 3, Wd, KW, sw, pw, dw);
  const Xp = pad(X, [0, 0, ph, pw]);
  const ry = te.reduceAxis([0, KH], "ry");
  const rx = te.reduceAxis([0, KW], "rx");
  return te.compute([n, C * M, OH, OW], (b, c, y, x) => te.sum(
    Xp.at(b, c.floordiv(M), y.mul(sh).add(ry.var.mul(dh)), x.mul(sw).add(rx.var.mul(dw))).mul(W.at(c.floordiv(M), c.floormod(M), ry.var, rx.var)),
    [ry, rx]), "depthwise_conv2d", { ...familyTag("depthwise_conv2d", { stride: [sh, sw] }), axisNames: ["n", "c", "y", "x"] });
}

const ext = (x: Tensor, i: number) => (x.shape[i] as IntImm).value;

/** Machine vectors a vector of `n` lanes takes (`lanes` a native vector): whole vectors, then halves, quarters, ... for the rest. */
function machineVectors(n: number, lanes: number): number {
  let count = Math.floor(n / lanes);
  for (let w = lanes >> 1, rest = n % lanes; rest > 0 && w >= 1; w >>= 1) {
    if (rest >= w) {
      count++;
      rest -= w;
    }
  }
  return count;
}

/** The default schedule of a conv2d `C` whose values end in `out` (C or its fused elementwise consumer). */
export function scheduleConv2d(s: Schedule, C: Tensor, out: Tensor, t: TargetInfo): void {
  if (C.op.attrs.channelBlock !== undefined) {
    scheduleConv2dChannelBlocked(s, C, out, t);
    return;
  }
  schedulePadAtRoot(s, C, t);
  const acc = out === C ? (s.cacheWrite(C, "global") as Tensor) : C;
  const so = s.stage(out);
  const sa = s.stage(acc);
  const lanes = t.lanes(C.dtype);
  if (C.op.attrs.layout === "NCHWc") {
    const [n, co, y, x, c] = so.op.axis;
    // A row of OWB output columns, each a vector of the channel block: OWB accumulators.
    const owb = vectorFactor(ext(C, 3), t.vectorBytes >= 64 ? 16 : 8);
    const [xo, xi] = so.split(x, { factor: owb });
    so.reorder(n, co, y, xo, xi, c);
    so.vectorize(c);
    sa.computeAt(so, xo);
    const [, , , ax, ac] = sa.op.axis;
    const [rco, ry, rx, rci] = sa.op.reduceAxis;
    // The reduction outside the tile: each step broadcasts one input value per column and
    // loads one weight vector, for OWB FMAs.
    sa.reorder(rco, ry, rx, rci, ax, ac);
    sa.unroll(ax);
    sa.vectorize(ac);
    parallelize(so, [n, co, y], t.numThreads);
    return;
  }
  const [n, co, y, x] = so.op.axis;
  // The widest vector dividing the width (56: 8 on AVX-512, 112: 16), but at least 8 lanes when
  // the row has more: 28 is 3 vectors of 8 and a tail of 4 (loop partition), not 7 of 4
  // (measured 1.6x at 28²x128 on AVX-512); a row narrower than a vector is one vector (14).
  // A pointwise (1x1, stride 1) conv is a GEMM over the channels, K = C short (64): whole native
  // vectors with a partitioned tail (56 on AVX-512: 3 of 16 and one of 8), as gcc folds each
  // input load into its FMA and a step is load-bound (16 folded loads and 4 broadcasts for 16
  // FMAs with the 4 x 4 tile): zmm halves the loads a flop (with that tile, 1.05x at
  // 56²x64→256 on Zen 4, 1.22x with the row-outer order below).
  const stride = C.op.attrs.stride as number[];
  const [KH, KW] = C.op.attrs.kernel as number[];
  const pointwise = KH * KW === 1 && stride[0] === 1 && stride[1] === 1;
  const xdiv = vectorFactor(ext(C, 3), lanes);
  const xv = pointwise && ext(C, 3) > lanes ? lanes : xdiv < 8 && ext(C, 3) > 8 && lanes >= 8 ? 8 : xdiv;
  // 4 channels x 4 rows of vectors with 32 registers (16 accumulators: a step is 4 input loads
  // and 4 weight broadcasts for 16 FMAs; measured ahead of 8 x 2 and 4 x 2), 4 x 2 with 16; fewer
  // rows when a tile vector takes several machine registers (14 lanes: 8 + 4 + 2, three), so the
  // accumulators stay within three quarters of the register file (at 14²x256, 4 rows spilled:
  // 2 rows were 1.6x faster).
  const pieces = machineVectors(xv, lanes);
  const budget = Math.floor((t.vectorRegisters * 3) / 4);
  let cb: number, yb: number;
  if (stride[1] === 1) {
    // Pointwise with 32 registers: 8 channels x 2 rows. gcc folds an input vector used by 4 FMAs
    // into each of them (4 x 4: 16 loads and 4 broadcasts for 16 FMAs) but keeps one used by 8
    // in a register (8 x 2: 2 loads and 8 broadcasts): 1.4x at 56²x64→256 on Zen 4 (4 x 8 and
    // 2 x 8 fold too; 16 x 1, 1 load and 16 broadcasts, was level with 8 x 2).
    const wide = pointwise && t.vectorRegisters >= 32;
    cb = Math.min(wide ? 8 : 4, ext(C, 1));
    yb = Math.max(1, Math.min(wide ? 2 : t.vectorBytes >= 64 ? 4 : 2, ext(C, 2), Math.floor(budget / (cb * pieces))));
  } else {
    // At stride 2 a tap's input vector is a strided gather, shared by the tile's channels but not
    // its rows: one row, and as many channels as the budget holds (16 with AVX-512: 3.1x faster
    // than 4 x 4 at 224²x3 7x7 stride 2; 8 x 2 was 1.8x).
    yb = 1;
    cb = Math.min(ext(C, 1), [16, 8, 4, 2, 1].find((c) => c * pieces <= budget) ?? 1);
  }
  const [coo, coi] = so.split(co, { factor: cb });
  const [yo, yi] = so.split(y, { factor: yb });
  const [xo, xi] = so.split(x, { factor: xv });
  // Pointwise with weights that fit in half of L2: the channel tiles inside the row tiles, so a
  // row tile's input slab (64 channels x 2 rows: 28 KB) is read from memory once and reused by
  // every channel tile while it is in cache (with the 4 x 4 tile: 1.15x at 56²x64→256; 0.98x at
  // 7x7, so not there).
  const weightBytes = ext(C, 1) * (C.op.attrs.inChannels as number) * KH * KW * (C.dtype.bits / 8);
  const rowsOuter = pointwise && weightBytes <= t.caches.l2 / 2;
  so.reorder(...(rowsOuter ? [n, yo, coo] : [n, coo, yo]), xo, coi, yi, xi);
  so.vectorize(xi);
  // The accumulator tile (cb x yb vectors of xv) at the column block: it stays in registers.
  sa.computeAt(so, xo);
  const [, ac, ay, ax] = sa.op.axis;
  const [rc, ry, rx] = sa.op.reduceAxis;
  // The reduction outermost in the tile, kx unrolled with the tile's channels and rows when the
  // stride is 1 (with stride 2 a tap's input vector is a strided gather: unrolling 7 of them
  // over the tile was 2.2x slower at 224²x3 7x7 stride 2).
  sa.reorder(rc, ry, rx, ac, ay, ax);
  if (stride[1] === 1) sa.unroll(rx);
  sa.unroll(ac);
  sa.unroll(ay);
  sa.vectorize(ax);
  parallelize(so, rowsOuter ? [n, yo, coo] : [n, coo, yo], t.numThreads);
}

/** The default schedule of a depthwise conv: rows of vectors, the taps unrolled, channels parallel. */
export function scheduleDepthwiseConv2d(s: Schedule, C: Tensor, out: Tensor, t: TargetInfo): void {
  schedulePadAtRoot(s, C, t);
  const acc = out === C ? (s.cacheWrite(C, "global") as Tensor) : C;
  const so = s.stage(out);
  const sa = s.stage(acc);
  const [n, c, , x] = so.op.axis;
  const xv = vectorFactor(ext(C, 3), t.lanes(C.dtype));
  const [xo, xi] = so.split(x, { factor: xv });
  so.vectorize(xi);
  // One vector of accumulators at the column block; every tap a vector load and an FMA.
  sa.computeAt(so, xo);
  const [, , , ax] = sa.op.axis;
  const [ry, rx] = sa.op.reduceAxis;
  sa.reorder(ry, rx, ax);
  sa.unroll(ry);
  sa.unroll(rx);
  sa.vectorize(ax);
  parallelize(so, [n, c], t.numThreads);
}
