// Port of TVM's test_arith_detect_linear_equation.py, plus clip-bound detection.
import test from "ava";
import { IntImm, PrimExpr, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { simplify } from "../../ts/arith/analyzer.js";
import { detectClipBound, detectLinearEquation } from "../../ts/arith/detect_linear_equation.js";
import { structuralEqual } from "../../ts/ir/structural_equal.js";
import { add, int, mul, sub, vars } from "./helpers.js";

const value = (e: PrimExpr): number => (e as IntImm).value;
const isZero = (e: PrimExpr): boolean => { const s = simplify(e); return s instanceof IntImm && s.value === 0; };

test("basic", (t) => {
  const [a, b] = vars("a", "b");
  let m = detectLinearEquation(add(add(mul(a, 4), mul(b, 6)), 7), [a])!;
  t.is(value(m[0]), 4);
  t.true(isZero(sub(m[1], add(mul(b, 6), 7))));

  t.is(detectLinearEquation(add(add(mul(mul(a, 4), add(a, 1)), mul(b, 6)), 7), [a]), undefined);

  m = detectLinearEquation(add(add(add(mul(a, 4), add(a, 1)), mul(b, 6)), 7), [a])!;
  t.is(value(m[0]), 5);
  t.true(isZero(sub(m[1], add(add(mul(b, 6), 7), 1))));

  m = detectLinearEquation(add(mul(a, b), 7), [a])!;
  t.is(m[0], b);

  m = detectLinearEquation(mul(b, 7), [a])!;
  t.is(value(m[0]), 0);

  m = detectLinearEquation(mul(b, 7), [])!;
  t.is(m.length, 1);
  t.true(isZero(sub(m[0], mul(b, 7))));
});

test("multivariate", (t) => {
  const v = vars("v0", "v1", "v2", "v3");
  const b = new Var("b");
  let m = detectLinearEquation(add(add(mul(v[0], add(b, 4)), v[0]), mul(v[1], 8)), v)!;
  t.true(structuralEqual(simplify(m[0]), add(b, 5)));
  t.is(value(m[1]), 8);

  t.is(detectLinearEquation(add(add(mul(v[0], add(b, 4)), v[0]), mul(mul(v[1], 8), v[2])), v), undefined);
  t.is(detectLinearEquation(add(add(add(mul(v[0], add(b, 4)), v[0]), mul(mul(v[1], 8), v[1])), v[3]), v), undefined);

  m = detectLinearEquation(mul(add(add(mul(add(mul(v[0], b), v[1]), 8), v[2]), 1), 2), v)!;
  t.is(value(m[1]), 16);
  t.is(value(m[2]), 2);
  t.is(value(m[m.length - 1]), 2);

  m = detectLinearEquation(sub(v[0], v[1]), [v[2]])!;
  t.is(value(m[0]), 0);
  t.true(isZero(sub(m[1], sub(v[0], v[1]))));

  m = detectLinearEquation(sub(v[0], v[1]), [])!;
  t.is(m.length, 1);
  t.true(isZero(sub(m[0], sub(v[0], v[1]))));
});

test("the stride of a vectorized index", (t) => {
  const [i, vi] = vars("i", "vi");
  const m = detectLinearEquation(add(add(mul(i, 32), mul(vi, 4)), 3), [vi])!;
  t.is(m[0].toString(), "4");
  t.is(simplify(m[1]).toString(), "((i*32) + 3)");
});

test("clip bounds", (t) => {
  const [x, y, n] = vars("x", "y", "n");
  const res = detectClipBound(op.logicalAnd(op.logicalAnd(op.le(2, x), op.lt(x, n)), op.lt(0, y)), [x, y])!;
  t.is(res.map((e) => (e ? e.toString() : "none")).join(", "), "2, (n - 1), 1, none");
  t.is(detectClipBound(op.lt(mul(x, 2), n), [x]), undefined);
  t.is(detectClipBound(op.lt(add(x, y), 3), [x, y]), undefined);
  t.is(int(0).value, 0);
});

test("bad arguments are reported", (t) => {
  const x = new Var("x");
  t.throws(() => detectLinearEquation(x, [3 as unknown as Var]), { message: /array of Vars/ });
  t.throws(() => detectLinearEquation(3 as unknown as PrimExpr, [x]), { message: /expected an expression/ });
});
