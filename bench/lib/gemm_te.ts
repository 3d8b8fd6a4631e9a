// The best GEMM schedule written so far with the TE API alone (../shared/ANCHORS.md): B packed
// into [n/nr, n, nr] panels; C tiled mr x nr with a cacheWrite tile computed at the tile, k
// outermost inside it, the tile's rows unrolled and its columns vectorized (mr = 8, nr = 32: with
// AVX-512 the tile is 16 float32x16 accumulators, one register each), the row blocks parallel.
import { te } from "../../ts/index.js";

/** C = A·B (float32, n x n, n a multiple of mr and nr) with the register-tile schedule. */
export function gemmRegisterTile(n: number, mr = 8, nr = 32): { s: te.Schedule; args: te.Tensor[] } {
  if (n % mr !== 0 || n % nr !== 0) throw new Error(`gemmRegisterTile: n = ${n} must be a multiple of ${mr} and ${nr}`);
  const A = te.placeholder([n, n], "float32", "A");
  const B = te.placeholder([n, n], "float32", "B");
  const k = te.reduceAxis([0, n], "k");
  const packedB = te.compute([n / nr, n, nr], (x, y, z) => B.at(y, x.mul(nr).add(z)), "packedB");
  const C = te.compute([n, n], (x, y) => te.sum(A.at(x, k).mul(packedB.at(y.floordiv(nr), k, y.floormod(nr))), k), "C");
  const s = te.createSchedule(C.op);
  const sc = s.stage(C);
  const CC = s.cacheWrite(C, "global");
  const [xo, yo, , yi] = sc.tile(sc.op.axis[0], sc.op.axis[1], mr, nr);
  sc.vectorize(yi);
  const scc = s.stage(CC);
  scc.computeAt(sc, yo);
  const [xc, yc] = scc.op.axis;
  scc.reorder(scc.op.reduceAxis[0], xc, yc);
  scc.unroll(xc);
  scc.vectorize(yc);
  sc.parallel(xo);
  const sp = s.stage(packedB);
  sp.vectorize(sp.op.axis[2]);
  sp.parallel(sp.op.axis[0]);
  return { s, args: [A, B, C] };
}
