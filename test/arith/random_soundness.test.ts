// Soundness checks on random integer expressions (a fixed-seed generator, so the suite is
// deterministic): every simplifier must preserve the value at every point of the variables'
// bound ranges, constant bounds must contain every value, and interval sets must contain every
// value the relaxed variable can produce.
import test from "ava";
import {
  BinaryExpr, Cast, CompareExpr, IntImm, LogicalExpr, Not, PrimExpr, Select, Var,
} from "../../ts/ir/expr.js";
import { Range } from "../../ts/ir/iter_var.js";
import * as op from "../../ts/ir/op.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { IntSet } from "../../ts/arith/int_set.js";
import { floorDiv, floorMod, truncDiv, truncMod } from "../../ts/arith/int_operator.js";
import { pick, prng, randomInt } from "../helpers/random.js";

type Env = Map<Var, number>;

/** Reference semantics of integer expressions (small values: no overflow). */
function evaluate(e: PrimExpr, env: Env): number {
  if (e instanceof IntImm) return e.value;
  if (e instanceof Var) {
    const v = env.get(e);
    if (v === undefined) throw new Error(`unbound ${e.name}`);
    return v;
  }
  if (e instanceof Cast) return evaluate(e.value, env);
  if (e instanceof Select) return evaluate(e.condition, env) ? evaluate(e.trueValue, env) : evaluate(e.falseValue, env);
  if (e instanceof Not) return evaluate(e.a, env) ? 0 : 1;
  if (e instanceof BinaryExpr || e instanceof CompareExpr || e instanceof LogicalExpr) {
    const a = evaluate(e.a, env);
    const b = evaluate(e.b, env);
    switch (e.kind) {
      case "Add": return a + b;
      case "Sub": return a - b;
      case "Mul": return a * b;
      case "Div": return truncDiv(a, b);
      case "Mod": return truncMod(a, b);
      case "FloorDiv": return floorDiv(a, b);
      case "FloorMod": return floorMod(a, b);
      case "Min": return Math.min(a, b);
      case "Max": return Math.max(a, b);
      case "EQ": return +(a === b);
      case "NE": return +(a !== b);
      case "LT": return +(a < b);
      case "LE": return +(a <= b);
      case "GT": return +(a > b);
      case "GE": return +(a >= b);
      case "And": return +(a !== 0 && b !== 0);
      case "Or": return +(a !== 0 || b !== 0);
    }
  }
  throw new Error(`cannot evaluate ${e}`);
}

/** `truncModOk`: false leaves out truncmod, whose interval rule (as TVM's) assumes x >= 0. */
function generator(seed: number, vars: Var[], truncModOk = true) {
  const r = prng(seed);
  const small = (lo: number, hi: number): number => randomInt(r, lo, hi);
  const leaf = (): PrimExpr => (r() < 0.7 ? pick(r, vars) : op.constant(small(-8, 16)));
  const cond = (d: number): PrimExpr => {
    const a = expr(d - 1);
    const b = r() < 0.5 ? op.constant(small(-4, 20)) : expr(d - 1);
    return pick(r, [op.lt, op.le, op.gt, op.ge, op.eq, op.ne])(a, b);
  };
  const expr = (d: number): PrimExpr => {
    if (d <= 0 || r() < 0.2) return leaf();
    switch (small(0, 11)) {
      case 0: case 1: return op.add(expr(d - 1), expr(d - 1));
      case 2: return op.sub(expr(d - 1), expr(d - 1));
      case 3: return op.mul(expr(d - 1), op.constant(small(-4, 9)));
      case 4: return op.mul(expr(d - 1), r() < 0.3 ? expr(d - 1) : op.constant(small(1, 16)));
      case 5: return op.floordiv(expr(d - 1), op.constant(small(1, 16)));
      case 6: return op.floormod(expr(d - 1), op.constant(small(1, 16)));
      case 7: return r() < 0.5 || !truncModOk ? op.div(expr(d - 1), op.constant(small(1, 9))) : op.truncmod(expr(d - 1), op.constant(small(1, 9)));
      case 8: return op.min(expr(d - 1), expr(d - 1));
      case 9: return op.max(expr(d - 1), expr(d - 1));
      case 10: return op.select(cond(d), expr(d - 1), expr(d - 1));
      default: return op.add(op.mul(expr(d - 1), op.constant(small(2, 16))), expr(d - 1));
    }
  };
  return { expr, cond, r, small };
}

test("simplifiers preserve values within the variables' ranges", (t) => {
  const x = new Var("x");
  const y = new Var("y");
  const z = new Var("z");
  const vars = [x, y, z];
  const g = generator(1234, vars);
  let checked = 0;
  for (let n = 0; n < 400; n++) {
    const ranges = vars.map(() => {
      const lo = g.small(-12, 8);
      return [lo, lo + g.small(0, 20)] as const;
    });
    const ana = new Analyzer();
    vars.forEach((v, i) => ana.bind(v, new Range(op.constant(ranges[i][0]), op.constant(ranges[i][1] - ranges[i][0] + 1))));
    const e = n % 4 === 3 ? g.cond(3) : g.expr(4);
    const forms = [ana.simplify(e), ana.rewriteSimplify(e), ana.canonicalSimplify(e), ana.simplify(e, 3)];
    const bound = ana.constIntBound(e);
    for (let k = 0; k < 12; k++) {
      const env: Env = new Map(vars.map((v, i) => [v, g.small(ranges[i][0], ranges[i][1])]));
      const want = evaluate(e, env);
      for (const f of forms) {
        const got = evaluate(f, env);
        if (got !== want) t.fail(`${e}\n  simplified to ${f}\n  at ${[...env.values()]}: ${got} != ${want}`);
      }
      if (want < bound.minValue || want > bound.maxValue) t.fail(`${e}: ${want} outside ${bound}`);
      checked++;
    }
  }
  t.is(checked, 400 * 12);
});

test("interval sets contain every value of the relaxed variable", (t) => {
  const x = new Var("x");
  const y = new Var("y");
  const g = generator(99, [x, y], false);
  let checked = 0;
  for (let n = 0; n < 300; n++) {
    const e = g.expr(4);
    const lo = g.small(-10, 10);
    const hi = lo + g.small(0, 12);
    const ana = new Analyzer();
    ana.bind(y, new Range(op.constant(-5), op.constant(11)));
    const s = ana.intSet(e, new Map([[x, IntSet.interval(lo, hi)]]));
    for (let k = 0; k < 10; k++) {
      const env: Env = new Map([[x, g.small(lo, hi)], [y, g.small(-5, 5)]]);
      const v = evaluate(e, env);
      const yOnly: Env = new Map([[y, env.get(y)!]]);
      if (s.hasLowerBound() && evaluate(s.min, yOnly) > v) t.fail(`${e} with x in [${lo}, ${hi}]: ${v} below ${s}`);
      if (s.hasUpperBound() && evaluate(s.max, yOnly) < v) t.fail(`${e} with x in [${lo}, ${hi}]: ${v} above ${s}`);
      checked++;
    }
  }
  t.is(checked, 3000);
});
