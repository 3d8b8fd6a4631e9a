// The Analyzer's core (TVM's arith::Analyzer without interval sets): one object holding what is
// known about variables — constant bounds, modular sets, values they are bound to — shared by
// the constant-bound and modular-set analyses and the rewrite and canonical simplifiers. Passes
// bind loop variables to their ranges, enter constraints inside `if` branches, and ask it to
// simplify expressions or prove facts. `simplify` follows TVM's Analyzer::Simplify: a rewrite
// pass then a canonical pass (more alternating passes with `steps`), stopping early at a
// constant. Interval-set evaluation (int_set.ts) works on this core; Analyzer (analyzer.ts) adds
// intSet on top, so that neither file imports the other back.

import { ArgumentError } from "../errors.js";
import { Range } from "../ir/iter_var.js";
import { type ExprLike, IntImm, PrimExpr, Var } from "../ir/expr.js";
import { describe, toExpr } from "../ir/op.js";
import { CanonicalSimplifier } from "./canonical_simplifier.js";
import { ConstIntBound, ConstIntBoundAnalyzer } from "./const_int_bound.js";
import { ModularSet, ModularSetAnalyzer } from "./modular_set.js";
import { RewriteSimplifier } from "./rewrite_simplifier.js";

function isConstIntExpr(e: PrimExpr): e is IntImm {
  return e instanceof IntImm;
}

function checkVar(v: unknown, what: string): asserts v is Var {
  if (!(v instanceof Var)) throw new ArgumentError(`${what}: expected a Var, got ${describe(v)}`);
}

/** `e` as an expression (a number or boolean becomes a constant); an ArgumentError naming `what` otherwise. */
export function checkExpr(e: unknown, what: string): PrimExpr {
  if (e instanceof PrimExpr) return e;
  if (typeof e === "number" || typeof e === "boolean") return toExpr(e);
  throw new ArgumentError(`${what}: expected an expression, got ${describe(e)}`);
}

/** The arithmetic analyzer's core: bounds, residues and simplification under the variable bindings and constraints given to it (Analyzer adds interval sets). */
export class AnalyzerCore {
  /** Constant integer bounds of expressions. */
  readonly constIntBoundAnalyzer = new ConstIntBoundAnalyzer();
  /** Residues (coeff * k + base) of expressions. */
  readonly modularSetAnalyzer: ModularSetAnalyzer;
  /** The rule-based rewrite simplifier. */
  readonly rewriteSimplifier: RewriteSimplifier;
  /** The canonical-form (sum of products) simplifier. */
  readonly canonicalSimplifier: CanonicalSimplifier;

  constructor() {
    this.modularSetAnalyzer = new ModularSetAnalyzer(this);
    this.rewriteSimplifier = new RewriteSimplifier(this);
    this.canonicalSimplifier = new CanonicalSimplifier(this);
  }

  /**
   * Binds `v` to a range (its bounds become known) or to a value (it is replaced by the value).
   * A range of extent 1 binds the variable to its minimum. Rebinding a variable to something
   * different is an error unless `allowOverride`.
   */
  bind(v: Var, r: Range | ExprLike, allowOverride = false): void {
    checkVar(v, "Analyzer.bind");
    if (r instanceof Range) {
      if (r.extent instanceof IntImm && r.extent.value === 1) {
        this.bind(v, r.min, allowOverride);
      } else {
        this.constIntBoundAnalyzer.bind(v, r, allowOverride);
      }
      return;
    }
    const expr = checkExpr(r, "Analyzer.bind");
    let value = this.canonicalSimplifier.simplify(expr);
    value = this.rewriteSimplifier.simplify(value);
    this.constIntBoundAnalyzer.update(v, this.constIntBoundAnalyzer.bound(value), allowOverride);
    this.modularSetAnalyzer.update(v, this.modularSetAnalyzer.analyze(value), allowOverride);
    this.rewriteSimplifier.update(v, value, allowOverride);
    this.canonicalSimplifier.update(v, value, allowOverride);
  }

