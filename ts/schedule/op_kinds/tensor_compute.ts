// The tensor compute kind (TVM's TensorComputeOp): a compute whose body is a tensor intrinsic
// called over tensor slices. It reads, of each input, its slice over the index sets of its
// axes; its axes cover what its consumers ask, but the intrinsic's own (opaque) axes are always
// whole (one call writes them all); it lowers to the loops of its schedulable axes around the
// intrinsic's statement, inside one buffer_bind_scope per input slice and per output (the
// binding code tensorize uses), its scalar parameters replaced by the call's values. Under a
// reduction the intrinsic's reset runs before the reduction loops and its update inside them
// (without a reset, its body in the first reduction iteration), as a tensorized reduction.

import { ScheduleError } from "../../errors.js";
import { Analyzer } from "../../arith/analyzer.js";
import { evalSetRange } from "../../arith/int_set.js";
import type { PrimExpr, Var } from "../../ir/expr.js";
import { type IterVar, Range } from "../../ir/iter_var.js";
import { constant, gt, likely, logicalOr } from "../../ir/op.js";
import { printExpr } from "../../ir/printer.js";
import { IfThenElse, SeqStmt, type Stmt } from "../../ir/stmt.js";
import { substitute, usesVar } from "../../ir/substitute.js";
import { TensorComputeOp } from "../../te/tensor_compute.js";
import { buildComputeRealize } from "../compute_provide.js";
import { makeIfNest, mergeNest } from "../loop_nest.js";
import { clipToShape, gatherAxesBound, pushRequest } from "../op_bounds.js";
import type { OpKind } from "../op_kind.js";
import type { Stage } from "../stage.js";
import { bindScope, makeLoopNests, varMap } from "../tensorize.js";

function buildTensorComputeProvide(op: TensorComputeOp, stage: Stage, domMap: ReadonlyMap<IterVar, Range>): Stmt {
  const where = `tensor compute '${op.name}' (intrinsic '${op.intrin.name}')`;
  const intrin = op.intrin;
  const leaves = stage.leafIterVars;
  const nests = makeLoopNests(op, stage, domMap);
  const tloc = leaves.length;

  const inputBinds = op.inputs.map((t, i) => bindScope(intrin.buffers[i], t, op.inputRegions[i]));
  // Each call writes one element of the schedulable axes and the whole of the intrinsic's.
  const outRegion = op.axis.map((iv, d) => (d < op.schedulableNdim ? new Range(iv.var, constant(1, iv.var.dtype)) : iv.dom!));
  const outputBinds = op.outputs.map((t, i) => bindScope(intrin.buffers[op.inputs.length + i], t, outRegion));
  const scalars = new Map<Var, PrimExpr>(intrin.scalarParams.map((v, i) => [v, op.scalarInputs[i]]));
  const bound = (s: Stmt): Stmt => substitute(mergeNest(inputBinds, mergeNest(outputBinds, s)), scalars);

  if (op.reduceAxis.length === 0) {
    if (!intrin.body) throw new ScheduleError(`${where}: the intrinsic has no body (only reset/update), and the call reduces over nothing`);
    const nest = [...nests.main.slice(0, tloc + 1), makeIfNest(nests.mainPreds)];
    return substitute(mergeNest(nest, bound(intrin.body)), varMap(nests.mainVmap));
  }
  if (!intrin.reduceUpdate) {
    throw new ScheduleError(`${where}: the call reduces over ${op.reduceAxis.map((iv) => `'${iv.name}'`).join(", ")}, so the intrinsic needs an update (fcompute returning [body, reset, update])`);
  }
  const common = nests.main.slice(0, nests.common + 1);
  const updateNest = [...nests.main.slice(nests.common + 1, tloc + 1), makeIfNest(nests.mainPreds)];
  if (intrin.reduceInit) {
    const initNest = [...nests.init.slice(0, tloc + 1), makeIfNest(nests.initPreds)];
    const init = mergeNest(initNest, substitute(mergeNest(outputBinds, intrin.reduceInit), varMap(nests.initVmap)));
    const update = mergeNest(updateNest, substitute(bound(intrin.reduceUpdate), varMap(nests.mainVmap)));
    return mergeNest(common, SeqStmt.flatten([init, update]));
  }
  if (!intrin.body) throw new ScheduleError(`${where}: the intrinsic has neither a reset nor a body to start the reduction with`);
  // No reset: the body in the first iteration of the reduction loops, the update in the others.
  const conds: PrimExpr[] = [];
  const reduceVars = new Set<Var>();
  for (const iv of leaves) {
    if (iv.iterType !== "CommReduce") continue;
    conds.push(likely(gt(iv.var, domMap.get(iv)!.min)));
    reduceVars.add(iv.var);
  }
  for (const p of nests.mainPreds) {
    if (usesVar(p, (v) => reduceVars.has(v))) {
      throw new ScheduleError(`${where}: the split guard ${printExpr(p)} depends on a reduction loop, which decides whether the intrinsic resets or updates`);
    }
  }
  const step = new IfThenElse(conds.reduce((a, b) => logicalOr(a, b)), intrin.reduceUpdate, intrin.body);
  return mergeNest(common, mergeNest(updateNest, substitute(bound(step), varMap(nests.mainVmap))));
}

export const tensorComputeKind: OpKind<TensorComputeOp> = {
  name: "tensor compute",
  matches: (op): op is TensorComputeOp => op instanceof TensorComputeOp,
  propBoundToInputs(op, ana, domMap, tmap) {
    op.inputs.forEach((t, i) => {
      if (!tmap.has(t)) return;
      op.inputRegions[i].forEach((r, d) => pushRequest(tmap, t, d, clipToShape(evalSetRange(r, domMap), t.shape[d], ana)));
    });
  },
  gatherBound(op, tmap, rmap) {
    gatherAxesBound(op, tmap, rmap);
    for (const iv of op.axis.slice(op.schedulableNdim)) rmap.set(iv, iv.dom!);
  },
  buildProvide: buildTensorComputeProvide,
  buildRealize: buildComputeRealize,
  explain(op, _stage, bounds) {
    const ana = new Analyzer();
    const ranges = op.axis.map((iv) => bounds.get(iv)!);
    const reasons = [`each call of intrinsic '${op.intrin.name}' writes [${op.axis.slice(op.schedulableNdim).map((iv) => ana.simplify(iv.dom!.extent)).join(", ")}] of its last dimensions`];
    if (op.reduceAxis.length > 0) reasons.push(`accumulates over ${op.reduceAxis.map((iv) => iv.name).join(", ")}`);
    return { kind: "tensor compute", ranges, reasons };
  },
};
