// Rewrite rules for the logical operators: `!` pushed through comparisons (and De Morgan);
// `&&` that cannot hold (`x < c1 && c2 < x` with an empty interval between) and `||` that always
// holds (`x <= c1 || c2 <= x` covering every integer), with their mirror orders.

import { type Rule, rrw, rw } from "./rewrite_rule.js";

export const NOT_RULES: Rule[] = [
  rw("!!x", "x"),
  rw("!(x <= y)", "y < x"),
  rw("!(x >= y)", "x < y"),
  rw("!(x < y)", "y <= x"),
  rw("!(x > y)", "x <= y"),
  rw("!(x == y)", "x != y"),
  rw("!(x != y)", "x == y"),
  rrw("!(x || y)", "!x && !y"),
  rrw("!(x && y)", "!x || !y"),
];

export const AND_RULES: Rule[] = [
  rw("x == y && x != y", "false"),
  rw("x != y && x == y", "false"),
  rw("x && !x", "false"),
  rw("x <= y && y < x", "false"),
  rw("y < x && x <= y", "false"),
  rw("x < c1 && c2 < x", "false", (m) => m.c2.value + 1 >= m.c1.value),
  rw("c2 < x && x < c1", "false", (m) => m.c2.value + 1 >= m.c1.value),
  rw("x < c1 && c2 <= x", "false", (m) => m.c2.value >= m.c1.value),
  rw("c2 <= x && x < c1", "false", (m) => m.c2.value >= m.c1.value),
  rw("x <= c1 && c2 < x", "false", (m) => m.c2.value >= m.c1.value),
  rw("c2 < x && x <= c1", "false", (m) => m.c2.value >= m.c1.value),
  rw("x <= c1 && c2 <= x", "false", (m) => m.c2.value > m.c1.value),
  rw("c2 <= x && x <= c1", "false", (m) => m.c2.value > m.c1.value),
  rw("x == c1 && x != c2", "x == c1 && c1 != c2"),
  rw("x != c2 && x == c1", "x == c1 && c1 != c2"),
];

export const OR_RULES: Rule[] = [
  rw("x == y || x != y", "true"),
  rw("x != y || x == y", "true"),
  rw("x || !x", "true"),
  rw("x <= y || y < x", "true"),
  rw("y < x || x <= y", "true"),
  rw("x < c1 || c2 < x", "true", (m) => m.c2.value < m.c1.value),
  rw("c2 < x || x < c1", "true", (m) => m.c2.value < m.c1.value),
  rw("x <= c1 || c2 < x", "true", (m) => m.c2.value <= m.c1.value),
  rw("c2 < x || x <= c1", "true", (m) => m.c2.value <= m.c1.value),
  rw("x < c1 || c2 <= x", "true", (m) => m.c2.value <= m.c1.value),
  rw("c2 <= x || x < c1", "true", (m) => m.c2.value <= m.c1.value),
  rw("x <= c1 || c2 <= x", "true", (m) => m.c2.value <= m.c1.value + 1),
  rw("c2 <= x || x <= c1", "true", (m) => m.c2.value <= m.c1.value + 1),
  rw("x != c1 || x == c2", "x != c1 || c1 == c2"),
  rw("x == c2 || x != c1", "x != c1 || c1 == c2"),
];
