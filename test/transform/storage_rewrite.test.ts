import test from "ava";
import { build, lower, nd, te } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { declBuffer } from "../../ts/ir/buffer.js";
import { callPacked } from "../../ts/ir/builtin.js";
import type { Var } from "../../ts/ir/expr.js";
import { postOrderVisit } from "../../ts/ir/functor.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { select } from "../../ts/ir/op.js";
import { Allocate, type Stmt } from "../../ts/ir/stmt.js";
import { registerFunc, removeGlobalFunc } from "../../ts/runtime/registry.js";
import type { NDArray } from "../../ts/runtime/ndarray.js";
import { storageRewrite } from "../../ts/transform/storage_rewrite.js";
import { assertPipelinePreserves, assertSameResults, bodyText, quiet } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";

function allocations(s: Stmt): string[] {
  const out: string[] = [];
  postOrderVisit(s, (n) => {
    if (n instanceof Allocate) out.unshift(`${n.bufferVar.name}:${n.dtype}:${n.extents.join("*")}`);
  });
  return out;
}

const A = declBuffer([64], "float32", "A");
const O = declBuffer([64], "float32", "O");

test("an elementwise chain runs in place: one buffer for B, C and D (TVM's inplace detection)", (t) => {
  const In = te.placeholder([64], "float32", "A");
  const B = te.compute([64], (i) => In.at(i).add(1), "B");
  const C = te.compute([64], (i) => B.at(i).mul(2), "C");
  const D = te.compute([64], (i) => C.at(i).sub(3), "D");
  const E = te.compute([64], (i) => D.at(i).add(D.at(63)), "E");
  const s = te.createSchedule(E.op);
  t.is(bodyText(lower(s, [In, E])), [
    "  attr [B: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(B, float32, [64]) {",
    "    for (i: int32, 0, 64) {",
    "      B[i] = ((float32*)A_2[i] + 1f32)",
    "    }",
    "    for (i_1: int32, 0, 64) {",
    "      B[i_1] = ((float32*)B[i_1]*2f32)",
    "    }",
    "    for (i_2: int32, 0, 64) {",
    "      B[i_2] = ((float32*)B[i_2] - 3f32)",
    "    }",
    "    for (i_3: int32, 0, 64) {",
    "      E_2[i_3] = ((float32*)B[i_3] + (float32*)B[63])",
    "    }",
    "  }",
  ].join("\n"));
  assertPipelinePreserves(t, s, [In, E], { seeds: [1, 2] });
});

test("a dead buffer is reused by a later one of the same type; allocations come in first-touch order", (t) => {
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  const t3 = ib.allocate("float32", 64, "t3", "global");
  const t1 = ib.allocate("float32", 64, "t1", "global");
  const t2 = ib.allocate("float32", 64, "t2", "global");
  ib.forRange(0, 64, "i", (i) => t1.set(i, a.get(i)));
  ib.forRange(0, 64, "i", (i) => t2.set(i, t1.get(op63(i))));
  // t1 is dead: t3 takes its memory (the reversed index rules out running in place on t2).
  ib.forRange(0, 64, "i", (i) => t3.set(i, t2.get(op63(i)).mul(2)));
  ib.forRange(0, 64, "i", (i) => o.set(i, t3.get(i).add(t2.get(i))));
  const f = primFunc([A, O], ib.get());
  const g = storageRewrite(f);
  t.deepEqual(allocations(g.body), ["t1:float32:64", "t2:float32:64"]);
  t.true(bodyText(g).includes("t1[k] = ((float32*)t2[((k*-1) + 63)]*2f32)"), bodyText(g));
  assertSameResults(t, f, g, { what: "storage rewrite" });
});

function op63(i: Var) {
  return i.mul(-1).add(63);
}

