// The regions a tensorized loop nest covers (TVM's InferTensorizeRegion): the loops outside
// the tensorized axis are fixed at their current value, the tensorized axis and the loops
// inside it span their whole range; passing that up through the stage's relations gives the
// range of every root axis (the output region, and the reduction covered), and the op's
// accesses over those ranges give the region of every input.

import { type PrimExpr, type Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { isConstInt } from "../ir/expr.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet, unionSets } from "../arith/int_set.js";
import { ComputeOp } from "../te/compute.js";
import type { Tensor } from "../te/tensor.js";
import { passUpDomain } from "./message_passing.js";
import { type TensorDom, propComputeBoundToInputs } from "./op_bounds.js";
import type { Stage } from "./stage.js";
import { ScheduleError } from "../errors.js";

/** What {@link inferTensorizeRegion} finds. */
export interface TensorizeRegion {
  /** The position of the tensorized axis among the stage's leaf axes. */
  loc: number;
  /** The range each root axis (data-parallel and reduce) covers in one tensorized call. */
  outDom: Map<IterVar, Range>;
  /** The region of each input tensor one call reads. */
  inRegion: Map<Tensor, Range[]>;
}

/** The position of the stage's tensorized leaf axis, or -1. */
export function tensorizedLeaf(stage: Stage): number {
  return stage.leafIterVars.findIndex((iv) => stage.iterVarAttrs.get(iv)?.iterType === "Tensorized");
}

/**
 * The output and input regions one call of the stage's tensor intrinsic covers (TVM's
 * InferTensorizeRegion), from a normalized schedule's bounds (`inferBound(s.normalize())`).
 * @throws Error when the stage is not a tensorized compute stage.
 */
export function inferTensorizeRegion(stage: Stage, domMap: ReadonlyMap<IterVar, Range>): TensorizeRegion {
  const op = stage.op;
  if (!(op instanceof ComputeOp)) throw new ScheduleError(`stage '${stage.name}' is not a compute stage, so it has no tensorize region`);
  const loc = tensorizedLeaf(stage);
  if (loc < 0) throw new ScheduleError(`stage '${stage.name}' has no tensorized axis`);
  const leaves = stage.leafIterVars;
  const upState = new Map<IterVar, IntSet>();
  leaves.forEach((iv, i) => {
    const r = domMap.get(iv);
    if (!r) throw new ScheduleError(`stage '${stage.name}': no range inferred for loop '${iv.name}'`);
    if (isConstInt(r.extent, 1)) upState.set(iv, IntSet.single(r.min));
    else if (i < loc) {
      if (!isConstInt(r.min, 0)) throw new ScheduleError(`stage '${stage.name}': loop '${iv.name}' outside the tensorized axis must start at 0 (normalize the schedule), it starts at ${r.min}`);
      upState.set(iv, IntSet.single(iv.var));
    } else upState.set(iv, IntSet.fromRange(r));
  });
  passUpDomain(stage, domMap, upState);

  const ana = new Analyzer();
  const outDom = new Map<IterVar, Range>();
  const varSets = new Map<Var, IntSet>();
  for (const iv of op.rootIterVars()) {
    const set = upState.get(iv);
    if (!set) throw new ScheduleError(`stage '${stage.name}': cannot tell the range of axis '${iv.name}' inside the tensorized axis`);
    const r = set.coverRange(domMap.get(iv)!);
    const range = new Range(ana.simplify(r.min), ana.simplify(r.extent));
    outDom.set(iv, range);
    ana.bind(iv.var, range);
    varSets.set(iv.var, set);
  }

  const tmap: TensorDom = new Map();
  const inputs = op.inputTensors();
  for (const t of inputs) tmap.set(t, t.shape.map(() => []));
  propComputeBoundToInputs(op, ana, varSets, tmap);
  const inRegion = new Map<Tensor, Range[]>();
  for (const t of inputs) {
    inRegion.set(t, tmap.get(t)!.map((sets, d) => {
      const u = unionSets(sets);
      if (!u.hasLowerBound() || !u.hasUpperBound()) {
        throw new ScheduleError(`stage '${stage.name}': cannot tell which part of dimension ${d} of input '${t.name}' the tensorized loop nest reads`);
      }
      const min: PrimExpr = ana.simplify(u.minValue());
      return new Range(min, ana.simplify(u.coverRange(new Range(min, t.shape[d])).extent));
    }));
  }
  return { loc, outDom, inRegion };
}
