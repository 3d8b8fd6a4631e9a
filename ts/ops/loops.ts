// Loop helpers the family schedules share: picking a vector factor for an extent, and making
// one parallel loop out of a stage's outer axes.

import { IntImm } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import type { Stage } from "../schedule/stage.js";

/** The constant extent of a root axis (undefined when symbolic). */
export function extentOf(iv: IterVar): number | undefined {
  const e = iv.dom?.extent;
  return e instanceof IntImm ? e.value : undefined;
}

/**
 * The vector factor for an axis of `extent`: the native lane count when it divides the extent,
 * else the widest power of two down to 4 lanes that does (56 floats on AVX-512: 8, one vector
 * of ymm, rather than 16 with a guarded tail), else the lane count (the split then guards its
 * last iteration).
 */
export function vectorFactor(extent: number | undefined, lanes: number): number {
  if (extent === undefined) return lanes;
  if (extent <= lanes) return extent;
  for (let f = lanes; f >= Math.min(4, lanes); f >>= 1) if (extent % f === 0) return f;
  return lanes;
}

/**
 * Fuses `axes` (outermost first, adjacent leaves of `st`) into one loop and runs it in parallel
 * when there are threads to share it and it has at least two iterations; returns the loop (the
 * fused axis), or the first axis when nothing was done.
 */
export function parallelize(st: Stage, axes: IterVar[], numThreads: number): IterVar {
  const total = axes.reduce((n, a) => n * (extentOf(a) ?? 1024), 1);
  const fused = axes.length > 1 ? st.fuse(...axes) : axes[0];
  if (numThreads > 1 && total >= 2) st.parallel(fused);
  return fused;
}
