// Bound inference (TVM's InferBound): the range of every iteration variable of every stage.
// Stages are visited from outputs to inputs. A stage's root range is the union of what its
// consumers read, where each consumer's loops inside the attach point are relaxed over their
// whole range and loops at or outside it are single points; leaf ranges then follow the
// split/fuse relations. Allocation sizes and loop extents come from the result.

import { InternalError, ScheduleError } from "../errors.js";
import { Var, isConstInt } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { add, sub } from "../ir/op.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet, evalSet } from "../arith/int_set.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import { type AttachPath, createAttachPath } from "./attach_path.js";
import { createFeedGraph, createReadGraph, type FeedGraph } from "./graph.js";
import { passDownDomain, passUpDomain } from "./message_passing.js";
import type { TensorDom } from "./op_bounds.js";
import { opKindOf } from "./op_kinds/index.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";
import type { BoundTrace } from "./bound_trace.js";

interface Context {
  feedGraph: FeedGraph;
  attachPath: AttachPath;
  op2stage: Map<Operation, Stage>;
  trace?: BoundTrace;
}

function needRelax(foundAttach: boolean): boolean {
  return !foundAttach;
}

function inferRootBound(stage: Stage, ctx: Context, rmap: Map<IterVar, Range>): void {
  if (stage.attachType === "inlinedAlready") return;
  if (stage.attachType === "inline") throw new ScheduleError(`stage '${stage.name}' must be normalized before bound inference`);
  const kind = opKindOf(stage.op);
  if (stage.isOutput || kind.isInput) {
    for (const iv of stage.op.rootIterVars()) rmap.set(iv, iv.dom!);
    return;
  }
  const tmap: TensorDom = new Map();
  const consumers: Operation[] = [];
  for (const t of stage.op.outputs) {
    tmap.set(t, t.shape.map(() => []));
    for (const op of ctx.feedGraph.get(t) ?? []) if (!consumers.includes(op)) consumers.push(op);
  }
  const stageAttach = ctx.attachPath.get(stage.op) ?? [];
  for (const op of consumers) {
    const relaxSet = new Map<Var, IntSet>();
    const upState = new Map<IterVar, IntSet>();
    const relaxed: IterVar[] = [];
    const fixed: IterVar[] = [];
    let foundAttach = false;
    const opStage = ctx.op2stage.get(op);
    if (!opStage) throw new InternalError(`stage of consumer '${op.name}' not found`);
    // Leaves that each execution spans whole (a tiled extern's tile): whatever the attach
    // point, a producer must supply all of them (they have no loop variable to fix).
    const consumerKind = opKindOf(opStage.op);
    const tileAxes = consumerKind.spannedLeaves?.(opStage);
    for (let i = opStage.leafIterVars.length - 1; i >= 0; i--) {
      const iv = opStage.leafIterVars[i];
      if (stageAttach.length > 0 && iv === stageAttach[0]) foundAttach = true;
      const vrange = rmap.get(iv);
      if (!vrange) throw new InternalError(`no range inferred for loop '${iv.name}' of '${opStage.name}'`);
      if (isConstInt(vrange.extent, 1)) {
        upState.set(iv, IntSet.single(vrange.min));
      } else if (!needRelax(foundAttach) && !tileAxes?.has(iv)) {
        upState.set(iv, IntSet.single(iv.var));
        fixed.push(iv);
      } else {
        upState.set(iv, IntSet.fromRange(vrange));
        relaxed.push(iv);
      }
    }
    for (const iv of ctx.attachPath.get(op) ?? []) {
      if (stageAttach.length > 0 && iv === stageAttach[0]) foundAttach = true;
      const vrange = rmap.get(iv)!;
      if (needRelax(foundAttach)) {
        relaxSet.set(iv.var, IntSet.fromRange(vrange));
        relaxed.push(iv);
      } else {
        fixed.push(iv);
      }
    }
    if (!foundAttach && stageAttach.length > 0) {
      throw new ScheduleError(`invalid schedule: stage '${stage.name}' is computed at loop '${stageAttach[0].name}', but its consumer '${op.name}' is not inside that loop (attach the consumer inside it too, or compute '${stage.name}' at a loop of '${op.name}')`);
    }
    passUpDomain(opStage, rmap, upState);
    const domMap = new Map<Var, IntSet>();
    const ana = new Analyzer();
    for (const iv of op.rootIterVars()) {
      const up = upState.get(iv);
      // A root axis that is no loop (a scan's spatial axes) spans the range inferred for it:
      // TVM takes its whole domain, which computes a shrunk scan's init and update past the
      // storage bound inference gave the scan.
      const r = up ? up.coverRange(iv.dom!) : rmap.get(iv) ?? iv.dom!;
      if (relaxSet.size > 0) {
        const lo = evalSet(r.min, relaxSet);
        const hi = evalSet(sub(add(r.min, r.extent), 1), relaxSet);
        domMap.set(iv.var, IntSet.interval(lo.minValue(), hi.maxValue()));
      } else {
        domMap.set(iv.var, IntSet.fromRange(r));
      }
      ana.bind(iv.var, r);
    }
    const before = ctx.trace ? snapshot(tmap) : undefined;
    consumerKind.propBoundToInputs(op, ana, domMap, tmap);
    if (ctx.trace && before) ctx.trace.consumerRequest(stage, opStage, tmap, before, relaxed, fixed);
  }
  kind.gatherBound(stage.op, tmap, rmap);
}

function snapshot(tmap: TensorDom): Map<Tensor, number[]> {
  return new Map([...tmap].map(([t, dims]) => [t, dims.map((d) => d.length)]));
}

/** Ranges of all iteration variables of a normalized schedule. */
export function inferBound(sch: Schedule, trace?: BoundTrace): Map<IterVar, Range> {
  const roots = sch.outputs.map((op) => sch.stage(op).op);
  const ctx: Context = {
    feedGraph: createFeedGraph(createReadGraph(roots)),
    attachPath: createAttachPath(sch),
    op2stage: new Map(sch.stages.map((s) => [s.op, s])),
    trace,
  };
  const ret = new Map<IterVar, Range>();
  const ana = new Analyzer();
  for (let i = sch.stages.length - 1; i >= 0; i--) {
    const stage = sch.stages[i];
    inferRootBound(stage, ctx, ret);
    for (const iv of stage.op.rootIterVars()) {
      const r = ret.get(iv);
      if (r) ana.bind(iv.var, r);
    }
    // An inlined stage has no loops: splits made before computeInline are ignored.
    if (stage.attachType !== "inlinedAlready") passDownDomain(stage, ret, ana);
  }
  for (const [iv, r] of ret) ret.set(iv, new Range(ana.simplify(r.min), ana.simplify(r.extent)));
  return ret;
}