test("reuse across sizes: larger dead buffers first (up to 16x), then smaller ones, which grow", (t) => {
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  const big = ib.allocate("float32", 64, "big", "global");
  const small = ib.allocate("float32", 16, "small", "global");
  const later = ib.allocate("float32", 48, "later", "global");
  ib.forRange(0, 64, "i", (i) => big.set(i, a.get(i)));
  ib.forRange(0, 16, "i", (i) => small.set(i, big.get(i.mul(4))));
  // big is dead; later (48) fits in it.
  ib.forRange(0, 48, "i", (i) => later.set(i, small.get(i.floordiv(3))));
  ib.forRange(0, 48, "i", (i) => o.set(i, later.get(i)));
  const f = primFunc([A, O], ib.get());
  const g = storageRewrite(f);
  t.deepEqual(allocations(g.body), ["big:float32:64", "small:float32:16"]);
  assertSameResults(t, f, g);

  // A 16-element dead buffer taken by a 64-element one grows to 64.
  const ib2 = irBuilder();
  const a2 = ib2.bufferPtr(A);
  const o2 = ib2.bufferPtr(O);
  const s1 = ib2.allocate("float32", 16, "s1", "global");
  const s2 = ib2.allocate("float32", 16, "s2", "global");
  const grow = ib2.allocate("float32", 64, "grow", "global");
  ib2.forRange(0, 16, "i", (i) => s1.set(i, a2.get(i)));
  ib2.forRange(0, 16, "i", (i) => s2.set(i, s1.get(i.mul(-1).add(15))));
  ib2.forRange(0, 64, "i", (i) => grow.set(i, s2.get(i.floordiv(4))));
  ib2.forRange(0, 64, "i", (i) => o2.set(i, grow.get(i)));
  const f2 = primFunc([A, O], ib2.get());
  const g2 = storageRewrite(f2);
  t.deepEqual(allocations(g2.body), ["s1:float32:64", "s2:float32:16"]);
  assertSameResults(t, f2, g2);
});

test("sharing across element types (a typed view of the larger dead buffer); none for buffers of 32 bits or less, or in local memory", (t) => {
  for (const [what, dt2, n, scope, shared] of [
    ["same type", "float32", 64, "global", true],
    ["int32 after float32", "int32", 64, "global", true],
    ["one element", "float32", 1, "global", false],
    ["local scope", "float32", 64, "local", false],
  ] as const) {
    const ib = irBuilder();
    const a = ib.bufferPtr(A);
    const o = ib.bufferPtr(O);
    const x = ib.allocate("float32", n, "x", scope);
    const y = ib.allocate(dt2, n, "y", scope);
    ib.forRange(0, n, "i", (i) => x.set(i, a.get(i)));
    ib.forRange(0, n, "i", (i) => o.set(i, x.get(i)));
    ib.forRange(0, n, "i", (i) => y.set(i, a.get(i).cast(dt2).mul(2)));
    ib.forRange(0, n, "i", (i) => o.set(i, o.get(i).add(y.get(i).cast("float32"))));
    const f = primFunc([A, O], ib.get());
    const g = storageRewrite(f);
    t.is(allocations(g.body).length, shared ? 1 : 2, what);
    assertSameResults(t, f, g, { what });
  }
});

test("allocations move to the innermost parallel loop around them; reuse stays within one attach scope", (t) => {
  const In = te.placeholder([8, 16], "float32", "A");
  const B = te.compute([8, 16], (i, j) => In.at(i, j).mul(2), "B");
  const C = te.compute([8, 16], (i, j) => B.at(i, j).add(B.at(i, 15 - 0)), "C");
  const D = te.compute([8, 16], (i, j) => C.at(i, j).sub(1), "D");
  const s = te.createSchedule(D.op);
  s.stage(D).parallel(s.stage(D).op.axis[0]);
  s.stage(B).computeAt(s.stage(D), s.stage(D).op.axis[0]);
  s.stage(C).computeAt(s.stage(D), s.stage(D).op.axis[0]);
  const text = bodyText(lower(s, [In, D]));
  t.is(text.split("\n").slice(0, 4).join("\n"), [
    "  for (i: int32, 0, 8) \"parallel\" {",
    "    attr [B: Pointer(float32)] \"storage_scope\" = \"global\";",
    "    allocate(B, float32, [16]);",
    "    attr [C: Pointer(float32)] \"storage_scope\" = \"global\";",
  ].join("\n"));
  for (const order of ["forward", "reverse", "shuffle"] as const) {
    assertPipelinePreserves(t, s, [In, D], { interp: { parallelOrder: order, poisonAllocations: true } });
  }
});

