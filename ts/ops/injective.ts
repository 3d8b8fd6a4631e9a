// The default schedule of an elementwise, broadcast or pad op that is computed on its own (an
// output no reduction feeds, or one whose producer could not take it): the innermost axis
// vectorized, the outer axes fused into one parallel loop.

import type { Schedule } from "../schedule/schedule.js";
import type { Tensor } from "../te/tensor.js";
import { extentOf, parallelize, vectorFactor } from "./loops.js";
import { streamStores } from "./streaming.js";
import type { TargetInfo } from "./target.js";

/** Below this many elements a parallel launch costs more than it saves. */
const PARALLEL_MIN_ELEMENTS = 1 << 14;

/** Schedules injective `T` on its own. */
export function scheduleInjective(s: Schedule, T: Tensor, t: TargetInfo): void {
  const st = s.stage(T);
  const axes = st.op.axis;
  if (axes.length === 0) return;
  const total = axes.reduce((n, a) => n * (extentOf(a) ?? 1 << 16), 1);
  const lanes = t.lanes(T.dtype);
  const last = axes[axes.length - 1];
  const f = vectorFactor(extentOf(last), lanes);
  // The innermost axis in vectors: contiguous loads and stores (a vector tail, when the factor
  // does not divide, is the guarded last iteration).
  const [lo, li] = st.split(last, { factor: f });
  st.vectorize(li);
  if (t.numThreads >= 2 && total >= PARALLEL_MIN_ELEMENTS) {
    if (axes.length > 1) {
      // Outer axes fused: one parallel loop with rows of work.
      parallelize(st, axes.slice(0, -1), t.numThreads);
    } else {
      // One axis: a few chunks a thread, so no thread waits long for the slowest.
      const [po] = st.split(lo, { nparts: t.numThreads * 4 });
      st.parallel(po);
    }
  }
  // The loop around the vector stores (inside the parallel one).
  streamStores(st, st.leafIterVars[st.leafIterVars.length - 2], T, t);
}
