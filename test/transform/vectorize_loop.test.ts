import test from "ava";
import { te, lower } from "../../ts/index.js";
import { declBuffer } from "../../ts/ir/buffer.js";
import { type IntImm, Var } from "../../ts/ir/expr.js";
import { postOrderVisit } from "../../ts/ir/functor.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { callPacked } from "../../ts/ir/builtin.js";
import { Allocate, For, type Stmt } from "../../ts/ir/stmt.js";
import { explainVectorize, vectorizeLoop } from "../../ts/transform/vectorize_loop.js";
import { assertPipelinePreserves, assertSameResults, bodyText, loops, vectorStoreLanes } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";

function kinds(s: Stmt): string[] {
  return loops(s).map((l) => `${l.loopVar.name}:${l.forKind}`);
}

test("the GEMM tutorial's vectorized block prints as TVM prints it (ramp stores, broadcast A)", (t) => {
  const N = 1024;
  const A = te.placeholder([N, N], "float32", "A");
  const B = te.placeholder([N, N], "float32", "B");
  const k = te.reduceAxis([0, N], "k");
  const C = te.compute([N, N], (x, y) => te.sum(A.at(x, k).mul(B.at(k, y)), k), "C");
  const s = te.createSchedule(C.op);
  const sc = s.stage(C);
  const [mo, no, mi, ni] = sc.tile(sc.op.axis[0], sc.op.axis[1], 32, 32);
  const [ko, ki] = sc.split(sc.op.reduceAxis[0], { factor: 4 });
  sc.reorder(mo, no, ko, ki, mi, ni);
  sc.vectorize(ni);
  t.is(bodyText(lower(s, [A, B, C])), [
    "  for (x.outer: int32, 0, 32) {",
    "    for (y.outer: int32, 0, 32) {",
    "      for (x.inner.init: int32, 0, 32) {",
    "        C_2[ramp((((x.outer*32768) + (x.inner.init*1024)) + (y.outer*32)), 1, 32)] = broadcast(0f32, 32)",
    "      }",
    "      for (k.outer: int32, 0, 256) {",
    "        for (k.inner: int32, 0, 4) {",
    "          for (x.inner: int32, 0, 32) {",
    "            C_2[ramp((((x.outer*32768) + (x.inner*1024)) + (y.outer*32)), 1, 32)] = ((float32x32*)C_2[ramp((((x.outer*32768) + (x.inner*1024)) + (y.outer*32)), 1, 32)] + (broadcast((float32*)A_2[((((x.outer*32768) + (x.inner*1024)) + (k.outer*4)) + k.inner)], 32)*(float32x32*)B_2[ramp((((k.outer*4096) + (k.inner*1024)) + (y.outer*32)), 1, 32)]))",
    "          }",
    "        }",
    "      }",
    "    }",
    "  }",
  ].join("\n"));
});

test("an elementwise loop split by 8 and vectorized; the same schedule at a small size keeps its results", (t) => {
  const A = te.placeholder([64], "float32", "A");
  const B = te.compute([64], (i) => A.at(i).add(1), "B");
  const s = te.createSchedule(B.op);
  const [, xi] = s.stage(B).split(s.stage(B).op.axis[0], { factor: 8 });
  s.stage(B).vectorize(xi);
  t.is(bodyText(lower(s, [A, B])), [
    "  for (i.outer: int32, 0, 8) {",
    "    B_2[ramp((i.outer*8), 1, 8)] = ((float32x8*)A_2[ramp((i.outer*8), 1, 8)] + broadcast(1f32, 8))",
    "  }",
  ].join("\n"));
  assertPipelinePreserves(t, s, [A, B]);
});

