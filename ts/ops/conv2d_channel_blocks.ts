// ops.conv2d's NCHW form for narrow rows and strided convs, vectorized over output channels, and
// its schedule.
//
// When the output row is not a whole number of 8-lane vectors (14, 28, 7: ResNet's later stages),
// vectorizing over the width gives partial vectors (14 floats: 8 + 4 + 2 lanes) and few pixels
// a tile, and the accumulators spill; with a stride, a vector of the width is a strided gather
// of the input. This form vectorizes over output channels instead
// (TOPI's NCHWc idea, inside an NCHW op): the weights are packed once a call into blocks of 16
// output channels, Wp[co / 16, ci, ky, kx, co % 16] (zero past the last channel), the convolution
// is computed into a channel-blocked buffer Cb[n, co / 16, y, x, co % 16], and the output
// [n, co, y, x] is read out of it. Layout is part of the computation in TE (as matmul's packed B),
// so the blocking is in the op; the block, 16 floats, is not the target's vector: a block is
// one vector with AVX-512 and two with AVX2, and the schedule picks the tile from the target.
//
// Schedule: a tile is `cv` channel vectors (two: two blocks with AVX-512, one block with AVX2)
// x a few output pixels of a row, its cv·pixels accumulators in registers; each reduction step
// (ci, ky, kx) loads cv weight vectors and broadcasts one input value a pixel. The buffer Cb is
// computed at the output's tile, and the output stage (or the fused elementwise consumer) copies
// the tile out to NCHW with scalar stores (cv·lanes·pixels of them after 9·C steps).

import type { IntImm } from "../ir/expr.js";
import type { Schedule } from "../schedule/schedule.js";
import * as te from "../te/index.js";
import type { Tensor } from "../te/tensor.js";
import { axisNames } from "./elementwise.js";
import { familyOf, familyTag } from "./family.js";
import { parallelize } from "./loops.js";
import { schedulePadAtRoot } from "./pad_at_root.js";
import type { TargetInfo } from "./target.js";

/** Output channels a block of the packed weights and of the blocked buffer. */
export const CHANNEL_BLOCK = 16;

/**
 * Whether ops.conv2d (NCHW) takes the channel-blocked form: at least a block of output channels,
 * and rows not a multiple of 8 floats or a horizontal stride above 1 (vectors over the width
 * would then be strided gathers of the input: at 224²x3→64 7x7 stride 2 this form was 1.26x
 * the width-vectorized one on Zen 4; at 56²x64→64 3x3 stride 1 it was 0.93x, at 1x1 0.45x).
 */
export function useChannelBlocks(outWidth: number, outChannels: number, strideW: number): boolean {
  return (outWidth % 8 !== 0 || strideW > 1) && outChannels >= CHANNEL_BLOCK;
}

/** The geometry of an NCHW convolution. */
export interface ConvGeometry {
  n: number; C: number; CO: number; KH: number; KW: number; OH: number; OW: number;
  sh: number; sw: number; dh: number; dw: number;
}

/** W [CO, C, KH, KW] packed into blocks of output channels: [ceil(CO / 16), C, KH, KW, 16], zero past CO. */
function packWeights(W: Tensor, g: ConvGeometry): Tensor {
  const blocks = Math.ceil(g.CO / CHANNEL_BLOCK);
  return te.compute([blocks, g.C, g.KH, g.KW, CHANNEL_BLOCK], (o, c, ky, kx, i) => {
    const co = o.mul(CHANNEL_BLOCK).add(i);
    const v = W.at(co, c, ky, kx);
    return g.CO % CHANNEL_BLOCK === 0 ? v : te.ifThenElse(co.lt(g.CO), v, te.const(0, W.dtype));
  }, `${W.name}_packed`, { ...familyTag("pack"), axisNames: ["o", "c", "ky", "kx", "i"] });
}

/**
 * The NCHW convolution of the padded input `Xp` with W through channel blocks: the output
 * [n, CO, OH, OW] (tagged conv2d, part "out") reads Cb (part "blocked"), which reads the packed weights.
 */
export function conv2dChannelBlocked(Xp: Tensor, W: Tensor, g: ConvGeometry, attrs: Record<string, unknown>): Tensor {
  const Wp = packWeights(W, g);
  const rc = te.reduceAxis([0, g.C], "rc");
  const ry = te.reduceAxis([0, g.KH], "ry");
  const rx = te.reduceAxis([0, g.KW], "rx");
  const Cb = te.compute([g.n, Wp.shape[0], g.OH, g.OW, CHANNEL_BLOCK], (b, o, y, x, i) => te.sum(
    Xp.at(b, rc.var, y.mul(g.sh).add(ry.var.mul(g.dh)), x.mul(g.sw).add(rx.var.mul(g.dw))).mul(Wp.at(o, rc.var, ry.var, rx.var, i)),
    [rc, ry, rx]), "conv2d_blocked", { ...familyTag("conv2d", { ...attrs, part: "blocked" }), axisNames: ["n", "o", "y", "x", "i"] });
  return te.compute([g.n, g.CO, g.OH, g.OW], (b, co, y, x) => Cb.at(b, co.floordiv(CHANNEL_BLOCK), y, x, co.floormod(CHANNEL_BLOCK)),
    "conv2d", { ...familyTag("conv2d", { ...attrs, part: "out", channelBlock: CHANNEL_BLOCK }), axisNames: axisNames(4) });
}