test("extern_scope is one opaque block: buffers it uses live through it, nothing runs in place across it", (t) => {
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  const x = ib.allocate("float32", 64, "x", "global");
  const y = ib.allocate("float32", 64, "y", "global");
  ib.forRange(0, 64, "i", (i) => x.set(i, a.get(i)));
  ib.newScope(() => {
    ib.scopeAttr(0, "extern_scope", 0);
    ib.emit(callPacked("tejit_test_copy_plus_one", declBuffer([64], "float32", "x", { data: x.data }), declBuffer([64], "float32", "y", { data: y.data })));
  });
  ib.forRange(0, 64, "i", (i) => o.set(i, y.get(i)));
  const f = primFunc([A, O], ib.get());
  const g = storageRewrite(f);
  t.deepEqual(allocations(g.body), ["x:float32:64", "y:float32:64"]);
  registerFunc("tejit_test_copy_plus_one", (src: NDArray, dst: NDArray) => {
    const s = src.toTypedArray() as Float32Array;
    const d = dst.toTypedArray() as Float32Array;
    for (let i = 0; i < s.length; i++) d[i] = s[i] + 1;
  }, { override: true });
  try {
    assertSameResults(t, f, g);
  } finally {
    removeGlobalFunc("tejit_test_copy_plus_one");
  }
});

test("an allocation sized by a variable bound inside its scope stays in place; one never touched goes away", (t) => {
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  ib.allocate("float32", 64, "unused", "global");
  ib.forRange(1, 5, "i", (i) => {
    const tmp = ib.allocate("float32", i.mul(4), "tmp", "global");
    ib.forRange(0, i.mul(4), "j", (j) => tmp.set(j, a.get(j)));
    ib.forRange(0, i.mul(4), "j", (j) => o.set(j, o.get(j).add(tmp.get(j))));
  });
  const f = primFunc([A, O], ib.get());
  const g = storageRewrite(f);
  t.deepEqual(allocations(g.body), ["tmp:float32:(i*4)"]);
  t.true(bodyText(g).startsWith("  for (i: int32, 1, 5) {\n    attr [tmp: Pointer(float32)] \"storage_scope\" = \"global\";"), bodyText(g));
  assertSameResults(t, f, g);
});

test("an allocation sized by a parallel loop's variable moves to the start of that loop's body", (t) => {
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  ib.forRange(1, 5, "p", (p) => {
    ib.forRange(0, 2, "r", (r) => {
      const tmp = ib.allocate("float32", p.mul(4), "tmp", "global");
      ib.forRange(0, p.mul(4), "j", (j) => tmp.set(j, a.get(j.add(r))));
      ib.forRange(0, p.mul(4), "j", (j) => o.set(p.sub(1).mul(16).add(j), tmp.get(j)));
    });
  }, "parallel");
  const f = primFunc([A, O], ib.get());
  const g = storageRewrite(f);
  t.is(bodyText(g).split("\n").slice(0, 4).join("\n"), [
    "  for (p: int32, 1, 5) \"parallel\" {",
    "    attr [tmp: Pointer(float32)] \"storage_scope\" = \"global\";",
    "    allocate(tmp, float32, [(p*4)]);",
    "    for (r: int32, 0, 2) {",
  ].join("\n"));
  assertSameResults(t, f, g);
});

test("a buffer used in a loop lives through the whole loop (no reuse by a buffer born inside it)", (t) => {
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  const acc = ib.allocate("float32", 16, "acc", "global");
  const tmp = ib.allocate("float32", 16, "tmp", "global");
  ib.forRange(0, 16, "i", (i) => acc.set(i, 0));
  ib.forRange(0, 4, "r", (r) => {
    ib.forRange(0, 16, "i", (i) => tmp.set(i, a.get(r.mul(16).add(i))));
    ib.forRange(0, 16, "i", (i) => acc.set(i, acc.get(i).add(tmp.get(i))));
  });
  ib.forRange(0, 16, "i", (i) => o.set(i, acc.get(i)));
  const f = primFunc([A, O], ib.get());
  const g = storageRewrite(f);
  t.is(allocations(g.body).length, 2);
  assertSameResults(t, f, g);
});

