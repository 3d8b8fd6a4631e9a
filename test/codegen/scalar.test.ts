// Scalar semantics of the generated C against JS references and the TIR interpreter: libm
// intrinsics (float32 and float64, and lane by lane on vectors), floordiv/floormod of negative
// numbers (general, power-of-two and non-negative cases), narrow integer wrap-around, select,
// if_then_else (only the taken branch is evaluated), likely, let, min/max, while and a failing
// assert whose message reaches JS.
import test from "ava";
import { clangTest, declBuffer, buildFuncs, assertClose } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { AssertStmt, Call, Evaluate, IntImm, Let, Load, Ramp, Shuffle, Store, StringImm, Var } from "../../ts/tir.js";
import * as op from "../../ts/ir/op.js";
import type { PrimExpr } from "../../ts/ir/expr.js";
import { interpret } from "../../ts/interp/index.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { IRModule } from "../../ts/ir/function.js";

const N = 12;
const X = [-2.5, -1.5, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.5, 2.5, 3, 7.25];

const MATH: [string, (x: PrimExpr) => PrimExpr, (x: number) => number][] = [
  ["exp", (x) => op.exp(x), Math.exp],
  ["tanh", (x) => op.tanh(x), Math.tanh],
  ["sqrt", (x) => op.sqrt(op.abs(x)), (x) => Math.sqrt(Math.abs(x))],
  ["sigmoid", (x) => op.sigmoid(x), (x) => 1 / (1 + Math.exp(-x))],
  ["floor", (x) => op.floor(x), Math.floor],
  ["round", (x) => op.round(x), (x) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; }],
  ["log", (x) => op.log(op.add(op.abs(x), 1)), (x) => Math.log(Math.abs(x) + 1)],
  ["pow", (x) => op.pow(op.abs(x), op.constant(1.5, x.dtype)), (x) => Math.abs(x) ** 1.5],
  ["rsqrt", (x) => op.rsqrt(op.add(op.abs(x), 1)), (x) => 1 / Math.sqrt(Math.abs(x) + 1)],
];

function mathKernel(dtype: "float32" | "float64") {
  const A = declBuffer([N], dtype, "A");
  const O = declBuffer([MATH.length, N], dtype, "O");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  ib.forRange(0, N, "i", (i) => MATH.forEach(([, f], k) => o.set([k, i], f(a.get(i)))));
  return primFunc([A, O], ib.get(), `math_${dtype}`);
}

// O[4i..4i+4] = exp(A[4i..4i+4]) on float32x4: libm applied lane by lane.
function vectorExp() {
  const A = declBuffer([8], "float32", "A");
  const O = declBuffer([8], "float32", "O");
  const ib = irBuilder();
  const a = ib.bufferPtr(A, "float32x4");
  const o = ib.bufferPtr(O, "float32x4");
  ib.forRange(0, 2, "i", (i) => o.set(i, op.exp(a.get(i))));
  return primFunc([A, O], ib.get(), "vexp");
}

// Integer semantics: Q/R of floordiv/floormod by a runtime divisor d, by 8 and by 3 (of a
// provably non-negative loop variable), int8 wrap-around, min/max, select, let.
function intKernel() {
  const X = declBuffer([N], "int32", "X");
  const O = declBuffer([10, N], "int32", "O");
  const W = declBuffer([N], "int8", "W");
  const d = new Var("d");
  const ib = irBuilder();
  const x = ib.bufferPtr(X);
  const o = ib.bufferPtr(O);
  const w = ib.bufferPtr(W);
  ib.forRange(0, N, "i", (i) => {
    const v = x.get(i);
    o.set([0, i], op.floordiv(v, d));
    o.set([1, i], op.floormod(v, d));
    o.set([2, i], op.floordiv(v, 8));
    o.set([3, i], op.floormod(v, 8));
    o.set([4, i], op.floordiv(i, 3));
    o.set([5, i], op.floormod(i, 3));
    o.set([6, i], op.min(v, op.mul(i, 2)));
    o.set([7, i], op.max(v, op.mul(i, 2)));
    o.set([8, i], op.select(op.lt(v, 0), op.neg(v), op.add(v, 1000)));
    const t = new Var("t");
    o.set([9, i], new Let(t, op.mul(v, 3), op.add(t, t)));
    w.set(i, op.add(op.cast("int8", op.add(i, 100)), op.cast("int8", 100)));
  });
  return primFunc([X, O, W, d], ib.get(), "ints");
}

