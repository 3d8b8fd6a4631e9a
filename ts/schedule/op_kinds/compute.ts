// The compute kind (TVM's ComputeOp): it reads, of each input, what its body indexes over the
// index sets of its axes; its axes cover what its consumers ask; it lowers to its loop nest
// (compute_provide.ts: MakeComputeStmt, with a reduction's init nest) and realizes its outputs
// over its axes' ranges.

import { add } from "../../ir/op.js";
import { Analyzer } from "../../arith/analyzer.js";
import { ComputeOp } from "../../te/compute.js";
import { buildComputeProvide, buildComputeRealize } from "../compute_provide.js";
import { gatherAxesBound, propComputeBoundToInputs } from "../op_bounds.js";
import type { OpKind } from "../op_kind.js";
import { buildTensorizeProvide, isTensorized } from "../tensorize.js";

export const computeKind: OpKind<ComputeOp> = {
  name: "compute",
  matches: (op): op is ComputeOp => op instanceof ComputeOp,
  propBoundToInputs: propComputeBoundToInputs,
  gatherBound: gatherAxesBound,
  // A tensorized stage (Stage.tensorize) is the intrinsic in place of its loop nest under the axis.
  buildProvide: (op, stage, domMap) => (isTensorized(stage) ? buildTensorizeProvide(op, stage, domMap) : buildComputeProvide(op, stage, domMap)),
  buildRealize: buildComputeRealize,
  explain(op, stage, bounds) {
    const ranges = op.axis.map((iv) => bounds.get(iv)!);
    const reasons: string[] = [];
    if (stage.isOutput) reasons.push("output of the schedule: its whole shape");
    if (op.reduceAxis.length > 0) {
      const ana = new Analyzer();
      const text = op.reduceAxis.map((iv) => {
        const r = bounds.get(iv)!;
        return `${iv.name} in [${ana.simplify(r.min)}:${ana.simplify(add(r.min, r.extent))}]`;
      });
      reasons.push(`reduces over ${text.join(", ")}`);
    }
    return { kind: "compute", ranges, reasons };
  },
};