test("a buffer only accessed as vectors is declared with the vector type", (t) => {
  const In = te.placeholder([4, 32], "float32", "A");
  const B = te.compute([4, 32], (i, j) => In.at(i, j).mul(2), "B");
  const C = te.compute([4, 32], (i, j) => B.at(i, j).add(1), "C");
  const s = te.createSchedule(C.op);
  s.stage(B).vectorize(s.stage(B).op.axis[1]);
  s.stage(C).vectorize(s.stage(C).op.axis[1]);
  const text = bodyText(lower(s, [In, C], quiet));
  t.true(text.includes("allocate(B, float32x32, [4])"), text);
  assertPipelinePreserves(t, s, [In, C]);
});

test("tagged memory: the buffers of one tag share one allocation side by side, after reuse (TVM's test_storage_combine)", (t) => {
  // Five stages A0..A4 of 8 floats, each reading the previous one; A0..A3 in "global:tag".
  // Reuse leaves two live at a time (A2 takes A0's memory, A3 A1's); the two entries are then
  // merged: one allocation of 16 floats, the second entry at offset 8.
  const In = te.placeholder([4], "float32", "A");
  let B = In;
  const stages = [];
  for (let k = 0; k < 5; k++) {
    const prev = B;
    B = te.compute([8], (i) => prev.at(i.floormod(prev === In ? 4 : 8)).add(prev.at(0)).add(k + 1), `A${k}`);
    stages.push(B);
  }
  const s = te.createSchedule(B.op);
  for (const st of stages.slice(0, -1)) s.stage(st).setScope("global:tag");
  const f = lower(s, [In, B]).get("main");
  t.deepEqual(allocations(f.body), ["A0:float32:16"]);
  const text = bodyText(f);
  t.regex(text, /attr \[A0: Pointer\(float32\)\] "storage_scope" = "global:tag";/);
  t.regex(text, /A0\[\(i_1 \+ 8\)\] = /, "A1 lives at offset 8 of the merged allocation");
  assertPipelinePreserves(t, s, [In, B], { seeds: [1, 2] });
});

test("tagged memory: buffers of one tag merge across element types; different tags keep their own allocations", (t) => {
  const In = te.placeholder([16], "float32", "A");
  const B = te.compute([16], (i) => In.at(i).mul(2), "B");
  const C = te.compute([16], (i) => B.at(i).cast("int32").add(1), "C");
  const D = te.compute([16], (i) => C.at(i).cast("float32").add(B.at(0)), "D");
  const E = te.compute([16], (i) => D.at(i).add(1), "E");
  const s = te.createSchedule(E.op);
  s.stage(B).setScope("global:x");
  s.stage(C).setScope("global:x");
  s.stage(D).setScope("global:y");
  const f = lower(s, [In, E]).get("main");
  // B (float32) and C (int32) of tag x are live together: one allocation, C an int32 view at 16.
  t.deepEqual(allocations(f.body).sort(), ["B:float32:32", "D:float32:16"]);
  t.regex(bodyText(f), /B\[\(i_1 \+ 16\)\] = \(cast\(int32, \(float32\*\)B\[i_1\]\) \+ 1\)/);
  assertPipelinePreserves(t, s, [In, E], { seeds: [3] });
});

test("setScope checks its scope and refuses an output stage", (t) => {
  const In = te.placeholder([4], "float32", "A");
  const B = te.compute([4], (i) => In.at(i).add(1), "B");
  const C = te.compute([4], (i) => B.at(i).add(1), "C");
  const s = te.createSchedule(C.op);
  t.throws(() => s.stage(B).setScope("gpu"), { message: 'stage \'B\': setScope expects a storage scope such as "global", "local" or "global:tag" (a rank global, local, shared or warp, then an optional tag), got "gpu"' });
  t.throws(() => s.stage(C).setScope("local"), { message: "stage 'C' is an output of the schedule: its storage is the argument passed in, so it has no scope to set" });
  s.stage(B).setScope("local");
  t.regex(lower(s, [In, C]).toString(), /attr \[B: Pointer\(float32\)\] "storage_scope" = "local";/);
});

