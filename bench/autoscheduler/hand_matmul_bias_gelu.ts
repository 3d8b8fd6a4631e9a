// The hand schedule of gelu(A·W + b) with the TE API: W packed into panels of nr columns
// ([n/nr, k, nr], vectorized, parallel) so the register tile streams one contiguous panel; Y
// tiled mr x nr with the row blocks parallel; the matmul C computed at each tile of Y (a fused
// copy-out: the bias and the GELU are applied as the tile leaves the registers), its loops
// ordered (k, rows, columns), rows unrolled, columns vectorized. nr is two vectors of the
// target's lanes when it divides n.
import { te } from "../../ts/index.js";
import { panelTile } from "../suite/schedules/gemm_panel.js";
import { geluOf } from "./programs.js";
import type { Scheduled } from "./types.js";

/** gelu(A·W + b), args [A, W, b, Y]. */
export function handMatmulBiasGelu(m: number, n: number, k: number, lanes: number): Scheduled {
  const { mr, nr } = panelTile(m, n, lanes);
  const A = te.placeholder([m, k], "float32", "A");
  const W = te.placeholder([k, n], "float32", "W");
  const b = te.placeholder([n], "float32", "b");
  const Wp = te.compute([n / nr, k, nr], (jo, kk, ji) => W.at(kk, jo.mul(nr).add(ji)), "Wp");
  const r = te.reduceAxis([0, k], "k");
  const C = te.compute([m, n], (i, j) => te.sum(A.at(i, r).mul(Wp.at(j.floordiv(nr), r, j.floormod(nr))), r), "C");
  const Y = te.compute([m, n], (i, j) => geluOf(C.at(i, j).add(b.at(j))), "Y");
  const s = te.createSchedule(Y.op);
  const sy = s.stage(Y);
  const [io, jo, ii, ji] = sy.tile(Y.op.axis[0], Y.op.axis[1], mr, nr);
  const [, jv] = sy.split(ji, { factor: lanes });
  sy.vectorize(jv);
  sy.unroll(ii);
  sy.parallel(io);
  const sc = s.stage(C);
  sc.computeAt(sy, jo);
  const [ci, cj] = C.op.axis;
  sc.reorder((C.op as te.ComputeOp).reduceAxis[0], ci, cj);
  sc.unroll(ci);
  sc.vectorize(cj);
  const sp = s.stage(Wp);
  sp.vectorize(Wp.op.axis[2]);
  sp.parallel(Wp.op.axis[0]);
  return { s, args: [A, W, b, Y], maxStackBytes: Math.max(8192, mr * nr * 4) };
}
