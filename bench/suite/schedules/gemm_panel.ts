// The best GEMM schedule written so far with the TE API alone (ANCHORS.md: "packed B, cacheWrite
// 8x32 tile at the row block, k outermost in the tile, rows unrolled, columns vectorized"), for
// any m x k · k x n where the tile fits: B packed into nr-wide panels [n/nr, k, nr] (vectorized,
// parallel; only for m >= 256), C tiled mr x nr with the row blocks outermost (parallel) so a row
// block of A stays in cache while the panels stream, each tile accumulated in a cacheWrite tile computed at it,
// the tile's loops ordered (k, rows, columns), rows unrolled and columns vectorized: mr x nr/lanes
// vector accumulators gcc keeps in registers (the tile is a small stack allocation).
// ops.matmul replaces it at merge.
import { te } from "../../../ts/index.js";

/** The tile: rows mr (8, 4, 2 or 1: the largest dividing m), columns nr (2 vectors, else 1, else 8, dividing n). */
export function panelTile(m: number, n: number, lanes: number): { mr: number; nr: number } {
  const mr = [8, 4, 2, 1].find((r) => m % r === 0)!;
  const nr = [2 * lanes, lanes, 8, 4, 1].find((c) => n % c === 0)!;
  return { mr, nr };
}

/**
 * C = A·B (A m x k, B k x n, float32) with the panel schedule; build with maxStackBytes >= mr·nr·4.
 * B is packed when `pack` (by default when m >= 256: enough row blocks to reuse the panels).
 */
export function gemmPanel(m: number, n: number, k: number, lanes: number, pack = m >= 256): { s: te.Schedule; args: te.Tensor[]; maxStackBytes: number } {
  const { mr, nr } = panelTile(m, n, lanes);
  const A = te.placeholder([m, k], "float32", "A");
  const B = te.placeholder([k, n], "float32", "B");
  // Packing pays for itself when B is reused by many row blocks; a skinny A reads B in place.
  const Bp = pack ? te.compute([n / nr, k, nr], (jo, kk, ji) => B.at(kk, jo.mul(nr).add(ji)), "Bp") : undefined;
  const r = te.reduceAxis([0, k], "k");
  const C = te.compute([m, n], (i, j) => te.sum(A.at(i, r).mul(Bp ? Bp.at(j.floordiv(nr), r, j.floormod(nr)) : B.at(r, j)), r), "C");
  const s = te.createSchedule(C.op);
  const CC = s.cacheWrite(C, "global");
  const sc = s.stage(C);
  const [io, jo] = sc.tile(sc.op.axis[0], sc.op.axis[1], mr, nr);
  const scc = s.stage(CC);
  scc.computeAt(sc, jo);
  const [ci, cj] = scc.op.axis;
  scc.reorder(scc.op.reduceAxis[0], ci, cj);
  scc.unroll(ci);
  scc.vectorize(cj);
  sc.parallel(io);
  if (Bp) {
    const sp = s.stage(Bp);
    sp.vectorize(sp.op.axis[2]);
    sp.parallel(sp.op.axis[0]);
  }
  return { s, args: [A, B, C], maxStackBytes: Math.max(8192, mr * nr * 4) };
}
