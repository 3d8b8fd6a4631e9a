import test from "ava";
import { te, lower } from "../../ts/index.js";
import { declBuffer } from "../../ts/ir/buffer.js";
import { Call, Load, type PrimExpr, Var } from "../../ts/ir/expr.js";
import { postOrderVisit } from "../../ts/ir/functor.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import * as op from "../../ts/ir/op.js";
import { For, IfThenElse, SeqStmt, type Stmt, Store } from "../../ts/ir/stmt.js";
import { IntSet } from "../../ts/arith/int_set.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { loopPartition } from "../../ts/transform/loop_partition.js";
import { deduceBound } from "../../ts/arith/deduce_bound.js";
import { simplifyPass } from "../../ts/transform/simplify.js";
import { removeNoOp } from "../../ts/transform/remove_no_op.js";
import { assertPipelinePreserves, assertSameResults, bodyText, loops, quiet } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";

function split10(factor = 4) {
  const A = te.placeholder([10], "float32", "A");
  const B = te.compute([10], (i) => A.at(i).mul(2), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).split(s.stage(B).op.axis[0], { factor });
  return { s, args: [A, B] };
}

function symbolicSplit() {
  const m = te.var("m");
  const A = te.placeholder([m], "float32", "A");
  const B = te.compute([m], (i) => A.at(i).mul(2), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).split(s.stage(B).op.axis[0], { factor: 32 });
  return { s, args: [A, B] };
}

function ifs(s: Stmt): IfThenElse[] {
  const out: IfThenElse[] = [];
  postOrderVisit(s, (n) => {
    if (n instanceof IfThenElse) out.push(n);
  });
  return out;
}

function hasLikely(s: Stmt): boolean {
  let found = false;
  postOrderVisit(s, (n) => {
    if (n instanceof Call && n.op === "tir.likely") found = true;
  });
  return found;
}

test("simple mode keeps an uneven split's likely guard, as TVM's tutorials print it", (t) => {
  const { s, args } = split10();
  t.is(bodyText(lower(s, args, { simpleMode: true })), [
    "  for (i.outer: int32, 0, 3) {",
    "    for (i.inner: int32, 0, 4) {",
    "      if @tir.likely((((i.outer*4) + i.inner) < 10), dtype=bool) {",
    "        B_2[((i.outer*4) + i.inner)] = ((float32*)A_2[((i.outer*4) + i.inner)]*2f32)",
    "      }",
    "    }",
    "  }",
  ].join("\n"));
});

test("by default a constant loop is not partitioned (TVM's partition_const_loop = false) but likely tags go", (t) => {
  const { s, args } = split10();
  t.is(bodyText(lower(s, args)), [
    "  for (i.outer: int32, 0, 3) {",
    "    for (i.inner: int32, 0, 4) {",
    "      if (((i.outer*4) + i.inner) < 10) {",
    "        B_2[((i.outer*4) + i.inner)] = ((float32*)A_2[((i.outer*4) + i.inner)]*2f32)",
    "      }",
    "    }",
    "  }",
  ].join("\n"));
});

test("partitionConstLoop: the main part loses the guard, the tail is a loop of its own", (t) => {
  const { s, args } = split10();
  const mod = lower(s, args, { partitionConstLoop: true });
  t.is(bodyText(mod), [
    "  for (i.outer: int32, 0, 2) {",
    "    for (i.inner: int32, 0, 4) {",
    "      B_2[((i.outer*4) + i.inner)] = ((float32*)A_2[((i.outer*4) + i.inner)]*2f32)",
    "    }",
    "  }",
    "  for (i.inner_1: int32, 0, 2) {",
    "    B_2[(i.inner_1 + 8)] = ((float32*)A_2[(i.inner_1 + 8)]*2f32)",
    "  }",
  ].join("\n"));
  assertPipelinePreserves(t, s, args, { partitionConstLoop: true, seeds: [1, 2] });
});

test("a symbolic extent is partitioned by default: a guard-free main loop and a guarded tail", (t) => {
  const { s, args } = symbolicSplit();
  const f = lower(s, args).get("main");
  t.false(hasLikely(f.body));
  const ls = loops(f.body);
  // The tail runs at most once: it is the body under `if (0 < floormod(m, 32))`, not a loop.
  t.deepEqual(ls.map((l) => l.loopVar.name), ["i.outer", "i.inner", "i.inner"]);
  t.true(ifs(f.body).some((g) => g.condition.toString() === "(0 < floormod(m, 32))"));
  // The main loop holds no condition; the tail keeps one.
  t.is(ifs(ls[0]).length, 0);
  t.is(ifs(ls[2]).length, 1);
  t.is(ls[0].extent.toString(), "floordiv(m, 32)");
  for (const m of [1, 31, 32, 33, 64, 70]) {
    assertPipelinePreserves(t, s, args, { vars: new Map([["m", m]]), seeds: [m] });
  }
});

