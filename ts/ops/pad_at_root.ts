// The pad op a windowed op (conv2d, depthwise conv) reads, computed once at the root: vectorized
// rows, parallel over the two outer axes. Inlined, every tap of the consumer's inner loop would be
// a guarded read (ifThenElse) and the vectorizer would fall back to scalar code; the copy costs
// one pass over the input (1.2x its size for 56x56 with pad 1).

import type { IntImm } from "../ir/expr.js";
import type { Schedule } from "../schedule/schedule.js";
import type { Tensor } from "../te/tensor.js";
import { familyOf } from "./family.js";
import { parallelize, vectorFactor } from "./loops.js";
import type { TargetInfo } from "./target.js";

/** Computes the pad op among `reader`'s inputs (if any) at the root, vectorized and parallel. */
export function schedulePadAtRoot(s: Schedule, reader: Tensor, t: TargetInfo): void {
  const P = reader.op.inputTensors().find((x) => familyOf(x.op) === "pad");
  if (!P) return;
  const sp = s.stage(P);
  sp.computeRoot();
  const ax = sp.op.axis;
  const last = ax[ax.length - 1];
  const [, li] = sp.split(last, { factor: vectorFactor((last.dom!.extent as IntImm).value, t.lanes(P.dtype)) });
  sp.vectorize(li);
  parallelize(sp, ax.slice(0, 2), t.numThreads);
}
