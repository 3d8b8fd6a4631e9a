// Rewrite rules for +, - and * (TVM's RewriteSimplifier, tried in order after constant folding):
// ramp/broadcast arithmetic for vectors; for scalar int32/int64 indices, cancellation
// (`(x - y) + y`, four-operand forms, min/max against an added term), coefficient folding
// (`x*y + x*z` -> `x*(y + z)`), the division identity `c*(x/c) + x%c == x` in both division
// modes, constant re-association and TVM's canonical order (constants last, `x - c` -> `x + -c`,
// `c * x` -> `x * c`, min/max first); for any type, arithmetic of two selects on one condition.

import type { PrimExpr } from "../ir/expr.js";
import * as op from "../ir/op.js";
import type { Match } from "./pattern.js";
import { type Cond, type Rule, c1NonZero, ge0, rrw, rw } from "./rewrite_rule.js";

export const ADD_VECTOR: Rule[] = [
  rw("ramp(b1, s1, lanes) + ramp(b2, s2, lanes)", "ramp(b1 + b2, s1 + s2, lanes)"),
  rw("ramp(b1, s1, lanes) + broadcast(x, lanes)", "ramp(b1 + x, s1, lanes)"),
  rw("broadcast(x, lanes) + ramp(b1, s1, lanes)", "ramp(x + b1, s1, lanes)"),
  rw("broadcast(x, lanes) + broadcast(y, lanes)", "broadcast(x + y, lanes)"),
  rw("x + broadcast(f1, lanes)", "x", (m) => m.f1.value === 0),
];

const negOf = (m: Match): boolean => m.c1.value === -m.c2.value;

export const ADD_INDEX: Rule[] = [
  rw("(x - y) + y", "x"),
  rw("x + (y - x)", "y"),
  rw("(x - y) + (y - z)", "x - z"),
  rw("(x - y) + (z - x)", "z - y"),
  rw("min(x, y - z) + z", "min(x + z, y)"),
  rw("min(x - z, y) + z", "min(x, y + z)"),
  rw("max(x, y - z) + z", "max(x + z, y)"),
  rw("max(x - z, y) + z", "max(x, y + z)"),
  rw("min(x, y + z * c1) + z * c2", "min(x + z * c2, y)", negOf),
  rw("max(x, y + z * c1) + z * c2", "max(x + z * c2, y)", negOf),
  rw("min(y + z * c1, x) + z * c2", "min(x + z * c2, y)", negOf),
  rw("max(y + z * c1, x) + z * c2", "max(x + z * c2, y)", negOf),
  rw("max(x, y) + min(x, y)", "x + y"),
  rw("min(x, y) + max(x, y)", "x + y"),
  rw("max(x, y) + min(y, x)", "x + y"),
  rw("min(x, y) + max(y, x)", "x + y"),
  rw("min(x, y + c1) + c2", "min(x + c2, y)", negOf),
  rw("min(x + c1, y) + c2", "min(x, y + c2)", negOf),
  rw("max(x, y + c1) + c2", "max(x + c2, y)", negOf),
  rw("max(x + c1, y) + c2", "max(x, y + c2)", negOf),
  // constant folding
  rw("(x + c1) + c2", "x + (c1 + c2)"),
  // coefficient folding
  rw("x + x", "x * 2"),
  rw("x * y + x", "x * (y + 1)"),
  rw("y * x + x", "x * (y + 1)"),
  rw("x + y * x", "x * (1 + y)"),
  rw("x + x * y", "x * (1 + y)"),
  rw("x * y + x * z", "x * (y + z)"),
  rw("y * x + x * z", "x * (y + z)"),
  rw("x * y + z * x", "x * (y + z)"),
  rw("y * x + z * x", "x * (y + z)"),
  // division and modulo
  rw("truncdiv(x, c1) * c1 + truncmod(x, c1)", "x"),
  rw("floordiv(x, c1) * c1 + floormod(x, c1)", "x"),
  // canonical order: constants last, min/max first
  rrw("x + (c1 - y)", "(x - y) + c1"),
  rrw("(c1 - y) + x", "(x - y) + c1"),
  rrw("x + c1 + y", "(x + y) + c1"),
  rrw("x + (c1 + y)", "(x + y) + c1"),
  rrw("x + max(y, z)", "max(y, z) + x"),
  rrw("x + min(y, z)", "min(y, z) + x"),
  rrw("truncmod(y, c1) + x * c1", "x * c1 + truncmod(y, c1)"),
  rrw("floormod(y, c1) + x * c1", "x * c1 + floormod(y, c1)"),
];

