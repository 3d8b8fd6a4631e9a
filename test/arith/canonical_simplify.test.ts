// Port of TVM's test_arith_canonical_simplify.py (the cases of the TE-era simplifier): each
// case runs Analyzer.canonicalSimplify and compares structurally with TVM's expectation.
import test from "ava";
import { CommReducer, IntImm, LE, PrimExpr, ProducerLoad, Reduce, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { DataType } from "../../ts/ir/dtype.js";
import { Range } from "../../ts/ir/iter_var.js";
import { Analyzer, canonicalSimplify } from "../../ts/arith/analyzer.js";
import { structuralEqual } from "../../ts/ir/structural_equal.js";
import { add, bound, checker, fld, flm, flt, int, max, min, mul, select, sub, tdiv, tmod, vars } from "./helpers.js";

test("sums of products", (t) => {
  const ck = checker(t, "canonical");
  const [x, y, z] = vars("x", "y", "z");
  ck.verify(add(add(2, mul(add(add(add(mul(3, x), z), y), 1), 4)), x), add(add(add(mul(x, 13), mul(z, 4)), mul(y, 4)), 6));
  ck.verify(add(sub(mul(x, 3), mul(4, x)), 1), sub(1, x));
  ck.verify(add(add(sub(add(y, mul(x, 3)), mul(5, x)), 1), y), sub(add(mul(y, 2), 1), mul(x, 2)));
  // truncated division
  ck.verify(tdiv(add(add(add(x, y), x), mul(y, 3)), 2), add(mul(y, 2), x));
  ck.verify(tmod(add(add(add(x, y), x), mul(y, 3)), 2), 0);
  // floor division
  ck.verify(flm(add(add(x, x), mul(y, 3)), 2), flm(mul(y, 3), 2));
  ck.verify(fld(add(add(add(x, y), x), mul(y, 3)), 2), add(mul(y, 2), x));
  ck.verify(flm(add(add(add(x, y), x), mul(y, 3)), 2), 0);
  ck.verify(fld(add(add(x, x), mul(y, 3)), 2), add(fld(mul(y, 3), 2), x));
});

test("split index simplify", (t) => {
  const ck = checker(t, "canonical");
  const [x, y, z] = vars("x", "y", "z");
  // split div const
  ck.verify(add(mul(tdiv(x, 3), 3), tmod(x, 3)), x);
  ck.verify(add(add(mul(tdiv(x, 6), 6), mul(tmod(tdiv(x, 3), 2), 3)), tmod(x, 3)), x);
  ck.verify(tdiv(mul(tdiv(tmod(x, 16), 2), 2), 4), tdiv(tmod(x, 16), 4));
  ck.verify(tdiv(tmod(x, 2), 8), 0);
  ck.verify(tdiv(tmod(x, 2), 7), 0);
  ck.verify(tdiv(mul(tdiv(tmod(x, 16), 2), 2), 6), tdiv(tmod(x, 16), 6));
  // split mod const
  ck.verify(tmod(mul(x, 8), 16), mul(tmod(x, 2), 8));
  ck.verify(tmod(mul(x, 8), 2), 0);
  // simplify then fold
  bound(ck.analyzer, x, 0, 1000);
  bound(ck.analyzer, y, 0, 1000);
  ck.verify(add(mul(tdiv(add(mul(x, 4), y), 2), 2), tmod(add(mul(x, 4), y), 2)), add(mul(x, 4), y));
  // complex fold
  ck.verify(add(mul(tdiv(add(mul(z, 9), y), 2), 2), tmod(add(mul(z, 9), y), 2)), add(mul(z, 9), y));
  bound(ck.analyzer, x, -100, 1000);
  bound(ck.analyzer, y, -100, 1000);
  ck.verify(add(mul(tdiv(add(mul(x, 4), y), 2), 2), tmod(add(mul(x, 4), y), 2)), add(mul(x, 4), y));
  // floor division
  ck.verify(fld(mul(x, 5), 2), fld(mul(x, 5), 2));
  ck.verify(add(mul(fld(x, 3), 3), flm(x, 3)), x);
  ck.verify(add(add(mul(fld(x, 6), 6), mul(flm(fld(x, 3), 2), 3)), flm(x, 3)), x);
  ck.verify(fld(mul(fld(flm(x, 16), 2), 2), 4), fld(flm(x, 16), 4));
  ck.verify(fld(flm(x, 2), 8), 0);
  ck.verify(fld(flm(x, 2), 7), 0);
  ck.verify(fld(mul(fld(flm(x, 16), 2), 2), 6), fld(flm(x, 16), 6));
  // mixed division modes are not merged
  ck.verify(add(mul(tdiv(x, 6), 2), tmod(fld(x, 3), 2)), add(mul(tdiv(x, 6), 2), tmod(fld(x, 3), 2)));
  ck.verify(tmod(mul(x, -1), 2), mul(tmod(x, -2), -1));
});

test("division by constants", (t) => {
  const ck = checker(t, "canonical");
  const x = new Var("x");
  ck.verify(tdiv(add(16, mul(48, x)), 16), add(mul(x, 3), 1));
  // (17 + 48x)/16 is not 1 + 3x when 17 + 48x < 0
  ck.verify(tdiv(add(17, mul(48, x)), 16), tdiv(add(mul(x, 48), 17), 16));
  bound(ck.analyzer, x, 0, 10);
  ck.verify(tdiv(add(17, mul(48, x)), 16), add(mul(x, 3), 1));
  ck.verify(tdiv(add(17, mul(47, x)), 16), tdiv(add(mul(x, 47), 17), 16));
  bound(ck.analyzer, x, -1000, 10000);
  ck.verify(fld(add(16, mul(48, x)), 16), add(mul(x, 3), 1));
  ck.verify(fld(add(17, mul(48, x)), 16), add(mul(x, 3), 1));
  ck.verify(fld(add(17, mul(47, x)), 16), fld(add(mul(x, 47), 17), 16));
});

test("float16 constants fold", (t) => {
  const ck = checker(t, "canonical");
  const zero = flt(0, "float16");
  const one = flt(1, "float16");
  const half = flt(0.5, "float16");
  ck.verify(add(zero, half), half);
  ck.verify(sub(half, zero), half);
  ck.verify(mul(zero, half), zero);
  ck.verify(mul(half, one), half);
  ck.verify(tdiv(half, one), half);
  ck.verify(tdiv(zero, half), zero);
});

test("floormod of floormod", (t) => {
  const ck = checker(t, "canonical");
  const [x, y] = vars("x", "y");
  ck.verify(flm(sub(flm(sub(add(mul(x, 4), y), 466036), 24528), 24512), 16), flm(add(add(mul(x, 4), y), 12), 16));
  ck.verify(flm(flm(mul(x, 4), 16), 8), mul(flm(x, 2), 4));
  ck.verify(flm(mul(x, -1), 2), mul(flm(x, -2), -1));
});

test("mixed cases", (t) => {
  const ck = checker(t, "canonical");
  const x = new Var("x");
  const z = int(3);
  ck.verify(sub(tdiv(x, mul(z, z)), tdiv(x, mul(z, z))), 0);
  ck.verify(sub(tdiv(x, add(z, z)), tdiv(x, add(z, z))), 0);
  ck.verify(op.lt(sub(x, 2), 3), op.lt(x, 5));
  ck.verify(sub(max(x, 1), max(x, 1)), 0);
  ck.verify(sub(min(x, 1), min(x, 1)), 0);
  ck.verify(sub(mul(x, x), mul(x, x)), 0);
  ck.verify(tmod(mul(tdiv(tmod(x, 20), 2), 2), 4), mul(tdiv(tmod(x, 4), 2), 2));
  ck.verify(sub(fld(x, mul(z, z)), fld(x, mul(z, z))), 0);
  ck.verify(sub(fld(x, add(z, z)), fld(x, add(z, z))), 0);
});

test("if_then_else and select are simplified under their conditions", (t) => {
  const ck = checker(t, "canonical");
  const [x, y] = vars("x", "y");
  const x4y = (): PrimExpr => add(mul(x, 4), y);
  const inner = (): PrimExpr => op.ifThenElse(
    op.le(24512, tmod(sub(x4y(), 466036), 24528)),
    tmod(sub(tmod(sub(x4y(), 466036), 24528), 24512), 16),
    x,
  );
  const res = op.ifThenElse(op.ge(x4y(), 466036), inner(), y);
  const res2 = op.ifThenElse(op.ge(mul(x, 4), sub(466036, y)), inner(), y);
  const expected = op.ifThenElse(
    new LE(int(466036), x4y()),
    op.ifThenElse(new LE(int(24512), tmod(sub(x4y(), 4), 24528)), tmod(sub(x4y(), 4), 16), x),
    y,
  );
  ck.verify(res, expected);
  ck.verify(res2, expected);
  t.is(ck.analyzer.canonicalSimplify(res).toString(),
    "@tir.if_then_else((466036 <= ((x*4) + y)), @tir.if_then_else((24512 <= ((((x*4) + y) - 4) % 24528)), ((((x*4) + y) - 4) % 16), x, dtype=int32), y, dtype=int32)");

  const cond = (): PrimExpr => op.logicalAnd(op.ge(x, -1), op.ge(y, 0));
  const sel = select(cond(), tmod(add(add(x, y), 100), 3), tmod(add(x, 100), 3));
  const selExpected = select(cond(), tmod(add(add(x, y), 1), 3), tmod(add(x, 100), 3));
  ck.verify(sel, ck.analyzer.canonicalSimplify(selExpected));

  const s2 = select(op.ge(x, 10), op.ifThenElse(op.gt(tdiv(x, 3), 2), x, 0), 0);
  ck.verify(s2, ck.analyzer.canonicalSimplify(select(op.ge(x, 10), x, 0)));
  const s3 = select(op.ge(x, 10), op.ifThenElse(op.lt(tdiv(x, 3), 2), x, 0), 0);
  ck.verify(s3, 0);
});

test("complex split cases", (t) => {
  const ck = checker(t, "canonical");
  const [x, y] = vars("x", "y");
  const xy = (): PrimExpr => add(mul(x, 128), y);
  const res2 = add(sub(add(mul(tdiv(add(mul(tdiv(tmod(xy(), 1296), 36), 2), 1), 2), 36),
    tdiv(add(mul(tmod(xy(), 36), 2), 1), 2)), tmod(xy(), 1296)), 1);
  bound(ck.analyzer, x, 0, 5);
  bound(ck.analyzer, y, 0, 127);
  ck.verify(res2, 1);

  bound(ck.analyzer, y, 0, 1024);
  const xk = (): PrimExpr => add(mul(x, 1024), y);
  const res3 = sub(sub(sub(sub(add(add(add(tdiv(xk(), 65536), tdiv(tmod(xk(), 65536), 256)), tdiv(tmod(xk(), 256), 16)), tmod(xk(), 16)),
    tdiv(y, 256)), tdiv(tmod(y, 256), 16)), tmod(y, 16)), mul(x, 4));
  ck.verify(res3, sub(sub(tdiv(xk(), 256), tdiv(y, 256)), mul(x, 4)));
});

test("reductions over no axis become their value", (t) => {
  const ck = checker(t, "canonical");
  const A = { name: "A", shape: [int(10)], dtype: DataType.float32() };
  const a3 = (): PrimExpr => new ProducerLoad(A, [int(3)]);
  const lhs = new Var("x", "float32");
  const rhs = new Var("y", "float32");
  const sum = new CommReducer([lhs], [rhs], [op.add(lhs, rhs)], [flt(0)]);
  ck.verify(new Reduce(sum, [a3()], [], op.constant(true), 0), a3());
  ck.verify(new Reduce(sum, [a3()], [], op.constant(false), 0, [flt(1)]), flt(1));
});

test("canonicalSimplify and Analyzer.bind with ranges", (t) => {
  const [i, j] = vars("i", "j");
  const vr = new Map([[j, new Range(int(0), int(4))]]);
  t.is(canonicalSimplify(add(mul(add(mul(i, 4), j), 8), 3), vr).toString(), "(((i*32) + (j*8)) + 3)");
  const ana = new Analyzer();
  ana.bind(j, new Range(int(0), int(4)));
  t.is(ana.simplify(fld(add(mul(i, 4), j), 4)).toString(), "i");
  t.is(ana.simplify(flm(add(mul(i, 4), j), 4)).toString(), "j");
  t.true(structuralEqual(ana.simplify(sub(add(i, 1), i)), new IntImm("int32", 1)));
});
