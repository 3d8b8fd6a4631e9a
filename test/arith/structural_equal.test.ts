// structuralEqual / structuralHash (TVM's ExprDeepEqual): same kinds, dtypes, constants and
// Var objects.
import test from "ava";
import { Broadcast, Call, Cast, FloatImm, IntImm, Load, Ramp, Select, StringImm, Var, pointerVar } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { structuralEqual, structuralHash } from "../../ts/ir/structural_equal.js";
import { add, mul, vars } from "./helpers.js";

test("equal trees, same variables", (t) => {
  const [x, y] = vars("x", "y");
  const a = add(mul(x, 4), y);
  const b = add(mul(x, 4), y);
  t.not(a, b);
  t.true(structuralEqual(a, b));
  t.is(structuralHash(a), structuralHash(b));
  t.false(structuralEqual(a, add(mul(x, 4), x)));
  t.false(structuralEqual(a, add(y, mul(x, 4))));
});

test("variables compare by identity, constants by value and dtype", (t) => {
  const x1 = new Var("x");
  const x2 = new Var("x");
  t.false(structuralEqual(x1, x2));
  t.true(structuralEqual(x1, x1));
  t.true(structuralEqual(new IntImm("int32", 3), new IntImm("int32", 3)));
  t.false(structuralEqual(new IntImm("int32", 3), new IntImm("int64", 3)));
  t.false(structuralEqual(new IntImm("int32", 3), new FloatImm("float32", 3)));
  t.true(structuralEqual(new FloatImm("float32", 0.5), new FloatImm("float32", 0.5)));
  t.true(structuralEqual(new StringImm("f"), new StringImm("f")));
  t.false(structuralEqual(new StringImm("f"), new StringImm("g")));
});

test("other node kinds", (t) => {
  const [x, c] = vars("x", "c");
  const A = pointerVar("A", "float32");
  const B = pointerVar("A", "float32");
  t.true(structuralEqual(new Ramp(x, new IntImm("int32", 1), 4), new Ramp(x, new IntImm("int32", 1), 4)));
  t.false(structuralEqual(new Ramp(x, new IntImm("int32", 1), 4), new Ramp(x, new IntImm("int32", 1), 8)));
  t.true(structuralEqual(new Broadcast(x, 4), new Broadcast(x, 4)));
  t.true(structuralEqual(new Cast("float32", x), new Cast("float32", x)));
  t.false(structuralEqual(new Cast("float32", x), new Cast("int64", x)));
  t.true(structuralEqual(new Load("float32", A, x), new Load("float32", A, x)));
  t.false(structuralEqual(new Load("float32", A, x), new Load("float32", B, x)));
  const sel = (): Select => new Select(op.lt(c, 0), x, c);
  t.true(structuralEqual(sel(), sel()));
  t.is(structuralHash(sel()), structuralHash(sel()));
  t.true(structuralEqual(new Call("float32", "tir.exp", [x]), new Call("float32", "tir.exp", [x])));
  t.false(structuralEqual(new Call("float32", "tir.exp", [x]), new Call("float32", "tir.log", [x])));
});
