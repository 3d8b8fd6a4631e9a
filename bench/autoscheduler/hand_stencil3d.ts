// The hand schedule of the 3-d 7-point stencil with the TE API: the planes (i) and rows (j) of
// the output fused and run in parallel, each row's points (k) split by the target's vector lanes
// and vectorized (the six neighbours are then unit-stride vector loads of the same row and of the
// rows above, below, before and behind), the vector loop unrolled by two vectors.
import { te } from "../../ts/index.js";
import { stencil3d } from "./programs.js";
import type { Scheduled } from "./types.js";

/** The stencil over an n³ cube, args [X, Y]. */
export function handStencil3d(n: number, lanes: number): Scheduled {
  const { X, Y } = stencil3d(n);
  const s = te.createSchedule(Y.op);
  const sy = s.stage(Y);
  const [i, j, k] = Y.op.axis;
  const ij = sy.fuse(i, j);
  const [ko, kv] = sy.split(k, { factor: lanes });
  const [, ku] = sy.split(ko, { factor: 2 });
  sy.vectorize(kv);
  sy.unroll(ku);
  sy.parallel(ij);
  return { s, args: [X, Y] };
}
