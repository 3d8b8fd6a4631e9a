// Passing information along a stage's iteration-variable relations (TVM's message_passing):
// ranges down from root axes to leaf loops, index values up from loops to root axes, index
// sets up (for bound inference of producers), and which axes need a bound check.

import { InternalError, ScheduleError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { IntImm, type PrimExpr, isConstInt } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { add, cast, floordiv, floormod, mul, sub, eq, lt } from "../ir/op.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet, evalSet, intersectSets } from "../arith/int_set.js";
import type { Stage } from "./stage.js";

const zero = (): IntImm => new IntImm(DataType.int32(), 0);

function ceilDiv(a: PrimExpr, b: PrimExpr, ana: Analyzer): PrimExpr {
  if (ana.canProve(eq(floormod(a, b), 0))) return ana.simplify(floordiv(a, b));
  return ana.simplify(floordiv(add(a, sub(b, 1)), b));
}

function setRange(state: Map<IterVar, Range>, iv: IterVar, r: Range, ana: Analyzer, stage: Stage): void {
  const old = state.get(iv);
  if (!old) {
    state.set(iv, r);
    ana.bind(iv.var, r);
    return;
  }
  if (!(isConstInt(old.min, 0) && ana.canProve(eq(sub(r.extent, old.extent), 0)))) {
    throw new ScheduleError(`stage '${stage.name}': axis '${iv.name}' has two inferred extents, ${old.extent} and ${r.extent}`);
  }
}

const INT32_MAX = 2 ** 31 - 1;

/**
 * A fused loop's extent is the product of its axes' extents, in the axes' (int32) index type:
 * a product past 2^31 - 1 would wrap and the loop would run a wrong number of iterations, so it
 * is refused when both extents are known.
 */
function checkFusedExtentFits(stage: Stage, outerAxis: IterVar, outer: PrimExpr, innerAxis: IterVar, inner: PrimExpr): void {
  if (!(outer instanceof IntImm) || !(inner instanceof IntImm) || outer.dtype.bits > 32) return;
  const product = Number(outer.value) * Number(inner.value);
  if (product <= INT32_MAX) return;
  throw new ScheduleError(`stage '${stage.name}': fusing '${outerAxis.name}' (extent ${outer.value}) and '${innerAxis.name}' (extent ${inner.value}) gives a loop of ${product} iterations, more than an int32 loop variable holds (${INT32_MAX}); fuse fewer axes or split first`);
}

/** Ranges of the leaf loops from the ranges of the root axes (split, fuse, rebase, singleton). */
export function passDownDomain(stage: Stage, state: Map<IterVar, Range>, ana: Analyzer, allowMissing = false): void {
  const tighten = (parentExtent: PrimExpr, factor: PrimExpr): PrimExpr => {
    if (allowMissing || isConstInt(parentExtent, 0)) return factor;
    return ana.canProve(lt(parentExtent, factor)) ? ana.simplify(parentExtent) : ana.simplify(factor);
  };
  for (const rel of stage.relations) {
    if (rel.kind === "split") {
      const parent = state.get(rel.parent);
      if (!parent) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no range for axis '${rel.parent.name}' before its split`);
      }
      const t = parent.extent.dtype;
      if (rel.factor) {
        setRange(state, rel.inner, new Range(zero(), cast(t, tighten(parent.extent, rel.factor))), ana, stage);
        setRange(state, rel.outer, new Range(zero(), ceilDiv(parent.extent, rel.factor, ana)), ana, stage);
      } else {
        setRange(state, rel.outer, new Range(zero(), cast(t, tighten(parent.extent, rel.nparts!))), ana, stage);
        setRange(state, rel.inner, new Range(zero(), ceilDiv(parent.extent, rel.nparts!, ana)), ana, stage);
      }
    } else if (rel.kind === "fuse") {
      const outer = state.get(rel.outer);
      const inner = state.get(rel.inner);
      if (!outer || !inner) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no range for the axes fused into '${rel.fused.name}'`);
      }
      checkFusedExtentFits(stage, rel.outer, outer.extent, rel.inner, inner.extent);
      setRange(state, rel.fused, new Range(zero(), mul(outer.extent, inner.extent)), ana, stage);
    } else if (rel.kind === "rebase") {
      const parent = state.get(rel.parent);
      if (!parent) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no range for axis '${rel.parent.name}'`);
      }
      setRange(state, rel.rebased, new Range(zero(), parent.extent), ana, stage);
    } else {
      setRange(state, rel.iter, new Range(zero(), new IntImm(DataType.int32(), 1)), ana, stage);
    }
  }
}

/** Values of the root axes (and intermediate ones) from the values of the leaf loops. */
export function passUpIndex(stage: Stage, domMap: ReadonlyMap<IterVar, Range>, state: Map<IterVar, PrimExpr>, allowMissing = false): void {
  for (let i = stage.relations.length - 1; i >= 0; i--) {
    const rel = stage.relations[i];
    if (rel.kind === "split") {
      const outer = state.get(rel.outer);
      const inner = state.get(rel.inner);
      if (outer === undefined || inner === undefined) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no value for the parts of axis '${rel.parent.name}'`);
      }
      const factor = domMap.get(rel.inner)!.extent;
      const parentMin = domMap.get(rel.parent)!.min;
      let v = add(inner, mul(outer, factor));
      if (!isConstInt(parentMin, 0)) v = add(v, parentMin);
      state.set(rel.parent, v);
    } else if (rel.kind === "fuse") {
      const value = state.get(rel.fused);
      if (value === undefined) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no value for fused axis '${rel.fused.name}'`);
      }
      const factor = domMap.get(rel.inner)!.extent;
      const outerMin = domMap.get(rel.outer)!.min;
      const innerMin = domMap.get(rel.inner)!.min;
      let o = floordiv(value, factor);
      let n = floormod(value, factor);
      if (!isConstInt(outerMin, 0)) o = add(o, outerMin);
      if (!isConstInt(innerMin, 0)) n = add(n, innerMin);
      state.set(rel.outer, o);
      state.set(rel.inner, n);
    } else if (rel.kind === "rebase") {
      const value = state.get(rel.rebased);
      if (value === undefined) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no value for axis '${rel.rebased.name}'`);
      }
      const parentMin = domMap.get(rel.parent)!.min;
      state.set(rel.parent, isConstInt(parentMin, 0) ? value : add(value, parentMin));
    }
  }
}