test("a symbolic 2-d tile partitions both axes; results hold for many shapes", (t) => {
  const m = te.var("m");
  const n = te.var("n");
  const A = te.placeholder([m, n], "float32", "A");
  const B = te.compute([m, n], (i, j) => A.at(i, j).mul(3), "B");
  const s = te.createSchedule(B.op);
  const st = s.stage(B);
  st.tile(st.op.axis[0], st.op.axis[1], 4, 8);
  const f = lower(s, [A, B]).get("main");
  t.false(hasLikely(f.body));
  // Four blocks: main (no guard), the j tail, the i tail, the corner; the main one comes first.
  const all = loops(f.body);
  t.is(all.filter((l) => l.loopVar.name === "i.inner").length, 4);
  const main = all[1];
  t.is(main.loopVar.name, "j.outer");
  t.is(main.extent.toString(), "floordiv(n, 8)");
  t.is(ifs(main).length, 0);
  // The four guards of the tails, three tests that a partitioned loop runs at all, and three
  // that a tail (at most one iteration of an outer loop) runs.
  const runs = ifs(f.body).filter((g) => /^\(1 <= [mn]\)$/.test(g.condition.toString()));
  const tails = ifs(f.body).filter((g) => /^\(0 < floormod\([mn], [48]\)\)$/.test(g.condition.toString()));
  t.is(ifs(f.body).length - runs.length - tails.length, 4);
  t.is(runs.length, 3);
  t.is(tails.length, 3);
  for (const [mv, nv] of [[1, 1], [4, 8], [5, 9], [11, 16], [3, 20]]) {
    assertPipelinePreserves(t, s, [A, B], { vars: new Map([["m", mv], ["n", nv]]), seeds: [mv * 100 + nv] });
  }
});

test("simple mode leaves the symbolic loop whole", (t) => {
  const { s, args } = symbolicSplit();
  const f = lower(s, args, { simpleMode: true }).get("main");
  t.is(loops(f.body).length, 2);
  t.true(hasLikely(f.body));
});

test("a tile with uneven splits on both axes partitions into guard-free blocks", (t) => {
  const A = te.placeholder([10, 7], "float32", "A");
  const B = te.compute([10, 7], (i, j) => A.at(i, j).add(1), "B");
  const s = te.createSchedule(B.op);
  const st = s.stage(B);
  st.tile(st.op.axis[0], st.op.axis[1], 4, 3);
  const f = assertPipelinePreserves(t, s, [A, B], { partitionConstLoop: true, seeds: [3, 4] });
  t.false(hasLikely(f.body));
  // The first loop nest (the main block) has no guard left.
  const first = loops(f.body)[0];
  t.is(ifs(first).length, 0);
  t.is(first.loopVar.name, "i.outer");
});