// if_then_else guarding a read past the end: only the taken branch may run. A while loop counts
// the bits of each element; a user assert fails on a negative element.
function controlKernel() {
  const n = new Var("n");
  const A = declBuffer([n], "int32", "A");
  const O = declBuffer([n], "int32", "O");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const o = ib.bufferPtr(O);
  ib.forRange(0, n, "i", (i) => {
    const next = op.ifThenElse(op.likely(op.lt(op.add(i, 1), n)), a.get(op.add(i, 1)), -1);
    const bits = ib.allocate("int32", 2, "bits");
    bits.set(0, 0);
    bits.set(1, a.get(i));
    ib.emit(new AssertStmt(op.ge(a.get(i), 0), new StringImm("control: elements must be non-negative"), new Evaluate(new IntImm("int32", 0))));
    ib.whileLoop(op.gt(bits.get(1), 0), () => {
      bits.set(0, op.add(bits.get(0), op.floormod(bits.get(1), 2)));
      bits.set(1, op.floordiv(bits.get(1), 2));
    });
    o.set(i, op.add(op.mul(bits.get(0), 1000), next));
  });
  return primFunc([A, O], ib.get(), "control");
}

// Bit operations, a reinterpret, a lane shuffle, and a return value: total(A) returns sum(A).
function bitsKernel() {
  const X = declBuffer([N], "int32", "X");
  const F = declBuffer([8], "float32", "F");
  const O = declBuffer([6, N], "int32", "O");
  const R = declBuffer([8], "float32", "R");
  const ib = irBuilder();
  const x = ib.bufferPtr(X);
  const o = ib.bufferPtr(O);
  const bit = (name: string, ...a: PrimExpr[]) => new Call("int32", `tir.${name}`, a);
  ib.forRange(0, N, "i", (i) => {
    const v = x.get(i);
    o.set([0, i], bit("bitwise_and", v, op.constant(6)));
    o.set([1, i], bit("bitwise_or", v, op.constant(1)));
    o.set([2, i], bit("bitwise_xor", v, i));
    o.set([3, i], bit("bitwise_not", v));
    o.set([4, i], bit("shift_left", v, op.constant(2)));
    o.set([5, i], bit("shift_right", v, op.constant(1)));
  });
  const f = new Load("float32x8", F.data, new Ramp(op.constant(0), op.constant(1), 8));
  ib.emit(new Store(R.data, new Shuffle([f], [7, 6, 5, 4, 3, 2, 1, 0]), new Ramp(op.constant(0), op.constant(1), 8)));
  ib.emit(new Store(O.data, new Call("int32", "tir.reinterpret", [new Load("float32", F.data, op.constant(0))]), op.constant(0)));
  return primFunc([X, F, O, R], ib.get(), "bits");
}

