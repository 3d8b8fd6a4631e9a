// Linear-form detection (TVM's DetectLinearEquation / DetectClipBound): writes an expression as
// c_0*v_0 + ... + c_n*v_n + base for given variables, where the coefficients may be symbolic but
// must not mention the variables after them. Vectorization uses it to find the stride of an
// index in the vectorized loop variable; loop partitioning uses the clip-bound form to read
// `lo <= v && v < hi` conditions.

import { ArgumentError } from "../errors.js";
import { type BinaryExpr, IntImm, PrimExpr, Var } from "../ir/expr.js";
import * as op from "../ir/op.js";
import { usesVar } from "../ir/substitute.js";
import { Analyzer } from "./analyzer.js";

interface LinearEntry {
  base?: PrimExpr;
  coeff?: PrimExpr;
}

function addCombine(a?: PrimExpr, b?: PrimExpr): PrimExpr | undefined {
  if (!a) return b;
  if (!b) return a;
  return op.add(a, b);
}

function subCombine(a?: PrimExpr, b?: PrimExpr): PrimExpr | undefined {
  if (!b) return a;
  if (!a) return op.neg(b);
  return op.sub(a, b);
}

function mulCombine(a?: PrimExpr, b?: PrimExpr): PrimExpr | undefined {
  if (!a) return a;
  if (!b) return b;
  return op.mul(a, b);
}

/** Splits `e` into coeff * v + base, or undefined when `e` is not linear in `v`. */
function detectOne(e: PrimExpr, v: Var): { coeff: PrimExpr; base: PrimExpr } | undefined {
  let failed = false;
  const visit = (x: PrimExpr): LinearEntry => {
    if (failed) return {};
    switch (x.kind) {
      case "Add": case "Sub": {
        const b = x as BinaryExpr;
        const l = visit(b.a);
        const r = visit(b.b);
        const combine = x.kind === "Add" ? addCombine : subCombine;
        return { base: combine(l.base, r.base), coeff: combine(l.coeff, r.coeff) };
      }
      case "Mul": {
        const b = x as BinaryExpr;
        let l = visit(b.a);
        let r = visit(b.b);
        if (l.coeff) [l, r] = [r, l];
        if (l.coeff) {
          failed = true;
          return {};
        }
        return { base: mulCombine(l.base, r.base), coeff: mulCombine(l.base, r.coeff) };
      }
      case "Var":
        if (x === v) return { coeff: op.constant(1, v.dtype) };
        return { base: x };
      default:
        if (usesVar(x, (u) => u === v)) {
          failed = true;
          return {};
        }
        return { base: x };
    }
  };
  const ret = visit(e);
  if (failed) return undefined;
  return {
    coeff: ret.coeff ?? new IntImm(v.dtype, 0),
    base: ret.base ?? new IntImm(v.dtype, 0),
  };
}

/**
 * Coefficients of `vars` in `e`, followed by the remaining base: [c_0, ..., c_n, base] with
 * e = sum c_i * vars[i] + base. Undefined when `e` is not linear in them, or when a coefficient
 * mentions a later variable.
 */
export function detectLinearEquation(e: PrimExpr, vars: readonly Var[]): PrimExpr[] | undefined {
  if (!(e instanceof PrimExpr)) throw new ArgumentError(`detectLinearEquation: expected an expression, got ${op.describe(e)}`);
  if (!Array.isArray(vars) || vars.some((v) => !(v instanceof Var))) {
    throw new ArgumentError(`detectLinearEquation: expected an array of Vars, got ${op.describe(vars)}`);
  }
  let base = e;
  const coeff: PrimExpr[] = [];
  for (const v of vars) {
    const r = detectOne(base, v);
    if (!r) return undefined;
    coeff.push(r.coeff);
    base = r.base;
  }
  const later = new Set<Var>();
  for (let i = vars.length; i > 1; i--) {
    later.add(vars[i - 1]);
    if (usesVar(coeff[i - 2], (u) => later.has(u))) return undefined;
  }
  coeff.push(base);
  return coeff;
}

interface Interval { min?: PrimExpr; max?: PrimExpr }

/** Reads one comparison that bounds a single variable of `bmap`; false if it cannot. */
function detectClip(cond: PrimExpr, bmap: Map<Var, Interval>, ana: Analyzer): boolean {
  let found: Var | undefined;
  let count = 0;
  const seen = new Set<Var>();
  usesVar(cond, (u) => {
    if (bmap.has(u) && !seen.has(u)) {
      seen.add(u);
      found = u;
      count++;
    }
    return false;
  });
  if (count !== 1 || !found) return false;
  const v: Var = found;
  // canonical form: expr >= 0
  let canonical: PrimExpr;
  let isEq = false;
  const cmp = cond as BinaryExpr;
  const intOperands = (): boolean => cmp.a.dtype.isInt();
  switch (cond.kind) {
    case "LT": if (!intOperands()) return false; canonical = op.sub(op.sub(cmp.b, cmp.a), 1); break;
    case "LE": if (!intOperands()) return false; canonical = op.sub(cmp.b, cmp.a); break;
    case "GT": if (!intOperands()) return false; canonical = op.sub(op.sub(cmp.a, cmp.b), 1); break;
    case "GE": if (!intOperands()) return false; canonical = op.sub(cmp.a, cmp.b); break;
    case "EQ": if (!intOperands()) return false; canonical = op.sub(cmp.a, cmp.b); isEq = true; break;
    default: return false;
  }
  const r = detectOne(canonical, v);
  if (!r) return false;
  const coeff = ana.simplify(r.coeff);
  const entry = bmap.get(v)!;
  let lo: PrimExpr | undefined;
  let hi: PrimExpr | undefined;
  if (coeff instanceof IntImm && coeff.value === 1) {
    lo = op.neg(r.base);
    if (isEq) hi = lo;
  } else if (coeff instanceof IntImm && coeff.value === -1) {
    hi = r.base;
    if (isEq) lo = hi;
  }
  if (!lo && !hi) return false;
  if (lo) entry.min = entry.min ? op.max(entry.min, lo) : lo;
  if (hi) entry.max = entry.max ? op.min(entry.max, hi) : hi;
  return true;
}

function splitAnd(e: PrimExpr, out: PrimExpr[]): void {
  if (e.kind === "And") {
    splitAnd((e as BinaryExpr).a, out);
    splitAnd((e as BinaryExpr).b, out);
  } else {
    out.push(e);
  }
}

/**
 * Lower and upper bounds of each of `vars` stated by a conjunction of comparisons:
 * [min_0, max_0, min_1, max_1, ...] (undefined entries where a side is unbounded), or undefined
 * when a conjunct is not such a bound.
 */
export function detectClipBound(e: PrimExpr, vars: readonly Var[]): (PrimExpr | undefined)[] | undefined {
  const ana = new Analyzer();
  const splits: PrimExpr[] = [];
  splitAnd(ana.simplify(e), splits);
  const bmap = new Map<Var, Interval>();
  for (const v of vars) bmap.set(v, {});
  for (const c of splits) if (!detectClip(c, bmap, ana)) return undefined;
  const out: (PrimExpr | undefined)[] = [];
  for (const v of vars) {
    const b = bmap.get(v)!;
    out.push(b.min ? ana.simplify(b.min) : undefined, b.max ? ana.simplify(b.max) : undefined);
  }
  return out;
}
