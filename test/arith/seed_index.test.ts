// The seed program's flattened index and the bound-inference cases the lowering relies on.
import test from "ava";
import { IntImm, Var } from "../../ts/ir/expr.js";
import { Range } from "../../ts/ir/iter_var.js";
import { Analyzer, simplify } from "../../ts/arith/analyzer.js";
import { IntSet, evalSet } from "../../ts/arith/int_set.js";

const c = (v: number): IntImm => new IntImm("int32", v);

test("the seed's flattened index simplifies to TVM's text", (t) => {
  const i = new Var("i");
  const j = new Var("j");
  const k = new Var("k");
  const idx = i.mul(4).add(j).mul(8).add(k);
  t.is(idx.toString(), "((((i*4) + j)*8) + k)");
  t.is(simplify(idx).toString(), "(((i*32) + (j*8)) + k)");
});

test("floordiv / floormod of a split index with a bounded inner part", (t) => {
  const i = new Var("i");
  const j = new Var("j");
  const ana = new Analyzer();
  ana.bind(j, new Range(c(0), c(8)));
  t.is(ana.simplify(i.mul(8).add(j).floordiv(8)).toString(), "i");
  t.is(ana.simplify(i.mul(8).add(j).floormod(8)).toString(), "j");
});

test("relaxing a window variable gives [i, i + 2] and a cover extent of 3", (t) => {
  const i = new Var("i");
  const di = new Var("di");
  const s = evalSet(i.add(di), new Map([[i, IntSet.single(i)], [di, IntSet.interval(0, 2)]]));
  t.is(s.min, i);
  t.is(s.max.toString(), "(i + 2)");
  const r = s.coverRange(new Range(c(0), c(1)));
  t.is(r.min, i);
  t.is(r.extent.toString(), "3");
});

test("relaxing the inner part of a split index divided by 4", (t) => {
  const io = new Var("io");
  const ii = new Var("ii");
  const s = evalSet(io.mul(8).add(ii).floordiv(4), new Map([[io, IntSet.single(io)], [ii, IntSet.interval(0, 7)]]));
  t.is(s.toString(), "IntervalSet[floordiv((io*8), 4), floordiv(((io*8) + 7), 4)]");
  const r = s.coverRange(new Range(c(0), c(1)));
  t.is(r.extent.toString(), "2");
});

test("a fused-then-split index folds back to the fused variable (TVM 2020 text)", (t) => {
  const o = new Var("o");
  const i = new Var("i");
  const f = (): ReturnType<typeof o.add> => o.mul(10).add(i);
  const idx = f().floordiv(8).mul(8).add(f().floormod(8));
  const ana = new Analyzer();
  ana.bind(o, new Range(c(0), c(77)));
  ana.bind(i, new Range(c(0), c(10)));
  t.is(ana.simplify(idx).toString(), "((o*10) + i)");
});

test("split extents and tail guards", (t) => {
  const n = new Var("n");
  const o = new Var("o");
  const i = new Var("i");
  t.is(simplify(n.add(c(64).sub(1)).floordiv(64)).toString(), "floordiv((n + 63), 64)");
  const ana = new Analyzer();
  ana.bind(o, new Range(c(0), c(3)));
  ana.bind(i, new Range(c(0), c(32)));
  t.true(ana.canProve(o.mul(32).add(i).lt(96)));
  t.false(ana.canProve(o.mul(32).add(i).lt(95)));
  t.is(ana.simplify(o.mul(32).add(i).lt(n)).toString(), "(((o*32) + i) < n)");
});
