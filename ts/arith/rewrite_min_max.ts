// Rewrite rules for min and max: vectors of broadcasts; for scalar int32/int64 indices, constant
// offsets of one operand (`min(x + 1, x)`), rounding up to a multiple never going below x,
// absorption and distribution (`min(max(x, y), x)` -> `x`, `min(x + y, x + z)` -> `min(y, z) + x`),
// scaling by a constant (flipping min and max for a negative factor), constants moved out; for any
// type, min/max of two selects on one condition. (Bounds that decide min/max outright are tried
// by the driver before these rules.)

import type { PrimExpr } from "../ir/expr.js";
import * as op from "../ir/op.js";
import { truncDiv } from "./int_operator.js";
import { type Match, buildPattern, pattern } from "./pattern.js";
import { type Cond, type Rule, c2Pos, ge0, rrw, rw } from "./rewrite_rule.js";

/** Constant offsets of one operand, for min or max (`better` is < for min, > for max). */
function minMaxConstRules(fn: "min" | "max"): Rule[] {
  const better = fn === "min" ? (a: number, b: number): boolean => a < b : (a: number, b: number): boolean => a > b;
  const pick = (m: Match, a: string, b: string): PrimExpr =>
    buildPattern(pattern(better(m.c1.value, m.c2.value) ? a : b), m, m.c1.dtype);
  const withC = (m: Match): PrimExpr => (better(m.c1.value, 0) ? op.add(m.x, m.c1) : m.x);
  return [
    rw(`${fn}(x + c1, x + c2)`, (m) => pick(m, "x + c1", "x + c2")),
    rw(`${fn}(x + c1, x)`, withC),
    rw(`${fn}(x, x + c1)`, withC),
    rw(`${fn}(c1 - x, c2 - x)`, (m) => pick(m, "c1 - x", "c2 - x")),
  ];
}

/** min/max(x*c1, c2) and the scaling rules that flip min/max for negative factors. */
function minMaxScaleRules(fn: "min" | "max"): Rule[] {
  const other = fn === "min" ? "max" : "min";
  const same = fn === "min" ? op.min : op.max;
  const flip = fn === "min" ? op.max : op.min;
  return [
    rw(`${fn}(truncdiv(x, c1), truncdiv(y, c1))`, (m) => op.div((m.c1.value > 0 ? same : flip)(m.x, m.y), m.c1)),
    rw(`${fn}(floordiv(x, c1), floordiv(y, c1))`, (m) => op.floordiv((m.c1.value > 0 ? same : flip)(m.x, m.y), m.c1)),
    rw(`${fn}(x * c1, y * c1)`, (m) => op.mul((m.c1.value > 0 ? same : flip)(m.x, m.y), m.c1)),
    rw(`${fn}(x * c1, c2)`, (m) => {
      const c1 = m.c1.value;
      const c2 = m.c2.value;
      if (c1 === 0) return (fn === "min" ? c2 < 0 : c2 > 0) ? m.c2 : m.c1;
      if (c2 % c1 === 0) {
        return op.mul((c1 > 0 ? same : flip)(m.x, op.constant(truncDiv(c2, c1), m.c2.dtype)), m.c1);
      }
      return undefined;
    }),
    rrw(`${fn}(${fn}(x, c1), y)`, `${fn}(${fn}(x, y), c1)`),
    rrw(`${fn}(c1 - x, c2)`, `c1 - ${other}(x, c1 - c2)`, (m) => m.c2.value !== 0),
  ];
}

/** Absorption and distribution, written for min; max's are the same with min and max exchanged. */
const MIN_LATTICE: readonly [string, string][] = [
  ["min(max(x, y), min(x, y))", "min(x, y)"],
  ["min(max(x, y), min(y, x))", "min(x, y)"],
  ["min(min(x, y), max(x, y))", "min(x, y)"],
  ["min(min(x, y), max(y, x))", "min(x, y)"],
  ["min(max(x, y), x)", "x"],
  ["min(max(x, y), y)", "y"],
  ["min(min(x, y), x)", "min(x, y)"],
  ["min(min(x, y), y)", "min(x, y)"],
  ["min(x, max(x, y))", "x"],
  ["min(y, max(x, y))", "y"],
  ["min(x, min(x, y))", "min(x, y)"],
  ["min(y, min(x, y))", "min(x, y)"],
  ["min(min(min(x, y), z), y)", "min(min(x, y), z)"],
  ["min(min(min(min(x, y), z), s1), y)", "min(min(min(x, y), z), s1)"],
  ["min(min(min(min(min(x, y), z), s1), s2), y)", "min(min(min(min(x, y), z), s1), s2)"],
  ["min(max(x, y), max(x, z))", "max(min(y, z), x)"],
  ["min(max(x, y), max(z, x))", "max(min(y, z), x)"],
  ["min(max(y, x), max(x, z))", "max(min(y, z), x)"],
  ["min(max(y, x), max(z, x))", "max(min(y, z), x)"],
  ["min(min(x, y), min(x, z))", "min(min(y, z), x)"],
  ["min(min(x, y), min(z, x))", "min(min(y, z), x)"],
  ["min(min(y, x), min(x, z))", "min(min(y, z), x)"],
  ["min(min(y, x), min(z, x))", "min(min(y, z), x)"],
  ["min(y + x, z + x)", "min(y, z) + x"],
  ["min(y + x, x + z)", "min(y, z) + x"],
  ["min(x + y, x + z)", "min(y, z) + x"],
  ["min(x + y, z + x)", "min(y, z) + x"],
  ["min(y - x, z - x)", "min(y, z) - x"],
  ["min(x - y, x - z)", "x - max(y, z)"],
  ["min(min(x, c1), c2)", "min(x, min(c1, c2))"],
];