function totalKernel() {
  const n = new Var("n");
  const A = declBuffer([n], "float32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const acc = ib.allocate("float32", 1, "acc");
  acc.set(0, 0);
  ib.forRange(0, n, "i", (i) => acc.set(0, op.add(acc.get(0), a.get(i))));
  ib.emit(new Call("int32", "tir.ret", [acc.get(0)]));
  return primFunc([A], ib.get(), "total");
}

const funcs = [mathKernel("float32"), mathKernel("float64"), vectorExp(), intKernel(), controlKernel(), bitsKernel(), totalKernel()];
const mod = buildFuncs(funcs);
const source = generateC(new IRModule(new Map(funcs.map((f) => [f.name!, f])))).source;

for (const dtype of ["float32", "float64"] as const) {
  test(`math intrinsics of ${dtype} call libm and agree with JS and the interpreter`, (t) => {
    const A = array(dtype === "float32" ? Float32Array.from(X) : Float64Array.from(X));
    const O = empty([MATH.length, N], dtype);
    mod.getFunction(`math_${dtype}`)(A, O);
    const Oi = empty([MATH.length, N], dtype);
    interpret(funcs[dtype === "float32" ? 0 : 1], [A, Oi]);
    const tol = dtype === "float32" ? 2e-6 : 1e-14;
    MATH.forEach(([name, , ref], k) => {
      const got = Array.from({ length: N }, (_, i) => O.get([k, i]) as number);
      assertClose(t, got, X.map(ref), tol, `${name} vs JS`);
      assertClose(t, got, Array.from({ length: N }, (_, i) => Oi.get([k, i]) as number), tol, `${name} vs interpreter`);
    });
  });
}

test("libm names follow the dtype, and a float32 vector exp is the vector math (not a libm call per lane)", (t) => {
  t.regex(source, /__builtin_expf\(/);
  t.regex(source, /__builtin_exp\(/);
  t.regex(source, /__builtin_nearbyintf\(/, "round is half-to-even, as the interpreter rounds");
  t.regex(source, /static inline float32x4 __tejit_vexp_float32x4\(float32x4 x\)/);
  t.notRegex(source, /__tejit_lanes_expf/);
  const A = Float32Array.from(X.slice(0, 8));
  const O = empty([8]);
  mod.getFunction("vexp")(array(A), O);
  assertClose(t, O.toTypedArray() as Float32Array, A.map(Math.exp), 2e-6);
});

test("floordiv/floormod, wrap-around, min/max, select and let agree with JS and the interpreter", (t) => {
  const Xv = Int32Array.from([-17, -16, -9, -8, -7, -1, 0, 1, 7, 8, 9, 23]);
  const floorDiv = (a: number, b: number) => Math.floor(a / b) | 0;
  const floorMod = (a: number, b: number) => (a - Math.floor(a / b) * b) | 0;
  for (const d of [3, -3, 5]) {
    const O = empty([10, N], "int32");
    const W = empty([N], "int8");
    mod.getFunction("ints")(array(Xv), O, W, d);
    const row = (k: number) => Array.from({ length: N }, (_, i) => O.get([k, i]));
    const xs = [...Xv];
    t.deepEqual(row(0), xs.map((x) => floorDiv(x, d)), `floordiv by ${d}`);
    t.deepEqual(row(1), xs.map((x) => floorMod(x, d)), `floormod by ${d}`);
    t.deepEqual(row(2), xs.map((x) => floorDiv(x, 8)));
    t.deepEqual(row(3), xs.map((x) => floorMod(x, 8)));
    t.deepEqual(row(4), xs.map((_, i) => Math.floor(i / 3)));
    t.deepEqual(row(5), xs.map((_, i) => i % 3));
    t.deepEqual(row(6), xs.map((x, i) => Math.min(x, 2 * i)));
    t.deepEqual(row(7), xs.map((x, i) => Math.max(x, 2 * i)));
    t.deepEqual(row(8), xs.map((x) => (x < 0 ? -x : x + 1000)));
    t.deepEqual(row(9), xs.map((x) => 6 * x));
    t.deepEqual([...W.toTypedArray()], xs.map((_, i) => ((i + 200 + 128) % 256) - 128), "int8 wraps");
    const Oi = empty([10, N], "int32");
    const Wi = empty([N], "int8");
    interpret(funcs[3], [array(Xv), Oi, Wi, d]);
    t.deepEqual([...O.toTypedArray()], [...Oi.toTypedArray()], "interpreter");
    t.deepEqual([...W.toTypedArray()], [...Wi.toTypedArray()]);
  }
  t.regex(source, />> 3\)/, "floordiv by 8 is a shift");
  t.regex(source, /& 7\)/, "floormod by 8 is a mask");
  t.regex(source, /\(i \/ 3\)/, "floordiv of a non-negative loop variable by 3 is C division");
});

test("if_then_else evaluates only the taken branch; while; a failing assert reaches JS", (t) => {
  const A = Int32Array.from([5, 0, 7, 8, 1]);
  const O = empty([5], "int32");
  mod.getFunction("control")(array(A), O);
  const popcount = (x: number) => x.toString(2).split("").filter((c) => c === "1").length;
  const expected = [...A].map((x, i) => popcount(x) * 1000 + (i + 1 < A.length ? A[i + 1] : -1));
  t.deepEqual([...O.toTypedArray()], expected);
  const Oi = empty([5], "int32");
  interpret(funcs[4], [array(A), Oi]);
  t.deepEqual([...Oi.toTypedArray()], expected);
  t.throws(() => mod.getFunction("control")(array(Int32Array.from([1, -2])), empty([2], "int32")), { message: "control: elements must be non-negative" });
  t.regex(source, /__builtin_expect\(!!\(/, "likely becomes __builtin_expect");
});

test("bit operations, reinterpret, a lane shuffle, and a returned value", (t) => {
  const X = Int32Array.from([-17, -16, -9, -8, -7, -1, 0, 1, 7, 8, 9, 23]);
  const F = Float32Array.from([1.5, -2, 3, 4, 5, 6, 7, 8]);
  const O = empty([6, N], "int32");
  const R = empty([8]);
  mod.getFunction("bits")(array(X), array(F), O, R);
  const row = (k: number) => Array.from({ length: N }, (_, i) => O.get([k, i]));
  const xs = [...X];
  t.deepEqual(row(1), xs.map((x) => x | 1));
  t.deepEqual(row(2), xs.map((x, i) => x ^ i));
  t.deepEqual(row(3), xs.map((x) => ~x));
  t.deepEqual(row(4), xs.map((x) => x << 2));
  t.deepEqual(row(5), xs.map((x) => x >> 1));
  t.is(O.get([0, 0]), new Int32Array(new Float32Array([1.5]).buffer)[0], "reinterpret of 1.5f");
  t.deepEqual(row(0).slice(1), xs.slice(1).map((x) => x & 6));
  t.deepEqual([...R.toTypedArray()], [...F].reverse());
  const Oi = empty([6, N], "int32");
  const Ri = empty([8]);
  interpret(funcs[5], [array(X), array(F), Oi, Ri]);
  t.deepEqual([...O.toTypedArray()], [...Oi.toTypedArray()]);
  t.deepEqual([...R.toTypedArray()], [...Ri.toTypedArray()]);
  const A = Float32Array.from([1, 2, 3.5]);
  t.is(mod.getFunction("total")(array(A)), 6.5);
  t.is(interpret(funcs[6], [array(A)]), 6.5);
});

clangTest("the generated C compiles without warnings under clang -Wall -Wextra", () => source);