test("float32, int8 and int16 temporaries: the int16 one is a typed view of the dead float32 one, built and interpreted", (t) => {
  const n = 64;
  const In = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (i) => In.at(i).mul(2), "B");
  const C = te.compute([n], (i) => B.at(i).cast("int8"), "C");
  const D = te.compute([n], (i) => C.at(i).cast("int16").mul(3), "D");
  const E = te.compute([n], (i) => D.at(i).cast("float32").add(0.5), "E");
  const s = te.createSchedule(E.op);
  const f = lower(s, [In, E]).get("main");
  // C (int8) is live with B and with D; D is born when B dies and takes its 2048 bits.
  t.deepEqual(allocations(f.body), ["B:float32:64", "C:int8:64"]);
  t.regex(bodyText(f), /B\[i_2\] = \(cast\(int16, \(int8\*\)C\[i_2\]\)\*3i16\)/);
  t.regex(bodyText(f), /E_2\[i_3\] = \(cast\(float32, \(int16\*\)B\[i_3\]\) \+ 0\.5f32\)/);
  const a = Float32Array.from({ length: n }, (_, i) => i * 0.75 - 20);
  const want = Array.from(a, (v) => Math.trunc(Math.fround(v * 2)) * 3 + 0.5);
  const o1 = nd.empty([n]);
  build(s, [In, E]).getFunction("main")(nd.array(a, [n]), o1);
  t.deepEqual(Array.from(o1.toTypedArray() as Float32Array), want);
  const o2 = nd.empty([n]);
  interpret(f, [nd.array(a, [n]), o2], { poisonAllocations: true });
  t.deepEqual(Array.from(o2.toTypedArray() as Float32Array), want);
});

test("a bool buffer counts a byte an element when another type takes its memory", (t) => {
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  const x = ib.allocate("bool", 64, "x", "global");
  const y = ib.allocate("int32", 16, "y", "global");
  ib.forRange(0, 64, "i", (i) => x.set(i, a.get(i).gt(0)));
  ib.forRange(0, 64, "i", (i) => o.set(i, select(x.get(i), 1, 0).cast("float32")));
  ib.forRange(0, 16, "i", (i) => y.set(i, a.get(i).cast("int32").mul(2)));
  ib.forRange(0, 16, "i", (i) => o.set(i, o.get(i).add(y.get(i).cast("float32"))));
  const f = primFunc([A, O], ib.get());
  const g = storageRewrite(f);
  // 64 bools are 64 bytes: the 16 int32 (64 bytes) fit in them.
  t.deepEqual(allocations(g.body), ["x:bool:64"]);
  t.regex(bodyText(g), /O_1\[i_0\] = \(\(float32\*\)O_1\[i_0\] \+ cast\(float32, \(int32\*\)x\[i_0\]\)\)/);
  assertSameResults(t, f, g);
  const av = Float32Array.from({ length: 64 }, (_, i) => (i % 3) * 2.5 - 2);
  const want = Array.from(av, (v, i) => (v > 0 ? 1 : 0) + (i < 16 ? Math.trunc(v) * 2 : 0));
  const out = nd.empty([64]);
  build(g).getFunction("main")(nd.array(av, [64]), out);
  t.deepEqual(Array.from(out.toTypedArray() as Float32Array), want);
});

test("256 bools do not fit in the dead memory of 64 int8 (256 bytes, not 256 bits)", (t) => {
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  const x = ib.allocate("int8", 64, "x", "global");
  const y = ib.allocate("bool", 256, "y", "global");
  ib.forRange(0, 64, "i", (i) => x.set(i, a.get(i).cast("int8")));
  ib.forRange(0, 64, "i", (i) => o.set(i, x.get(i).cast("float32")));
  ib.forRange(0, 256, "i", (i) => y.set(i, i.floormod(3).eq(0)));
  ib.forRange(0, 64, "i", (i) => o.set(i, o.get(i).add(select(y.get(i.mul(4)), 1, 0).cast("float32"))));
  const f = primFunc([A, O], ib.get());
  const g = storageRewrite(f);
  t.deepEqual(allocations(g.body), ["x:int8:64", "y:bool:256"]);
  assertSameResults(t, f, g);
});