const swapMinMax = (text: string): string => text.replace(/\b(min|max)\(/g, (_, f: string) => (f === "min" ? "max(" : "min("));

function latticeRules(fn: "min" | "max"): Rule[] {
  return MIN_LATTICE.map(([p, r]) => (fn === "min" ? rw(p, r) : rw(swapMinMax(p), swapMinMax(r))));
}

export const MIN_VECTOR: Rule[] = [
  rw("min(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(min(x, y), lanes)"),
  rw("min(min(x, broadcast(y, lanes)), broadcast(z, lanes))", "min(x, broadcast(min(y, z), lanes))"),
];

const roundUp: Cond = (m) => m.c2.value > 0 && m.c1.value + 1 === m.c2.value;
const roundUpGe0: Cond = (m, s) => roundUp(m, s) && ge0(s, m.x);

export const MIN_INDEX: Rule[] = [
  ...minMaxConstRules("min"),
  // rounding up to a multiple never goes below x
  rw("min(truncdiv(x + c1, c2) * c2, x)", "x", roundUp),
  rw("min(truncdiv(x + c1, c2) * c2, max(x, c2))", "max(x, c2)", roundUpGe0),
  rw("min(x, truncdiv(x + c1, c2) * c2)", "x", roundUp),
  rw("min(max(x, c2), truncdiv(x + c1, c2) * c2)", "max(x, c2)", roundUpGe0),
  rw("min(floordiv(x + c1, c2) * c2, x)", "x", roundUp),
  rw("min(floordiv(x + c1, c2) * c2, max(x, c2))", "max(x, c2)", roundUp),
  rw("min(x, floordiv(x + c1, c2) * c2)", "x", roundUp),
  rw("min(max(x, c2), floordiv(x + c1, c2) * c2)", "max(x, c2)", roundUp),
  rw("min(x, floordiv(x, c2) * c2)", "floordiv(x, c2) * c2", c2Pos),
  rw("min(floordiv(x, c2) * c2, x)", "floordiv(x, c2) * c2", c2Pos),
  ...latticeRules("min"),
  ...minMaxScaleRules("min"),
];

export const MIN_ANY: Rule[] = [
  rw("min(select(x, y, z), select(x, s1, s2))", "select(x, min(y, s1), min(z, s2))"),
];

export const MAX_VECTOR: Rule[] = [
  rw("max(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(max(x, y), lanes)"),
  rw("max(max(x, broadcast(y, lanes)), broadcast(z, lanes))", "max(x, broadcast(max(y, z), lanes))"),
];

export const MAX_INDEX: Rule[] = [
  ...minMaxConstRules("max"),
  rw("max(truncdiv(x + c1, c2) * c2, x)", "truncdiv(x + c1, c2) * c2", roundUp),
  rw("max(x, truncdiv(x + c1, c2) * c2)", "truncdiv(x + c1, c2) * c2", roundUp),
  rw("max(floordiv(x + c1, c2) * c2, x)", "floordiv(x + c1, c2) * c2", roundUp),
  rw("max(x, floordiv(x + c1, c2) * c2)", "floordiv(x + c1, c2) * c2", roundUp),
  rw("max(floordiv(x, c2) * c2, x)", "x", c2Pos),
  rw("max(x, floordiv(x, c2) * c2)", "x", c2Pos),
  ...latticeRules("max"),
  ...minMaxScaleRules("max"),
];

export const MAX_ANY: Rule[] = [
  rw("max(select(x, y, z), select(x, s1, s2))", "select(x, max(y, s1), max(z, s2))"),
];
