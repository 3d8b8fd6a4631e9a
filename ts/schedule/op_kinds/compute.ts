// The compute kind (TVM's ComputeOp): it reads, of each input, what its body indexes over the
// index sets of its axes; its axes cover what its consumers ask; it lowers to its loop nest
// (compute_provide.ts: MakeComputeStmt, with a reduction's init nest) and realizes its outputs
// over its axes' ranges.

import { ExprVisitor } from "../../ir/functor.js";
import { type ProducerLoad, Reduce } from "../../ir/expr.js";
import { add } from "../../ir/op.js";
import { Analyzer } from "../../arith/analyzer.js";
import { evalSet } from "../../arith/int_set.js";
import { ComputeOp } from "../../te/compute.js";
import type { Tensor } from "../../te/tensor.js";
import { buildComputeProvide, buildComputeRealize } from "../compute_provide.js";
import { clipToShape, gatherAxesBound, pushRequest } from "../op_bounds.js";
import type { OpKind } from "../op_kind.js";

export const computeKind: OpKind<ComputeOp> = {
  name: "compute",
  matches: (op): op is ComputeOp => op instanceof ComputeOp,
  propBoundToInputs(op, ana, domMap, tmap) {
    class Reads extends ExprVisitor {
      override visitProducerLoad(e: ProducerLoad): void {
        super.visitProducerLoad(e);
        const t = e.producer as Tensor;
        if (!tmap.has(t)) return;
        e.indices.forEach((idx, d) => pushRequest(tmap, t, d, clipToShape(evalSet(idx, domMap), t.shape[d], ana)));
      }
    }
    const v = new Reads();
    const b0 = op.body[0];
    if (b0 instanceof Reduce) v.visitExpr(b0);
    else op.body.forEach((b) => v.visitExpr(b));
  },
  gatherBound: gatherAxesBound,
  buildProvide: buildComputeProvide,
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