const ext = (x: Tensor, i: number) => (x.shape[i] as IntImm).value;

/** The largest divisor of `n` not above `limit` (at least 1). */
function divisorAtMost(n: number, limit: number): number {
  for (let d = Math.min(n, Math.max(1, limit)); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/** The pixels of a tile, `xt` columns by `yt` rows (divisors of the output's), at most `maxPixels`, the most pixels and then the widest. */
export function pixelTile(OH: number, OW: number, maxPixels: number): { xt: number; yt: number } {
  let best = { xt: 1, yt: 1 };
  for (let yt = 1; yt <= Math.min(OH, maxPixels); yt++) {
    if (OH % yt !== 0) continue;
    const xt = divisorAtMost(OW, Math.floor(maxPixels / yt));
    if (xt * yt > best.xt * best.yt) best = { xt, yt };
  }
  return best;
}

/**
 * The tile: `tb` blocks (1 or 2, dividing `blocks`; `perBlock` vectors each) x `yt` rows x `xt`
 * columns of pixels, with the most accumulators (channel vectors x pixels) within `budget`, then
 * the fewest loads and broadcasts a step for them (channel vectors + pixels). AVX-512 at 14 or 28
 * columns: 2 blocks (two vectors) x 7 or 4 x 2 pixels; AVX2 (two vectors a block): 1 block,
 * or 2 when the rows and columns leave a single pixel (7x7: four accumulators rather than two).
 */
export function channelBlockTile(blocks: number, perBlock: number, OH: number, OW: number, budget: number): { tb: number; xt: number; yt: number } {
  let best = { tb: 1, xt: 1, yt: 1, acc: 0, traffic: Infinity };
  for (const tb of [1, 2]) {
    if (blocks % tb !== 0) continue;
    const cv = tb * perBlock;
    if (cv > budget && tb > 1) continue;
    const { xt, yt } = pixelTile(OH, OW, Math.max(1, Math.floor(budget / cv)));
    const acc = cv * xt * yt, traffic = cv + xt * yt;
    if (acc > best.acc || (acc === best.acc && traffic < best.traffic)) best = { tb, xt, yt, acc, traffic };
  }
  return { tb: best.tb, xt: best.xt, yt: best.yt };
}

/** The default schedule of the channel-blocked form: `C` its output op, `out` C or its fused elementwise consumer. */
export function scheduleConv2dChannelBlocked(s: Schedule, C: Tensor, out: Tensor, t: TargetInfo): void {
  const Cb = C.op.inputTensors().find((x) => x.op.attrs.part === "blocked")!;
  const Wp = Cb.op.inputTensors().find((x) => familyOf(x.op) === "pack")!;
  schedulePadAtRoot(s, Cb, t);
  const sw = s.stage(Wp);
  sw.computeRoot();
  parallelize(sw, sw.op.axis.slice(0, 2), t.numThreads);
  if (out !== C) s.stage(C).computeInline();

  const lanes = Math.min(t.lanes(C.dtype), CHANNEL_BLOCK);
  const { tb, xt, yt } = channelBlockTile(ext(Cb, 1), CHANNEL_BLOCK / lanes, ext(C, 2), ext(C, 3), Math.floor((t.vectorRegisters * 3) / 4));

  const so = s.stage(out);
  const sb = s.stage(Cb);
  const [n, co, y, x] = so.op.axis;
  const [coo, coi] = so.split(co, { factor: tb * CHANNEL_BLOCK });
  const [yo, yi] = so.split(y, { factor: yt });
  const [xo, xi] = so.split(x, { factor: xt });
  so.reorder(n, coo, yo, xo, coi, yi, xi);
  sb.computeAt(so, xo);
  const [, bo, by, bx, bi] = sb.op.axis;
  const [rc, ry, rx] = sb.op.reduceAxis;
  const [bio, bii] = sb.split(bi, { factor: lanes });
  sb.reorder(rc, ry, rx, by, bx, bo, bio, bii);
  for (const a of [by, bx, bo, bio]) sb.unroll(a);
  sb.vectorize(bii);
  parallelize(so, [n, coo, yo], t.numThreads);
}
