// The arithmetic package's errors by class and code: a value of the wrong kind, a rebinding
// without allowOverride and a constant division by zero are ArgumentErrors; the Analyzer keeps
// working after them.
import test from "ava";
import { arith, tir, ArgumentError, TejitError } from "../../ts/index.js";
import { Var } from "../../ts/ir/expr.js";

test("an Analyzer given a non-Var, or rebinding a variable, throws an ArgumentError", (t) => {
  const ana = new arith.Analyzer();
  const e = t.throws(() => ana.bind(3 as never, 4), { instanceOf: ArgumentError });
  t.is(e?.code, "ERR_ARGUMENT");
  t.true(e instanceof TejitError && e instanceof Error);
  t.is(e?.message, "Analyzer.bind: expected a Var, got number 3");
  const x = new Var("x", "int32");
  ana.bind(x, 4);
  const r = t.throws(() => ana.bind(x, 5), { instanceOf: ArgumentError });
  t.regex(r!.message, /^trying to update var 'x' with a different/);
  t.is(ana.simplify(x.add(1)).toString(), "5");
});

test("folding a constant division by zero is an ArgumentError naming the operator", (t) => {
  const e = t.throws(() => tir.floordiv(7, tir.const(0, "int32")), { instanceOf: ArgumentError });
  t.is(e?.code, "ERR_ARGUMENT");
  t.is(e?.message, "floordiv: division by zero");
});

test("evalSet refuses a domain map that is not a Map", (t) => {
  const x = new Var("x", "int32");
  const e = t.throws(() => arith.evalSet(x, {} as never), { instanceOf: ArgumentError });
  t.regex(e!.message, /^evalSet: the domain map must be a Map from Var to IntSet, got /);
});
