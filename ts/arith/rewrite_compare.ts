// Rewrite rules for comparisons. The driver reduces every comparison to == or < first (`a <= b`
// is `!(b < a)`, ...) and decides it from bounds and residues of `a - b` when it can; these rules
// then normalise what is left: vectors of broadcasts and ramps of one stride; for scalar
// int32/int64 operands, cancellation of common terms, constants moved to one side and divided
// out (`x*4 < 9` -> `x < 3`, in truncated division throughout as TVM does), the remainder form of
// `(x/c)*c < x` in both division modes, and min/max spread over the comparison.

import { type Rule, c1Pos, c2Pos, rrw, rw } from "./rewrite_rule.js";

export const EQ_VECTOR: Rule[] = [
  rw("broadcast(x, lanes) == broadcast(y, lanes)", "broadcast(x == y, lanes)"),
];

export const EQ_INDEX: Rule[] = [
  rw("x - c1 == 0", "x == c1"),
  rw("c1 - x == 0", "x == c1"),
  rw("x + c1 == 0", "x == 0 - c1"),
  rw("x * y == 0", "x == 0 || y == 0"),
];

export const LT_VECTOR: Rule[] = [
  rw("broadcast(x, lanes) < broadcast(y, lanes)", "broadcast(x < y, lanes)"),
  rw("ramp(x, s1, lanes) < ramp(y, s1, lanes)", "broadcast(x < y, lanes)"),
];

/** (x/c)*c compared with x is x%c compared with 0 (also with x + y, x - y or x + c2), in either mode. */
function remainderRules(div: "truncdiv" | "floordiv", mod: "truncmod" | "floormod"): Rule[] {
  return [
    rw(`${div}(x, c1) * c1 < x`, `0 < ${mod}(x, c1)`, c1Pos),
    rw(`${div}(x, c1) * c1 < x + y`, `0 < ${mod}(x, c1) + y`, c1Pos),
    rw(`${div}(x, c1) * c1 < x - y`, `y < ${mod}(x, c1)`, c1Pos),
    rw(`${div}(x + c2, c1) * c1 < x`, `c2 < ${mod}(x + c2, c1)`, c1Pos),
    rw(`${div}(x + c2, c1) * c1 < x + y`, `c2 < ${mod}(x + c2, c1) + y`, c1Pos),
    rw(`${div}(x + c2, c1) * c1 < x - y`, `y < ${mod}(x + c2, c1) + (0 - c2)`, c1Pos),
  ];
}

export const LT_INDEX: Rule[] = [
  rw("x + y < x + z", "y < z"),
  rw("x + y < z + x", "y < z"),
  rw("y + x < x + z", "y < z"),
  rw("y + x < z + x", "y < z"),
  rw("y - x < z - x", "y < z"),
  rw("x - y < x - z", "z < y"),
  rw("x < x + z", "0 < z"),
  rw("x < z + x", "0 < z"),
  rw("x < x - z", "z < 0"),
  rw("c1 < x + c2", "c1 - c2 < x"),
  rw("c1 < c2 - x", "x < c2 - c1"),
  rw("x * c1 < y * c1", "x < y", c1Pos),
  rw("x * c1 < y * c1", "y < x", (m) => m.c1.value < 0),
  // constant cancellation (truncated division throughout)
  rw("x * c2 < c1", "x < truncdiv(c1 - 1, c2) + 1", (m) => m.c1.value > 0 && m.c2.value > 0),
  rw("x * c2 < c1", "x < truncdiv(c1, c2)", (m) => m.c1.value <= 0 && m.c2.value > 0),
  rw("x * c2 < c1", "truncdiv(c1 - 1, c2) - 1 < x", (m) => m.c1.value > 0 && m.c2.value < 0),
  rw("x * c2 < c1", "truncdiv(c1, c2) < x", (m) => m.c1.value <= 0 && m.c2.value < 0),
  rw("c1 < x * c2", "truncdiv(c1 + 1, c2) - 1 < x", (m) => m.c1.value < 0 && m.c2.value > 0),
  rw("c1 < x * c2", "truncdiv(c1, c2) < x", (m) => m.c1.value >= 0 && m.c2.value > 0),
  rw("c1 < x * c2", "x < truncdiv(c1 + 1, c2) + 1", (m) => m.c1.value < 0 && m.c2.value < 0),
  rw("c1 < x * c2", "x < truncdiv(c1, c2)", (m) => m.c1.value >= 0 && m.c2.value < 0),
  rw("truncdiv(x, c1) < c2", "x < c1 * c2", (m) => m.c1.value > 0 && m.c2.value > 0),
  rw("truncdiv(x, c1) < c2", "x < c1 * (c2 - 1) + 1", (m) => m.c1.value > 0 && m.c2.value <= 0),
  rw("c1 < truncdiv(x, c2)", "(c1 + 1) * c2 - 1 < x", (m) => m.c1.value >= 0 && m.c2.value > 0),
  rw("c1 < truncdiv(x, c2)", "c1 * c2 < x", (m) => m.c1.value < 0 && m.c2.value > 0),
  // x - (x / c1) * c1 == x % c1 in every division mode
  ...remainderRules("truncdiv", "truncmod"),
  rw("floordiv(x, c1) < c2", "x < c1 * c2", c1Pos),
  rw("c1 < floordiv(x, c2)", "(c1 + 1) * c2 - 1 < x", c2Pos),
  ...remainderRules("floordiv", "floormod"),
  // canonical forms
  rrw("min(x, y) < z", "x < z || y < z"),
  rrw("max(x, y) < z", "x < z && y < z"),
  rrw("z < min(x, y)", "z < x && z < y"),
  rrw("z < max(x, y)", "z < x || z < y"),
  rrw("x < c1 - y", "x + y < c1"),
  rrw("x < c1 + y", "x - y < c1"),
  rrw("c1 - y < x", "c1 < x + y"),
  rrw("c1 + y < x", "c1 < x - y"),
  rrw("x + c1 < c2", "x < c2 - c1"),
  rrw("x - c1 < c2", "x < c2 + c1"),
  rw("x - c1 < 0", "x < c1"),
];