test("irBuilder: a loop with a non-zero start and a likely bound on it", (t) => {
  const A = declBuffer([16], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(2, 12, "i", (i) => {
    ib.ifScope(ib.likely(i.lt(9)), () => a.set(i, a.get(i).mul(3)));
  });
  const f = primFunc([A], ib.get());
  const g = loopPartition(f, { partitionConstLoop: true });
  // The tail is partitioned again: its condition is known false everywhere.
  t.is(bodyText(g), [
    "  for (i: int32, 0, 7) {",
    "    if True {",
    "      A_1[(i + 2)] = ((float32*)A_1[(i + 2)]*3f32)",
    "    }",
    "  }",
    "  for (i_1: int32, 0, 3) {",
    "    if False {",
    "      A_1[(i_1 + 9)] = ((float32*)A_1[(i_1 + 9)]*3f32)",
    "    }",
    "  }",
  ].join("\n"));
  t.is(bodyText(removeNoOp(simplifyPass(g))), [
    "  for (i: int32, 0, 7) {",
    "    A_1[(i + 2)] = ((float32*)A_1[(i + 2)]*3f32)",
    "  }",
  ].join("\n"));
  assertSameResults(t, f, g, { what: "loop partition" });
});

test("a condition that cannot be solved for the loop variable leaves the loop whole (likely removed)", (t) => {
  const A = declBuffer([12], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 12, "i", (i) => {
    ib.ifScope(ib.likely(i.floormod(3).eq(0)), () => a.set(i, 1));
  });
  const f = primFunc([A], ib.get());
  const g = loopPartition(f, { partitionConstLoop: true });
  t.is(bodyText(g), [
    "  for (i: int32, 0, 12) {",
    "    if (floormod(i, 3) == 0) {",
    "      A_1[i] = 1f32",
    "    }",
    "  }",
  ].join("\n"));
  assertSameResults(t, f, g);
});

test("a guard that only fails before the loop's middle makes a head part", (t) => {
  const A = declBuffer([20], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 20, "i", (i) => {
    ib.ifScope(ib.likely(i.ge(5)), () => a.set(i, a.get(i).add(1)));
  });
  const f = primFunc([A], ib.get());
  const g = removeNoOp(simplifyPass(loopPartition(f, { partitionConstLoop: true })));
  t.is(bodyText(g), [
    "  for (i: int32, 0, 15) {",
    "    A_1[(i + 5)] = ((float32*)A_1[(i + 5)] + 1f32)",
    "  }",
  ].join("\n"));
  assertSameResults(t, f, g);
});

test("deduceBound solves linear comparisons for one variable over relaxed ones (TVM's DeduceBound)", (t) => {
  const x = new Var("x");
  const y = new Var("y");
  const n = new Var("n");
  const relax = new Map([[y, IntSet.interval(0, 3)]]);
  const ana = new Analyzer();
  const end = (e: PrimExpr): string => (e.dtype.isHandle() ? e.toString() : ana.simplify(e).toString());
  const text = (s: IntSet): string => `[${end(s.minValue())}, ${end(s.maxValue())}]`;
  const ded = (c: PrimExpr, r = relax) => deduceBound(x, c, new Map(), r);
  // x*4 + y < 10 for all y in [0, 3]: x*4 <= 6, x <= 1.
  t.is(text(ded(x.mul(4).add(y).lt(10))), "[neg_inf, 1]");
  // x*4 + y >= 10 for all y: x*4 >= 10, x >= 3.
  t.is(text(ded(x.mul(4).add(y).ge(10))), "[3, pos_inf]");
  // 20 - x > n: x <= 19 - n.
  t.is(text(ded(op.sub(20, x).gt(n), new Map())), "[neg_inf, (19 - n)]");
  // A negative factor flips the comparison: x*-2 <= 5 gives x >= -2.
  t.is(text(ded(x.mul(-2).le(5), new Map())), "[-2, pos_inf]");
  // Under a floordiv by a positive constant: x / 16 + 9 < 10 gives x <= 15; x / 4 >= y gives
  // x >= 12 for all y in [0, 3].
  t.is(text(ded(x.floordiv(16).add(9).lt(10), new Map())), "[neg_inf, 15]");
  t.is(text(ded(x.floordiv(4).ge(y))), "[12, pos_inf]");
  // x used twice, under a floormod, a floordiv by a variable or a negative constant, or in an
  // equality through a floordiv, cannot be solved.
  t.true(ded(x.add(x).lt(4), new Map()).isNothing());
  t.true(ded(x.floormod(2).lt(4), new Map()).isNothing());
  t.true(ded(x.floordiv(n).lt(4), new Map()).isNothing());
  t.true(ded(x.floordiv(-2).lt(4), new Map()).isNothing());
  t.true(ded(x.floordiv(2).eq(4), new Map()).isNothing());
});

test("lower options are checked", (t) => {
  const { s, args } = split10();
  t.throws(() => lower(s, args, { ...quiet, autoUnrollMaxStep: -1 }), { message: /autoUnrollMaxStep must be a non-negative integer/ });
});

test("the three parts always partition the loop, even when the guard's interval lies outside it", (t) => {
  // for i in [0, 8): if likely(i < m) A[i] += 1, for m below, inside and above the loop.
  const A = declBuffer([8], "float32", "A");
  const m = new Var("m");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 8, "i", (i) => {
    ib.ifScope(ib.likely(i.lt(m)), () => a.set(i, a.get(i).add(1)));
  });
  const f = primFunc([A, m], ib.get());
  const g = loopPartition(f, { partitionConstLoop: true });
  t.is(loops(g.body).length, 2, "a guard-free main part and a tail");
  t.regex(g.toString(), /for \(i_1: int32, 0, \(\(7 - max\(min\(m, 8\), 0\)\) \+ 1\)\)/, "the tail starts at the main part's end, clamped into the loop");
  for (const mv of [-3, 0, 5, 8, 12]) {
    assertSameResults(t, f, g, { what: `loop partition, m = ${mv}`, vars: new Map([["m", mv]]) });
  }
});