export const ADD_ANY: Rule[] = [
  rw("select(x, b1, b2) + select(x, s1, s2)", "select(x, b1 + s1, b2 + s2)"),
];

export const SUB_VECTOR: Rule[] = [
  rw("ramp(b1, s1, lanes) - ramp(b2, s2, lanes)", "ramp(b1 - b2, s1 - s2, lanes)"),
  rw("ramp(b1, s1, lanes) - broadcast(x, lanes)", "ramp(b1 - x, s1, lanes)"),
  rw("broadcast(x, lanes) - ramp(b1, s1, lanes)", "ramp(x - b1, 0 - s1, lanes)"),
  rw("broadcast(x, lanes) - broadcast(y, lanes)", "broadcast(x - y, lanes)"),
];

const scaledDiv: Cond = (m) => m.c1.value !== 0 && m.c3.value === m.c1.value * m.c2.value;

/** x - (x/c)*c == x%c (also with x + y or x - y divided, and scaled), in either division mode. */
function divModIdentity(div: "truncdiv" | "floordiv", mod: "truncmod" | "floormod"): Rule[] {
  return [
    rw(`x - ${div}(x, c1) * c1`, `${mod}(x, c1)`, c1NonZero),
    rw(`${div}(x, c1) * c1 - x`, `0 - ${mod}(x, c1)`, c1NonZero),
    rw(`x - ${div}(x + y, c1) * c1`, `${mod}(x + y, c1) - y`, c1NonZero),
    rw(`${div}(x + y, c1) * c1 - x`, `y - ${mod}(x + y, c1)`, c1NonZero),
    rw(`x - ${div}(x - y, c1) * c1`, `${mod}(x - y, c1) + y`, c1NonZero),
    rw(`${div}(x - y, c1) * c1 - x`, `0 - ${mod}(x - y, c1) - y`, c1NonZero),
    rw(`x * c2 - ${div}(x, c1) * c3`, `${mod}(x, c1) * c2`, scaledDiv),
    rw(`${div}(x, c1) * c3 - x * c2`, `0 - ${mod}(x, c1) * c2`, scaledDiv),
    rw(`x * c2 - ${div}(x + y, c1) * c3`, `(${mod}(x + y, c1) - y) * c2`, scaledDiv),
    rw(`${div}(x + y, c1) * c3 - x * c2`, `(y - ${mod}(x + y, c1)) * c2`, scaledDiv),
    rw(`x * c2 - ${div}(x - y, c1) * c3`, `(${mod}(x - y, c1) + y) * c2`, scaledDiv),
    rw(`${div}(x - y, c1) * c3 - x * c2`, `(0 - ${mod}(x - y, c1) - y) * c2`, scaledDiv),
  ];
}

const diffZero = (a: string, b: string, c: string, d: string): Cond => (m, s) => {
  const get = (k: string): PrimExpr => m[k as "b1"];
  return s.canProveEqual(op.sub(op.sub(get(a), get(b)), op.sub(get(c), get(d))), 0);
};

