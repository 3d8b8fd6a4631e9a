// The row schedule softmax and layer norm share: the axes before the normalized (last) axis
// are the rows, fused into one parallel loop; each row's reductions are computed at the row,
// rfactored into two vectors of partial results where the row allows (two independent vector
// max / add chains, so a step does not wait for the last one's latency), the partials then
// added up as a tree of vector steps (rfactor again, halving the lanes: five dependent steps for
// 32 partials instead of a 32-step scalar chain of add latencies a reduction), and the row's
// elementwise work is vectorized.

import type { IterVar } from "../ir/iter_var.js";
import type { Schedule } from "../schedule/schedule.js";
import type { Stage } from "../schedule/stage.js";
import type { Tensor } from "../te/tensor.js";
import { extentOf, parallelize, vectorFactor } from "./loops.js";

/** The row loop of `out` (its axes but the last, fused and parallel), and its last axis vectorized. */
export function rowLoop(st: Stage, lanes: number, numThreads: number): IterVar {
  const ax = st.op.axis;
  const last = ax[ax.length - 1];
  const [, li] = st.split(last, { factor: vectorFactor(extentOf(last), lanes) });
  st.vectorize(li);
  if (ax.length === 1) return st.leafIterVars[0];
  return parallelize(st, ax.slice(0, -1), numThreads);
}

/**
 * Reduction `R` (over the row's last axis) computed at `row` of `at`: rfactored into 2·lanes
 * (or lanes) partials when the row divides into them (else a scalar reduction at the row).
 */
export function rowReduction(s: Schedule, R: Tensor, at: Stage, row: IterVar, lanes: number): void {
  const sr = s.stage(R);
  const [k] = sr.op.reduceAxis;
  const n = extentOf(k);
  if (n !== undefined && n % lanes === 0 && n > lanes) {
    const f = n % (2 * lanes) === 0 && n > 2 * lanes ? 2 * lanes : lanes;
    const [, ki] = sr.split(k, { factor: f });
    const RF = s.rfactor(R, ki);
    const sf = s.stage(RF);
    sf.computeAt(at, row);
    const [lane, ...rest] = sf.op.axis;
    // Rows outer, the remaining reduction next, the lanes innermost and vectorized.
    sf.reorder(...rest, sf.op.reduceAxis[0], lane);
    sf.vectorize(lane);
    // The partials added up as a tree: halved by vector steps (p/2 lanes from p) down to two,
    // instead of one scalar chain of f dependent steps at the end of the row.
    for (let p = f; p > 2; p /= 2) {
      const [kk] = sr.op.reduceAxis;
      const [, half] = sr.split(kk, { factor: p / 2 });
      const sh = s.stage(s.rfactor(R, half));
      sh.computeAt(at, row);
      const [l, ...others] = sh.op.axis;
      sh.reorder(...others, sh.op.reduceAxis[0], l);
      sh.vectorize(l);
    }
  }
  sr.computeAt(at, row);
}
