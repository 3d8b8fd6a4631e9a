// Statements of a compute stage (TVM's MakeComputeStmt): the loop nest over its leaf axes with
// guards for uneven splits, and the store of the body at the axes; a reduction gets an init
// nest (over the loops not touching reduce axes) before the update nest.

import { type PrimExpr, Reduce, isConstInt } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { ifThenElse, likely } from "../ir/op.js";
import { substitute } from "../ir/substitute.js";
import { IfThenElse, ProducerRealize, ProducerStore, SeqStmt, type Stmt, AttrStmt } from "../ir/stmt.js";
import { constant } from "../ir/op.js";
import { tuple } from "../ir/builtin.js";
import { ComputeOp } from "../te/compute.js";
import { makeBoundCheck, makeIfNest, makeLoopNest, mergeNest } from "./loop_nest.js";
import { passDownBitMaskOr } from "./message_passing.js";
import type { Operation } from "../te/operation.js";
import type { Stage } from "./stage.js";
import type { Var } from "../ir/expr.js";

function varMap(valueMap: ReadonlyMap<IterVar, PrimExpr>): Map<Var, PrimExpr> {
  const m = new Map<Var, PrimExpr>();
  for (const [iv, v] of valueMap) if (v !== iv.var) m.set(iv.var, v);
  return m;
}

/** The combiner applied to (current value, source): one update expression per output. */
function combine(r: Reduce, lhs: PrimExpr[]): PrimExpr[] {
  const vmap = new Map<Var, PrimExpr>();
  r.combiner.lhs.forEach((v, i) => vmap.set(v, lhs[i]));
  r.combiner.rhs.forEach((v, i) => vmap.set(v, r.source[i]));
  return r.combiner.result.map((e) => substitute(e, vmap));
}

/**
 * A reduction left with no reduce axes (rfactor of a whole axis makes one) is one step: its
 * source where its condition holds, else the identity (or init). TVM stores the Reduce and its
 * simplifier turns it into a select, which reads the source also where the condition (e.g. a
 * tail guard added by cacheWrite) is false; if_then_else reads it only where it holds.
 */
function axislessReduce(e: PrimExpr): PrimExpr {
  if (!(e instanceof Reduce) || e.axis.length > 0) return e;
  const k = e.valueIndex;
  const value = e.init.length > 0 ? combine(e, e.init)[k] : e.source[k];
  const otherwise = e.init.length > 0 ? e.init[k] : e.combiner.identity[k];
  return ifThenElse(e.condition, value, otherwise);
}

function makeReduction(op: ComputeOp): { init: Stmt; provide: Stmt } {
  const args = op.axis.map((iv) => iv.var);
  const r = op.body[0] as Reduce;
  const outs = op.outputs;
  const lhs = outs.map((t) => t.at(...args));
  const initValues = r.init.length > 0 ? r.init : r.combiner.identity;
  const updates = combine(r, lhs);
  const init = SeqStmt.flatten(outs.map((t, i) => new ProducerStore(t, initValues[i], args)));
  let provide = SeqStmt.flatten(outs.map((t, i) => new ProducerStore(t, updates[i], args)));
  if (!isConstInt(r.condition, 1)) provide = new IfThenElse(r.condition, provide);
  return { init, provide };
}

export function buildComputeProvide(op: ComputeOp, stage: Stage, domMap: ReadonlyMap<IterVar, Range>): Stmt {
  const mainVmap = new Map<IterVar, PrimExpr>();
  const mainNest = makeLoopNest(stage, domMap, 0, false, new Set(), mainVmap);
  const mainPreds = makeBoundCheck(stage, domMap, mainVmap, false, new Set()).map((p) => likely(p));
  mainNest.push(makeIfNest(mainPreds));
  if (op.reduceAxis.length === 0) {
    const args = op.axis.map((iv) => iv.var);
    const provide = SeqStmt.flatten(op.outputs.map((t, i) => new ProducerStore(t, axislessReduce(op.body[i]), args)));
    return substitute(mergeNest(mainNest, provide), varMap(mainVmap));
  }
  const updateState = new Map<IterVar, number>();
  for (const iv of op.reduceAxis) updateState.set(iv, 2);
  for (const iv of op.axis) updateState.set(iv, 1);
  passDownBitMaskOr(stage, updateState);
  const leaves = stage.leafIterVars;
  let beginLoop = leaves.length;
  const initVmap = new Map<IterVar, PrimExpr>();
  for (let i = 0; i < leaves.length; i++) {
    const flag = updateState.get(leaves[i]) ?? 0;
    if ((flag & 2) !== 0) {
      beginLoop = i;
      break;
    }
    initVmap.set(leaves[i], mainVmap.get(leaves[i])!);
  }
  const skipIter = new Set<IterVar>();
  for (const [iv, flag] of updateState) if (flag === 2) skipIter.add(iv);
  const initNest = makeLoopNest(stage, domMap, beginLoop, true, skipIter, initVmap);
  const initPreds = makeBoundCheck(stage, domMap, initVmap, true, skipIter).map((p) => likely(p));
  initNest.push(makeIfNest(initPreds));
  const { init: initStore, provide: update } = makeReduction(op);
  const init = substitute(mergeNest(initNest, initStore), varMap(initVmap));
  const common = mainNest.slice(0, beginLoop + 1);
  const reduce = mainNest.slice(beginLoop + 1);
  const provide = mergeNest(common, SeqStmt.flatten([init, mergeNest(reduce, update)]));
  return substitute(provide, varMap(mainVmap));
}

/** ProducerRealize of every output over the inferred ranges of the axes (+ storage alignment). */
export function buildComputeRealize(op: Operation, stage: Stage, domMap: ReadonlyMap<IterVar, Range>, body: Stmt): Stmt {
  const bounds = op.axis.map((iv) => domMap.get(iv)!);
  let realize = body;
  for (let k = op.numOutputs - 1; k >= 0; k--) {
    const t = op.output(k);
    realize = new ProducerRealize(t, bounds, constant(true), realize);
    op.axis.forEach((iv, d) => {
      const a = stage.iterVarAttrs.get(iv);
      if (a && a.dimAlignFactor !== 0) {
        realize = new AttrStmt(t, "buffer_dim_align", tuple([constant(d), constant(a.dimAlignFactor), constant(a.dimAlignOffset)]), realize);
      }
    });
  }
  return realize;
}
