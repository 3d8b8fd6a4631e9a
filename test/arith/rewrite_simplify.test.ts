// Port of TVM's tests/python/unittest/test_arith_rewrite_simplify.py: each case rewrites an
// expression with Analyzer.rewriteSimplify and compares it structurally with TVM's expectation.
import test from "ava";
import { DataType } from "../../ts/ir/dtype.js";
import { And, Broadcast, Call, Cast, Div, EQ, FloorDiv, FloorMod, LE, Let, LT, Mod, NE, Not, Or, Ramp, Select, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import {
  type E, FALSE, TRUE, add, bound, checker, fld, flm, flt, int, max, min, mul, select, sub, tdiv, tmod, vars,
} from "./helpers.js";

const ramp = (b: E, s: E, lanes: number): Ramp => new Ramp(op.toExpr(b), op.toExpr(s), lanes);
const bcast = (v: E, lanes: number): Broadcast => new Broadcast(op.toExpr(v), lanes);

test("vector simplify", (t) => {
  const ck = checker(t);
  const [x, y] = vars("x", "y");
  const i2 = (e: Var): ReturnType<typeof op.cast> => op.cast("int32x2", e);
  // Add rules
  ck.verify(add(ramp(x, 1, 4), ramp(y, 2, 4)), ramp(add(x, y), 3, 4));
  ck.verify(add(ramp(x, 1, 2), y), ramp(add(x, y), 1, 2));
  ck.verify(add(y, ramp(x, 1, 2)), ramp(add(y, x), 1, 2));
  ck.verify(add(i2(y), i2(x)), op.cast("int32x2", add(y, x)));
  ck.verify(add(bcast(0, 4), y), bcast(y, 4));
  ck.verify(add(op.cast("float32x4", ramp(x, 1, 4)), bcast(flt(0), 4)), op.cast("float32x4", ramp(x, 1, 4)));
  // Sub rules
  ck.verify(sub(ramp(x, 4, 4), ramp(y, 2, 4)), ramp(sub(x, y), 2, 4));
  ck.verify(sub(ramp(x, 1, 2), y), ramp(sub(x, y), 1, 2));
  ck.verify(sub(y, ramp(x, 1, 2)), ramp(sub(y, x), -1, 2));
  ck.verify(sub(i2(y), i2(x)), op.cast("int32x2", sub(y, x)));
  // Mul rules
  ck.verify(mul(i2(y), i2(x)), op.cast("int32x2", mul(y, x)));
  ck.verify(mul(ramp(x, 4, 4), 2), ramp(mul(x, 2), 8, 4));
  ck.verify(mul(2, ramp(x, 4, 4)), ramp(mul(x, 2), 8, 4));
  ck.verify(mul(bcast(0, 4), x), bcast(0, 4));
  ck.verify(mul(bcast(flt(0), 4), x), bcast(flt(0), 4));
  // truncated division
  ck.verify(tdiv(i2(y), i2(x)), op.cast("int32x2", tdiv(y, x)));
  ck.verify(tdiv(ramp(x, 4, 4), 2), ramp(tdiv(x, 2), 2, 4));
  bound(ck.analyzer, x, 0, 1000);
  ck.verify(tdiv(ramp(add(mul(x, 8), 1), 1, 4), 8), op.cast("int32x4", x));
  ck.verify(tdiv(ramp(add(mul(x, 8), 15), 1, 4), 8), tdiv(ramp(add(mul(x, 8), 15), 1, 4), 8));
  // truncated modulo
  ck.verify(tmod(i2(y), i2(x)), op.cast("int32x2", tmod(y, x)));
  ck.verify(tmod(ramp(x, 4, 4), 2), bcast(tmod(x, 2), 4));
  ck.verify(tmod(ramp(add(mul(x, 8), 1), 1, 4), 8), ramp(1, 1, 4));
  ck.verify(tmod(ramp(add(mul(x, 8), 1), 15, 4), 8), tmod(ramp(1, 15, 4), 8));
  // floor division
  bound(ck.analyzer, x, -10, 1000);
  ck.verify(fld(i2(y), i2(x)), op.cast("int32x2", fld(y, x)));
  ck.verify(fld(ramp(x, 4, 4), 2), ramp(fld(x, 2), 2, 4));
  ck.verify(fld(ramp(add(mul(x, 8), 1), 1, 4), 8), op.cast("int32x4", x));
  ck.verify(fld(ramp(add(mul(x, 8), 15), 1, 4), 8), fld(ramp(add(mul(x, 8), 15), 1, 4), 8));
  ck.verify(fld(ramp(x, 8, 5), bcast(4, 5)), ramp(fld(x, 4), 2, 5));
  ck.verify(fld(ramp(flm(mul(x, 4), 256), 1, 4), bcast(8, 4)), bcast(fld(flm(mul(x, 4), 256), 8), 4));
  ck.verify(fld(ramp(x, 7, 4), bcast(4, 4)), fld(ramp(x, 7, 4), bcast(4, 4)));
  ck.verify(fld(ramp(mul(x, 8), 1, 4), bcast(4, 4)), bcast(mul(x, 2), 4));
  ck.verify(fld(ramp(mul(x, 8), 3, 4), bcast(4, 4)), fld(ramp(mul(x, 8), 3, 4), bcast(4, 4)));
  ck.verify(fld(ramp(add(mul(x, 8), 15), 1, 4), bcast(4, 4)), fld(ramp(add(mul(x, 8), 15), 1, 4), bcast(4, 4)));
  ck.verify(fld(ramp(mul(x, 4), 1, 4), bcast(64, 4)), bcast(fld(x, 16), 4));
  ck.verify(fld(ramp(mul(x, 8), 2, 4), bcast(64, 4)), bcast(fld(x, 8), 4));
  ck.verify(fld(ramp(mul(x, 4), 1, 5), bcast(64, 5)), fld(ramp(mul(x, 4), 1, 5), bcast(64, 5)));
  ck.verify(fld(ramp(add(mul(x, 4), 3), 1, 4), bcast(64, 4)), fld(ramp(add(mul(x, 4), 3), 1, 4), bcast(64, 4)));
  ck.verify(fld(ramp(mul(x, 7), 1, 4), bcast(64, 4)), fld(ramp(mul(x, 7), 1, 4), bcast(64, 4)));
  // floor modulo
  ck.verify(flm(i2(y), i2(x)), op.cast("int32x2", flm(y, x)));
  ck.verify(flm(ramp(x, 4, 4), 2), bcast(flm(x, 2), 4));
  ck.verify(flm(ramp(add(mul(x, 8), 1), 1, 4), 8), ramp(1, 1, 4));
  ck.verify(flm(ramp(add(mul(x, 8), 1), 15, 4), 8), flm(ramp(1, 15, 4), 8));
  ck.verify(flm(ramp(x, 8, 4), bcast(4, 4)), bcast(flm(x, 4), 4));
  ck.verify(flm(ramp(x, 7, 4), bcast(4, 4)), flm(ramp(x, 7, 4), bcast(4, 4)));
  ck.verify(flm(ramp(mul(x, 8), 1, 4), bcast(4, 4)), ramp(0, 1, 4));
  ck.verify(flm(ramp(mul(x, 8), 1, 5), bcast(4, 5)), flm(ramp(0, 1, 5), bcast(4, 5)));
  ck.verify(flm(ramp(add(mul(x, 8), 7), 1, 4), bcast(4, 4)), flm(ramp(3, 1, 4), bcast(4, 4)));
  ck.verify(flm(ramp(mul(x, 4), 1, 4), bcast(64, 4)), ramp(flm(mul(x, 4), 64), 1, 4));
  ck.verify(flm(ramp(mul(x, 8), 2, 4), bcast(64, 4)), ramp(flm(mul(x, 8), 64), 2, 4));
  ck.verify(flm(ramp(mul(x, 4), 1, 5), bcast(64, 5)), flm(ramp(mul(x, 4), 1, 5), bcast(64, 5)));
  ck.verify(flm(ramp(add(mul(x, 4), 3), 1, 4), bcast(64, 4)), flm(ramp(add(mul(x, 4), 3), 1, 4), bcast(64, 4)));
  ck.verify(flm(ramp(mul(x, 2), 1, 8), bcast(20, 8)), flm(ramp(mul(x, 2), 1, 8), bcast(20, 8)));
  ck.verify(flm(ramp(mul(x, 7), 1, 4), bcast(64, 4)), flm(ramp(mul(x, 7), 1, 4), bcast(64, 4)));
  // Min/Max rules
  const vx = new Var("vx", "int32x2");
  const vc = new Var("vc", "bool");
  ck.verify(min(i2(y), i2(x)), op.cast("int32x2", min(y, x)));
  ck.verify(min(min(vx, i2(y)), i2(x)), min(vx, op.cast("int32x2", min(y, x))));
  ck.verify(max(i2(y), i2(x)), op.cast("int32x2", max(y, x)));
  ck.verify(max(max(vx, i2(y)), i2(x)), max(vx, op.cast("int32x2", max(y, x))));
  // Logical rules
  const b2 = "boolx2";
  ck.verify(op.eq(i2(y), i2(x)), op.cast(b2, op.eq(y, x)));
  ck.verify(new NE(i2(y), i2(x)), op.cast(b2, new NE(y, x)));
  ck.verify(op.gt(i2(y), i2(x)), op.cast(b2, op.lt(x, y)));
  ck.verify(op.ge(i2(y), i2(x)), op.cast(b2, op.le(x, y)));
  ck.verify(op.lt(i2(y), i2(x)), op.cast(b2, op.lt(y, x)));
  ck.verify(op.le(i2(y), i2(x)), op.cast(b2, op.le(y, x)));
  ck.verify(new And(op.le(i2(y), i2(x)), op.cast(b2, vc)), op.cast(b2, new And(op.le(y, x), vc)));
  ck.verify(new Or(op.le(i2(y), i2(x)), op.cast(b2, vc)), op.cast(b2, new Or(op.le(y, x), vc)));
});

test("select simplify", (t) => {
  const ck = checker(t);
  const [x, y, z] = vars("x", "y", "z");
  const xn = (): ReturnType<typeof op.lt> => op.lt(x, 0);
  ck.verify(add(select(xn(), y, 0), select(xn(), 1, z)), select(xn(), add(y, 1), z));
  ck.verify(sub(select(xn(), y, 1), select(xn(), 1, z)), select(xn(), add(y, -1), sub(1, z)));
  ck.verify(sub(select(xn(), y, z), y), select(xn(), 0, sub(z, y)));
  ck.verify(sub(select(xn(), y, z), z), select(xn(), sub(y, z), 0));
  ck.verify(min(select(xn(), y, 0), select(xn(), 1, z)), select(xn(), min(y, 1), min(0, z)));
  ck.verify(max(select(xn(), y, 0), select(xn(), 1, z)), select(xn(), max(y, 1), max(0, z)));
  ck.verify(select(op.ne(add(mul(x, 3), 1), 0), y, z), y);
  ck.verify(select(op.eq(add(mul(x, 3), 1), 0), y, z), z);
  ck.verify(select(op.gt(x, 0), add(y, 1), add(y, 1)), add(y, 1));
});

test("add index simplify", (t) => {
  const ck = checker(t);
  const [x, y, z] = vars("x", "y", "z");
  ck.verify(add(x, sub(y, x)), y);
  ck.verify(add(sub(x, add(y, 1)), add(y, 1)), x);
  ck.verify(add(sub(x, 10), sub(10, z)), sub(x, z));
  ck.verify(add(sub(x, y), sub(z, x)), sub(z, y));

  ck.verify(add(min(x, sub(y, z)), z), min(add(x, z), y));
  ck.verify(add(min(sub(x, z), y), z), min(x, add(y, z)));
  ck.verify(add(max(x, sub(y, 10)), 10), max(add(x, 10), y));
  ck.verify(add(max(sub(x, 11), y), 11), max(x, add(y, 11)));

  ck.verify(add(max(x, mul(y, 2)), min(x, mul(y, 2))), add(x, mul(y, 2)));
  ck.verify(add(min(x, mul(y, 2)), max(x, mul(y, 2))), add(x, mul(y, 2)));

  ck.verify(add(max(x, add(y, 2)), -2), max(add(x, -2), y));
  ck.verify(add(min(x, add(y, 2)), -2), min(add(x, -2), y));
  ck.verify(add(min(add(x, 2), add(y, 3)), -2), min(x, add(y, 1)));

  ck.verify(add(max(0, sub(1, mul(x, 4))), mul(x, 4)), max(mul(x, 4), 1));
  ck.verify(add(max(sub(2, mul(x, 4)), 0), mul(x, 4)), max(mul(x, 4), 2));
  ck.verify(add(min(0, sub(1, mul(x, 4))), mul(x, 4)), min(mul(x, 4), 1));
  ck.verify(add(min(sub(2, mul(x, 4)), 0), mul(x, 4)), min(mul(x, 4), 2));

  ck.verify(add(mul(x, y), mul(x, 10)), mul(x, add(y, 10)));
  ck.verify(add(mul(y, x), mul(x, 10)), mul(x, add(y, 10)));
  ck.verify(add(mul(y, x), mul(10, x)), mul(x, add(y, 10)));
  ck.verify(add(mul(x, y), mul(10, x)), mul(x, add(y, 10)));

  ck.verify(add(mul(2, z), min(x, sub(y, mul(2, z)))), min(add(x, mul(z, 2)), y));
  ck.verify(add(mul(y, x), x), mul(x, add(y, 1)));
  ck.verify(add(mul(x, y), x), mul(x, add(y, 1)));
  ck.verify(add(add(x, 10), 13), add(x, 23));
  ck.verify(add(add(x, 10), add(13, z)), add(add(x, z), 23));
  ck.verify(add(mul(x, y), mul(10, x)), mul(x, add(y, 10)));
  ck.verify(add(mul(y, x), mul(x, 3)), mul(x, add(y, 3)));
  ck.verify(add(add(x, 3), y), add(add(x, y), 3));
  ck.verify(add(sub(3, y), x), add(sub(x, y), 3));


  // canonicalization
  ck.verify(add(add(add(add(x, 2), 3), 4), x), add(mul(x, 2), 9));
  ck.verify(add(add(add(add(x, 2), 3), 4), mul(x, 3)), add(mul(x, 4), 9));

  // truncated division
  ck.verify(add(mul(y, tmod(x, 8)), mul(10, tmod(x, 8))), mul(tmod(x, 8), add(y, 10)));
  bound(ck.analyzer, x, -1, 1000);
  ck.verify(add(mul(tdiv(x, 8), 8), tmod(x, 8)), x);
  // floor division
  ck.verify(add(mul(y, flm(x, 8)), mul(10, flm(x, 8))), mul(flm(x, 8), add(y, 10)));
  ck.verify(add(mul(fld(x, 8), 8), flm(x, 8)), x);
  // TVM 2021 folds this to floordiv(x + 7, 2); the TE-era rule set keeps it.
  const kept = add(fld(add(flm(x, 2), 7), 2), fld(x, 2));
  ck.verify(kept, kept);
});

test("sub index simplify", (t) => {
  const ck = checker(t);
  const [x, y, z] = vars("x", "y", "z");
  ck.verify(sub(add(x, y), y), x);
  ck.verify(sub(add(x, y), x), y);
  ck.verify(sub(x, add(y, x)), sub(0, y));
  ck.verify(sub(x, add(x, y)), sub(0, y));

  ck.verify(sub(min(x, y), x), min(0, sub(y, x)));
  ck.verify(sub(min(x, y), y), min(sub(x, y), 0));
  ck.verify(sub(max(x, y), x), max(0, sub(y, x)));
  ck.verify(sub(max(x, y), y), max(sub(x, y), 0));

  ck.verify(sub(x, min(x, y)), max(0, sub(x, y)));
  ck.verify(sub(y, min(x, y)), max(sub(y, x), 0));
  ck.verify(sub(x, max(x, y)), min(0, sub(x, y)));
  ck.verify(sub(y, max(x, y)), min(sub(y, x), 0));

  // coefficient folding
  ck.verify(sub(x, x), 0);
  ck.verify(sub(mul(x, y), x), mul(x, add(y, -1)));
  ck.verify(sub(mul(x, y), mul(10, x)), mul(x, add(y, -10)));
  ck.verify(sub(mul(y, x), mul(x, z)), mul(x, sub(y, z)));
  ck.verify(sub(mul(y, x), mul(z, x)), mul(x, sub(y, z)));

  ck.verify(sub(add(x, 10), 20), add(x, -10));

  // four-operand patterns
  ck.verify(sub(add(x, y), add(x, z)), sub(y, z));
  ck.verify(sub(add(y, x), add(x, z)), sub(y, z));
  ck.verify(sub(add(x, y), add(z, x)), sub(y, z));
  ck.verify(sub(add(y, x), add(z, x)), sub(y, z));

  ck.verify(sub(min(add(x, y), z), x), min(y, sub(z, x)));
  ck.verify(sub(min(add(y, x), z), x), min(y, sub(z, x)));
  ck.verify(sub(min(z, add(x, y)), x), min(sub(z, x), y));
  ck.verify(sub(min(z, add(y, x)), x), min(sub(z, x), y));

  ck.verify(sub(max(add(x, y), z), x), max(y, sub(z, x)));
  ck.verify(sub(max(add(y, x), z), x), max(y, sub(z, x)));
  ck.verify(sub(max(z, add(x, y)), x), max(sub(z, x), y));
  ck.verify(sub(max(z, add(y, x)), x), max(sub(z, x), y));

  ck.verify(sub(x, min(add(x, y), z)), max(sub(0, y), sub(x, z)));
  ck.verify(sub(x, min(add(y, x), z)), max(sub(0, y), sub(x, z)));
  ck.verify(sub(x, min(z, add(x, y))), max(sub(x, z), sub(0, y)));
  ck.verify(sub(x, min(z, add(y, x))), max(sub(x, z), sub(0, y)));

  ck.verify(sub(min(x, y), min(y, x)), 0);
  ck.verify(sub(max(x, y), max(y, x)), 0);
  ck.verify(sub(min(x, y), min(add(x, 10), add(y, 10))), -10);
  ck.verify(sub(min(add(x, 10), add(y, 1)), min(x, sub(y, 9))), 10);

  // truncated division
  bound(ck.analyzer, x, 0, 1000);
  ck.verify(sub(x, mul(tdiv(x, 3), 3)), tmod(x, 3));
  ck.verify(sub(tdiv(add(x, 5), 3), tdiv(x, 3)), tdiv(add(tmod(x, 3), 5), 3));
  ck.verify(sub(tdiv(add(x, 5), 3), tdiv(add(x, 1), 3)), tdiv(add(tmod(add(x, 1), 3), 4), 3));

  ck.verify(sub(y, mul(tdiv(y, -5), -5)), tmod(y, 5));
  ck.verify(sub(mul(tdiv(y, 3), 3), y), sub(0, tmod(y, 3)));
  ck.verify(sub(y, mul(tdiv(sub(y, 6), 5), 5)), add(tmod(add(y, -6), 5), 6));
  ck.verify(sub(mul(tdiv(sub(y, 6), 5), 5), y), sub(-6, tmod(add(y, -6), 5)));
  ck.verify(sub(y, mul(tdiv(add(y, z), 5), 5)), sub(tmod(add(y, z), 5), z));
  ck.verify(sub(mul(tdiv(add(y, z), 5), 5), y), sub(z, tmod(add(y, z), 5)));
  ck.verify(sub(y, mul(tdiv(sub(y, z), 5), 5)), add(tmod(sub(y, z), 5), z));
  ck.verify(sub(mul(tdiv(sub(y, z), 5), 5), y), sub(sub(0, tmod(sub(y, z), 5)), z));

  ck.verify(sub(mul(y, 3), mul(tdiv(y, 2), 6)), mul(tmod(y, 2), 3));
  ck.verify(sub(mul(tdiv(y, 3), 6), mul(y, 2)), mul(tmod(y, 3), -2));
  ck.verify(sub(mul(y, 5), mul(tdiv(add(y, z), 2), 10)), mul(sub(tmod(add(y, z), 2), z), 5));
  ck.verify(sub(mul(y, 5), mul(tdiv(sub(y, z), 2), 10)), mul(add(tmod(sub(y, z), 2), z), 5));
  ck.verify(sub(mul(tdiv(add(y, z), 3), 6), mul(y, 2)), mul(sub(z, tmod(add(y, z), 3)), 2));
  ck.verify(sub(mul(tdiv(sub(y, z), 3), 6), mul(y, 2)), mul(sub(sub(0, tmod(sub(y, z), 3)), z), 2));
  ck.verify(sub(mul(5, y), mul(tdiv(add(y, z), 2), 10)), mul(sub(tmod(add(y, z), 2), z), 5));
  ck.verify(sub(mul(5, y), mul(10, tdiv(sub(y, z), 2))), mul(add(tmod(sub(y, z), 2), z), 5));
  ck.verify(sub(mul(6, tdiv(add(y, z), 3)), mul(y, 2)), mul(sub(z, tmod(add(y, z), 3)), 2));
  ck.verify(sub(mul(tdiv(sub(y, z), 3), 6), mul(2, y)), mul(sub(sub(0, tmod(sub(y, z), 3)), z), 2));

  // floor division
  bound(ck.analyzer, x, -1000, 1000);
  bound(ck.analyzer, y, -1000, 1000);
  ck.verify(sub(x, mul(fld(x, 3), 3)), flm(x, 3));
  ck.verify(sub(fld(add(x, 5), 3), fld(x, 3)), fld(add(flm(x, 3), 5), 3));
  ck.verify(sub(fld(add(x, 5), 3), fld(add(x, 2), 3)), add(fld(flm(add(x, 2), 3), 3), 1));

  ck.verify(sub(mul(fld(y, 3), 3), y), sub(0, flm(y, 3)));
  ck.verify(sub(y, mul(fld(sub(y, 6), 5), 5)), add(flm(add(y, -6), 5), 6));
  ck.verify(sub(mul(fld(sub(y, 6), 5), 5), y), sub(-6, flm(add(y, -6), 5)));
  ck.verify(sub(y, mul(fld(add(y, z), 5), 5)), sub(flm(add(y, z), 5), z));
  ck.verify(sub(mul(fld(add(y, z), 5), 5), y), sub(z, flm(add(y, z), 5)));
  ck.verify(sub(y, mul(fld(sub(y, z), 5), 5)), add(flm(sub(y, z), 5), z));
  ck.verify(sub(mul(fld(sub(y, z), 5), 5), y), sub(sub(0, flm(sub(y, z), 5)), z));
  ck.verify(sub(mul(y, 3), mul(fld(y, 2), 6)), mul(flm(y, 2), 3));
  ck.verify(sub(mul(fld(y, 3), 6), mul(y, 2)), mul(flm(y, 3), -2));
  ck.verify(sub(mul(y, 5), mul(fld(add(y, z), 2), 10)), mul(sub(flm(add(y, z), 2), z), 5));
  ck.verify(sub(mul(y, 5), mul(fld(sub(y, z), 2), 10)), mul(add(flm(sub(y, z), 2), z), 5));
  ck.verify(sub(mul(fld(add(y, z), 3), 6), mul(y, 2)), mul(sub(z, flm(add(y, z), 3)), 2));
  ck.verify(sub(mul(fld(sub(y, z), 3), 6), mul(y, 2)), mul(sub(sub(0, flm(sub(y, z), 3)), z), 2));
  ck.verify(sub(mul(5, y), mul(fld(add(y, z), 2), 10)), mul(sub(flm(add(y, z), 2), z), 5));
  ck.verify(sub(mul(5, y), mul(10, fld(sub(y, z), 2))), mul(add(flm(sub(y, z), 2), z), 5));
  ck.verify(sub(mul(6, fld(add(y, z), 3)), mul(y, 2)), mul(sub(z, flm(add(y, z), 3)), 2));
  ck.verify(sub(mul(fld(sub(y, z), 3), 6), mul(2, y)), mul(sub(sub(0, flm(sub(y, z), 3)), z), 2));
});

test("mul index simplify", (t) => {
  const ck = checker(t);
  const [x, y] = vars("x", "y");
  ck.verify(mul(add(x, 2), 3), add(mul(x, 3), 6));
  ck.verify(mul(mul(x, 2), 3), mul(x, 6));
  ck.verify(mul(min(x, y), max(x, y)), mul(x, y));
  ck.verify(mul(max(x, y), min(x, y)), mul(x, y));
  ck.verify(mul(sub(x, y), -2), mul(sub(y, x), 2));
});

test("truncdiv index simplify", (t) => {
  const ck = checker(t);
  const [x, y, z] = vars("x", "y", "z");
  ck.verify(tdiv(x, x), 1);
  bound(ck.analyzer, x, 0, 1000);
  bound(ck.analyzer, y, 0, 1000);
  bound(ck.analyzer, z, 0, 1000);

  ck.verify(tdiv(tdiv(x, 2), 3), tdiv(x, 6));
  ck.verify(tdiv(add(tdiv(x, 2), 1), 3), tdiv(add(x, 2), 6));
  ck.verify(tdiv(mul(x, 2), 4), tdiv(x, 2));
  ck.verify(tdiv(mul(x, 4), 2), mul(x, 2));

  ck.verify(tdiv(add(mul(x, 4), y), 2), add(mul(x, 2), tdiv(y, 2)));
  ck.verify(tdiv(min(mul(x, 6), y), 2), min(mul(x, 3), tdiv(y, 2)));
  ck.verify(tdiv(max(mul(x, 6), y), 2), max(mul(x, 3), tdiv(y, 2)));

  ck.verify(tdiv(add(y, mul(x, 4)), 2), add(tdiv(y, 2), mul(x, 2)));
  ck.verify(tdiv(min(y, mul(x, 6)), 2), min(tdiv(y, 2), mul(x, 3)));
  ck.verify(tdiv(max(y, mul(x, 6)), 2), max(tdiv(y, 2), mul(x, 3)));

  // three operands
  ck.verify(tdiv(add(add(mul(x, 6), y), z), 2), add(mul(x, 3), tdiv(add(y, z), 2)));
  ck.verify(tdiv(add(sub(mul(x, 6), y), add(y, 3)), 2), add(mul(x, 3), 1));
  ck.verify(tdiv(sub(add(mul(x, 6), add(y, 3)), y), 2), add(mul(x, 3), 1));
  ck.verify(tdiv(add(add(y, mul(x, 6)), z), 2), add(mul(x, 3), tdiv(add(y, z), 2)));
  ck.verify(tdiv(add(x, 4), 2), add(tdiv(x, 2), 2));

  ck.verify(tdiv(add(x, y), x), add(tdiv(y, x), 1));
  ck.verify(tdiv(add(y, x), x), add(tdiv(y, x), 1));
  ck.verify(tdiv(add(add(x, y), z), x), add(tdiv(add(y, z), x), 1));
  ck.verify(tdiv(add(add(y, x), z), x), add(tdiv(add(y, z), x), 1));
  ck.verify(tdiv(add(y, add(x, z)), x), add(tdiv(add(y, z), x), 1));
  ck.verify(tdiv(add(y, add(z, x)), x), add(tdiv(add(y, z), x), 1));

  ck.verify(tdiv(mul(x, y), y), x);
  ck.verify(tdiv(mul(y, x), y), x);

  ck.verify(tdiv(add(mul(x, z), y), z), add(x, tdiv(y, z)));
  ck.verify(tdiv(add(mul(z, x), y), z), add(x, tdiv(y, z)));
  ck.verify(tdiv(add(y, mul(x, z)), z), add(tdiv(y, z), x));
  ck.verify(tdiv(add(y, mul(z, x)), z), add(tdiv(y, z), x));
});

test("floordiv index simplify", (t) => {
  const ck = checker(t);
  const [x, y, z] = vars("x", "y", "z");
  ck.verify(fld(fld(x, 2), 3), fld(x, 6));
  ck.verify(fld(add(fld(x, 2), 1), 3), fld(add(x, 2), 6));

  ck.verify(fld(mul(x, 2), 4), fld(x, 2));
  ck.verify(fld(mul(x, 4), 2), mul(x, 2));
  // TVM 2021 also rewrites floordiv(x*8 + 7, 16) to floordiv(x, 2); the TE-era rules do not.
  ck.verify(fld(add(mul(x, 8), 7), 16), fld(add(mul(x, 8), 7), 16));
  ck.verify(fld(add(mul(x, 8), 39), 16), fld(add(mul(x, 8), 39), 16));
  ck.verify(fld(sub(mul(x, 8), 1), 16), fld(add(mul(x, 8), -1), 16));
  ck.verify(fld(sub(mul(x, 8), 9), 16), fld(add(mul(x, 8), -9), 16));

  ck.verify(fld(add(mul(x, 4), y), 2), add(mul(x, 2), fld(y, 2)));
  ck.verify(fld(min(mul(x, 6), y), 2), min(mul(x, 3), fld(y, 2)));
  ck.verify(fld(max(mul(x, 6), y), 2), max(mul(x, 3), fld(y, 2)));

  ck.verify(fld(add(y, mul(x, 4)), 2), add(fld(y, 2), mul(x, 2)));
  ck.verify(fld(min(y, mul(x, 6)), 2), min(fld(y, 2), mul(x, 3)));
  ck.verify(fld(max(y, mul(x, 6)), 2), max(fld(y, 2), mul(x, 3)));

  // three operands
  ck.verify(fld(add(add(mul(x, 6), y), z), 2), add(mul(x, 3), fld(add(y, z), 2)));
  ck.verify(fld(add(sub(mul(x, 6), y), add(y, 3)), 2), add(mul(x, 3), 1));
  ck.verify(fld(sub(add(mul(x, 6), add(y, 3)), y), 2), add(mul(x, 3), 1));
  ck.verify(fld(add(add(y, mul(x, 6)), z), 2), add(mul(x, 3), fld(add(y, z), 2)));
  ck.verify(fld(add(x, 4), 2), add(fld(x, 2), 2));

  bound(ck.analyzer, x, 0, 1000);
  ck.verify(fld(add(x, y), x), add(fld(y, x), 1));
  ck.verify(fld(add(y, x), x), add(fld(y, x), 1));
  ck.verify(fld(add(add(x, y), z), x), add(fld(add(y, z), x), 1));
  ck.verify(fld(add(add(y, x), z), x), add(fld(add(y, z), x), 1));
  ck.verify(fld(add(y, add(x, z)), x), add(fld(add(y, z), x), 1));
  ck.verify(fld(add(y, add(z, x)), x), add(fld(add(y, z), x), 1));

  bound(ck.analyzer, y, 0, 1000);
  bound(ck.analyzer, z, 0, 1000);
  ck.verify(fld(mul(x, y), y), x);
  ck.verify(fld(mul(y, x), y), x);
  ck.verify(fld(add(mul(x, z), y), z), add(x, fld(y, z)));
  ck.verify(fld(add(mul(z, x), y), z), add(x, fld(y, z)));
  ck.verify(fld(add(y, mul(x, z)), z), add(fld(y, z), x));
  ck.verify(fld(add(y, mul(z, x)), z), add(fld(y, z), x));

  // TVM 2021 rewrites these to floordiv(x, 2) and floordiv(x, 4) (y < 32, z < 4); the
  // TE-era rules leave them.
  bound(ck.analyzer, y, 0, 31);
  bound(ck.analyzer, z, 0, 3);
  ck.verify(fld(add(mul(x, 32), y), 64), fld(add(mul(x, 32), y), 64));
  ck.verify(fld(add(add(mul(x, 128), mul(y, 4)), z), 512), fld(add(add(mul(x, 128), mul(y, 4)), z), 512));
});

test("truncmod index simplify", (t) => {
  const ck = checker(t);
  const [x, y, nx, ny] = vars("x", "y", "nx", "ny");
  bound(ck.analyzer, x, 0, 1000);
  bound(ck.analyzer, y, 0, 1000);
  bound(ck.analyzer, nx, -1000, 0);
  bound(ck.analyzer, ny, -1000, 0);

  ck.verify(tmod(mul(x, 10), 2), 0);
  ck.verify(tmod(add(mul(x, 10), y), 2), tmod(y, 2));
  ck.verify(tmod(add(x, 10), 2), tmod(x, 2));
  ck.verify(tmod(add(x, mul(y, 10)), 2), tmod(x, 2));
  ck.verify(tmod(add(add(add(mul(x, 10), 1), mul(y, 2)), 2), 2), 1);
  ck.verify(tmod(mul(x, 10), -2), 0);
  ck.verify(tmod(add(mul(x, 10), y), -2), tmod(y, 2));
  ck.verify(tmod(add(x, 10), -2), tmod(x, 2));
  ck.verify(tmod(add(x, mul(y, 10)), -2), tmod(x, 2));
  ck.verify(tmod(add(add(add(mul(x, 10), 1), mul(y, 2)), 2), -2), 1);

  ck.verify(tmod(mul(x, -10), 2), 0);
  ck.verify(tmod(add(mul(x, -10), y), 2), tmod(add(mul(x, -10), y), 2));
  ck.verify(tmod(add(x, -10), 2), tmod(add(x, -10), 2));
  ck.verify(tmod(add(x, mul(y, -10)), 2), tmod(add(x, mul(y, -10)), 2));
  ck.verify(tmod(mul(x, -10), -2), 0);

  ck.verify(tmod(mul(nx, 10), 2), 0);
  ck.verify(tmod(add(mul(nx, -10), y), 2), tmod(y, 2));
  ck.verify(tmod(add(x, mul(ny, -10)), 2), tmod(x, 2));
  ck.verify(tmod(add(add(add(mul(nx, -10), 1), mul(ny, -2)), 2), 2), 1);
  ck.verify(tmod(mul(nx, 10), -2), 0);
  ck.verify(tmod(add(mul(nx, -10), y), -2), tmod(y, 2));
  ck.verify(tmod(add(x, mul(ny, -10)), -2), tmod(x, 2));
});

test("floormod index simplify", (t) => {
  const ck = checker(t);
  const [x, y] = vars("x", "y");
  ck.verify(flm(mul(x, 10), 2), 0);
  // TVM 2021 reduces the factors modulo the divisor (x*9600 -> x*3200); the TE-era rules keep them.
  ck.verify(flm(mul(x, 9600), 6400), flm(mul(x, 9600), 6400));
  ck.verify(flm(add(mul(x, 10), y), 2), flm(y, 2));
  ck.verify(flm(add(mul(x, 360), y), 16), flm(add(mul(x, 360), y), 16));
  ck.verify(flm(add(x, 10), 2), flm(x, 2));
  ck.verify(flm(add(x, mul(y, 10)), 2), flm(x, 2));
  ck.verify(flm(add(x, mul(y, 360)), 16), flm(add(x, mul(y, 360)), 16));
  ck.verify(flm(add(add(add(mul(x, 10), 1), mul(y, 2)), 2), 2), 1);
  ck.verify(flm(mul(x, -10), 2), 0);
  ck.verify(flm(add(mul(x, -10), y), 2), flm(y, 2));
  ck.verify(flm(add(x, -10), 2), flm(x, 2));
  ck.verify(flm(add(x, mul(y, -10)), 2), flm(x, 2));

  bound(ck.analyzer, y, 0, 31);
  // (TVM 2021: floormod(x, 2)*32 + y.)
  ck.verify(flm(add(mul(x, 32), y), 64), flm(add(mul(x, 32), y), 64));
  ck.verify(flm(sub(mul(x, 32), y), 64), flm(sub(mul(x, 32), y), 64));
});

test("min index simplify", (t) => {
  const ck = checker(t);
  const [x, y, z] = vars("x", "y", "z");
  // constant int bound
  ck.verify(min(tmod(x, 2), add(tmod(y, 2), 10)), tmod(x, 2));
  ck.verify(min(flm(x, 2), add(flm(y, 2), 10)), flm(x, 2));

  ck.verify(min(add(x, 1), add(x, 10)), add(x, 1));
  ck.verify(min(add(x, 111), add(x, 10)), add(x, 10));
  ck.verify(min(add(x, 1), x), x);
  ck.verify(min(x, add(x, 2)), x);
  ck.verify(min(sub(1, x), sub(2, x)), sub(1, x));
  ck.verify(min(sub(3, x), sub(2, x)), sub(2, x));

  ck.verify(min(max(x, y), min(x, y)), min(x, y));
  ck.verify(min(max(x, y), min(y, x)), min(x, y));

  ck.verify(min(max(x, y), x), x);
  ck.verify(min(max(y, x), x), x);
  ck.verify(min(min(x, y), x), min(x, y));
  ck.verify(min(min(x, y), y), min(x, y));

  ck.verify(min(x, max(x, y)), x);
  ck.verify(min(x, max(y, x)), x);
  ck.verify(min(x, min(x, y)), min(x, y));
  ck.verify(min(y, min(x, y)), min(x, y));

  ck.verify(min(min(min(x, y), z), y), min(min(x, y), z));
  ck.verify(min(min(min(min(x, y), z), mul(x, 2)), y), min(min(min(x, y), z), mul(x, 2)));
  ck.verify(min(min(min(min(min(x, y), z), mul(x, 2)), mul(z, 2)), y), min(min(min(min(x, y), z), mul(x, 2)), mul(z, 2)));

  ck.verify(min(max(x, y), max(x, z)), max(min(y, z), x));
  ck.verify(min(max(x, y), max(z, x)), max(min(y, z), x));
  ck.verify(min(max(y, x), max(x, z)), max(min(y, z), x));
  ck.verify(min(max(y, x), max(z, x)), max(min(y, z), x));

  ck.verify(min(add(y, x), add(z, x)), add(min(y, z), x));
  ck.verify(min(add(y, x), add(x, z)), add(min(y, z), x));
  ck.verify(min(add(x, y), add(z, x)), add(min(y, z), x));
  ck.verify(min(add(x, y), add(x, z)), add(min(y, z), x));

  ck.verify(min(sub(x, y), sub(x, z)), sub(x, max(y, z)));
  ck.verify(min(sub(y, x), sub(z, x)), sub(min(y, z), x));

  ck.verify(min(min(x, 1), 10), min(x, 1));
  ck.verify(min(min(x, 11), 10), min(x, 10));

  ck.verify(min(mul(x, 3), 9), mul(min(x, 3), 3));
  ck.verify(min(mul(x, 2), 0), mul(min(x, 0), 2));
  ck.verify(min(sub(0, mul(x, 2)), 0), mul(max(x, 0), -2));
  ck.verify(min(sub(3, x), 2), sub(3, max(x, 1)));
  ck.verify(min(mul(x, -2), -4), mul(max(x, 2), -2));
  ck.verify(min(mul(x, -2), 4), mul(max(x, -2), -2));
  ck.verify(min(mul(x, 0), 4), 0);
  ck.verify(min(mul(x, 0), -4), -4);

  // truncated division
  bound(ck.analyzer, x, 0, 1000);
  ck.verify(min(mul(tdiv(add(x, 3), 4), 4), x), x);
  ck.verify(min(mul(tdiv(add(x, 3), 4), 4), max(x, 4)), max(x, 4));
  ck.verify(min(x, mul(tdiv(add(x, 3), 4), 4)), x);
  ck.verify(min(max(x, 4), mul(tdiv(add(x, 3), 4), 4)), max(x, 4));
  bound(ck.analyzer, x, -1000, 1000);
  ck.verify(min(tdiv(x, 10), tdiv(y, 10)), tdiv(min(x, y), 10));
  ck.verify(min(tdiv(x, -10), tdiv(y, -10)), tdiv(max(x, y), -10));

  // floor division
  ck.verify(min(mul(fld(add(x, 3), 4), 4), x), x);
  ck.verify(min(mul(fld(add(x, 3), 4), 4), max(x, 4)), max(x, 4));
  ck.verify(min(x, mul(fld(add(x, 3), 4), 4)), x);
  ck.verify(min(x, mul(fld(x, 4), 4)), mul(fld(x, 4), 4));
  ck.verify(min(max(x, 4), mul(fld(add(x, 3), 4), 4)), max(x, 4));
  ck.verify(min(fld(x, 10), fld(y, 10)), fld(min(x, y), 10));
  ck.verify(min(fld(x, -10), fld(y, -10)), fld(max(x, y), -10));
});

test("max index simplify", (t) => {
  const ck = checker(t);
  const [x, y, z] = vars("x", "y", "z");
  // constant int bound
  ck.verify(max(tmod(x, 2), add(tmod(y, 2), 10)), add(tmod(y, 2), 10));
  ck.verify(max(flm(x, 2), add(flm(y, 2), 10)), add(flm(y, 2), 10));

  ck.verify(max(add(x, 1), add(x, 10)), add(x, 10));
  ck.verify(max(add(x, 111), add(x, 10)), add(x, 111));
  ck.verify(max(add(x, 1), x), add(x, 1));
  ck.verify(max(x, add(x, 2)), add(x, 2));
  ck.verify(max(sub(1, x), sub(2, x)), sub(2, x));
  ck.verify(max(sub(3, x), sub(2, x)), sub(3, x));

  ck.verify(max(min(x, y), max(x, y)), max(x, y));
  ck.verify(max(min(x, y), max(y, x)), max(x, y));

  ck.verify(max(min(x, y), x), x);
  ck.verify(max(min(y, x), x), x);
  ck.verify(max(max(x, y), x), max(x, y));
  ck.verify(max(max(x, y), y), max(x, y));

  ck.verify(max(x, min(x, y)), x);
  ck.verify(max(x, min(y, x)), x);
  ck.verify(max(x, max(x, y)), max(x, y));
  ck.verify(max(y, max(x, y)), max(x, y));

  ck.verify(max(max(max(x, y), z), y), max(max(x, y), z));
  ck.verify(max(max(max(max(x, y), z), mul(x, 2)), y), max(max(max(x, y), z), mul(x, 2)));
  ck.verify(max(max(max(max(max(x, y), z), mul(x, 2)), mul(z, 2)), y), max(max(max(max(x, y), z), mul(x, 2)), mul(z, 2)));

  ck.verify(max(min(x, y), min(x, z)), min(max(y, z), x));
  ck.verify(max(min(x, y), min(z, x)), min(max(y, z), x));
  ck.verify(max(min(y, x), min(x, z)), min(max(y, z), x));
  ck.verify(max(min(y, x), min(z, x)), min(max(y, z), x));

  ck.verify(max(add(y, x), add(z, x)), add(max(y, z), x));
  ck.verify(max(add(y, x), add(x, z)), add(max(y, z), x));
  ck.verify(max(add(x, y), add(z, x)), add(max(y, z), x));
  ck.verify(max(add(x, y), add(x, z)), add(max(y, z), x));

  ck.verify(max(sub(x, y), sub(x, z)), sub(x, min(y, z)));
  ck.verify(max(sub(y, x), sub(z, x)), sub(max(y, z), x));

  ck.verify(max(max(x, 1), 10), max(x, 10));
  ck.verify(max(max(x, 11), 10), max(x, 11));

  ck.verify(max(mul(x, 3), 9), mul(max(x, 3), 3));
  ck.verify(max(sub(3, x), 1), sub(3, min(x, 2)));
  ck.verify(max(mul(x, 2), 0), mul(max(x, 0), 2));
  ck.verify(max(sub(0, mul(x, 2)), 0), mul(min(x, 0), -2));
  ck.verify(max(mul(x, -2), -4), mul(min(x, 2), -2));
  ck.verify(max(mul(x, -2), 4), mul(min(x, -2), -2));
  ck.verify(max(mul(x, 0), 4), 4);
  ck.verify(max(mul(x, 0), -4), 0);

  // truncated division
  ck.verify(max(tdiv(x, 10), tdiv(y, 10)), tdiv(max(x, y), 10));
  ck.verify(max(tdiv(x, -10), tdiv(y, -10)), tdiv(min(x, y), -10));
  ck.verify(max(mul(tdiv(add(x, 3), 4), 4), x), mul(tdiv(add(x, 3), 4), 4));

  // floor division
  ck.verify(max(fld(x, 10), fld(y, 10)), fld(max(x, y), 10));
  ck.verify(max(fld(x, -10), fld(y, -10)), fld(min(x, y), -10));
  ck.verify(max(mul(fld(add(x, 3), 4), 4), x), mul(fld(add(x, 3), 4), 4));
  ck.verify(max(mul(fld(x, 4), 4), x), x);
  ck.verify(max(x, mul(fld(x, 4), 4)), x);
});

test("comparison simplify", (t) => {
  const ck = checker(t);
  const [x, y, z] = vars("x", "y", "z");
  const le = (a: E, b: E): LE => new LE(op.toExpr(a), op.toExpr(b));
  const lt = (a: E, b: E): LT => new LT(op.toExpr(a), op.toExpr(b));
  // constant int bound
  ck.verify(op.eq(add(tmod(x, 2), 10), 0), FALSE());
  ck.verify(new NE(add(tmod(x, 2), 10), int(0)), TRUE());
  ck.verify(op.gt(add(tmod(x, 2), 10), 1), TRUE());
  ck.verify(op.le(add(tmod(x, 2), 10), 1), FALSE());
  ck.verify(op.gt(add(flm(x, 2), 2), 1), TRUE());
  ck.verify(op.le(add(flm(x, 2), 10), 1), FALSE());

  ck.verify(op.eq(add(mul(x, 3), 10), 0), FALSE());
  ck.verify(op.ne(add(mul(x, 3), 10), 0), TRUE());

  // canonicalization
  ck.verify(op.eq(sub(x, 10), 0), op.eq(x, 10));
  ck.verify(op.eq(sub(10, x), 0), op.eq(x, 10));
  ck.verify(op.eq(mul(x, y), 0), new Or(op.eq(x, 0), op.eq(y, 0)));

  // comparison bounds
  ck.verify(op.lt(add(x, y), add(x, z)), op.lt(y, z));
  ck.verify(op.lt(add(x, y), add(z, x)), op.lt(y, z));
  ck.verify(op.lt(add(y, x), add(x, z)), op.lt(y, z));
  ck.verify(op.lt(add(y, x), add(z, x)), op.lt(y, z));
  ck.verify(op.lt(sub(y, x), sub(z, x)), op.lt(y, z));
  ck.verify(op.lt(sub(x, y), sub(x, z)), op.lt(z, y));

  ck.verify(op.lt(x, add(z, x)), lt(0, z));
  ck.verify(op.lt(x, add(x, z)), lt(0, z));

  ck.verify(op.lt(100, add(x, 1)), lt(99, x));
  ck.verify(op.lt(1, sub(100, x)), lt(x, 99));
  ck.verify(op.lt(mul(x, 3), mul(y, 3)), op.lt(x, y));
  ck.verify(op.lt(mul(x, -3), mul(y, -3)), op.lt(y, x));
  ck.verify(op.ge(mul(x, 3), mul(y, 3)), op.le(y, x));

  ck.verify(op.ge(mul(x, 4), 2), le(1, x));
  ck.verify(op.ge(mul(x, 2), 50), le(25, x));
  ck.verify(op.le(mul(x, 4), 2), op.le(x, 0));
  ck.verify(op.le(sub(0, mul(x, 3)), 0), le(0, x));
  ck.verify(op.ge(sub(0, mul(x, 3)), 0), le(x, 0));
  ck.verify(op.le(mul(2, x), 0), op.le(x, 0));

  ck.verify(op.ge(mul(x, 2), 3), le(2, x));
  ck.verify(op.ge(mul(x, 2), 2), le(1, x));
  ck.verify(op.ge(mul(x, 2), 1), le(1, x));
  ck.verify(op.ge(mul(x, 2), 0), le(0, x));
  ck.verify(op.ge(mul(x, 2), -1), le(0, x));
  ck.verify(op.ge(mul(x, 2), -2), le(-1, x));
  ck.verify(op.ge(mul(x, 2), -3), le(-1, x));

  ck.verify(op.le(mul(x, 2), 3), le(x, 1));
  ck.verify(op.le(mul(x, 2), 2), le(x, 1));
  ck.verify(op.le(mul(x, 2), 1), le(x, 0));
  ck.verify(op.le(mul(x, 2), 0), le(x, 0));
  ck.verify(op.le(mul(x, 2), -1), le(x, -1));
  ck.verify(op.le(mul(x, 2), -2), le(x, -1));
  ck.verify(op.le(mul(x, 2), -3), le(x, -2));

  ck.verify(op.ge(mul(x, -2), 3), le(x, -2));
  ck.verify(op.ge(mul(x, -2), 2), le(x, -1));
  ck.verify(op.ge(mul(x, -2), 1), le(x, -1));
  ck.verify(op.ge(mul(x, -2), 0), le(x, 0));
  ck.verify(op.ge(mul(x, -2), -1), le(x, 0));
  ck.verify(op.ge(mul(x, -2), -2), le(x, 1));
  ck.verify(op.ge(mul(x, -2), -3), le(x, 1));

  ck.verify(op.le(mul(x, -2), 3), le(-1, x));
  ck.verify(op.le(mul(x, -2), 2), le(-1, x));
  ck.verify(op.le(mul(x, -2), 1), le(0, x));
  ck.verify(op.le(mul(x, -2), 0), le(0, x));
  ck.verify(op.le(mul(x, -2), -1), le(1, x));
  ck.verify(op.le(mul(x, -2), -2), le(1, x));
  ck.verify(op.le(mul(x, -2), -3), le(2, x));

  // truncated division
  ck.verify(op.lt(tdiv(x, 2), 3), op.lt(x, 6));
  ck.verify(op.lt(3, tdiv(x, 2)), lt(7, x));
  ck.verify(op.ge(tdiv(x, 3), 0), le(-2, x));
  ck.verify(op.ge(tdiv(x, 2), 1), le(2, x));
  ck.verify(op.ge(tdiv(x, 2), 0), le(-1, x));
  ck.verify(op.ge(tdiv(x, 2), -1), le(-3, x));

  ck.verify(op.le(tdiv(x, 2), 1), le(x, 3));
  ck.verify(op.le(tdiv(x, 2), 0), le(x, 1));
  ck.verify(op.le(tdiv(x, 2), -1), le(x, -2));

  ck.verify(op.lt(mul(tdiv(x, 4), 4), x), lt(0, tmod(x, 4)));
  ck.verify(op.ge(mul(tdiv(x, 4), 4), x), le(tmod(x, 4), 0));

  ck.verify(op.lt(mul(tdiv(x, 4), 4), add(x, y)), lt(0, add(tmod(x, 4), y)));
  ck.verify(op.lt(mul(tdiv(x, 4), 4), sub(x, y)), lt(y, tmod(x, 4)));

  ck.verify(op.ge(mul(tdiv(add(x, 2), 4), 4), x), le(tmod(add(x, 2), 4), 2));
  ck.verify(op.ge(mul(tdiv(add(x, 2), 4), 4), add(x, y)), le(add(tmod(add(x, 2), 4), y), 2));
  ck.verify(op.ge(mul(tdiv(add(x, 2), 4), 4), sub(x, y)), le(add(tmod(add(x, 2), 4), -2), y));

  // floor division
  ck.verify(op.lt(fld(x, 2), 3), op.lt(x, 6));
  ck.verify(op.lt(3, fld(x, 2)), lt(7, x));
  ck.verify(op.lt(-3, fld(x, 2)), lt(-5, x));
  ck.verify(op.ge(fld(x, 3), 0), le(0, x));
  ck.verify(op.ge(fld(x, 2), 1), le(2, x));
  ck.verify(op.ge(fld(x, 2), 0), le(0, x));
  ck.verify(op.ge(fld(x, 2), -1), le(-2, x));

  ck.verify(op.le(fld(x, 2), 1), le(x, 3));
  ck.verify(op.le(fld(x, 2), 0), le(x, 1));
  ck.verify(op.le(fld(x, 2), -1), le(x, -1));

  ck.verify(op.lt(mul(fld(x, 4), 4), x), lt(0, flm(x, 4)));
  ck.verify(op.ge(mul(fld(x, 4), 4), x), le(flm(x, 4), 0));

  ck.verify(op.lt(mul(fld(x, 4), 4), add(x, y)), lt(0, add(flm(x, 4), y)));
  ck.verify(op.lt(mul(fld(x, 4), 4), sub(x, y)), lt(y, flm(x, 4)));

  ck.verify(op.ge(mul(fld(add(x, 2), 4), 4), x), le(flm(add(x, 2), 4), 2));
  ck.verify(op.ge(mul(fld(add(x, 2), 4), 4), add(x, y)), le(add(flm(add(x, 2), 4), y), 2));
  ck.verify(op.ge(mul(fld(add(x, 2), 4), 4), sub(x, y)), le(add(flm(add(x, 2), 4), -2), y));

  ck.verify(op.lt(min(x, 11), 10), op.lt(x, 10));
  ck.verify(op.lt(min(x, 8), 10), TRUE());
  ck.verify(op.gt(max(8, x), 10), lt(10, x));
  ck.verify(op.lt(add(x, 1), max(8, x)), op.lt(x, 7));

  bound(ck.analyzer, x, 0, 10);
  bound(ck.analyzer, y, -10, 0);
  bound(ck.analyzer, z, -5, 5);

  ck.verify(op.lt(x, 11), TRUE());
  ck.verify(op.le(x, 10), TRUE());
  ck.verify(op.le(z, 5), TRUE());
  ck.verify(op.le(add(x, y), 10), TRUE());
  ck.verify(op.ge(add(x, y), -10), TRUE());
  ck.verify(op.le(sub(z, 5), add(y, 10)), TRUE());
  ck.verify(new And(op.gt(x, -1), op.le(z, add(x, 5))), TRUE());
  ck.verify(op.le(mul(x, y), 0), TRUE());
  ck.verify(op.lt(mul(add(x, 1), sub(y, 1)), 0), TRUE());
  ck.verify(op.ge(mul(y, y), 0), TRUE());
  ck.verify(op.le(mul(x, 6), -3), FALSE());
  ck.verify(op.eq(tmod(sub(y, 1), 3), 0), op.eq(tmod(add(y, -1), 3), 0));
});

test("logical simplify", (t) => {
  const ck = checker(t);
  const [x, y] = vars("x", "y");
  const le = (a: E, b: E): LE => new LE(op.toExpr(a), op.toExpr(b));
  const lt = (a: E, b: E): LT => new LT(op.toExpr(a), op.toExpr(b));
  const and = (a: ReturnType<typeof op.lt>, b: ReturnType<typeof op.lt>): And => new And(a, b);
  const or = (a: ReturnType<typeof op.lt>, b: ReturnType<typeof op.lt>): Or => new Or(a, b);

  ck.verify(and(new EQ(x, y), new NE(x, y)), FALSE());
  ck.verify(and(new NE(x, y), new EQ(x, y)), FALSE());
  ck.verify(and(op.gt(x, 1), new Not(op.gt(x, 1))), FALSE());
  ck.verify(and(op.le(x, y), op.lt(y, x)), FALSE());
  ck.verify(and(op.lt(y, x), op.le(x, y)), FALSE());
  ck.verify(and(op.lt(x, 1), lt(0, x)), FALSE());
  ck.verify(and(op.lt(x, 0), lt(1, x)), FALSE());
  ck.verify(and(op.lt(x, 1), le(1, x)), FALSE());
  ck.verify(and(op.le(x, 1), lt(1, x)), FALSE());
  ck.verify(and(le(1, x), op.lt(x, 1)), FALSE());
  ck.verify(and(lt(1, x), op.le(x, 1)), FALSE());
  ck.verify(and(op.le(x, 1), le(2, x)), FALSE());
  ck.verify(and(le(2, x), op.le(x, 1)), FALSE());
  ck.verify(and(op.eq(x, 1), op.ne(x, 2)), op.eq(x, 1));

  ck.verify(or(new EQ(x, y), new NE(x, y)), TRUE());
  ck.verify(or(new NE(x, y), new EQ(x, y)), TRUE());
  ck.verify(or(op.gt(x, y), new Not(op.gt(x, y))), TRUE());

  ck.verify(or(op.le(x, y), op.lt(y, x)), TRUE());
  ck.verify(or(op.lt(y, x), op.ge(y, x)), TRUE());

  ck.verify(or(op.lt(x, 1), lt(0, x)), TRUE());
  ck.verify(or(lt(0, x), op.lt(x, 1)), TRUE());

  ck.verify(or(op.lt(x, 1), le(1, x)), TRUE());
  ck.verify(or(op.le(x, 1), lt(1, x)), TRUE());
  ck.verify(or(le(1, x), op.lt(x, 1)), TRUE());
  ck.verify(or(lt(1, x), op.le(x, 1)), TRUE());
  ck.verify(or(op.le(x, 1), le(2, x)), TRUE());
  ck.verify(or(le(2, x), op.le(x, 1)), TRUE());
  ck.verify(or(op.ne(x, 1), op.eq(x, 2)), op.ne(x, 1));
});

test("let simplify", (t) => {
  const ck = checker(t);
  const x = new Var("x");
  const z = new Let(x, int(1), add(x, 1));
  ck.verify(add(z, z), 4);
});

test("cast simplify", (t) => {
  const ck = checker(t);
  const x = new Var("x");
  const dtypes = ["float32", "float16", "int32", "int8", "bool"];
  for (const d1 of dtypes) {
    ck.verify(new Cast(d1, sub(x, x)), op.constant(0, d1));
    ck.verify(new Cast(d1, op.eq(x, x)), op.constant(1, d1));
    for (const d2 of dtypes) {
      // tejit normalises bool constants to 0/1, so only 0 and 1 round-trip through bool.
      const values = d2 === "bool" || d1 === "bool" ? [0, 1] : [0, 1, 2, 3];
      for (const i of values) ck.verify(new Cast(d1, op.constant(i, d2)), op.constant(i, d1));
    }
  }
});

test("shift_left of constants folds", (t) => {
  const ck = checker(t);
  ck.verify(new Call("int32", "tir.shift_left", [int(1), int(10)]), int(1 << 10));
});

test("division by a zero vector is an error", (t) => {
  const ck = checker(t);
  const r = (): Ramp => ramp(1, 1, 2);
  const zero = (): Broadcast => bcast(0, 2);
  for (const mk of [Div, Mod, FloorDiv, FloorMod]) {
    t.throws(() => ck.analyzer.rewriteSimplify(new mk(r(), zero())), { message: /division by zero/ });
  }
});

test("select of equal branches and nested constraint", (t) => {
  const ck = checker(t);
  const x = new Var("x");
  ck.verify(new Select(op.lt(x, 0), x, x), x);
  t.is(DataType.bool().toString(), "bool");
});