/** Values of the derived axes (down to the leaves) from the values of the root axes; used by
 * cacheWrite to read the relayouted cache at the original axes. */
export function passDownIndex(stage: Stage, domMap: ReadonlyMap<IterVar, Range>, state: Map<IterVar, PrimExpr>, allowMissing = false): void {
  for (const rel of stage.relations) {
    if (rel.kind === "split") {
      const parent = state.get(rel.parent);
      if (parent === undefined) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no value for axis '${rel.parent.name}' before its split`);
      }
      const factor = domMap.get(rel.inner)!.extent;
      state.set(rel.outer, floordiv(parent, factor));
      state.set(rel.inner, floormod(parent, factor));
    } else if (rel.kind === "fuse") {
      const outer = state.get(rel.outer);
      const inner = state.get(rel.inner);
      if (outer === undefined || inner === undefined) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no value for the axes fused into '${rel.fused.name}'`);
      }
      state.set(rel.fused, add(mul(outer, domMap.get(rel.inner)!.extent), inner));
    } else if (rel.kind === "rebase") {
      const parent = state.get(rel.parent);
      if (parent === undefined) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no value for axis '${rel.parent.name}'`);
      }
      state.set(rel.rebased, parent);
    } else {
      state.set(rel.iter, zero());
    }
  }
}

function matchRange(s: IntSet, r: Range, ana: Analyzer): boolean {
  if (!s.hasLowerBound() || !s.hasUpperBound()) return false;
  return ana.canProve(eq(s.minValue(), r.min)) && ana.canProve(eq(s.maxValue(), sub(add(r.min, r.extent), 1)));
}

/** Options of passUpDomain. */
export interface PassUpOptions {
  /**
   * Cut the set of each split's parent to the parent's range: the iterations an uneven split
   * adds past it are the ones its guard skips (a tiled extern's tile must not cover them).
   */
  clipToRange?: boolean;
}

/** Index sets of the root axes from the sets of the leaf loops (used for consumers' requests). */
export function passUpDomain(stage: Stage, domMap: ReadonlyMap<IterVar, Range>, state: Map<IterVar, IntSet>, opts: PassUpOptions = {}): void {
  const ana = new Analyzer();
  for (let i = stage.relations.length - 1; i >= 0; i--) {
    const rel = stage.relations[i];
    if (rel.kind === "split") {
      const outer = state.get(rel.outer)!;
      const inner = state.get(rel.inner)!;
      if (matchRange(outer, domMap.get(rel.outer)!, ana) && matchRange(inner, domMap.get(rel.inner)!, ana)) {
        state.set(rel.parent, IntSet.fromRange(domMap.get(rel.parent)!));
        continue;
      }
      const factor = domMap.get(rel.inner)!.extent;
      const parentMin = domMap.get(rel.parent)!.min;
      const e = add(add(mul(rel.outer.var, factor), rel.inner.var), parentMin);
      const parentSet = evalSet(e, new Map([[rel.outer.var, outer], [rel.inner.var, inner]]));
      state.set(rel.parent, opts.clipToRange ? intersectSets([parentSet, IntSet.fromRange(domMap.get(rel.parent)!)]) : parentSet);
    } else if (rel.kind === "fuse") {
      const fused = state.get(rel.fused)!;
      const outerRange = domMap.get(rel.outer)!;
      const innerRange = domMap.get(rel.inner)!;
      if (matchRange(fused, domMap.get(rel.fused)!, ana)) {
        state.set(rel.outer, IntSet.fromRange(outerRange));
        state.set(rel.inner, IntSet.fromRange(innerRange));
        continue;
      }
      const innerExtent = innerRange.extent;
      if (fused.isSinglePoint()) {
        const value = fused.minValue();
        let o = floordiv(value, innerExtent);
        let n = floormod(value, innerExtent);
        if (!isConstInt(outerRange.min, 0)) o = add(o, outerRange.min);
        if (!isConstInt(innerRange.min, 0)) n = add(n, innerRange.min);
        state.set(rel.outer, IntSet.single(o));
        state.set(rel.inner, IntSet.single(n));
        continue;
      }
      if (!fused.hasLowerBound() || !fused.hasUpperBound()) {
        state.set(rel.outer, IntSet.fromRange(outerRange));
        state.set(rel.inner, IntSet.fromRange(innerRange));
        continue;
      }
      const fmin = fused.minValue();
      const fmax = fused.maxValue();
      const fusedExtent = add(sub(fmax, fmin), 1);
      state.set(rel.outer, IntSet.interval(add(outerRange.min, floordiv(fmin, innerExtent)), add(outerRange.min, floordiv(fmax, innerExtent))));
      if (isConstInt(ana.simplify(floormod(innerExtent, fusedExtent)), 0) && isConstInt(ana.simplify(floormod(fmin, fusedExtent)), 0)) {
        state.set(rel.inner, IntSet.interval(add(innerRange.min, floormod(fmin, innerExtent)), add(innerRange.min, floormod(fmax, innerExtent))));
      } else {
        state.set(rel.inner, IntSet.fromRange(innerRange));
      }
    } else if (rel.kind === "rebase") {
      const parentMin = domMap.get(rel.parent)!.min;
      const set = state.get(rel.rebased)!;
      state.set(rel.parent, evalSet(add(rel.rebased.var, parentMin), new Map([[rel.rebased.var, set]])));
    }
  }
}

/** Which axes may run past their range (uneven splits), from the leaves up. */
export function passUpBoundCheck(stage: Stage, domMap: ReadonlyMap<IterVar, Range>, state: Map<IterVar, boolean>, ana: Analyzer): void {
  for (let i = stage.relations.length - 1; i >= 0; i--) {
    const rel = stage.relations[i];
    if (rel.kind === "split") {
      const outer = state.get(rel.outer) ?? false;
      const inner = state.get(rel.inner) ?? false;
      const ir = domMap.get(rel.inner);
      const or = domMap.get(rel.outer);
      if (ir && or) {
        if (outer || inner) state.set(rel.parent, true);
        else state.set(rel.parent, !ana.canProve(eq(domMap.get(rel.parent)!.extent, mul(ir.extent, or.extent))));
      } else {
        state.set(rel.parent, true);
      }
    } else if (rel.kind === "fuse") {
      const fused = state.get(rel.fused) ?? false;
      state.set(rel.outer, fused);
      state.set(rel.inner, fused);
    } else if (rel.kind === "rebase") {
      state.set(rel.parent, state.get(rel.rebased) ?? false);
    }
  }
}

/** ORs bit masks from root axes down to the axes derived from them. */
export function passDownBitMaskOr(stage: Stage, state: Map<IterVar, number>, allowMissing = false): void {
  for (const rel of stage.relations) {
    if (rel.kind === "split") {
      if (!state.has(rel.parent)) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no mask for '${rel.parent.name}'`);
      }
      const v = state.get(rel.parent)!;
      state.set(rel.outer, (state.get(rel.outer) ?? 0) | v);
      state.set(rel.inner, (state.get(rel.inner) ?? 0) | v);
    } else if (rel.kind === "fuse") {
      // Either part carries its mask to the fused loop (a reduction part fused with a
      // data-parallel one touches both); only when neither has one is it missing.
      if (!state.has(rel.outer) && !state.has(rel.inner)) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no mask for the axes of '${rel.fused.name}'`);
      }
      state.set(rel.fused, (state.get(rel.fused) ?? 0) | (state.get(rel.outer) ?? 0) | (state.get(rel.inner) ?? 0));
    } else if (rel.kind === "rebase") {
      if (!state.has(rel.parent)) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no mask for '${rel.parent.name}'`);
      }
      state.set(rel.rebased, (state.get(rel.rebased) ?? 0) | state.get(rel.parent)!);
    } else {
      state.set(rel.iter, 0);
    }
  }
}

