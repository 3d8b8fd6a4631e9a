// Input regions of an extern stage. Without a region map an extern reads its whole inputs
// (TVM's behaviour). With one, the output region (symbolic min/extent per dimension, from the
// index sets of its axes) maps to a region per input: "elementwise" keeps it, a function
// computes it. Maps are checked once on the full output region: right rank, inside each input.

import { ScheduleError } from "../errors.js";
import { IntImm, type PrimExpr, Var } from "../ir/expr.js";
import { Range } from "../ir/iter_var.js";
import { add, ge, le, max, min, sub, describe } from "../ir/op.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet } from "../arith/int_set.js";
import { ExternOp, type Region } from "../te/extern.js";

function fullSet(extent: PrimExpr): IntSet {
  return IntSet.fromRange(new Range(new IntImm(extent.dtype, 0), extent));
}

/** Applies the op's region map to an output region, checking the result's shape. */
export function mapRegion(op: ExternOp, out: Region): Region[] {
  const map = op.regionMap!;
  if (map === "elementwise") {
    return op.inputs.map((t) => {
      if (t.ndim !== out.length) {
        throw new ScheduleError(`extern '${op.name}': regionMap "elementwise" needs every input to have the output's rank ${out.length}, but input '${t.name}' has rank ${t.ndim}`);
      }
      return out.map((r) => ({ ...r }));
    });
  }
  const regions = map(out.map((r) => ({ ...r })));
  if (!Array.isArray(regions) || regions.length !== op.inputs.length) {
    throw new ScheduleError(`extern '${op.name}': regionMap must return one region per input (${op.inputs.length}), got ${Array.isArray(regions) ? regions.length : describe(regions)}`);
  }
  return regions.map((reg, k) => {
    const t = op.inputs[k];
    if (!Array.isArray(reg) || reg.length !== t.ndim) {
      throw new ScheduleError(`extern '${op.name}': regionMap returned a region of rank ${Array.isArray(reg) ? reg.length : describe(reg)} for input '${t.name}', which has rank ${t.ndim}`);
    }
    return reg.map((r, d) => {
      if (!r || typeof r !== "object" || r.min === undefined || r.extent === undefined) {
        throw new ScheduleError(`extern '${op.name}': regionMap's region for input '${t.name}', dimension ${d}, must be {min, extent}, got ${describe(r)}`);
      }
      const min = typeof r.min === "number" ? new IntImm("int32", r.min) : r.min;
      const extent = typeof r.extent === "number" ? new IntImm("int32", r.extent) : r.extent;
      return { min, extent };
    });
  });
}

/**
 * The part of an output region inside the tensor: bound inference may ask for more (a consumer
 * reading `s[i - 1]` under a guard asks for element -1 at i = 0), and a tiled extern must only
 * be given, and only read for, elements that exist. Each dimension becomes
 * [max(min, 0), min(min + extent, shape)), of extent at least 0; bounds that provably hold stay.
 */
export function clipRegionToShape(region: Region, shape: readonly PrimExpr[], ana: Analyzer): Region {
  return region.map((r, d) => {
    const zero = new IntImm(r.min.dtype, 0);
    const lo = ana.canProve(ge(r.min, zero)) ? r.min : ana.simplify(max(r.min, zero));
    let end: PrimExpr = add(r.min, r.extent);
    if (!ana.canProve(le(end, shape[d]))) end = min(end, shape[d]);
    let extent = ana.simplify(sub(end, lo));
    if (!ana.canProve(ge(extent, zero))) extent = ana.simplify(max(extent, zero));
    return { min: lo, extent };
  });
}

/** Per input, per dimension: the index set the extern reads, given its axes' sets. */
export function externInputRegions(op: ExternOp, domMap: ReadonlyMap<Var, IntSet>, ana: Analyzer): IntSet[][] {
  if (op.regionMap === undefined) return op.inputs.map((t) => t.shape.map(fullSet));
  const out: Region = op.axis.map((iv) => {
    const s = domMap.get(iv.var) ?? IntSet.fromRange(iv.dom!);
    if (!s.hasLowerBound() || !s.hasUpperBound()) return { min: iv.dom!.min, extent: iv.dom!.extent };
    const min = s.minValue();
    return { min, extent: ana.simplify(add(sub(s.maxValue(), min), 1)) };
  });
  return mapRegion(op, clipRegionToShape(out, op.outputShape(0), ana)).map((reg) => reg.map((r) => IntSet.interval(r.min, sub(add(r.min, r.extent), 1))));
}

/** Checks the region map on the whole output: every input region must lie inside the input. */
export function checkRegionMap(op: ExternOp): void {
  if (op.regionMap === undefined) return;
  const out: Region = op.outputShape(0).map((e) => ({ min: new IntImm(e.dtype, 0), extent: e }));
  const ana = new Analyzer();
  mapRegion(op, out).forEach((reg, k) => {
    const t = op.inputs[k];
    reg.forEach((r, d) => {
      const lo = ana.simplify(r.min);
      const hi = ana.simplify(add(r.min, r.extent));
      if (!ana.canProve(ge(lo, 0)) || !ana.canProve(le(hi, t.shape[d]))) {
        throw new ScheduleError(`extern '${op.name}': regionMap reaches outside input '${t.name}' in dimension ${d}: it reads [${lo}, ${hi}) of extent ${t.shape[d]} for the full output`);
      }
    });
  });
}
