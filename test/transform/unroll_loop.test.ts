import test from "ava";
import { te, lower } from "../../ts/index.js";
import { declBuffer } from "../../ts/ir/buffer.js";
import { Var } from "../../ts/ir/expr.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { unrollLoop } from "../../ts/transform/unroll_loop.js";
import { assertPipelinePreserves, assertSameResults, bodyText, loops } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";

function rowSum(unrollInner: boolean) {
  const A = te.placeholder([6, 4], "float32", "A");
  const k = te.reduceAxis([0, 4], "k");
  const B = te.compute([6], (i) => te.sum(A.at(i, k), k), "B");
  const s = te.createSchedule(B.op);
  if (unrollInner) s.stage(B).unroll(s.stage(B).op.reduceAxis[0]);
  return { s, args: [A, B] };
}

test("an explicit unroll loop vanishes: one copy of the body per iteration", (t) => {
  const { s, args } = rowSum(true);
  t.is(bodyText(lower(s, args)), [
    "  for (i: int32, 0, 6) {",
    "    B_2[i] = 0f32",
    "    B_2[i] = ((float32*)B_2[i] + (float32*)A_2[(i*4)])",
    "    B_2[i] = ((float32*)B_2[i] + (float32*)A_2[((i*4) + 1)])",
    "    B_2[i] = ((float32*)B_2[i] + (float32*)A_2[((i*4) + 2)])",
    "    B_2[i] = ((float32*)B_2[i] + (float32*)A_2[((i*4) + 3)])",
    "  }",
  ].join("\n"));
  assertPipelinePreserves(t, s, args);
});

test("unrollExplicit false keeps the loop, marked \"unroll\" (TVM's explicit_unroll = False)", (t) => {
  const { s, args } = rowSum(true);
  t.is(bodyText(lower(s, args, { unrollExplicit: false })), [
    "  for (i: int32, 0, 6) {",
    "    B_2[i] = 0f32",
    "    for (k: int32, 0, 4) \"unroll\" {",
    "      B_2[i] = ((float32*)B_2[i] + (float32*)A_2[((i*4) + k)])",
    "    }",
    "  }",
  ].join("\n"));
});

test("pragma auto_unroll_max_step unrolls the inner loops that fit, and is consumed", (t) => {
  const A = te.placeholder([8, 8], "float32", "A");
  const B = te.compute([8, 8], (i, j) => A.at(i, j).mul(2), "B");
  const s = te.createSchedule(B.op);
  const st = s.stage(B);
  const [jo, ji] = st.split(st.op.axis[1], { factor: 4 });
  st.pragma(st.op.axis[0], "auto_unroll_max_step", 8);
  void jo;
  void ji;
  const f = lower(s, [A, B]).get("main");
  // ji (4 steps) is unrolled; jo (2 x 4 = 8 steps) too; i (8 x 8 = 64) is not.
  t.deepEqual(loops(f.body).map((l) => `${l.loopVar.name}:${l.extent}`), ["i:8"]);
  t.false(f.toString().includes("pragma"));
  t.is(f.toString().split("\n").filter((l) => l.includes("B_2[")).length, 8);
  assertPipelinePreserves(t, s, [A, B]);
});

test("autoUnrollMaxStep as a lower option, with unrollExplicit false marking loops instead", (t) => {
  const A = te.placeholder([8, 8], "float32", "A");
  const B = te.compute([8, 8], (i, j) => A.at(i, j).mul(2), "B");
  const s = te.createSchedule(B.op);
  const st = s.stage(B);
  st.split(st.op.axis[1], { factor: 4 });
  const marked = lower(s, [A, B], { autoUnrollMaxStep: 4, unrollExplicit: false }).get("main");
  t.deepEqual(loops(marked.body).map((l) => `${l.loopVar.name}:${l.forKind}`), ["i:serial", "j.outer:serial", "j.inner:unrolled"]);
  const expanded = lower(s, [A, B], { autoUnrollMaxStep: 4 }).get("main");
  t.deepEqual(loops(expanded.body).map((l) => l.loopVar.name), ["i", "j.outer"]);
  // A depth limit of 0 still allows the innermost level (TVM compares unroll_depth <= max_depth).
  const depth0 = lower(s, [A, B], { autoUnrollMaxStep: 64, autoUnrollMaxDepth: 0 }).get("main");
  t.deepEqual(loops(depth0.body).map((l) => l.loopVar.name), ["i", "j.outer"]);
});

test("autoUnrollMaxExtent unrolls every loop that short", (t) => {
  const A = te.placeholder([3, 2], "float32", "A");
  const B = te.compute([3, 2], (i, j) => A.at(i, j).add(1), "B");
  const s = te.createSchedule(B.op);
  const f = lower(s, [A, B], { autoUnrollMaxExtent: 3 }).get("main");
  t.is(loops(f.body).length, 0);
  t.is(bodyText(f).split("\n").length, 6);
  assertPipelinePreserves(t, s, [A, B], { autoUnrollMaxExtent: 3 });
});

test("copies that bind variables are renamed (SSA), as TVM's ConvertSSA does", (t) => {
  const A = declBuffer([2, 3], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 2, "i", (i) => {
    ib.forRange(0, 3, "j", (j) => a.set(i.mul(3).add(j), a.get(i.mul(3).add(j)).add(1)));
  }, "unroll");
  const f = primFunc([A], ib.get());
  const g = unrollLoop(f);
  // Substitution does not fold: the Simplify pass after unrolling does.
  t.is(bodyText(g), [
    "  for (j: int32, 0, 3) {",
    "    A_1[((0*3) + j)] = ((float32*)A_1[((0*3) + j)] + 1f32)",
    "  }",
    "  for (j_1: int32, 0, 3) {",
    "    A_1[((1*3) + j_1)] = ((float32*)A_1[((1*3) + j_1)] + 1f32)",
    "  }",
  ].join("\n"));
  assertSameResults(t, f, g);
});

test("an unroll loop whose extent is not constant stays a serial loop; bad pragmas are clear errors", (t) => {
  const n = new Var("n");
  const A = declBuffer([16], "float32", "A");
  let ib = irBuilder();
  let a = ib.bufferPtr(A);
  ib.forRange(0, n, "i", (i) => a.set(i, 1), "unroll");
  const g = unrollLoop(primFunc([A, n], ib.get()));
  t.deepEqual(loops(g.body).map((l) => l.forKind), ["serial"]);

  ib = irBuilder();
  a = ib.bufferPtr(A);
  ib.scopeAttr(0, "pragma_auto_unroll_max_step", n);
  ib.forRange(0, 4, "i", (i) => a.set(i, 1));
  t.throws(() => unrollLoop(primFunc([A, n], ib.get())), { message: /auto_unroll_max_step must be an integer constant/ });
  t.throws(() => unrollLoop(primFunc([A], ib.get()), { autoUnrollMaxStep: 1.5 }), { message: /autoUnrollMaxStep must be a non-negative integer/ });
});
