// The hand schedule of a batch of small matmuls with the TE API: each matrix's C tiled mr x nr
// (nr two vectors of the target's lanes when that divides n, else one), each tile accumulated in
// a cacheWrite register tile computed at it with k outermost, the tile's rows unrolled and its
// columns vectorized; the batch and the row blocks fused and run in parallel (a 32x32 matrix is
// too small to split across cores on its own).
import { te } from "../../ts/index.js";
import { batchMatmul } from "./programs.js";
import type { Scheduled } from "./types.js";

/** C[b] = A[b]·B[b], args [A, B, C]. */
export function handBatchMatmul(batch: number, m: number, n: number, k: number, lanes: number): Scheduled {
  const { A, B, C } = batchMatmul(batch, m, n, k);
  const nr = [2 * lanes, lanes, 8, 4, 1].find((c) => n % c === 0)!;
  const mr = [4, 2, 1].find((r) => m % r === 0)!;
  const s = te.createSchedule(C.op);
  const CC = s.cacheWrite(C, "global");
  const sc = s.stage(C);
  const [bb, i, j] = C.op.axis;
  const [io, jo, ii, ji] = sc.tile(i, j, mr, nr);
  const [, jv] = sc.split(ji, { factor: Math.min(lanes, nr) });
  sc.vectorize(jv);
  sc.unroll(ii);
  const outer = sc.fuse(bb, io);
  sc.parallel(outer);
  const scc = s.stage(CC);
  scc.computeAt(sc, jo);
  const [, ci, cj] = CC.op.axis;
  scc.reorder((CC.op as te.ComputeOp).reduceAxis[0], ci, cj);
  scc.unroll(ci);
  scc.vectorize(cj);
  return { s, args: [A, B, C], maxStackBytes: Math.max(8192, mr * nr * 4) };
}
