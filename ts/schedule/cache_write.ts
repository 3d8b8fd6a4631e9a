// Schedule.cacheWrite (TVM's cache_write, CacheWriteWithReLayout): the op's computation moves
// to a new stage writing a cache in another scope ("C.local", "C.global"), and the original
// stage becomes a copy from the cache into the tensor the user holds. Works for reductions
// (the cache stage reduces; the copy does not) and multi-output computes (one cache stage with
// all outputs).
//
// The cache is laid out as the original stage's loops were at the time of the call: one cache
// axis ("<leaf>.c") per data-parallel leaf loop, so a stage split into (i.outer, i.inner)
// caches into a [outer, inner] buffer, guarded where the split is uneven. The original stage's
// loops are reset to its plain axes (its splits are gone; the cache stage starts unscheduled).
// A stage whose reduction was split is refused, as TVM refuses it: the cache would have to hold
// one partial result per outer reduction loop, which is what rfactor of that loop builds (the
// blocked-reduction recipe the error names).

import { ScheduleError } from "../errors.js";
import { Reduce, type PrimExpr, ProducerLoad, Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { constant, ifThenElse, logicalAnd } from "../ir/op.js";
import { shareReduction, substituteBody } from "./body_substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import { ComputeOp } from "../te/compute.js";
import { TensorComputeOp } from "../te/tensor_compute.js";
import { cacheWriteTensorCompute } from "./cache_write_tensor_compute.js";
import { Tensor } from "../te/tensor.js";
import { checkScope } from "./cache_read.js";
import { makeBoundCheck } from "./loop_nest.js";
import { passDownDomain, passDownIndex, passUpIndex } from "./message_passing.js";
import { insertStage, refuseLostAttachPoints, replaceStageOp, stageOfTensor } from "./replace_dataflow.js";
import type { Schedule } from "./schedule.js";

/**
 * `body` guarded by `preds`: a reduction gets them in its condition, other bodies an
 * if_then_else. (TVM uses a select here, which evaluates the body also where the guard is
 * false: for an uneven split that reads past the end of the inputs.)
 */
function injectPredicate(preds: PrimExpr[], body: PrimExpr): PrimExpr {
  if (preds.length === 0) return body;
  const all = preds.reduce((a, b) => logicalAnd(a, b));
  if (body instanceof Reduce) {
    return new Reduce(body.combiner, body.source, body.axis, logicalAnd(body.condition, all), body.valueIndex, body.init);
  }
  return ifThenElse(all, body, constant(0, body.dtype));
}

export function cacheWrite(sch: Schedule, tensors: Tensor | Tensor[], scope: string): Tensor[] {
  const list = Array.isArray(tensors) ? tensors : [tensors];
  if (list.length === 0) throw new ScheduleError("cacheWrite: needs a tensor (or the tensors of one op) to cache");
  const first = list[0];
  const what = first instanceof Tensor ? `cacheWrite of '${first.name}'` : "cacheWrite";
  const stage = stageOfTensor(sch, first, what);
  checkScope(scope, what);
  for (const t of list.slice(1)) {
    if (stageOfTensor(sch, t, what) !== stage) {
      throw new ScheduleError(`${what}: all tensors must be outputs of one op, but '${t.name}' is computed by '${t.op.name}', not '${first.op.name}'`);
    }
  }
  const op = stage.op;
  if (!(op instanceof ComputeOp) && !(op instanceof TensorComputeOp)) {
    const kind = op.constructor.name === "PlaceholderOp" ? "a placeholder (an input of the program)" : `a ${op.constructor.name}`;
    throw new ScheduleError(`${what}: only compute stages can be cache-written; '${stage.name}' is ${kind}`);
  }
  if (Array.isArray(tensors) && list.length !== op.numOutputs) {
    throw new ScheduleError(`${what}: '${stage.name}' has ${op.numOutputs} outputs; pass all of them (got ${list.length})`);
  }
  if (stage.attachType === "inlinedAlready") {
    throw new ScheduleError(`${what}: '${stage.name}' was already inlined into its consumers (this schedule is normalized); cache-write it on the schedule before normalize()`);
  }
  // A tensor compute's cache is another tensor compute (cache_write_tensor_compute.ts).
  if (op instanceof TensorComputeOp) return cacheWriteTensorCompute(sch, stage, op, list, scope, what);
  const reduceAxes = new Set(op.reduceAxis);
  const dataLeaves = stage.leafIterVars.filter((iv) => !reduceAxes.has(iv));
  for (const iv of dataLeaves) {
    if (iv.iterType !== "DataPar") {
      throw new ScheduleError(`${what}: loop '${iv.name}' of '${stage.name}' is a ${iv.iterType} loop derived from a reduction axis; cacheWrite lays the cache out along data-parallel loops only (as TVM's cache_write), so split the reduction on the cache stage after cacheWrite instead. To block the reduction outside an accumulator tile, factor the block loop: s.rfactor(${first.name}, <the block loop>) gives a stage '${op.name}.rf' of partial sums that '${stage.name}' adds up block by block; compute it at a loop of '${stage.name}' below the block loop (docs/schedule.md, "Blocked reductions")`);
    }
  }
  refuseLostAttachPoints(sch, stage, op.axis, what);

  // Ranges of the data-parallel loops over the whole tensor, and the root axes in terms of them.
  const ana = new Analyzer();
  const domMap = new Map<IterVar, Range>();
  for (const iv of op.axis) {
    domMap.set(iv, iv.dom!);
    ana.bind(iv.var, iv.dom!);
  }
  passDownDomain(stage, domMap, ana, true);
  const newAxes: IterVar[] = [];
  const toNewVar = new Map<Var, PrimExpr>();
  const leafValues = new Map<IterVar, PrimExpr>();
  for (const iv of dataLeaves) {
    const dom = domMap.get(iv)!;
    const civ = new IterVar(dom, iv.var.copyWithSuffix(".c"), iv.iterType);
    newAxes.push(civ);
    leafValues.set(iv, iv.var);
    toNewVar.set(iv.var, civ.var);
  }
  passUpIndex(stage, domMap, leafValues, true);
  const preds = makeBoundCheck(stage, domMap, leafValues, true, reduceAxes);
  const rootValues = new Map<Var, PrimExpr>();
  for (const iv of op.axis) {
    const v = leafValues.get(iv);
    if (v !== undefined && v !== iv.var) rootValues.set(iv.var, v);
  }

  // The cache stage's body: the original body at the root values, guarded, over the new axes.
  const bodies = shareReduction(op.body.map((b) => substituteBody(injectPredicate(preds, substituteBody(b, rootValues)), toNewVar)));
  const cacheOp = new ComputeOp(`${op.name}.${scope}`, op.tag, op.attrs, newAxes, bodies);

  // The original op becomes a copy: it reads the cache where its own loops would have been.
  const axisValues = new Map<IterVar, PrimExpr>(op.axis.map((iv) => [iv, iv.var]));
  passDownIndex(stage, domMap, axisValues, true);
  const args = dataLeaves.map((iv) => axisValues.get(iv)!);
  const copyBodies = cacheOp.outputs.map((t) => new ProducerLoad(t, args));
  const copy = new ComputeOp(op.name, op.tag, op.attrs, op.axis, copyBodies);

  replaceStageOp(sch, stage, copy);
  insertStage(sch, cacheOp, sch.stages.indexOf(stage), scope, stage);
  return list.map((t) => cacheOp.output(t.valueIndex));
}