test("an uneven split's guard depends on the lane: the if runs lane by lane (TVM's scalarize)", (t) => {
  const A = te.placeholder([10], "float32", "A");
  const B = te.compute([10], (i) => A.at(i).mul(2), "B");
  const s = te.createSchedule(B.op);
  const [, xi] = s.stage(B).split(s.stage(B).op.axis[0], { factor: 4 });
  s.stage(B).vectorize(xi);
  t.is(bodyText(lower(s, [A, B], { simpleMode: true })), [
    "  for (i.outer: int32, 0, 3) {",
    "    for (i.inner.s: int32, 0, 4) {",
    "      if @tir.likely((((i.outer*4) + i.inner.s) < 10), dtype=bool) {",
    "        B_2[((i.outer*4) + i.inner.s)] = ((float32*)A_2[((i.outer*4) + i.inner.s)]*2f32)",
    "      }",
    "    }",
    "  }",
  ].join("\n"));
  assertPipelinePreserves(t, s, [A, B], { simpleMode: true });
});

test("partitioned first, the main part of an uneven split vectorizes fully and the tail gets 2 lanes", (t) => {
  const A = te.placeholder([10], "float32", "A");
  const B = te.compute([10], (i) => A.at(i).mul(2), "B");
  const s = te.createSchedule(B.op);
  const [, xi] = s.stage(B).split(s.stage(B).op.axis[0], { factor: 4 });
  s.stage(B).vectorize(xi);
  t.is(bodyText(lower(s, [A, B], { partitionConstLoop: true })), [
    "  for (i.outer: int32, 0, 2) {",
    "    B_2[ramp((i.outer*4), 1, 4)] = ((float32x4*)A_2[ramp((i.outer*4), 1, 4)]*broadcast(2f32, 4))",
    "  }",
    "  B_2[ramp(8, 1, 2)] = ((float32x2*)A_2[ramp(8, 1, 2)]*broadcast(2f32, 2))",
  ].join("\n"));
  assertPipelinePreserves(t, s, [A, B], { partitionConstLoop: true });
});

test("selects, casts, comparisons and math intrinsics become lane-wise; if_then_else on a lane runs lane by lane", (t) => {
  const A = te.placeholder([16], "float32", "A");
  const B = te.compute([16], (i) => te.select(A.at(i).gt(0), te.exp(A.at(i)), i.cast("float32")), "B");
  const C = te.compute([16], (i) => te.ifThenElse(i.lt(5), A.at(i), B.at(i)), "C");
  const s = te.createSchedule(C.op);
  s.stage(B).vectorize(s.stage(B).op.axis[0]);
  s.stage(C).vectorize(s.stage(C).op.axis[0]);
  const body = bodyText(lower(s, [A, C]));
  t.true(body.includes("B[ramp(0, 1, 16)] = select((broadcast(0f32, 16) < (float32x16*)A_2[ramp(0, 1, 16)]), @tir.exp((float32x16*)A_2[ramp(0, 1, 16)], dtype=float32x16), cast(float32x16, ramp(0, 1, 16)))"), body);
  t.true(body.includes("for (i.s: int32, 0, 16) {"), body);
  t.true(body.includes("C_2[i.s] = @tir.if_then_else((i.s < 5), (float32*)A_2[i.s], (float32*)B[i.s], dtype=float32)"), body);
  assertPipelinePreserves(t, s, [A, C]);
});

