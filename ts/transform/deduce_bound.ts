// Bound deduction (TVM's arith::DeduceBound), a helper of loop partitioning: for a comparison
// `cond` in which a variable `v` appears once, the interval of values of `v` for which `cond`
// holds whatever values the variables of `relaxMap` take. The side holding `v` is peeled one
// node at a time (+, -, and * by an operand of known sign, rounding toward the safe side);
// anything else (division, min, a second use of v…) gives up with the empty set.

import { IntImm, type PrimExpr, Var } from "../ir/expr.js";
import * as op from "../ir/op.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet, evalSet, isNegInf, isPosInf } from "../arith/int_set.js";

type Comparison = "greater" | "less" | "equal";

function countUses(e: PrimExpr, v: Var): number {
  let n = 0;
  const visit = (x: PrimExpr): void => {
    if (x === v) {
      n++;
      return;
    }
    for (const c of children(x)) visit(c);
  };
  visit(e);
  return n;
}

/** The sub-expressions of `e` an arithmetic walk descends into. */
function children(e: PrimExpr): PrimExpr[] {
  const x = e as unknown as Record<string, unknown>;
  switch (e.kind) {
    case "Add": case "Sub": case "Mul": case "Div": case "Mod": case "FloorDiv": case "FloorMod":
    case "Min": case "Max": case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE":
    case "And": case "Or":
      return [x.a as PrimExpr, x.b as PrimExpr];
    case "Not": return [x.a as PrimExpr];
    case "Cast": return [x.value as PrimExpr];
    case "Select": return [x.condition as PrimExpr, x.trueValue as PrimExpr, x.falseValue as PrimExpr];
    case "Load": return [x.index as PrimExpr, x.predicate as PrimExpr];
    case "Ramp": return [x.base as PrimExpr, x.stride as PrimExpr];
    case "Broadcast": return [x.value as PrimExpr];
    case "Let": return [x.value as PrimExpr, x.body as PrimExpr];
    case "Call": return x.args as PrimExpr[];
    case "Shuffle": return x.vectors as PrimExpr[];
    default: return [];
  }
}

function contains(e: PrimExpr, v: Var): boolean {
  return countUses(e, v) > 0;
}

function reverse(c: Comparison): Comparison {
  return c === "greater" ? "less" : c === "less" ? "greater" : "equal";
}

/**
 * The interval of `v` in which `cond` provably holds for all values of the variables in
 * `relaxMap` (given the ranges of `hintMap` for signs), or IntSet.nothing() when it cannot be
 * deduced.
 */
export function deduceBound(
  v: Var,
  cond: PrimExpr,
  hintMap: ReadonlyMap<Var, IntSet>,
  relaxMap: ReadonlyMap<Var, IntSet>,
): IntSet {
  if (countUses(cond, v) !== 1) return IntSet.nothing();
  // Put the comparison in the form `expr <cmp> result`, `v` inside expr.
  let comp: Comparison;
  let expr: PrimExpr;
  let result: PrimExpr;
  const c = cond as unknown as { a: PrimExpr; b: PrimExpr };
  const inA = (): boolean => contains(c.a, v);
  switch (cond.kind) {
    case "LT":
      if (inA()) { comp = "less"; expr = c.a; result = op.sub(c.b, 1); } else { comp = "greater"; expr = c.b; result = op.add(c.a, 1); }
      break;
    case "LE":
      if (inA()) { comp = "less"; expr = c.a; result = c.b; } else { comp = "greater"; expr = c.b; result = c.a; }
      break;
    case "GT":
      if (inA()) { comp = "greater"; expr = c.a; result = op.add(c.b, 1); } else { comp = "less"; expr = c.b; result = op.sub(c.a, 1); }
      break;
    case "GE":
      if (inA()) { comp = "greater"; expr = c.a; result = c.b; } else { comp = "less"; expr = c.b; result = c.a; }
      break;
    case "EQ":
      comp = "equal";
      if (inA()) { expr = c.a; result = c.b; } else { expr = c.b; result = c.a; }
      break;
    default:
      return IntSet.nothing();
  }
  if (!expr.dtype.isIntegral() || expr.dtype.lanes !== 1) return IntSet.nothing();
  const ana = new Analyzer();

  // Relax: the side holding v at its worst end, the other side at its worst end.
  const a = evalSet(expr, relaxMap);
  const b = evalSet(result, relaxMap);
  if (a.isEverything() || b.isEverything()) return IntSet.nothing();
  if (comp === "equal") {
    if (!a.isSinglePoint() && !ana.canProveEqual(a.minValue(), a.maxValue())) return IntSet.nothing();
    if (!b.isSinglePoint() && !ana.canProveEqual(b.minValue(), b.maxValue())) return IntSet.nothing();
  }
  expr = comp === "greater" ? a.minValue() : a.maxValue();
  result = comp === "greater" ? b.maxValue() : b.minValue();
  if (isPosInf(expr) || isNegInf(expr) || isPosInf(result) || isNegInf(result)) return IntSet.nothing();
  if (countUses(expr, v) !== 1) return IntSet.nothing();

  // Peel expr down to v.
  let cur = expr;
  while (cur !== v) {
    const n = cur as unknown as { a: PrimExpr; b: PrimExpr };
    switch (cur.kind) {
      case "Add": {
        const left = contains(n.a, v);
        result = op.sub(result, left ? n.b : n.a);
        cur = left ? n.a : n.b;
        break;
      }
      case "Sub": {
        if (contains(n.a, v)) {
          result = op.add(result, n.b);
          cur = n.a;
        } else {
          result = op.sub(n.a, result);
          comp = reverse(comp);
          cur = n.b;
        }
        break;
      }
      case "Mul": {
        const left = contains(n.a, v);
        const operand = left ? n.b : n.a;
        const s = operand.dtype.isUInt() ? IntSet.single(new IntImm(operand.dtype, 1)) : evalSet(operand, hintMap);
        if (s.canProveNegative()) comp = reverse(comp);
        else if (!s.canProvePositive()) return IntSet.nothing();
        const divided = ana.canProve(op.eq(op.floormod(result, operand), 0));
        result = op.floordiv(result, operand);
        if (!divided) {
          if (comp === "greater") result = op.add(result, 1);
          else if (comp === "equal") return IntSet.nothing();
        }
        cur = left ? n.a : n.b;
        break;
      }
      default:
        return IntSet.nothing();
    }
  }
  if (comp === "equal") return IntSet.single(result);
  if (comp === "greater") return IntSet.interval(result, IntSet.everything().maxValue());
  return IntSet.interval(IntSet.everything().minValue(), result);
}
