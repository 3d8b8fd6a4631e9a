// Port of TVM's test_arith_deduce_bound.py: the interval of one variable that satisfies a
// comparison, given sets of the other variables.
import test from "ava";
import { PrimExpr, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { deduceBound } from "../../ts/arith/deduce_bound.js";
import { IntSet, NEG_INF, POS_INF } from "../../ts/arith/int_set.js";
import { type E, add, fld, int, mul, sub, vars } from "./helpers.js";

function equal(t: import("ava").ExecutionContext, a: PrimExpr, b: E): void {
  const d = new Analyzer().simplify(sub(a, b));
  t.is(d.toString(), "0", `${a} != ${b}`);
}
function holds(t: import("ava").ExecutionContext, cond: PrimExpr): void {
  t.is(new Analyzer().simplify(cond).toString(), "True", `${cond} does not hold`);
}
const iv = (a: number, b: number): IntSet => IntSet.interval(a, b);

test("deduce", (t) => {
  const [a, b, c, d] = vars("a", "b", "c", "d");
  const bS = iv(2, 3);
  const cS = iv(10, 15);
  const dS = iv(-3, -1);
  const hints = new Map([[b, bS], [c, cS], [d, dS]]);
  const zero = int(0);

  let e0 = sub(add(mul(mul(b, -1), a), c), d);
  const ans0 = fld(sub(d, c), mul(b, -1));
  equal(t, deduceBound(a, op.ge(e0, 0), hints).max, ans0);
  equal(t, deduceBound(a, op.le(zero, e0), hints).max, ans0);

  e0 = sub(add(mul(d, a), c), d);
  const ans0b = fld(sub(d, c), d);
  equal(t, deduceBound(a, op.ge(e0, 0), hints).max, ans0b);
  equal(t, deduceBound(a, op.le(zero, e0), hints).max, ans0b);

  const ans1 = fld(sub(sub(c, 1), b), 4);
  equal(t, deduceBound(a, op.lt(add(mul(a, 4), b), c), hints).max, ans1);
  equal(t, deduceBound(a, op.gt(c, add(mul(a, 4), b)), hints).max, ans1);

  let res2 = deduceBound(a, op.lt(op.max(5, mul(a, 4)), 0), hints);
  t.is(res2.max, NEG_INF);
  t.is(res2.min, POS_INF);
  res2 = deduceBound(a, op.lt(zero, op.max(5, mul(a, 4))), hints);
  t.true(res2.isNothing());

  const e3 = sub(add(mul(b, -1), mul(a, c)), d);
  const ans3 = add(fld(2, c), 1);
  const relax = new Map([[b, bS], [d, dS]]);
  equal(t, deduceBound(a, op.ge(e3, 0), hints, relax).min, ans3);
  equal(t, deduceBound(a, op.le(zero, e3), hints, relax).min, ans3);

  // equalities
  const res4 = deduceBound(a, op.eq(a, b));
  equal(t, res4.max, b);
  equal(t, res4.min, b);
  t.true(deduceBound(a, op.eq(a, b), new Map([[b, bS]]), new Map([[b, bS]])).isNothing());
  const res6 = deduceBound(a, op.eq(10, a));
  equal(t, res6.max, 10);
  equal(t, res6.min, 10);
  const res7 = deduceBound(a, op.eq(sub(a, c), add(b, d)), hints);
  equal(t, res7.max, add(add(b, d), c));
  equal(t, res7.min, add(add(b, d), c));
  const res8 = deduceBound(a, op.eq(mul(5, a), -10));
  equal(t, res8.max, -2);
  equal(t, res8.min, -2);
  t.true(deduceBound(a, op.eq(mul(4, a), b), new Map([[b, bS]])).isNothing());
  t.true(deduceBound(a, op.eq(mul(b, a), b), new Map([[b, bS]])).isNothing());
});

test("inputs that cannot be deduced", (t) => {
  const [a, b, c] = vars("a", "b", "c");
  const bS = iv(2, 3);
  const cS = iv(5, 7);
  t.true(deduceBound(a, add(a, b), new Map([[b, bS]])).isNothing());
  t.true(deduceBound(a, op.gt(op.cast("int32", op.gt(add(a, b), 3)), c), new Map([[b, bS], [c, cS]])).isNothing());
  t.true(deduceBound(a, op.gt(sub(mul(a, 2), a), b), new Map([[b, bS]])).isNothing());
  t.throws(() => deduceBound(3 as unknown as Var, a), { message: /expected a Var/ });
});

test("basic linear bounds hold at the deduced end", (t) => {
  for (const [a1, a2, coff] of [[0, 4, 4], [1, 5, 4], [2, 6, 4], [0, 4, -4], [1, 5, -4], [2, 6, -4]]) {
    const [a, b] = vars("a", "b");
    const bS = iv(a1, a2);
    const m = new Map([[b, bS]]);
    const e0 = add(add(b, mul(a, coff)), 3);
    let r = deduceBound(a, op.lt(e0, 17), m, m);
    let [x, y] = coff > 0 ? [r.max, bS.max] : [r.min, bS.min];
    holds(t, op.lt(add(add(mul(x, coff), 3), y), 17));
    r = deduceBound(a, op.lt(int(17), e0), m, m);
    [x, y] = coff < 0 ? [r.max, bS.max] : [r.min, bS.min];
    holds(t, op.gt(add(add(mul(x, coff), 3), y), 17));
    r = deduceBound(a, op.ge(int(17), e0), m, m);
    [x, y] = coff > 0 ? [r.max, bS.max] : [r.min, bS.min];
    holds(t, op.le(add(add(mul(x, coff), 3), y), 17));
    r = deduceBound(a, op.ge(e0, 17), m, m);
    [x, y] = coff < 0 ? [r.max, bS.max] : [r.min, bS.min];
    holds(t, op.ge(add(add(mul(x, coff), 3), y), 17));
  }
});

test("nested linear bounds hold at the deduced end", (t) => {
  for (const [a1, a2, coff] of [[0, 4, 4], [0, 4, -4], [2, 6, 4], [1, 5, -4], [2, 6, -4]]) {
    const [a, b] = vars("a", "b");
    const bS = iv(a1, a2);
    const m = new Map([[b, bS]]);
    const e0 = mul(add(mul(b, 3), mul(a, coff)), 4);
    const f = (tt: PrimExpr, xx: PrimExpr): PrimExpr => mul(add(mul(xx, 3), mul(tt, coff)), 4);
    let r = deduceBound(a, op.lt(e0, 63), m, m);
    let [tt, xx] = coff > 0 ? [r.max, bS.max] : [r.min, bS.min];
    holds(t, op.lt(f(tt, xx), 63));
    r = deduceBound(a, op.ge(int(63), e0), m, m);
    [tt, xx] = coff > 0 ? [r.max, bS.max] : [r.min, bS.min];
    holds(t, op.le(f(tt, xx), 63));
    r = deduceBound(a, op.gt(e0, 63), m, m);
    [tt, xx] = coff < 0 ? [r.max, bS.max] : [r.min, bS.min];
    holds(t, op.gt(f(tt, xx), 63));
    r = deduceBound(a, op.le(int(63), e0), m, m);
    [tt, xx] = coff < 0 ? [r.max, bS.max] : [r.min, bS.min];
    holds(t, op.ge(f(tt, xx), 63));
  }
});

test("a loop-partition guard: where i*32 + j < n holds for every j", (t) => {
  const [i, j, n] = vars("i", "j", "n");
  const r = deduceBound(i, op.lt(add(mul(i, 32), j), n), new Map([[j, iv(0, 31)]]), new Map([[j, iv(0, 31)]]));
  t.false(r.hasLowerBound());
  t.is(new Analyzer().simplify(r.max).toString(), "(floordiv(n, 32) - 1)");
});

test("floordiv by a positive constant: the deduced interval is exactly where the comparison holds for every relaxed value", (t) => {
  // floordiv(a*m + b, c) cmp r, b relaxed over [0, 2]: checked against brute force over a in [-40, 40].
  const [a, b] = vars("a", "b");
  const bS = iv(0, 2);
  const m = new Map([[b, bS]]);
  const ana = new Analyzer();
  const value = (e: PrimExpr): number => Number(ana.simplify(e).toString());
  const floorDiv = (x: number, y: number): number => Math.floor(x / y);
  const cmps = [
    ["lt", op.lt, (x: number, y: number) => x < y], ["le", op.le, (x: number, y: number) => x <= y],
    ["gt", op.gt, (x: number, y: number) => x > y], ["ge", op.ge, (x: number, y: number) => x >= y],
  ] as const;
  for (const c of [1, 3, 16]) {
    for (const mul_ of [1, 2, -3]) {
      for (const r of [-5, 0, 2, 7]) {
        for (const [name, mk, holdsFor] of cmps) {
          const e = op.floordiv(add(mul(a, mul_), b), c);
          const set = deduceBound(a, mk(e, r), m, m);
          const what = `floordiv(a*${mul_} + b, ${c}) ${name} ${r}`;
          t.false(set.isNothing(), what);
          const lo = set.hasLowerBound() ? value(set.minValue()) : -Infinity;
          const hi = set.hasUpperBound() ? value(set.maxValue()) : Infinity;
          for (let x = -40; x <= 40; x++) {
            const always = [0, 1, 2].every((y) => holdsFor(floorDiv(x * mul_ + y, c), r));
            t.is(x >= lo && x <= hi, always, `${what} at a = ${x}: deduced [${lo}, ${hi}]`);
          }
        }
      }
    }
  }
});
