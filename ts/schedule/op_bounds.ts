// Helpers the op kinds share for their half of bound inference (op_kinds/*.ts): the requests
// each consumer makes of an op's output tensors (TensorDom), a request clipped to the tensor's
// shape, and the ranges of an op's own axes from those requests (GatherBound of the kinds whose
// axes are their output's dimensions: compute and extern).

import { IntImm, type PrimExpr, type ProducerLoad, Reduce, type Var } from "../ir/expr.js";
import { ExprVisitor } from "../ir/functor.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { eq, ge, le, lt, max as opMax, sub } from "../ir/op.js";
import { DataType } from "../ir/dtype.js";
import type { Analyzer } from "../arith/analyzer.js";
import { IntSet, evalSet, unionSets } from "../arith/int_set.js";
import type { ComputeOp } from "../te/compute.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";

/** Per output tensor, per dimension: the index sets its consumers asked for. */
export type TensorDom = Map<Tensor, IntSet[][]>;

/** Adds a request for dimension `dim` of `t`. */
export function pushRequest(tmap: TensorDom, t: Tensor, dim: number, s: IntSet): void {
  tmap.get(t)![dim].push(s);
}

/** Clips an index set to the tensor's shape where that is provably tighter (as TVM does). */
export function clipToShape(set: IntSet, extent: PrimExpr, ana: Analyzer): IntSet {
  const lo = new IntImm(extent.dtype, 0);
  const hi = sub(extent, 1);
  if (set.isNothing()) return set;
  const given = { min: set.hasLowerBound() ? set.minValue() : undefined, max: set.hasUpperBound() ? set.maxValue() : undefined };
  let min = given.min;
  let max = given.max;
  if (min === undefined || ana.canProve(ge(lo, min))) min = lo;
  if (max === undefined || ana.canProve(le(hi, max))) max = hi;
  const moved = (now: PrimExpr, was: PrimExpr | undefined) => was === undefined || !ana.canProve(eq(now, was));
  // A request wholly outside the shape (a guarded read such as a padding's) needs nothing;
  // clipping one end alone would leave an interval of negative extent.
  if (ana.canProve(lt(max, min))) return IntSet.nothing();
  // Clipping one end for every iteration may still leave the other below it at some iterations
  // (a padding read j - 2 for j in [0, 3): min clipped to 0, max j - 2 < 0 at j < 2), which would
  // realize a negative extent there: keep at least one element (compute stages are guarded).
  if (moved(min, given.min) !== moved(max, given.max) && !ana.canProve(ge(max, min))) max = opMax(max, min);
  return IntSet.interval(min, max);
}

/**
 * Ranges of `op`'s data axes (one an output dimension) from the requests gathered in `tmap`,
 * and its reduce axes over their domain.
 */
export function gatherAxesBound(op: Operation, tmap: TensorDom, rmap: Map<IterVar, Range>): void {
  const axes = op.axis;
  if (axes.length > 0) {
    axes.forEach((iv, d) => {
      const requests: IntSet[] = [];
      for (const t of op.outputs) requests.push(...(tmap.get(t)?.[d] ?? []));
      const u = requests.length === 0 ? IntSet.fromRange(iv.dom!) : unionSets(requests);
      rmap.set(iv, u.isNothing() ? new Range(new IntImm(DataType.int32(), 0), new IntImm(DataType.int32(), 0)) : u.coverRange(iv.dom!));
    });
  }
  for (const iv of op.reduceAxis) rmap.set(iv, iv.dom!);
}

/**
 * A compute op's half of bound inference (TVM's ComputeOp PropBoundToInputs): of each input in
 * `tmap`, the indices its body reads over the index sets of `domMap`. Used by the compute kind and
 * by tensorize's region inference (tensorize_region.ts), which asks it over the tensorized tile.
 */
export function propComputeBoundToInputs(op: ComputeOp, ana: Analyzer, domMap: ReadonlyMap<Var, IntSet>, tmap: TensorDom): void {
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
}