export const SUB_INDEX: Rule[] = [
  rw("(x + y) - y", "x"),
  rw("(x + y) - x", "y"),
  rw("x - (y + x)", "0 - y"),
  rw("x - (x + y)", "0 - y"),
  rw("min(x, y) - x", "min(0, y - x)"),
  rw("min(x, y) - y", "min(x - y, 0)"),
  rw("max(x, y) - x", "max(0, y - x)"),
  rw("max(x, y) - y", "max(x - y, 0)"),
  rw("x - max(x, y)", "min(0, x - y)"),
  rw("y - max(x, y)", "min(y - x, 0)"),
  rw("x - min(x, y)", "max(0, x - y)"),
  rw("y - min(x, y)", "max(y - x, 0)"),
  // coefficient folding
  rw("x - x", "zero(x)"),
  rw("x * y - x", "x * (y - 1)"),
  rw("y * x - x", "x * (y - 1)"),
  rw("x - y * x", "x * (1 - y)"),
  rw("x - x * y", "x * (1 - y)"),
  rw("x * y - x * z", "x * (y - z)"),
  rw("y * x - x * z", "x * (y - z)"),
  rw("x * y - z * x", "x * (y - z)"),
  rw("y * x - z * x", "x * (y - z)"),
  // constant cancellation
  rw("(x + c1) - c2", "x + (c1 - c2)"),
  rw("(c1 - x) - (c2 - y)", "(y - x) + (c1 - c2)"),
  // four-operand cancellation
  rw("(x + y) - (x + z)", "y - z"),
  rw("(x + y) - (z + x)", "y - z"),
  rw("(y + x) - (z + x)", "y - z"),
  rw("(y + x) - (x + z)", "y - z"),
  rw("min(x + y, z) - x", "min(y, z - x)"),
  rw("min(y + x, z) - x", "min(y, z - x)"),
  rw("min(z, x + y) - x", "min(z - x, y)"),
  rw("min(z, y + x) - x", "min(z - x, y)"),
  rw("max(x + y, z) - x", "max(y, z - x)"),
  rw("max(y + x, z) - x", "max(y, z - x)"),
  rw("max(z, x + y) - x", "max(z - x, y)"),
  rw("max(z, y + x) - x", "max(z - x, y)"),
  rw("x - min(x + y, z)", "max(0 - y, x - z)"),
  rw("x - min(y + x, z)", "max(0 - y, x - z)"),
  rw("x - min(z, x + y)", "max(x - z, 0 - y)"),
  rw("x - min(z, y + x)", "max(x - z, 0 - y)"),
  rw("min(x, y) - min(y, x)", "zero(x)"),
  rw("max(x, y) - max(y, x)", "zero(x)"),
  rw("min(b1, b2) - min(s1, s2)", "b1 - s1", diffZero("b1", "s1", "b2", "s2")),
  rw("min(b1, b2) - min(s1, s2)", "b1 - s2", diffZero("b1", "s2", "b2", "s1")),
  rw("max(b1, b2) - max(s1, s2)", "b1 - s1", diffZero("b1", "s1", "b2", "s2")),
  rw("max(b1, b2) - max(s1, s2)", "b1 - s2", diffZero("b1", "s2", "b2", "s1")),
  // truncated division
  ...divModIdentity("truncdiv", "truncmod"),
  // (x + c1)/c3 - (x + c2)/c3 only depends on x mod c3 (x + c2 >= 0 for truncation)
  rw("truncdiv(x + c1, c3) - truncdiv(x + c2, c3)", "truncdiv(truncmod(x + floormod(c2, c3), c3) + (c1 - c2), c3)",
    (m, s) => s.canProveGreaterEqual(m.x, -m.c2.value) && m.c1.value >= m.c2.value && m.c3.value > 0),
  rw("truncdiv(x + c1, c3) - truncdiv(x, c3)", "truncdiv(truncmod(x, c3) + c1, c3)",
    (m, s) => ge0(s, m.x) && m.c1.value >= 0 && m.c3.value > 0),
  // floor division
  ...divModIdentity("floordiv", "floormod"),
  rw("floordiv(x + c1, c3) - floordiv(x + c2, c3)", "floordiv(floormod(x + floormod(c2, c3), c3) + (c1 - c2), c3)",
    (m) => m.c3.value > 0),
  rw("floordiv(x + c1, c3) - floordiv(x, c3)", "floordiv(floormod(x, c3) + c1, c3)", (m) => m.c3.value > 0),
  // canonical order
  rw("x - c1", "x + (0 - c1)"),
  rrw("(x + c1) - y", "(x - y) + c1"),
  rrw("x - (y - z)", "(x + z) - y"),
  rrw("x - y * c1", "x + y * (0 - c1)"),
];

export const SUB_ANY: Rule[] = [
  rw("select(x, b1, b2) - select(x, s1, s2)", "select(x, b1 - s1, b2 - s2)"),
  rw("select(x, y, z) - z", "select(x, y - z, zero(z))"),
  rw("select(x, y, z) - y", "select(x, zero(y), z - y)"),
];

export const MUL_VECTOR: Rule[] = [
  rw("broadcast(x, lanes) * broadcast(y, lanes)", "broadcast(x * y, lanes)"),
  rw("ramp(b1, s1, lanes) * broadcast(x, lanes)", "ramp(b1 * x, s1 * x, lanes)"),
  rw("broadcast(x, lanes) * ramp(b1, s1, lanes)", "ramp(b1 * x, s1 * x, lanes)"),
  rw("broadcast(f1, lanes) * x", "broadcast(f1, lanes)", (m) => m.f1.value === 0),
];

export const MUL_INDEX: Rule[] = [
  rw("(x + c1) * c2", "x * c2 + c1 * c2"),
  rw("(x * c1) * c2", "x * (c1 * c2)"),
  rw("min(x, y) * max(x, y)", "x * y"),
  rw("max(x, y) * min(x, y)", "x * y"),
  rrw("x * (c1 * y)", "(x * y) * c1"),
  rrw("c1 * x", "x * c1"),
  rrw("(x - y) * c1", "(y - x) * (0 - c1)", (m) => m.c1.value < 0),
];
