// The hook bound inference reports to, so that a user can be told why a stage got the region
// it got (which consumer asked for what, over which loops). See explain.ts.

import type { IterVar } from "../ir/iter_var.js";
import type { IntSet } from "../arith/int_set.js";
import type { Tensor } from "../te/tensor.js";
import type { Stage } from "./stage.js";

export interface BoundTrace {
  /** `consumer` asked `stage` for the requests added to `tmap` since `before` (counts per dim). */
  consumerRequest(
    stage: Stage,
    consumer: Stage,
    tmap: ReadonlyMap<Tensor, IntSet[][]>,
    before: ReadonlyMap<Tensor, number[]>,
    relaxed: IterVar[],
    fixed: IterVar[],
  ): void;
}