test("a part of one iteration peeled off a loop that may run zero times is guarded by the loop's condition", (t) => {
  // for i in [0, n): A[i] *= 2; if likely(i >= 1) A[i] += 1. The head part is the one iteration
  // i = 0, emitted without its loop; it exists only when n >= 1, so it must not run at n = 0
  // (it used to: a store past an empty buffer, found by the fuzzer through a computeAt cache).
  const n = new Var("n");
  const A = declBuffer([n], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, n, "i", (i) => {
    a.set(i, a.get(i).mul(2));
    ib.ifScope(ib.likely(i.ge(1)), () => a.set(i, a.get(i).add(1)));
  });
  const f = primFunc([A, n], ib.get());
  const g = loopPartition(f);
  t.is(bodyText(removeNoOp(simplifyPass(g))), [
    "  if (1 <= n) {",
    "    A_1[0] = ((float32*)A_1[0]*2f32)",
    "    for (i: int32, 0, (n - 1)) {",
    "      A_1[(i + 1)] = ((float32*)A_1[(i + 1)]*2f32)",
    "      A_1[(i + 1)] = ((float32*)A_1[(i + 1)] + 1f32)",
    "    }",
    "  }",
  ].join("\n"), "the parts sit under the test that the loop runs");
  for (const nv of [0, 1, 2, 5]) {
    assertSameResults(t, f, g, { what: `loop partition, n = ${nv}`, vars: new Map([["n", nv]]) });
  }
});

test("one guard object under two inner loops is cut only where it holds in both (the intervals intersect)", (t) => {
  // for i in [0, 10): for j in [0, 8): if likely(i + j < 10) A[i] += 1; for j in [0, 2): if likely(i + j < 10) B[i] += 1
  // with one condition object and one j: the first loop needs i <= 2, the second i <= 8.
  const A = declBuffer([10], "float32", "A");
  const B = declBuffer([10], "float32", "B");
  const i = new Var("i");
  const j = new Var("j");
  const cond = op.likely(op.lt(op.add(i, j), 10));
  const bump = (buf: typeof A) => new Store(buf.data, op.add(new Load(buf.dtype, buf.data, i), op.constant(1, "float32")), i);
  const inner = (extent: number, buf: typeof A) => new For(j, op.constant(0), op.constant(extent), "serial", new IfThenElse(cond, bump(buf)));
  const f = primFunc([A, B], new For(i, op.constant(0), op.constant(10), "serial", SeqStmt.flatten([inner(8, A), inner(2, B)])));
  const g = loopPartition(f, { partitionConstLoop: true });
  t.is(loops(g.body)[0].extent.toString(), "3");
  assertSameResults(t, f, g, { what: "loop partition" });
});

test("a guard object also met inside a loop whose bounds depend on the partitioned variable is not cut", (t) => {
  // The second inner loop runs i + 1 times: the finder does not search it (as in TVM), so the
  // guard it shares with the first loop must stay wherever it is.
  const A = declBuffer([10], "float32", "A");
  const B = declBuffer([10], "float32", "B");
  const i = new Var("i");
  const j = new Var("j");
  const cond = op.likely(op.lt(op.add(i, j), 10));
  const bump = (buf: typeof A) => new Store(buf.data, op.add(new Load(buf.dtype, buf.data, i), op.constant(1, "float32")), i);
  const first = new For(j, op.constant(0), op.constant(2), "serial", new IfThenElse(cond, bump(B)));
  const second = new For(j, op.constant(0), op.add(i, 1), "serial", new IfThenElse(cond, bump(A)));
  const f = primFunc([A, B], new For(i, op.constant(0), op.constant(10), "serial", SeqStmt.flatten([first, second])));
  const g = loopPartition(f, { partitionConstLoop: true });
  // The i loop stays whole (each inner loop is still cut on j, at its own guard).
  t.true(g.body instanceof For && g.body.loopVar === i && g.body.extent.toString() === "10");
  assertSameResults(t, f, g, { what: "loop partition" });
});
