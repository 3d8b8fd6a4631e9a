// Port of TVM's test_arith_modular_set.py: residues coeff*k + base of integer expressions.
import test from "ava";
import { Call, Let, Select, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { ModularSet } from "../../ts/arith/modular_set.js";
import { add, bound, fld, flm, int, max, min, mul, sub, tdiv, tmod, vars } from "./helpers.js";

const cb = (m: ModularSet): [number, number] => [m.coeff, m.base];

test("cast", (t) => {
  const ana = new Analyzer();
  const x = new Var("x", "int8");
  t.deepEqual(cb(ana.modularSet(op.cast("uint32", mul(x, 3)))), [3, 0]);
  t.deepEqual(cb(ana.modularSet(op.cast("int32", op.cast("float32", add(mul(x, 3), 1))))), [3, 1]);
});

test("add and sub", (t) => {
  const ana = new Analyzer();
  const x = new Var("x", "int64");
  const y = new Var("y", "int64");
  t.deepEqual(cb(ana.modularSet(add(mul(x, 6), mul(y, 4)))), [2, 0]);
  ana.bind(y, add(mul(x, 4), 1));
  t.deepEqual(cb(ana.modularSet(sub(1, y))), [4, 0]);
});

test("mul", (t) => {
  const ana = new Analyzer();
  const [x, y] = vars("x", "y");
  t.deepEqual(cb(ana.modularSet(mul(add(mul(x, 4), 2), add(mul(y, 6), 1)))), [4, 2]);
});

test("floormod", (t) => {
  const ana = new Analyzer();
  const [x, y] = vars("x", "y");
  t.deepEqual(cb(ana.modularSet(flm(add(mul(x, 128), mul(y, 4)), 256))), [4, 0]);
});

test("division and shift", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  // x may be negative: truncated division rounds unpredictably
  t.deepEqual(cb(ana.modularSet(tdiv(add(mul(x, 4), 2), 2))), [1, 0]);
  // a right shift always rounds down
  t.deepEqual(cb(ana.modularSet(new Call("int32", "tir.shift_right", [add(mul(x, 4), 2), int(1)]))), [2, 1]);
  t.deepEqual(cb(ana.modularSet(fld(add(mul(x, 4), 2), 2))), [2, 1]);
  bound(ana, x, 0, 100);
  t.deepEqual(cb(ana.modularSet(tdiv(add(mul(x, 4), 2), 2))), [2, 1]);
});

test("mod", (t) => {
  const ana = new Analyzer();
  const x = new Var("x");
  t.deepEqual(cb(ana.modularSet(tmod(add(mul(x, 4), 1), 4))), [1, 0]);
  t.deepEqual(cb(ana.modularSet(tmod(mul(x, 4), 4))), [4, 0]);
  t.deepEqual(cb(ana.modularSet(flm(add(mul(x, 4), 3), 2))), [2, 1]);
  t.deepEqual(cb(ana.modularSet(flm(add(mul(x, 4), 3), 8))), [4, 3]);
  bound(ana, x, 0, 100);
  t.deepEqual(cb(ana.modularSet(tmod(add(mul(x, 4), 3), 2))), [2, 1]);
});

test("min, max and select", (t) => {
  const ana = new Analyzer();
  const [x, y] = vars("x", "y");
  t.deepEqual(cb(ana.modularSet(min(mul(x, 3), mul(y, 9)))), [3, 0]);
  t.deepEqual(cb(ana.modularSet(max(add(mul(x, 3), 1), add(mul(y, 9), 4)))), [3, 1]);
  t.deepEqual(cb(ana.modularSet(new Select(op.gt(x, 0), add(mul(x, 3), 1), add(mul(y, 9), 2)))), [1, 0]);
});

test("mixed index expressions", (t) => {
  const ana = new Analyzer();
  const [a, b] = vars("a", "b");
  t.deepEqual(cb(ana.modularSet(add(add(mul(a, 4), mul(b, 6)), 7))), [2, 1]);
  t.deepEqual(cb(ana.modularSet(mul(add(mul(a, 4), 1), add(mul(b, 8), 3)))), [4, 3]);
  t.deepEqual(cb(ana.modularSet(tdiv(add(mul(a, 4), 1), add(mul(b, 8), 3)))), [1, 0]);
  t.deepEqual(cb(ana.modularSet(mul(add(mul(a, 4), 1), tdiv(mul(b, 8), 4)))), [2, 0]);
  t.deepEqual(cb(ana.modularSet(sub(add(mul(a, 12), 1), add(mul(mul(b, 3), 7), 2)))), [3, 2]);
  t.deepEqual(cb(ana.modularSet(add(mul(a, 12), min(mul(mul(b, 3), 7), 2)))), [1, 0]);
});

test("constraint scopes", (t) => {
  const ana = new Analyzer();
  const [a, b] = vars("a", "b");
  ana.withConstraint(op.eq(tmod(b, 4), 2), () => {
    t.deepEqual(cb(ana.modularSet(add(b, 1))), [4, 3]);
    ana.withConstraint(op.eq(tmod(a, 2), 1), () => {
      t.deepEqual(cb(ana.modularSet(add(b, mul(a, 2)))), [4, 0]);
    });
    t.deepEqual(cb(ana.modularSet(add(b, mul(a, 2)))), [2, 0]);
  });
  t.deepEqual(cb(ana.modularSet(add(b, 1))), [1, 0]);
});

test("intersection of constraints", (t) => {
  const ana = new Analyzer();
  const a = new Var("a");
  ana.withConstraint(op.eq(tmod(a, 4), 1), () =>
    ana.withConstraint(op.eq(tmod(a, 3), 1), () => {
      t.deepEqual(cb(ana.modularSet(a)), [12, 1]);
    }));
  ana.withConstraint(op.eq(tmod(a, 3), 2), () =>
    ana.withConstraint(op.eq(tmod(a, 5), 3), () =>
      ana.withConstraint(op.eq(tmod(a, 7), 2), () => {
        t.deepEqual(cb(ana.modularSet(a)), [105, 23]);
      })));
});

test("let", (t) => {
  const ana = new Analyzer();
  const [x, y] = vars("x", "y");
  t.deepEqual(cb(ana.modularSet(new Let(x, mul(y, 10), add(x, 1)))), [10, 1]);
});