/** ORs bit masks from leaf axes up to the axes they derive from. */
export function passUpBitMaskOr(stage: Stage, state: Map<IterVar, number>, allowMissing = false): void {
  for (let i = stage.relations.length - 1; i >= 0; i--) {
    const rel = stage.relations[i];
    if (rel.kind === "split") {
      // Either part carries its mask up to the parent (rfactor marks only the factored part).
      if (!state.has(rel.inner) && !state.has(rel.outer)) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no mask for the parts of '${rel.parent.name}'`);
      }
      state.set(rel.parent, (state.get(rel.parent) ?? 0) | (state.get(rel.inner) ?? 0) | (state.get(rel.outer) ?? 0));
    } else if (rel.kind === "fuse") {
      if (!state.has(rel.fused)) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no mask for '${rel.fused.name}'`);
      }
      const v = state.get(rel.fused)!;
      state.set(rel.outer, (state.get(rel.outer) ?? 0) | v);
      state.set(rel.inner, (state.get(rel.inner) ?? 0) | v);
    } else if (rel.kind === "rebase") {
      if (!state.has(rel.rebased)) {
        if (allowMissing) continue;
        throw new InternalError(`stage '${stage.name}': no mask for '${rel.rebased.name}'`);
      }
      state.set(rel.parent, (state.get(rel.parent) ?? 0) | state.get(rel.rebased)!);
    }
  }
}
