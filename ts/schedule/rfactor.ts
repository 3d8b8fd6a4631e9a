// Schedule.rfactor (TVM's rfactor): factors a reduction over one of its reduction loops. A new
// stage "<name>.rf" computes partial reductions, indexed by the factored loop as a new
// data-parallel axis (at position factorAxis); the original stage becomes a reduction over
// that axis ("<loop>.v") of the partial results. The partials can then be computed in parallel
// or vectorized, which a reduction loop cannot be.
//
// The loop to factor is a leaf of the reduction: a reduce axis, or a part of one after split
// (e.g. k.inner of k). The other parts of the same reduction stay reduce axes of the .rf stage,
// guarded where a split was uneven; reductions the loop does not touch stay as they were.

import { ArgumentError, ScheduleError } from "../errors.js";
import { Reduce, type PrimExpr, ProducerLoad, Var, isConstInt } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { constant, describe, likely, logicalAnd } from "../ir/op.js";
import { substitute } from "../ir/substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import { ComputeOp } from "../te/compute.js";
import { Tensor } from "../te/tensor.js";
import { freshAxes } from "./cache_read.js";
import { substituteCombiner } from "./body_substitute.js";
import { makeBoundCheck } from "./loop_nest.js";
import { passDownBitMaskOr, passDownDomain, passUpBitMaskOr, passUpIndex } from "./message_passing.js";
import type { IterVarRelation } from "./relations.js";
import { insertStage, refuseLostAttachPoints, replaceStageOp, stageOfTensor } from "./replace_dataflow.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

/** Leaves of a stage whose root axes are `roots` after applying `relations` in order. */
function replayLeaves(stage: Stage, roots: IterVar[], relations: IterVarRelation[], what: string): { all: IterVar[]; leaves: IterVar[] } {
  const all = [...roots];
  const leaves = [...roots];
  for (const rel of relations) {
    if (rel.kind === "split") {
      const p = leaves.indexOf(rel.parent);
      if (p < 0) throw new ScheduleError(`${what}: cannot carry the split of '${rel.parent.name}' over to the .rf stage`);
      leaves.splice(p, 1, rel.outer, rel.inner);
      all.push(rel.outer, rel.inner);
    } else if (rel.kind === "fuse") {
      const o = leaves.indexOf(rel.outer);
      const i = leaves.indexOf(rel.inner);
      if (o < 0 || i !== o + 1) {
        throw new ScheduleError(`${what}: loops '${rel.outer.name}' and '${rel.inner.name}', fused on '${stage.name}', are not adjacent on the .rf stage; rfactor before fusing them`);
      }
      leaves.splice(o, 2, rel.fused);
      all.push(rel.fused);
    } else if (rel.kind === "rebase") {
      const p = leaves.indexOf(rel.parent);
      if (p < 0) throw new ScheduleError(`${what}: cannot carry the rebase of '${rel.parent.name}' over to the .rf stage`);
      leaves.splice(p, 1, rel.rebased);
      all.push(rel.rebased);
    } else {
      leaves.unshift(rel.iter);
      all.push(rel.iter);
    }
  }
  return { all, leaves };
}

