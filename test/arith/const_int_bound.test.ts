// Port of TVM's test_arith_const_int_bound.py: constant bounds of expressions from variable
// bounds, dtype ranges and SizeVars.
import test from "ava";
import { Broadcast, Call, Ramp, Select, SizeVar, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { Range } from "../../ts/ir/iter_var.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { ConstIntBound } from "../../ts/arith/const_int_bound.js";
import { add, bound, fld, flm, int, max, min, mul, sub, tdiv, tmod } from "./helpers.js";

const INF = ConstIntBound.POS_INF;
const NINF = ConstIntBound.NEG_INF;

test("dtype bounds", (t) => {
  const ana = new Analyzer();
  let bd = ana.constIntBound(new Var("x", "int64"));
  t.deepEqual([bd.minValue, bd.maxValue], [NINF, INF]);
  bd = ana.constIntBound(new Var("x", "int8"));
  t.deepEqual([bd.minValue, bd.maxValue], [-128, 127]);
  bd = ana.constIntBound(new Var("x", "uint8"));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 255]);
});

test("cast bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x", "int8");
  let bd = ana.constIntBound(op.cast("uint32", tmod(x, 3)));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 2]);
  bd = ana.constIntBound(op.cast("int32", op.cast("float32", tmod(x, 3))));
  t.deepEqual([bd.minValue, bd.maxValue], [-2, 2]);
});

test("add and sub bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x", "int64");
  const y = new Var("y", "int64");
  let bd = ana.constIntBound(add(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [NINF, INF]);
  bound(ana, x, 0, 4);
  bound(ana, y, 1, 10);
  bd = ana.constIntBound(add(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [1, 14]);
  bd = ana.constIntBound(sub(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [-10, 3]);
  bound(ana, x, 0, INF);
  bd = ana.constIntBound(sub(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [-10, INF]);
  bd = ana.constIntBound(sub(1, x));
  t.deepEqual([bd.minValue, bd.maxValue], [NINF, 1]);
});

test("mul bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, -2, 4);
  bound(ana, y, 4, 10);
  let bd = ana.constIntBound(add(mul(x, y), 20));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 60]);
  bound(ana, x, -3, 4);
  bound(ana, y, -8, 2);
  bd = ana.constIntBound(mul(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [-32, 24]);
  bound(ana, x, NINF, 4);
  bound(ana, y, -8, 2);
  bd = ana.constIntBound(mul(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [NINF, INF]);
});

test("truncdiv bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, -9, 4);
  bound(ana, y, 4, 10);
  let bd = ana.constIntBound(tdiv(x, y));
  t.is(bd.minValue, -2);
  bound(ana, x, -9, 4);
  bound(ana, y, -2, 0);
  bd = ana.constIntBound(tdiv(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [-4, 9]);
  bound(ana, x, NINF, 4);
  bound(ana, y, -2, 1);
  bd = ana.constIntBound(tdiv(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [NINF, INF]);
});

test("truncmod bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, -9, 4);
  bound(ana, y, 4, 10);
  let bd = ana.constIntBound(tmod(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [-9, 4]);
  bound(ana, x, NINF, INF);
  bd = ana.constIntBound(tmod(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [-9, 9]);
  bound(ana, x, 1, INF);
  bd = ana.constIntBound(tmod(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 9]);
});

test("floordiv bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, -9, 4);
  bound(ana, y, 4, 10);
  let bd = ana.constIntBound(fld(x, y));
  t.is(bd.minValue, Math.floor(-9 / 4));
  bound(ana, x, -9, 4);
  bound(ana, y, -2, 0);
  bd = ana.constIntBound(fld(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [-4, 9]);
  bound(ana, x, NINF, 4);
  bound(ana, y, -2, 1);
  bd = ana.constIntBound(fld(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [NINF, INF]);
});

test("floormod bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, -9, 4);
  bound(ana, y, 4, 10);
  let bd = ana.constIntBound(flm(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 9]);
  bound(ana, x, NINF, INF);
  bd = ana.constIntBound(flm(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 9]);
  bound(ana, x, 1, INF);
  bd = ana.constIntBound(flm(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 9]);
});

test("min and max bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, -9, 11);
  bound(ana, y, 4, 10);
  let bd = ana.constIntBound(min(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [-9, 10]);
  bound(ana, x, NINF, INF);
  bd = ana.constIntBound(min(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [NINF, 10]);
  bd = ana.constIntBound(max(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [4, INF]);
  bound(ana, x, 1, INF);
  bd = ana.constIntBound(max(x, y));
  t.deepEqual([bd.minValue, bd.maxValue], [4, INF]);
});

test("select bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, -9, 11);
  bound(ana, y, 4, 10);
  const bd = ana.constIntBound(new Select(op.gt(x, 1), op.cast("int32", op.lt(y, 0)), add(y, 1)));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 11]);
});

test("shift and bitwise-and bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, -9, 11);
  bound(ana, y, 2, 10);
  let bd = ana.constIntBound(new Call("int32", "tir.shift_right", [x, y]));
  t.deepEqual([bd.minValue, bd.maxValue], [-3, 2]);
  bd = ana.constIntBound(new Call("int32", "tir.bitwise_and", [x, y]));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 10]);
  bound(ana, x, 10, 11);
  bd = ana.constIntBound(new Call("int32", "tir.bitwise_and", [x, y]));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 10]);
});

