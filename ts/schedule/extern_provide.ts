// Statements of an extern stage, as TVM's ExternOp builds them: the body under
// `attr [0] "extern_scope" = 0`, wrapped (outermost first) in one `buffer_bind_scope` per input
// and output that binds the placeholder buffer to the region of the real tensor it stands for.
// Without a region map the regions are whole tensors; with one, the output region is the tile
// given by bound inference (and, for split axes, the current tile), cut to the tensor, and
// inputs follow the map.

import { DataType } from "../ir/dtype.js";
import type { Buffer } from "../ir/buffer.js";
import { IntImm, type PrimExpr, type Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { add, constant, le, min, sub } from "../ir/op.js";
import { AttrStmt, ProducerRealize, type Stmt } from "../ir/stmt.js";
import { tuple } from "../ir/builtin.js";
import { substitute } from "../ir/substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet } from "../arith/int_set.js";
import { ExternOp, type Region } from "../te/extern.js";
import type { Tensor } from "../te/tensor.js";
import { clipRegionToShape, mapRegion } from "./extern_region.js";
import { makeLoopNest, mergeNest } from "./loop_nest.js";
import { passUpDomain } from "./message_passing.js";
import type { Stage } from "./stage.js";

export const EXTERN_SCOPE = "extern_scope";
export const BUFFER_BIND_SCOPE = "buffer_bind_scope";

function bindScope(buffer: Buffer, tensor: Tensor, region: Region, body: Stmt): Stmt {
  const args: PrimExpr[] = [];
  for (const r of region) args.push(r.min, r.extent);
  return new AttrStmt([buffer, tensor], BUFFER_BIND_SCOPE, tuple(args), body);
}

function wholeRegion(shape: PrimExpr[]): Region {
  return shape.map((e) => ({ min: new IntImm(e.dtype, 0), extent: e }));
}

/**
 * Leaf axes of a tiled extern that are loops: the outer parts of splits, in leaf order. Every
 * other leaf axis spans the tile one call covers (the tile is a box, so their order is free).
 */
export function externLoopAxes(stage: Stage): IterVar[] {
  const outers = new Set<IterVar>();
  for (const r of stage.relations) if (r.kind === "split") outers.add(r.outer);
  return stage.leafIterVars.filter((iv) => outers.has(iv));
}

/** The region one call covers: leaf loops fixed at their value, tile axes over their range. */
function tileRegion(op: ExternOp, stage: Stage, domMap: ReadonlyMap<IterVar, Range>, loops: IterVar[]): Region {
  const ana = new Analyzer();
  for (const [iv, r] of domMap) ana.bind(iv.var, r);
  const up = new Map<IterVar, IntSet>();
  for (const iv of stage.leafIterVars) {
    const r = domMap.get(iv)!;
    up.set(iv, loops.includes(iv) ? IntSet.single(iv.var) : IntSet.fromRange(r));
  }
  passUpDomain(stage, domMap, up, { clipToRange: true });
  const shape = op.output(0).shape;
  return op.axis.map((iv, d) => {
    const realized = domMap.get(iv)!;
    const s = up.get(iv)!;
    const lo = ana.simplify(s.hasLowerBound() ? s.minValue() : realized.min);
    const hiExclusive = s.hasUpperBound() ? add(s.maxValue(), 1) : add(realized.min, realized.extent);
    // A tail tile of an uneven split is cut at the end of the realized region and of the tensor.
    let end = ana.simplify(hiExclusive);
    for (const limit of [add(realized.min, realized.extent), shape[d]]) {
      if (!ana.canProve(le(end, limit))) end = ana.simplify(min(end, limit));
    }
    return { min: lo, extent: ana.simplify(sub(end, lo)) };
  });
}

export function buildExternProvide(op: ExternOp, stage: Stage, domMap: ReadonlyMap<IterVar, Range>): Stmt {
  let ret: Stmt = new AttrStmt(new IntImm(DataType.int32(), 0), EXTERN_SCOPE, new IntImm(DataType.int32(), 0), op.body);
  if (op.regionMap === undefined) {
    for (let i = op.outputPlaceholders.length - 1; i >= 0; i--) {
      ret = bindScope(op.outputPlaceholders[i], op.output(i), wholeRegion(op.output(i).shape), ret);
    }
    for (let i = op.inputs.length - 1; i >= 0; i--) {
      ret = bindScope(op.inputPlaceholders[i], op.inputs[i], wholeRegion(op.inputs[i].shape), ret);
    }
    return ret;
  }
  const loops = externLoopAxes(stage);
  const ana = new Analyzer();
  for (const [iv, r] of domMap) ana.bind(iv.var, r);
  const out = clipRegionToShape(tileRegion(op, stage, domMap, loops), op.output(0).shape, ana);
  const ins = mapRegion(op, out);
  ret = bindScope(op.outputPlaceholders[0], op.output(0), out, ret);
  for (let i = op.inputs.length - 1; i >= 0; i--) ret = bindScope(op.inputPlaceholders[i], op.inputs[i], ins[i], ret);
  if (loops.length === 0) return ret;
  const valueMap = new Map<IterVar, PrimExpr>();
  const skip = new Set(stage.leafIterVars.filter((iv) => !loops.includes(iv)));
  const nest = makeLoopNest(stage, domMap, 0, false, skip, valueMap);
  const vmap = new Map<Var, PrimExpr>();
  for (const iv of loops) {
    const v = valueMap.get(iv)!;
    if (v !== iv.var) vmap.set(iv.var, v);
  }
  return substitute(mergeNest(nest, ret), vmap);
}

export function buildExternRealize(op: ExternOp, domMap: ReadonlyMap<IterVar, Range>, body: Stmt): Stmt {
  let realize = body;
  for (let k = op.numOutputs - 1; k >= 0; k--) {
    const t = op.output(k);
    const bounds = op.regionMap === undefined
      ? t.shape.map((e) => new Range(constant(0, e.dtype), e))
      : op.axis.map((iv) => domMap.get(iv)!);
    realize = new ProducerRealize(t, bounds, constant(true), realize);
  }
  return realize;
}