test("a loop-carried dependence keeps the loop serial; accesses lanes cannot share vectorize", (t) => {
  const A = declBuffer([16], "float32", "A");
  const build = (f: (i: Var, a: ReturnType<ReturnType<typeof irBuilder>["bufferPtr"]>) => void) => {
    const ib = irBuilder();
    const a = ib.bufferPtr(A);
    ib.forRange(0, 4, "i", (i) => f(i, a), "vectorize");
    return primFunc([A], ib.get());
  };
  const cases: [string, ReturnType<typeof build>, boolean][] = [
    ["A[i+1] = A[i] + 1", build((i, a) => a.set(i.add(1), a.get(i).add(1))), false],
    ["A[i] = A[i+1] + 1", build((i, a) => a.set(i, a.get(i.add(1)).add(1))), false],
    ["A[i] = A[i] * 2", build((i, a) => a.set(i, a.get(i).mul(2))), true],
    ["A[i] = A[i+4] (lanes never meet)", build((i, a) => a.set(i, a.get(i.add(4)))), true],
    ["A[2i] = A[2i+1]", build((i, a) => a.set(i.mul(2), a.get(i.mul(2).add(1)))), true],
    ["A[0] = A[0] + A[i] (a reduction into one place)", build((i, a) => a.set(0, a.get(0).add(a.get(i.add(8))))), false],
    ["A[i / 2] = A[i + 8]", build((i, a) => a.set(i.floordiv(2), a.get(i.add(8)))), false],
    ["A[i] = A[8] + 1 (read past the written lanes)", build((i, a) => a.set(i, a.get(8).add(1))), true],
    ["A[i] = A[0] + 1 (lane 0 writes what the others read)", build((i, a) => a.set(i, a.get(0).add(1))), false],
    ["A[i] = A[i % 3 + 8] (not linear, but apart)", build((i, a) => a.set(i, a.get(i.floormod(3).add(8)))), true],
    ["A[i] = A[3 - i]", build((i, a) => a.set(i, a.get(i.mul(-1).add(3)))), false],
    ["A[i] = A[7 - i] (reversed, apart)", build((i, a) => a.set(i, a.get(i.mul(-1).add(7)))), true],
  ];
  for (const [what, f, vectorized] of cases) {
    const g = vectorizeLoop(f);
    t.is(vectorStoreLanes(g.body).length > 0, vectorized, what);
    if (!vectorized) {
      t.deepEqual(kinds(g.body), ["i:serial"], what);
      t.truthy(explainVectorize(f.body as For), what);
    } else {
      t.is(explainVectorize(f.body as For), undefined, what);
    }
    assertSameResults(t, f, g, { what });
  }
});

test("a packed call in a vectorized loop runs once per lane", (t) => {
  const A = declBuffer([8], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 4, "i", (i) => {
    a.set(i, a.get(i).add(1));
    ib.emit(callPacked("log_value", i));
  }, "vectorize");
  const g = vectorizeLoop(primFunc([A], ib.get()));
  t.is(bodyText(g), [
    "  A_1[ramp(0, 1, 4)] = ((float32x4*)A_1[ramp(0, 1, 4)] + broadcast(1f32, 4))",
    "  for (i.s: int32, 0, 4) {",
    "    @tir.tvm_call_packed(\"log_value\", i.s, dtype=int32)",
    "  }",
  ].join("\n"));
});

test("a non-constant extent or disableVectorize leave a serial loop; a while loop inside is refused", (t) => {
  const n = new Var("n");
  const A = declBuffer([16], "float32", "A");
  let ib = irBuilder();
  let a = ib.bufferPtr(A);
  ib.forRange(0, n, "i", (i) => a.set(i, 1), "vectorize");
  const symbolic = primFunc([A, n], ib.get());
  t.deepEqual(kinds(vectorizeLoop(symbolic).body), ["i:serial"]);
  t.regex(explainVectorize(symbolic.body as For)!, /not a constant/);

  ib = irBuilder();
  a = ib.bufferPtr(A);
  ib.forRange(0, 4, "i", (i) => {
    const c = ib.allocate("int32", 1, "c", "local");
    c.set(0, 0);
    ib.whileLoop(c.get(0).lt(2), () => c.set(0, c.get(0).add(1)));
    a.set(i, c.get(0).cast("float32"));
  }, "vectorize");
  const withWhile = primFunc([A], ib.get());
  t.throws(() => vectorizeLoop(withWhile), { message: /vectorize: loop 'i' holds a while loop; a while loop inside a vectorized loop is not supported/ });
  t.regex(explainVectorize(withWhile.body as For)!, /while/);
  t.deepEqual(kinds(vectorizeLoop(withWhile, { disableVectorize: true }).body), ["i:serial"]);

  const B = te.placeholder([16], "float32", "B");
  const C = te.compute([16], (i) => B.at(i).add(1), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).vectorize(s.stage(C).op.axis[0]);
  t.is(bodyText(lower(s, [B, C], { disableVectorize: true })), [
    "  for (i: int32, 0, 16) {",
    "    C_2[i] = ((float32*)B_2[i] + 1f32)",
    "  }",
  ].join("\n"));
});

