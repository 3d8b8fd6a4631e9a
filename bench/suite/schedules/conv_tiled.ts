// A direct NCHW convolution scheduled with the TE API as Halide's anchor schedule is
// (ANCHORS.md): the input zero-padded once (computeRoot), the weights repacked so that the four
// output channels of a tap are adjacent, the output tiled 4 channels x 2 rows x `vx` columns,
// each tile accumulated in a cacheWrite tile computed at it with the reduction outermost (ci,
// ky, kx) and the tile's channels and rows unrolled and its columns vectorized, channel blocks
// parallel. vx is the widest of the vector width, 8, 4, 2 that divides the output width (56: 8,
// 28: 4, 14: 2): a split that does not divide would guard every element. ops.conv2d replaces it.
import { te } from "../../../ts/index.js";

/** A conv2d layer: batch 1, `c` input channels of h x w, `f` filters of kh x kw. */
export interface ConvShape {
  c: number;
  h: number;
  w: number;
  f: number;
  k: number;
  stride: number;
  pad: number;
}

/** The output's height and width. */
export function convOut(p: ConvShape): { oh: number; ow: number } {
  return { oh: Math.floor((p.h + 2 * p.pad - p.k) / p.stride) + 1, ow: Math.floor((p.w + 2 * p.pad - p.k) / p.stride) + 1 };
}

/** The schedule and its arguments [X (1, c, h, w), W (f, c, k, k), Y (1, f, oh, ow)]. */
export function convTiled(p: ConvShape, lanes: number): { s: te.Schedule; args: te.Tensor[]; maxStackBytes: number } {
  const { c, h, w, f, k, stride, pad } = p;
  const { oh, ow } = convOut(p);
  const fb = [4, 2, 1].find((b) => f % b === 0)!;
  const yb = oh % 2 === 0 ? 2 : 1;
  const vx = [lanes, 8, 4, 2, 1].find((v) => ow % v === 0)!;
  const X = te.placeholder([1, c, h, w], "float32", "X");
  const W = te.placeholder([f, c, k, k], "float32", "W");
  const P = te.compute([1, c, h + 2 * pad, w + 2 * pad], (n, ci, y, x) => te.ifThenElse(
    y.ge(pad).and(y.lt(h + pad)).and(x.ge(pad)).and(x.lt(w + pad)), X.at(n, ci, y.sub(pad), x.sub(pad)), te.const(0, "float32")), "P");
  const Wp = te.compute([f / fb, c, k, k, fb], (fo, ci, ky, kx, fi) => W.at(fo.mul(fb).add(fi), ci, ky, kx), "Wp");
  const rc = te.reduceAxis([0, c], "rc");
  const ry = te.reduceAxis([0, k], "ry");
  const rx = te.reduceAxis([0, k], "rx");
  const Y = te.compute([1, f, oh, ow], (n, fo, y, x) => te.sum(
    P.at(n, rc, y.mul(stride).add(ry), x.mul(stride).add(rx)).mul(Wp.at(fo.floordiv(fb), rc, ry, rx, fo.floormod(fb))), [rc, ry, rx]), "Y");
  const s = te.createSchedule(Y.op);
  s.stage(P).computeRoot();
  s.stage(Wp).computeRoot();
  const YC = s.cacheWrite(Y, "global");
  const sy = s.stage(Y);
  const [, yf, yy, yx] = sy.op.axis;
  const [fo, fi] = sy.split(yf, { factor: fb });
  const [yo, yi] = sy.split(yy, { factor: yb });
  const [xo, xi] = sy.split(yx, { factor: vx });
  sy.reorder(fo, yo, xo, fi, yi, xi);
  sy.parallel(fo);
  const sc = s.stage(YC);
  sc.computeAt(sy, xo);
  const [, cf, cy, cx] = sc.op.axis;
  const [kc, ky, kx] = sc.op.reduceAxis;
  sc.reorder(kc, ky, kx, cf, cy, cx);
  sc.unroll(cf);
  sc.unroll(cy);
  sc.vectorize(cx);
  const sp = s.stage(P);
  sp.parallel(sp.op.axis[1]);
  return { s, args: [X, W, Y], maxStackBytes: 8192 };
}