test("mixed index bounds", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  const y = new Var("y");
  bound(ana, x, 0, 24 - 1);
  bound(ana, y, 0, 3 - 1);
  let bd = ana.constIntBound(add(tmod(x, 8), mul(tdiv(x, 8), 8)));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 24 - 1]);
  bd = ana.constIntBound(add(y, mul(x, 3)));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 24 * 3 - 1]);
  bd = ana.constIntBound(add(tmod(x, 7), mul(tdiv(x, 7), 7)));
  t.deepEqual([bd.minValue, bd.maxValue], [0, Math.floor(23 / 7) * 7 + 6]);
});

test("vector bounds cover every lane", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  bound(ana, x, 0, 10);
  let bd = ana.constIntBound(new Ramp(mul(x, 4), int(1), 4));
  t.deepEqual([bd.minValue, bd.maxValue], [0, 43]);
  bd = ana.constIntBound(new Ramp(x, int(-2), 3));
  t.deepEqual([bd.minValue, bd.maxValue], [-4, 10]);
  bd = ana.constIntBound(new Broadcast(add(x, 1), 8));
  t.deepEqual([bd.minValue, bd.maxValue], [1, 11]);
});

test("SizeVar is non-negative", (t) => {
  const ana = new Analyzer();
  const bd = ana.constIntBound(new SizeVar("x"));
  t.deepEqual([bd.minValue, bd.maxValue], [0, INF]);
});

test("ranges, constraints and rebinding", (t) => {
  const ana = new Analyzer();
  const i = new Var("i");
  const n = new Var("n");
  ana.bind(i, new Range(int(2), int(8)));
  t.is(ana.constIntBound(i).toString(), "ConstIntBound[2,9]");
  ana.bind(i, new Range(int(2), int(8)));
  t.throws(() => ana.bind(i, new Range(int(0), int(4))), { message: /var 'i' with a different const bound/ });
  ana.bind(i, new Range(int(0), int(4)), true);
  t.is(ana.constIntBound(i).maxValue, 3);
  const inside = ana.withConstraint(op.logicalAnd(op.le(1, n), op.lt(n, 5)), () => ana.constIntBound(n));
  t.deepEqual([inside.minValue, inside.maxValue], [1, 4]);
  t.is(ana.constIntBound(n).minValue, -(2 ** 31));
  t.throws(() => ana.bind(3 as unknown as Var, int(1)), { message: /expected a Var/ });
});
