// The Analyzer (TVM's arith::Analyzer): the core of analyzer_core.ts (bounds, modular sets,
// values variables are bound to, the rewrite and canonical simplifiers, proofs) plus interval
// sets (int_set.ts), and the one-shot simplify / canonicalSimplify.

import type { Range } from "../ir/iter_var.js";
import type { ExprLike, PrimExpr, Var } from "../ir/expr.js";
import { AnalyzerCore, checkExpr } from "./analyzer_core.js";
import { evalSetWith, type IntSet } from "./int_set.js";

/** The arithmetic analyzer (TVM's arith.Analyzer): bounds, residues, interval sets and simplification under the variable bindings and constraints given to it. */
export class Analyzer extends AnalyzerCore {
  /** The set of values `e` takes when each variable of `domMap` ranges over its set. */
  intSet(e: PrimExpr, domMap: ReadonlyMap<Var, IntSet> = new Map()): IntSet {
    return evalSetWith(this, checkExpr(e, "Analyzer.intSet"), domMap);
  }
}

/** Simplifies `e`, optionally knowing the ranges of some variables. */
export function simplify(e: ExprLike, vrange?: ReadonlyMap<Var, Range>): PrimExpr {
  const ana = new Analyzer();
  if (vrange) for (const [v, r] of vrange) ana.bind(v, r);
  return ana.simplify(e);
}

/** Canonical simplification alone (TVM's CanonicalSimplify), with optional variable ranges. */
export function canonicalSimplify(e: ExprLike, vrange?: ReadonlyMap<Var, Range>): PrimExpr {
  const ana = new Analyzer();
  if (vrange) for (const [v, r] of vrange) ana.bind(v, r);
  return ana.canonicalSimplify(checkExpr(e, "canonicalSimplify"));
}