  /** Sets the constant bound of `v` directly (TVM's analyzer.update(v, ConstIntBound(...))). */
  updateConstIntBound(v: Var, bound: ConstIntBound, allowOverride = false): void {
    checkVar(v, "Analyzer.updateConstIntBound");
    this.constIntBoundAnalyzer.update(v, bound, allowOverride);
  }

  /** Sets the modular set of `v` directly. */
  updateModularSet(v: Var, info: ModularSet, allowOverride = false): void {
    checkVar(v, "Analyzer.updateModularSet");
    this.modularSetAnalyzer.update(v, info, allowOverride);
  }

  /** The constant interval `e` lies in under the current bindings. */
  constIntBound(e: PrimExpr): ConstIntBound {
    return this.constIntBoundAnalyzer.bound(checkExpr(e, "Analyzer.constIntBound"));
  }

  /** The residue set { coeff * k + base } `e` lies in. */
  modularSet(e: PrimExpr): ModularSet {
    return this.modularSetAnalyzer.analyze(checkExpr(e, "Analyzer.modularSet"));
  }

  /** `e` after the rewrite rules alone. */
  rewriteSimplify(e: PrimExpr): PrimExpr {
    return this.rewriteSimplifier.simplify(checkExpr(e, "Analyzer.rewriteSimplify"));
  }

  /** `e` in canonical form (sums of scaled terms, divisions and modulos split). */
  canonicalSimplify(e: PrimExpr): PrimExpr {
    return this.canonicalSimplifier.simplify(checkExpr(e, "Analyzer.canonicalSimplify"));
  }

  /** Rewrite then canonical simplification, alternating for `steps` passes (TVM's default 2). */
  simplify(e: ExprLike, steps = 2): PrimExpr {
    let res = checkExpr(e, "Analyzer.simplify");
    if (isConstIntExpr(res)) return res;
    for (let i = 0; i < steps; i++) {
      res = i % 2 === 0 ? this.rewriteSimplifier.simplify(res) : this.canonicalSimplifier.simplify(res);
      if (isConstIntExpr(res)) return res;
    }
    return res;
  }

  /** True when `cond` simplifies to a non-zero constant. */
  canProve(cond: ExprLike): boolean {
    const e = checkExpr(cond, "Analyzer.canProve");
    if (e instanceof IntImm) return e.value !== 0;
    const r = this.rewriteSimplifier.simplify(e);
    if (r instanceof IntImm) return r.value !== 0;
    const c = this.canonicalSimplifier.simplify(e);
    if (c instanceof IntImm) return c.value !== 0;
    return false;
  }

  /** True when `e >= lowerBound` always holds (by constant bounds). */
  canProveGreaterEqual(e: PrimExpr, lowerBound: number): boolean {
    if (e instanceof IntImm) return e.value >= lowerBound;
    return this.constIntBound(this.rewriteSimplify(e)).minValue >= lowerBound;
  }

  /** True when `e < upperBound` always holds (by constant bounds). */
  canProveLess(e: PrimExpr, upperBound: number): boolean {
    if (e instanceof IntImm) return e.value < upperBound;
    return this.constIntBound(this.rewriteSimplify(e)).maxValue < upperBound;
  }

  /** True when `a - b` simplifies to 0. */
  canProveEqual(a: ExprLike, b: ExprLike): boolean {
    const x = checkExpr(a, "Analyzer.canProveEqual");
    const d = this.simplify(x.sub(b));
    return d instanceof IntImm && d.value === 0;
  }

  /**
   * Runs `fn` with `cond` assumed true: its bounds (x < c, c <= x, ... and conjunctions),
   * residues (x % c == r) and the condition itself (for `likely`) are known inside.
   */
  withConstraint<T>(cond: PrimExpr, fn: () => T): T {
    // Simplified first, so that e.g. floordiv(m + 31, 32) >= 1 is known as 1 <= m.
    const c = this.simplify(checkExpr(cond, "Analyzer.withConstraint"));
    const undoBound = this.constIntBoundAnalyzer.enterConstraint(c);
    const undoModular = this.modularSetAnalyzer.enterConstraint(c);
    const undoLiteral = this.rewriteSimplifier.enterConstraint(c);
    try {
      return fn();
    } finally {
      undoLiteral();
      undoModular?.();
      undoBound?.();
    }
  }
}
