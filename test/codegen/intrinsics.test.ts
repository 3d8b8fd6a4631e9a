// The intrinsic registry (ts/ir/intrinsics.ts) is the one list of each intrinsic's properties:
// these tests hold every reader to it. Every math intrinsic the registry lowers for C is built,
// scalar and vectorized, and compared with the interpreter (which computes it with the
// registry's math); isnan/isinf/isfinite (C builtins) give the same answers in C, vector and
// scalar, as in the interpreter; removeNoOp and simplify keep or drop a call by its effect.
import test from "ava";
import { te, tir, build, nd, lower, interpret } from "../../ts/index.js";
import { Call, type PrimExpr } from "../../ts/ir/expr.js";
import { allIntrinsics, callEffect, hasCallSideEffect, intrinsicInfo, isPureCall, isVectorizable, mathIntrinsics } from "../../ts/ir/intrinsics.js";
import { Evaluate } from "../../ts/ir/stmt.js";
import { printStmt } from "../../ts/ir/printer.js";
import { removeNoOp } from "../../ts/transform/remove_no_op.js";
import { primFunc } from "../helpers/prim_func.js";

const N = 37; // two vectors of 16 and a scalar tail of 5, or 4 vectors of 8 and 5

/** Inputs inside every function's domain: (0.05, 0.95) so asin/acos/atanh/log/acosh(1+x) hold. */
function inputs(seed: number): Float32Array {
  const a = new Float32Array(N);
  for (let i = 0; i < N; i++) a[i] = 0.05 + (((i * 7919 + seed * 104729) % 997) / 997) * 0.9;
  return a;
}

function run(mathOp: string, arity: number, vectorize: boolean): { c: Float32Array; interp: Float32Array } {
  const A = te.placeholder([N], "float32", "A");
  const B = te.placeholder([N], "float32", "B");
  const arg = (x: PrimExpr): PrimExpr => (mathOp === "tir.acosh" ? tir.add(x, 1) : x);
  const C = te.compute([N], (i) => new Call("float32", mathOp, arity === 1 ? [arg(A.at(i))] : [A.at(i), B.at(i)]), "C");
  const s = te.createSchedule(C.op);
  if (vectorize) {
    const [, inner] = s.stage(C).split(C.op.axis[0], 16);
    s.stage(C).vectorize(inner);
  }
  const a = inputs(1);
  const b = inputs(2);
  const c = nd.empty([N]);
  build(s, [A, B, C], { name: "main" }).getFunction("main")(nd.array(a), nd.array(b), c);
  const ci = nd.empty([N]);
  interpret(lower(s, [A, B, C], { name: "main" }), [nd.array(a), nd.array(b), ci]);
  return { c: c.toTypedArray() as Float32Array, interp: ci.toTypedArray() as Float32Array };
}

/** Distance in float32 ulps. */
function ulps(x: number, y: number): number {
  if (Object.is(x, y)) return 0;
  const bx = new Int32Array(new Float32Array([x]).buffer)[0];
  const by = new Int32Array(new Float32Array([y]).buffer)[0];
  return Math.abs(bx - by);
}

const lowered = mathIntrinsics().filter((i) => i.lowering !== undefined);

test("every math intrinsic the registry lowers for C builds, scalar and vectorized, and agrees with the interpreter", (t) => {
  t.true(lowered.length >= 35, `${lowered.length} math intrinsics with a C lowering`);
  for (const info of lowered) {
    for (const vectorize of [false, true]) {
      const { c, interp } = run(info.name, info.arity ?? 1, vectorize);
      let worst = 0;
      for (let i = 0; i < N; i++) worst = Math.max(worst, ulps(c[i], interp[i]));
      // libm and the vector math are within a few ulps of the correctly rounded value.
      t.true(worst <= 4, `${info.name}${vectorize ? " (vectorized)" : ""}: C and the interpreter differ by ${worst} ulps`);
    }
  }
});

test("isnan, isinf and isfinite: C builtins lane by lane in vectors, and the interpreter, agree", (t) => {
  const values = [Number.NaN, Infinity, -Infinity, 1.5, -0, 3e38];
  const expected: Record<string, (x: number) => number> = {
    "tir.isnan": (x) => (Number.isNaN(x) ? 1 : 0),
    "tir.isinf": (x) => (x === Infinity || x === -Infinity ? 1 : 0),
    "tir.isfinite": (x) => (Number.isFinite(x) ? 1 : 0),
  };
  for (const op of Object.keys(expected)) {
    t.is(intrinsicInfo(op)?.cBuiltin, `__builtin_${op.slice(4)}`);
    const A = te.placeholder([N], "float32", "A");
    const B = te.compute([N], (i) => tir.cast("float32", new Call("bool", op, [A.at(i)])), "B");
    const s = te.createSchedule(B.op);
    const [, inner] = s.stage(B).split(B.op.axis[0], 16);
    s.stage(B).vectorize(inner);
    const a = new Float32Array(N).map((_, i) => values[i % values.length]);
    const want = Array.from(a, expected[op]);
    const b = nd.empty([N]);
    const mod = build(s, [A, B], { name: "main" });
    t.regex(mod.getSource(), new RegExp(`__tejit_lanes_${op.slice(4)}_`), `${op}: a vector call lane by lane`);
    mod.getFunction("main")(nd.array(a), b);
    t.deepEqual(Array.from(b.toTypedArray()), want, `${op} in C`);
    const bi = nd.empty([N]);
    interpret(lower(s, [A, B], { name: "main" }), [nd.array(a), bi]);
    t.deepEqual(Array.from(bi.toTypedArray()), want, `${op} in the interpreter`);
  }
});

test("effects: an unknown call is opaque; the order annotation < pure < readState < updateState < opaque decides what may go", (t) => {
  t.is(callEffect("tir.exp"), "pure");
  t.is(callEffect("tir.likely"), "annotation");
  t.is(callEffect("tir.tvm_struct_get"), "readState");
  t.is(callEffect("tir.tvm_struct_set"), "updateState");
  t.is(callEffect("my.unknown"), "opaque");
  t.true(isPureCall("tir.if_then_else"));
  t.false(isPureCall("tir.tvm_struct_get"));
  t.false(hasCallSideEffect("tir.tvm_struct_get"));
  t.true(hasCallSideEffect("tir.prefetch"));
  t.true(hasCallSideEffect("tir.call_extern"));
  t.true(isVectorizable("tir.exp"));
  t.false(isVectorizable("tir.call_extern"));
  t.false(isVectorizable("my.unknown"));
  // Every entry is consistent: a math function's arity is its declared arity; a lowering is pure.
  for (const info of allIntrinsics()) {
    if (info.math && info.arity !== undefined) t.is(info.math.length, info.arity, info.name);
    if (info.lowering) t.is(info.effect, "pure", info.name);
  }
});

test("removeNoOp drops an unused pure or read-only call and keeps an opaque one, by the registry's effect", (t) => {
  const A = tir.declBuffer([4], "float32", "A");
  const x = A.vload([0]);
  const body = tir.SeqStmt.flatten([
    new Evaluate(new Call("float32", "tir.exp", [x])),
    new Evaluate(new Call("int32", "tir.tvm_struct_get", [A.data, new tir.IntImm("int32", 0), new tir.IntImm("int32", 4)])),
    new Evaluate(new Call("float32", "tir.call_extern", [new tir.StringImm("expf"), x])),
  ]);
  const out = printStmt(removeNoOp(primFunc([A], body)).body);
  t.notRegex(out, /tir\.exp\(/);
  t.notRegex(out, /tvm_struct_get/);
  t.regex(out, /tir\.call_extern\("expf"/);
});
