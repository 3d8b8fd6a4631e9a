// Automatic inlining (TVM's AutoInlineElemWise, AutoInlineBroadcast, AutoInlineInjective):
// every stage that has not been scheduled, is not an output and whose op is of the kind named
// is marked computeInline. A schedule pass over a Schedule (it changes the stages in place,
// as TVM's do), used before writing a schedule by hand for the remaining stages.

import { ProducerLoad } from "../ir/expr.js";
import { ExprVisitor } from "../ir/functor.js";
import { ComputeOp } from "../te/compute.js";
import type { Operation } from "../te/operation.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

/** Whether a read indexes a tensor by exactly the op's axes, in order. */
class ElemWiseDetector extends ExprVisitor {
  elemWise = true;
  constructor(private readonly op: ComputeOp) { super(); }
  override visitProducerLoad(e: ProducerLoad): void {
    const axes = this.op.axis;
    if (e.indices.length !== axes.length || e.indices.some((x, i) => x !== axes[i].var)) this.elemWise = false;
    super.visitProducerLoad(e);
  }
}

/** A compute op whose every read is at its own axes (TVM's IsElemWise). */
export function isElemWise(op: Operation): boolean {
  if (!(op instanceof ComputeOp)) return false;
  const d = new ElemWiseDetector(op);
  op.body.forEach((e) => d.visitExpr(e));
  return d.elemWise;
}

/** A compute op without reduction (TVM's IsBroadcast and IsInjective, which test the same). */
export function isInjectiveOp(op: Operation): boolean {
  return op instanceof ComputeOp && op.reduceAxis.length === 0;
}

/** Whether any primitive changed the stage (TVM's Stage.is_scheduled). */
function isScheduled(s: Stage): boolean {
  return !(s.relations.length === 0 && s.attachType === "root" &&
    s.leafIterVars.length === s.allIterVars.length && s.leafIterVars.every((iv, i) => iv === s.allIterVars[i]));
}

function autoInline(sch: Schedule, kind: (op: Operation) => boolean): void {
  for (const s of sch.stages) {
    if (!isScheduled(s) && !s.isOutput && s.op.numOutputs === 1 && kind(s.op)) s.computeInline();
  }
}

/** Inlines every unscheduled, non-output elementwise stage. */
export function autoInlineElemWise(sch: Schedule): void { autoInline(sch, isElemWise); }

/** Inlines every unscheduled, non-output compute stage without reduction (TVM: broadcast). */
export function autoInlineBroadcast(sch: Schedule): void { autoInline(sch, isInjectiveOp); }

/** Inlines every unscheduled, non-output compute stage without reduction (TVM: injective). */
export function autoInlineInjective(sch: Schedule): void { autoInline(sch, isInjectiveOp); }
