// Port of TVM's test_arith_intset.py, plus the interval operations bound inference uses
// (single points, ranges, unions, intersections, infinite ends, cover ranges).
import test from "ava";
import { IntImm, PrimExpr, Ramp, Select, Var } from "../../ts/ir/expr.js";
import { Range } from "../../ts/ir/iter_var.js";
import * as op from "../../ts/ir/op.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import {
  IntSet, NEG_INF, POS_INF, evalSet, evalSetRange, intersectSets, unionSets,
} from "../../ts/arith/int_set.js";
import { structuralEqual } from "../../ts/ir/structural_equal.js";
import { type E, add, bound, fld, flm, int, max, min, mul, sub, tdiv, tmod, vars } from "./helpers.js";

function intSetChecker(t: import("ava").ExecutionContext) {
  const analyzer = new Analyzer();
  const equal = (a: PrimExpr, b: E): boolean => {
    const d = analyzer.canonicalSimplify(sub(a, b));
    return d instanceof IntImm && d.value === 0;
  };
  const verify = (data: PrimExpr, dmap: Map<Var, IntSet>, expected: [E, E]): void => {
    const res = analyzer.intSet(data, dmap);
    const msg = `\ndata=${data}\nres=${res}\nexpected=[${expected[0]}, ${expected[1]}]`;
    t.true(equal(res.min, expected[0]), msg);
    t.true(equal(res.max, expected[1]), msg);
  };
  return { analyzer, verify };
}

const iv = (lo: E, hi: E): IntSet => IntSet.interval(lo, hi);

test("basic sets", (t) => {
  const s = IntSet.interval(2, 3);
  t.is((s.min as IntImm).value, 2);
  t.is((s.max as IntImm).value, 3);
  const p = IntSet.single(2);
  t.is((p.min as IntImm).value, 2);
  t.is((p.max as IntImm).value, 2);
  t.true(p.isSinglePoint());
  t.false(s.isSinglePoint());
  t.true(IntSet.everything().isEverything());
  t.true(IntSet.nothing().isNothing());
  t.false(IntSet.everything().hasLowerBound());
  t.is(IntSet.everything().minValue(), NEG_INF);
  t.is(IntSet.everything().maxValue(), POS_INF);
});

test("vector sets", (t) => {
  const s = IntSet.vector(new Ramp(int(10), int(3), 2));
  t.is((s.min as IntImm).value, 10);
  t.is((s.max as IntImm).value, 10 + 3 * 2 - 1);
});

test("add and sub", (t) => {
  const ck = intSetChecker(t);
  const [x, y] = vars("x", "y");
  ck.verify(add(x, y), new Map([[x, iv(0, 10)]]), [y, add(10, y)]);
  ck.verify(add(x, y), new Map([[x, iv(0, 10)], [y, iv(1, 11)]]), [1, 21]);
  ck.verify(sub(x, y), new Map([[x, iv(0, 10)], [y, iv(1, 11)]]), [-11, 9]);
});

test("mul and div", (t) => {
  const ck = intSetChecker(t);
  const [x, y] = vars("x", "y");
  bound(ck.analyzer, y, 1, 100);
  ck.verify(mul(x, y), new Map([[x, iv(0, 10)]]), [0, mul(10, y)]);
  ck.verify(mul(x, 2), new Map([[x, iv(1, 10)]]), [2, 20]);
  ck.verify(mul(x, -2), new Map([[x, iv(1, 10)]]), [-20, -2]);
  ck.verify(tdiv(x, y), new Map([[x, iv(0, 10)]]), [0, tdiv(10, y)]);
  ck.verify(tdiv(x, 2), new Map([[x, iv(1, 10)]]), [0, 5]);
  ck.verify(fld(x, y), new Map([[x, iv(0, 10)]]), [0, fld(10, y)]);
  ck.verify(fld(x, 2), new Map([[x, iv(-1, 10)]]), [-1, 5]);
});

test("mod", (t) => {
  const ck = intSetChecker(t);
  const [x, y, z] = vars("x", "y", "z");
  bound(ck.analyzer, y, 1, 100);
  ck.verify(tmod(x, y), new Map([[x, iv(0, 10)]]), [0, sub(y, 1)]);
  ck.verify(tmod(x, 10), new Map([[x, iv(1, 10)]]), [0, 9]);
  ck.verify(flm(x, 10), new Map([[x, iv(-10, 10)]]), [0, 9]);
  ck.verify(flm(x, 10), new Map([[x, iv(3, 5)]]), [3, 5]);
  ck.verify(flm(x, 10), new Map([[x, iv(13, 15)]]), [3, 5]);
  ck.verify(flm(x, 10), new Map([[x, iv(3, 15)]]), [0, 9]);
  ck.verify(flm(x, 10), new Map([[x, iv(3, 11)]]), [0, 9]);
  ck.verify(flm(x, 10), new Map([[x, iv(1, 21)]]), [0, 9]);

  ck.analyzer.bind(x, new Range(int(0), int(3)));
  const yset = (): IntSet => iv(add(mul(z, 8), mul(x, 4)), add(add(mul(z, 8), mul(x, 4)), 3));
  // y spans 4 values that stay in one block of 8 (x*4 + 3 < 8 after floormod): TVM after the
  // floordiv(x*c1 + c2, c3) rule gives (z*8 + x*4 - 8*floordiv(z*8 + x*4, 8), ... + 3), the
  // same interval; the TE-era TVM this was first ported from gave [0, 7].
  ck.verify(flm(y, 8), new Map([[y, yset()]]), [mul(flm(x, 2), 4), add(mul(flm(x, 2), 4), 3)]);
  const ck1 = intSetChecker(t);
  ck1.analyzer.bind(x, new Range(int(0), int(2)));
  ck1.verify(flm(y, 8), new Map([[y, yset()]]), [mul(x, 4), add(mul(x, 4), 3)]);
});

