// Loop nests of a stage (TVM's MakeLoopNest/MakeBoundCheck/MergeNest): one level per leaf
// axis, holding its For (or a LetStmt for a unit loop), its pragmas, its prefetches and the `loop_scope` marker
// that attach points look for; the index value of every root axis; and the predicates that
// guard uneven splits.

import { InternalError, ScheduleError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { IntImm, type PrimExpr, Var, isConstInt } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { add, ge, lt, sub } from "../ir/op.js";
import {
  Allocate, AssertStmt, AttrStmt, For, type ForKind, IfThenElse, LetStmt, SeqStmt, Stmt, isNoOp, noOp,
} from "../ir/stmt.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet, evalSet } from "../arith/int_set.js";
import { passUpBoundCheck, passUpIndex } from "./message_passing.js";
import type { Stage } from "./stage.js";

export const LOOP_SCOPE = "loop_scope";
export const PRAGMA_PREFIX = "pragma_";
/** `attr [tensor] "prefetch_scope" = offset`: prefetch what the loop's iteration `+ offset` reads (see inject_prefetch.ts). */
export const PREFETCH_SCOPE = "prefetch_scope";

const FOR_KIND: Record<string, ForKind> = { Unrolled: "unrolled", Vectorized: "vectorized", Parallelized: "parallel" };

/**
 * The loop nest of `stage` from leaf position `begin`: nest[i + 1] holds the statements of leaf
 * i (nest[0] is for statements outside all loops). Fills `valueMap` with the value of every
 * axis. With `newLoopVar`, loops get fresh `<name>.init` variables (reduction init nests).
 */
export function makeLoopNest(
  stage: Stage,
  domMap: ReadonlyMap<IterVar, Range>,
  begin: number,
  newLoopVar: boolean,
  skipIter: ReadonlySet<IterVar>,
  valueMap: Map<IterVar, PrimExpr>,
  keepTrivialLoop = false,
): Stmt[][] {
  const leaves = stage.leafIterVars;
  const nest: Stmt[][] = Array.from({ length: leaves.length + 1 }, () => []);
  for (let i = begin; i < leaves.length; i++) {
    const iv = leaves[i];
    if (skipIter.has(iv) || iv.iterType === "Opaque") {
      valueMap.set(iv, iv.var);
      continue;
    }
    const dom = domMap.get(iv);
    if (!dom) throw new InternalError(`stage '${stage.name}': no range inferred for loop '${iv.name}'`);
    const v = newLoopVar ? new Var(`${iv.var.name}.init`, iv.var.dtype) : iv.var;
    const attr = stage.iterVarAttrs.get(iv);
    const kind: ForKind = attr?.iterType ? FOR_KIND[attr.iterType] ?? "serial" : "serial";
    for (const p of attr?.pragmas ?? []) {
      nest[i + 1].push(new AttrStmt(iv, PRAGMA_PREFIX + p.key, p.value ?? new IntImm(DataType.int32(), 1), noOp()));
    }
    if (!keepTrivialLoop && isConstInt(dom.extent, 1)) {
      nest[i + 1].push(new LetStmt(v, dom.min, noOp()));
      valueMap.set(iv, dom.min);
    } else if (isConstInt(dom.min, 0)) {
      nest[i + 1].push(new For(v, new IntImm(dom.min.dtype, 0), dom.extent, kind, noOp()));
      valueMap.set(iv, v);
    } else {
      const idx = new Var(`${iv.var.name}.idx`, iv.var.dtype);
      nest[i + 1].push(new For(idx, new IntImm(dom.min.dtype, 0), dom.extent, kind, noOp()));
      const value = add(dom.min, idx);
      valueMap.set(iv, value);
      nest[i + 1].push(new LetStmt(v, value, noOp()));
    }
    if (attr && attr.prefetches.length > 0 && !newLoopVar) {
      if (!keepTrivialLoop && isConstInt(dom.extent, 1)) {
        throw new ScheduleError(`stage '${stage.name}': cannot prefetch in loop '${iv.name}', which has one iteration (prefetch in a loop around it)`);
      }
      for (const p of attr.prefetches) nest[i + 1].push(new AttrStmt(p.tensor, PREFETCH_SCOPE, p.offset, noOp()));
    }
    if (!newLoopVar) nest[i + 1].push(new AttrStmt(iv, LOOP_SCOPE, iv.var, noOp()));
  }
  passUpIndex(stage, domMap, valueMap);
  return nest;
}

/** Guards for axes that may run past their range (uneven splits) or past the root domain. */
export function makeBoundCheck(
  stage: Stage,
  domMap: ReadonlyMap<IterVar, Range>,
  valueMap: ReadonlyMap<IterVar, PrimExpr>,
  skipIvarDomain: boolean,
  skipIter: ReadonlySet<IterVar>,
): PrimExpr[] {
  const ana = new Analyzer();
  const boundState = new Map<IterVar, boolean>(stage.leafIterVars.map((iv) => [iv, false]));
  passUpBoundCheck(stage, domMap, boundState, ana);
  const isetDmap = new Map<Var, IntSet>();
  for (const [iv, r] of domMap) {
    isetDmap.set(iv.var, IntSet.fromRange(r));
    ana.bind(iv.var, r);
  }
  const preds: PrimExpr[] = [];
  for (const iv of stage.allIterVars) {
    if (skipIter.has(iv) || iv.iterType === "Opaque") continue;
    if (!boundState.get(iv)) continue;
    const dom = domMap.get(iv)!;
    const value = sub(valueMap.get(iv)!, dom.min);
    const s = evalSet(value, isetDmap);
    if (!s.hasUpperBound() || !ana.canProve(lt(s.maxValue(), dom.extent))) preds.push(lt(value, dom.extent));
  }
  for (const iv of stage.op.rootIterVars()) {
    if (skipIter.has(iv) || iv.iterType === "Opaque") continue;
    const dom = domMap.get(iv)!;
    if (skipIvarDomain || sameRange(iv.dom!, dom, ana)) continue;
    const value = sub(valueMap.get(iv)!, iv.dom!.min);
    const s = evalSet(value, isetDmap);
    if (!s.hasLowerBound() || !ana.canProve(ge(s.minValue(), 0))) preds.push(ge(value, 0));
    if (!s.hasUpperBound() || !ana.canProve(lt(s.maxValue(), iv.dom!.extent))) preds.push(lt(value, iv.dom!.extent));
  }
  return preds;
}

function sameRange(a: Range, b: Range, ana: Analyzer): boolean {
  return ana.canProveEqual(a.min, b.min) && ana.canProveEqual(a.extent, b.extent);
}

/** One `if (pred)` level per predicate. */
export function makeIfNest(preds: PrimExpr[]): Stmt[] {
  return preds.map((p) => new IfThenElse(p, noOp()));
}

/** Replaces the (no-op) body of a nest statement by `body`. */
function wrap(s: Stmt, body: Stmt): Stmt {
  if (s instanceof For) return new For(s.loopVar, s.min, s.extent, s.forKind, body);
  if (s instanceof LetStmt) return new LetStmt(s.variable, s.value, body);
  if (s instanceof AttrStmt) return new AttrStmt(s.node, s.key, s.value, body);
  if (s instanceof IfThenElse) return new IfThenElse(s.condition, body, s.elseCase);
  if (s instanceof AssertStmt) return new AssertStmt(s.condition, s.message, body);
  if (s instanceof Allocate) return new Allocate(s.bufferVar, s.dtype, s.extents, s.condition, body);
  if (s instanceof SeqStmt && s.seq.length > 0 && isNoOp(s.seq[s.seq.length - 1])) {
    return new SeqStmt([...s.seq.slice(0, -1), body]);
  }
  throw new InternalError(`cannot nest a body inside ${s.kind}`);
}

/** Wraps `body` in the nest, innermost level last. */
export function mergeNest(nest: Stmt[] | Stmt[][], body: Stmt): Stmt {
  const flat: Stmt[] = (nest as (Stmt | Stmt[])[]).flatMap((x) => (Array.isArray(x) ? x : [x]));
  let out = body;
  for (let i = flat.length - 1; i >= 0; i--) out = wrap(flat[i], out);
  return out;
}