export function rfactor(sch: Schedule, tensor: Tensor, axis: IterVar, factorAxis = 0): Tensor[] {
  const what = tensor instanceof Tensor ? `rfactor of '${tensor.name}'` : "rfactor";
  const stage = stageOfTensor(sch, tensor, what);
  if (!(axis instanceof IterVar)) throw new ArgumentError(`${what}: expects a reduction loop (an IterVar) of '${stage.name}', got ${describe(axis)}`);
  if (axis.iterType !== "CommReduce") {
    throw new ScheduleError(`${what}: axis '${axis.name}' is a ${axis.iterType} axis; rfactor factors a reduction axis (a reduce axis of '${stage.name}', or a part of one after split)`);
  }
  const op = stage.op;
  if (!(op instanceof ComputeOp)) throw new ScheduleError(`${what}: only compute stages can be factored; '${stage.name}' is a ${op.constructor.name}`);
  if (!stage.leafIterVars.includes(axis)) {
    const why = stage.allIterVars.includes(axis) ? "it was split or fused; factor one of its leaves" : "it is not a loop of that stage";
    throw new ScheduleError(`${what}: cannot factor axis '${axis.name}': ${why} (leaf loops: ${stage.leafIterVars.map((x) => x.name).join(", ")})`);
  }
  if (!Number.isInteger(factorAxis)) throw new ArgumentError(`${what}: factorAxis must be an integer, got ${describe(factorAxis)}`);
  const ndim = op.axis.length;
  const pos = factorAxis >= 0 ? factorAxis : ndim + 1 + factorAxis;
  if (pos < 0 || pos > ndim) {
    throw new ScheduleError(`${what}: factorAxis ${factorAxis} is out of range; '${stage.name}' has ${ndim} dimensions, so the new axis goes at a position in [0, ${ndim}] (or [-${ndim + 1}, -1] from the end)`);
  }
  const reduce = op.body[tensor.valueIndex];
  if (!(reduce instanceof Reduce)) throw new ScheduleError(`${what}: '${stage.name}' is not a reduction`);

  // The loops the factored loop derives from or shares a parent with.
  const touch = new Map<IterVar, number>([[axis, 1]]);
  passUpBitMaskOr(stage, touch, true);
  passDownBitMaskOr(stage, touch, true);
  for (const iv of op.axis) {
    if (touch.has(iv)) {
      throw new ScheduleError(`${what}: loop '${axis.name}' was fused with data-parallel axis '${iv.name}'; rfactor needs a loop derived from reduction axes only`);
    }
  }
  for (const rel of stage.relations) {
    if (rel.kind !== "fuse" || !touch.has(rel.fused)) continue;
    const other = !touch.has(rel.outer) ? rel.outer : !touch.has(rel.inner) ? rel.inner : undefined;
    if (other) {
      throw new ScheduleError(`${what}: loop '${rel.fused.name}' fuses the reduction '${axis.name}' belongs to with data-parallel loop '${other.name}'; rfactor needs the reduction's loops kept apart from data-parallel ones`);
    }
  }
  refuseLostAttachPoints(sch, stage, [], what);

  // Ranges of the touched loops over the whole reduction, and each touched axis's value.
  const ana = new Analyzer();
  const domMap = new Map<IterVar, Range>();
  for (const iv of op.reduceAxis) {
    if (touch.has(iv)) domMap.set(iv, iv.dom!);
    ana.bind(iv.var, iv.dom!);
  }
  passDownDomain(stage, domMap, ana, true);
  const values = new Map<IterVar, PrimExpr>();
  for (const iv of stage.leafIterVars) {
    if (!touch.has(iv)) continue;
    const dom = domMap.get(iv)!;
    values.set(iv, isConstInt(dom.extent, 1) ? dom.min : iv.var);
  }
  passUpIndex(stage, domMap, values, true);
  const skip = new Set(stage.allIterVars.filter((iv) => !touch.has(iv)));
  const preds = makeBoundCheck(stage, domMap, values, true, skip);

  const axisDom = domMap.get(axis)!;
  if (!isConstInt(axisDom.min, 0)) {
    throw new ScheduleError(`${what}: reduction axis '${axis.name}' starts at ${axisDom.min}; rfactor needs a reduction domain starting at 0`);
  }
  const factored = new IterVar(axisDom, axis.var, "DataPar");
  const rfAxes = [...op.axis];
  rfAxes.splice(pos, 0, factored);

  preds.push(reduce.condition);
  const predicate = likely(preds.reduce((a, b) => logicalAnd(a, b), constant(true)));
  const vsub = new Map<Var, PrimExpr>();
  const rfReduceAxes: IterVar[] = [];
  for (const iv of op.reduceAxis) {
    if (!touch.has(iv)) rfReduceAxes.push(iv);
    else vsub.set(iv.var, values.get(iv)!);
  }
  for (const iv of stage.leafIterVars) {
    if (!touch.has(iv) || iv === axis) continue;
    if (iv.iterType !== "CommReduce") throw new ScheduleError(`${what}: loop '${iv.name}' shares a reduction with '${axis.name}' but is a ${iv.iterType} loop`);
    rfReduceAxes.push(new IterVar(domMap.get(iv)!, iv.var, iv.iterType, iv.threadTag));
  }
  const source = reduce.source.map((e) => substitute(e, vsub));
  const cond = substitute(predicate, vsub);
  const rfBody = source.map((_, i) => new Reduce(reduce.combiner, source, rfReduceAxes, cond, i, []));
  const rfOp = new ComputeOp(`${op.name}.rf`, op.tag, op.attrs, rfAxes, rfBody);

  // The .rf stage keeps the relations the factored loop does not touch (on other reductions).
  const kept = stage.relations.filter((rel) => {
    if (rel.kind === "split" || rel.kind === "rebase") return !touch.has(rel.parent);
    if (rel.kind === "fuse") return !touch.has(rel.fused);
    return true;
  });

  // The original stage: a reduction over the factored axis of the partial results.
  const vAxis = new IterVar(axisDom, new Var(`${axis.var.name}.v`, axis.var.dtype), "CommReduce");
  const replAxes = freshAxes(op.outputs[0].shape);
  const initSub = new Map<Var, PrimExpr>(op.axis.map((iv, d) => [iv.var, replAxes[d].var]));
  const init = reduce.init.map((e) => substitute(e, initSub));
  const replCombiner = substituteCombiner(reduce.combiner, initSub);
  const indices: PrimExpr[] = replAxes.map((iv) => iv.var);
  indices.splice(pos, 0, vAxis.var);
  const partials = rfOp.outputs.map((t) => new ProducerLoad(t, indices));
  const replBody = partials.map((_, i) => new Reduce(replCombiner, partials, [vAxis], constant(true), i, init));
  const repl = new ComputeOp(`${op.name}.repl`, "", {}, replAxes, replBody);

  const { all, leaves } = replayLeaves(stage, rfOp.rootIterVars(), kept, what);
  const rfStage = insertStage(sch, rfOp, sch.stages.indexOf(stage));
  rfStage.relations = kept;
  rfStage.allIterVars = all;
  rfStage.leafIterVars = leaves;

  replaceStageOp(sch, stage, repl);
  return rfOp.outputs;
}