test("max and min", (t) => {
  const ck = intSetChecker(t);
  const [x, y] = vars("x", "y");
  ck.verify(max(x, add(x, 1)), new Map([[x, iv(0, 10)]]), [1, 11]);
  ck.verify(min(sub(x, 1), add(x, 1)), new Map([[x, iv(0, 10)]]), [-1, 9]);
  ck.verify(min(x, y), new Map(), [min(x, y), min(x, y)]);
  ck.verify(max(x, y), new Map(), [max(x, y), max(x, y)]);
});

test("select", (t) => {
  const ck = intSetChecker(t);
  const x = new Var("x");
  ck.verify(new Select(op.gt(x, 0), sub(x, 1), add(x, 1)), new Map([[x, iv(0, 10)]]), [-1, 11]);
});

test("an unrelaxed expression is its own single point", (t) => {
  const [i, j] = vars("i", "j");
  const e = add(mul(i, 4), j);
  const s = evalSet(e, new Map([[i, IntSet.single(i)]]));
  t.true(s.isSinglePoint());
  t.is(s.min, e);
});

test("unbounded ends propagate as infinity markers", (t) => {
  const [x, y] = vars("x", "y");
  const s = evalSet(add(x, y), new Map([[x, IntSet.everything()], [y, iv(0, 3)]]));
  t.true(s.isEverything());
  const half = evalSet(add(x, 1), new Map([[x, IntSet.interval(0, POS_INF)]]));
  t.is(half.min.toString(), "1");
  t.false(half.hasUpperBound());
  t.true(evalSet(mul(x, y), new Map([[x, iv(0, 4)], [y, iv(0, 4)]])).isEverything());
  const r = new Range(int(0), int(16));
  t.is(half.coverRange(r), r);
});

test("ranges, unions and intersections", (t) => {
  const [i, n] = vars("i", "n");
  const fr = IntSet.fromRange(new Range(i, int(4)));
  t.is(fr.max.toString(), "((4 + i) - 1)");
  t.true(IntSet.fromRange(new Range(i, int(1))).isSinglePoint());
  t.true(fr.matchRange(new Range(i, int(4))));
  const u = unionSets([iv(i, add(i, 2)), iv(add(i, 1), add(i, 5))]);
  t.is(u.toString(), "IntervalSet[i, (i + 5)]");
  t.is(u.coverRange(new Range(int(0), n)).extent.toString(), "6");
  t.is(unionSets([iv(0, 3), iv(5, 9)]).toString(), "IntervalSet[0, 9]");
  t.true(unionSets([]).isNothing());
  t.is(intersectSets([iv(0, 7), iv(3, 9)]).toString(), "IntervalSet[3, 7]");
  t.true(intersectSets([iv(0, 2), iv(3, 9)]).isNothing());
  t.is(unionSets([IntSet.everything(), iv(0, 1)]).toString(), "IntervalSet[neg_inf, pos_inf]");
});

test("evalSetRange relaxes both ends of a range", (t) => {
  const [i, j] = vars("i", "j");
  const s = evalSetRange(new Range(mul(i, 4), int(4)), new Map([[i, iv(0, 3)]]));
  t.is(s.toString(), "IntervalSet[0, 15]");
  const s2 = evalSetRange(new Range(add(i, j), int(2)), new Map([[j, iv(0, 2)]]));
  // The ends are relaxed, not simplified again (as in TVM).
  t.is(s2.toString(), "IntervalSet[i, ((i + 2) + 1)]");
});

test("a variable mapped to a set over other relaxed variables is relaxed transitively", (t) => {
  const [x, y] = vars("x", "y");
  const s = evalSet(add(x, 1), new Map([[x, iv(y, add(y, 2))], [y, iv(0, 4)]]));
  t.true(structuralEqual(s.min, int(1)));
  t.true(structuralEqual(s.max, int(7)));
});

test("bad input is reported", (t) => {
  const x = new Var("x");
  t.throws(() => evalSet(x, new Map([[x, 3 as unknown as IntSet]])), { message: /set of 'x' must be an IntSet/ });
  t.throws(() => evalSet(x, {} as unknown as Map<Var, IntSet>), { message: /must be a Map/ });
  t.throws(() => IntSet.single(x).coverRange(new Range(int(0), int(1))) && IntSet.interval(0, 1).pointValue(), { message: /not a single point/ });
});
