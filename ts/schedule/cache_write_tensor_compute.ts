// Schedule.cacheWrite of a tensor compute (TVM's CacheWriteWithReLayoutTensor): the intrinsic's
// calls move to a new tensor compute writing the cache ("C.local"), over copies of the op's axes
// (the same slices and scalar values, in terms of them), and the original stage becomes a copy
// from the cache, one loop a dimension (the intrinsic's dimensions become loops of the copy).
// Only an unscheduled stage is cache-written (as TVM, which relays the cache out along the op's
// own axes): split the cache stage's loops after cacheWrite instead.

import { ScheduleError } from "../errors.js";
import { type PrimExpr, ProducerLoad, type Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { substitute } from "../ir/substitute.js";
import { ComputeOp } from "../te/compute.js";
import { TensorComputeOp } from "../te/tensor_compute.js";
import type { Tensor } from "../te/tensor.js";
import { insertStage, refuseLostAttachPoints, replaceStageOp } from "./replace_dataflow.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

export function cacheWriteTensorCompute(sch: Schedule, stage: Stage, op: TensorComputeOp, list: Tensor[], scope: string, what: string): Tensor[] {
  if (stage.relations.length > 0) {
    throw new ScheduleError(`${what}: '${stage.name}' is a tensor compute whose loops were split or fused; cacheWrite lays its cache out along its own axes, so cache-write it before scheduling its loops (and schedule the cache stage)`);
  }
  refuseLostAttachPoints(sch, stage, op.axis.slice(0, op.schedulableNdim), what);
  const toNew = new Map<Var, PrimExpr>();
  const newAxes = op.axis.map((iv) => {
    const civ = new IterVar(iv.dom!, iv.var.copyWithSuffix(".c"), iv.iterType);
    toNew.set(iv.var, civ.var);
    return civ;
  });
  const regions = op.inputRegions.map((region) => region.map((r) => new Range(substitute(r.min, toNew), substitute(r.extent, toNew))));
  const scalars = op.scalarInputs.map((e) => substitute(e, toNew));
  const cacheOp = new TensorComputeOp(`${op.name}.${scope}`, op.tag, op.attrs, newAxes, op.reduceAxes, op.schedulableNdim, op.intrin, op.inputs, regions, scalars);
  // The copy: the schedulable axes kept (stages computed at them stay), the intrinsic's become loops.
  const copyAxes = op.axis.map((iv, d) => (d < op.schedulableNdim ? iv : new IterVar(iv.dom!, iv.var, "DataPar")));
  const index = copyAxes.map((iv) => iv.var);
  const copy = new ComputeOp(op.name, op.tag, op.attrs, copyAxes, cacheOp.outputs.map((t) => new ProducerLoad(t, index)));
  replaceStageOp(sch, stage, copy);
  insertStage(sch, cacheOp, sch.stages.indexOf(stage), scope, stage);
  return list.map((t) => cacheOp.output(t.valueIndex));
}