test("an allocation inside a vectorized loop gets one copy per lane", (t) => {
  const A = declBuffer([8], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 8, "i", (i) => {
    const tmp = ib.allocate("float32", 2, "tmp", "global");
    tmp.set(0, a.get(i));
    tmp.set(1, tmp.get(0).mul(3));
    a.set(i, tmp.get(1).add(tmp.get(0)));
  }, "vectorize");
  const f = primFunc([A], ib.get());
  const g = vectorizeLoop(f);
  let alloc: Allocate | undefined;
  postOrderVisit(g.body, (x) => {
    if (x instanceof Allocate) alloc = x;
  });
  t.deepEqual(alloc!.extents.map((e) => (e as IntImm).value), [2, 8]);
  t.deepEqual(vectorStoreLanes(g.body), [8, 8, 8]);
  t.true(bodyText(g).includes("tmp[ramp(0, 1, 8)] = (float32x8*)A_1[ramp(0, 1, 8)]"), bodyText(g));
  assertSameResults(t, f, g);
});

test("a let bound to a lane-dependent value becomes a vector let", (t) => {
  const A = declBuffer([16], "int32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 4, "i", (i) => {
    const x = ib.let("x", i.mul(3));
    a.set(i, x.add(1));
  }, "vectorize");
  const f = primFunc([A], ib.get());
  const g = vectorizeLoop(f);
  t.is(bodyText(g), [
    "  let x: int32x4 = ramp(0, 3, 4)",
    "  A_1[ramp(0, 1, 4)] = (x + broadcast(1, 4))",
  ].join("\n"));
  assertSameResults(t, f, g);
});

test("a statement run lane by lane binds the vector lets it uses again, per lane", (t) => {
  const A = declBuffer([16], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 8, "i", (i) => {
    const x = ib.let("x", i.mul(2));
    a.set(i, x.cast("float32"));
    ib.ifScope(x.lt(6), () => a.set(i.add(8), 5));
  }, "vectorize");
  const f = primFunc([A], ib.get());
  const g = vectorizeLoop(f);
  t.is(bodyText(g), [
    // A let whose body is a sequence prints its braces on the next line, as TVM's printer does.
    "  let x: int32x8 = ramp(0, 2, 8)",
    "   {",
    "    A_1[ramp(0, 1, 8)] = cast(float32x8, x)",
    "    for (i.s: int32, 0, 8) {",
    "      let x_1: int32 = (i.s*2)",
    "      if (x_1 < 6) {",
    "        A_1[(i.s + 8)] = 5f32",
    "      }",
    "    }",
    "  }",
  ].join("\n"));
  assertSameResults(t, f, g);
});

test("a vectorized loop inside another runs serially in the outer vector body", (t) => {
  const A = declBuffer([32], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 4, "i", (i) => {
    ib.forRange(0, 8, "j", (j) => a.set(j.mul(4).add(i), a.get(j.mul(4).add(i)).add(j.cast("float32"))), "vectorize");
  }, "vectorize");
  const f = primFunc([A], ib.get());
  const g = vectorizeLoop(f);
  t.deepEqual(kinds(g.body), ["j:serial"]);
  t.deepEqual(vectorStoreLanes(g.body), [4]);
  assertSameResults(t, f, g);
});

test("a loop that is not vectorized is left alone, and an inner loop's variable joins the vector index", (t) => {
  const A = declBuffer([4, 8], "float32", "A");
  const B = declBuffer([8], "float32", "B");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const b = ib.bufferPtr(B);
  ib.forRange(0, 8, "j", (j) => {
    b.set(j, 0);
    ib.forRange(0, 4, "k", (k) => b.set(j, b.get(j).add(a.get(k.mul(8).add(j)))));
  }, "vectorize");
  const f = primFunc([A, B], ib.get());
  const g = vectorizeLoop(f);
  t.is(bodyText(g), [
    "  B_1[ramp(0, 1, 8)] = broadcast(0f32, 8)",
    "  for (k: int32, 0, 4) {",
    "    B_1[ramp(0, 1, 8)] = ((float32x8*)B_1[ramp(0, 1, 8)] + (float32x8*)A_1[ramp((k*8), 1, 8)])",
    "  }",
  ].join("\n"));
  assertSameResults(t, f, g);
});
