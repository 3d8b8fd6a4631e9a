// TVM's bit operations in TE and TIR (ts/ir/bit_ops.ts): shiftLeft, shiftRight, bitwiseAnd/Or/
// Xor/Not and reinterpret. Printed as TVM prints them, folded when constant, refused on floats
// with the operand named, interpreted, vectorized lane-wise and compiled; and a user's own
// vector exp written with them (Cody–Waite reduction, a polynomial, 2^n built by a shift and a
// reinterpret) matches Math.exp.
import test from "ava";
import { te, lower, build, nd, interpret } from "../../ts/index.js";
import { Call, FloatImm, type IntImm, type PrimExpr } from "../../ts/ir/expr.js";
import { Analyzer } from "../../ts/arith/analyzer.js";

const STRICT = ["-Wall", "-Wextra", "-Werror"];

test("bit operations print as TVM's intrinsics", (t) => {
  const x = te.var("x");
  const u = te.var("u", "uint32");
  const f = te.var("f", "float32");
  t.is(String(x.shiftLeft(3)), "@tir.shift_left(x, 3, dtype=int32)");
  t.is(String(te.shiftRight(x, 2)), "@tir.shift_right(x, 2, dtype=int32)");
  t.is(String(x.bitwiseAnd(255)), "@tir.bitwise_and(x, 255, dtype=int32)");
  t.is(String(x.bitwiseOr(x)), "@tir.bitwise_or(x, x, dtype=int32)");
  t.is(String(te.bitwiseXor(u, 1)), "@tir.bitwise_xor(u, 1u32, dtype=uint32)");
  t.is(String(x.bitwiseNot()), "@tir.bitwise_not(x, dtype=int32)");
  t.is(String(te.reinterpret("int32", f)), "@tir.reinterpret(f, dtype=int32)");
});

test("bit operations of constants fold; a shift by 0 and a reinterpret to the same dtype are the operand", (t) => {
  const c = (v: number, d = "int32"): PrimExpr => te.const(v, d);
  const value = (e: PrimExpr): number => (e as IntImm).value;
  t.is(value(c(5).shiftLeft(2)), 20);
  t.is(value(c(-16).shiftRight(2)), -4, "arithmetic for int");
  t.is(value(c(0xfffffff0, "uint32").shiftRight(4)), 0x0fffffff, "logical for uint");
  t.is(value(c(1).shiftLeft(31)), -2147483648, "wraps to int32");
  t.is(value(c(0xf0).bitwiseAnd(0x3c)), 0x30);
  t.is(value(c(0xf0).bitwiseOr(0x0f)), 0xff);
  t.is(value(c(0xff).bitwiseXor(0x0f)), 0xf0);
  t.is(value(c(0).bitwiseNot()), -1);
  t.is(value(c(0, "uint8").bitwiseNot()), 255);
  t.is(value(c(100, "int8").shiftLeft(2)), -112, "wraps to int8");
  t.is(value(te.reinterpret("int32", te.const(1, "float32"))), 0x3f800000);
  t.is((te.reinterpret("float32", te.const(0x40490fdb, "int32")) as FloatImm).value, Math.fround(Math.PI));
  t.is(value(te.reinterpret("int64", te.const(5e-324, "float64"))), 1);
  t.true(te.reinterpret("int64", te.const(-2, "float64")) instanceof Call, "bits beyond 2^53 are not folded into a JS number");
  const x = te.var("x");
  t.is(x.shiftLeft(0), x);
  t.is(te.reinterpret("int32", x), x);
  t.true(c(1).shiftLeft(32) instanceof Call, "a shift by the width or more stays a call");
  // The simplifier folds once a substitution makes the operands constant.
  const ana = new Analyzer();
  const y = te.var("y");
  ana.bind(y, te.const(6));
  t.is(String(ana.simplify(y.bitwiseAnd(3).bitwiseOr(8))), "10");
});

test("bit operations on floats or bools are refused, naming the operand; reinterpret needs equal widths", (t) => {
  const x = te.var("x");
  const f = te.var("f", "float32");
  t.is(t.throws(() => f.shiftLeft(1))!.message, "shiftLeft: the left operand must be an integer (int or uint), got float32: f");
  t.is(t.throws(() => x.shiftRight(f))!.message, "shiftRight: the right operand must be an integer (int or uint), got float32: f");
  t.is(t.throws(() => x.bitwiseAnd(1.5))!.message, "bitwiseAnd: the right operand must be an integer, got 1.5");
  t.is(t.throws(() => te.bitwiseNot(f))!.message, "bitwiseNot: the operand must be an integer (int or uint), got float32: f");
  t.is(t.throws(() => x.lt(1).bitwiseOr(x))!.message, "bitwiseOr: the left operand must be an integer (int or uint), got bool: (x < 1)");
  t.is(t.throws(() => te.reinterpret("int64", f))!.message, "reinterpret: cannot reinterpret float32 as int64: the widths differ (32 and 64 bits a lane; tejit reinterprets lane by lane, e.g. float32 <-> int32)");
  t.is(t.throws(() => te.reinterpret("bool", x))!.message, "reinterpret: the target dtype must be an integer or a float, got bool");
});

const N = 64;

/** Every bit operation of A (int32) and S (shift amounts), elementwise. */
function bitKernel(vectorize: boolean) {
  const A = te.placeholder([N], "int32", "A");
  const S = te.placeholder([N], "int32", "S");
  const F = te.placeholder([N], "float32", "F");
  const U = te.placeholder([N], "uint32", "U");
  const outs = [
    te.compute([N], (i) => A.at(i).shiftLeft(S.at(i)), "shl"),
    te.compute([N], (i) => A.at(i).shiftRight(S.at(i)), "shr"),
    te.compute([N], (i) => U.at(i).shiftRight(3), "ushr"),
    te.compute([N], (i) => A.at(i).bitwiseAnd(0x5a5a).bitwiseOr(S.at(i)).bitwiseXor(A.at(i).shiftRight(4)), "mix"),
    te.compute([N], (i) => A.at(i).bitwiseNot(), "not"),
    te.compute([N], (i) => te.reinterpret("int32", F.at(i)).bitwiseAnd(0x7fffffff), "fbits"),
    te.compute([N], (i) => te.reinterpret("float32", A.at(i).bitwiseAnd(0x007fffff).bitwiseOr(0x3f800000)), "mant"),
  ];
  const s = te.createSchedule(outs.map((o) => o.op));
  if (vectorize) {
    for (const o of outs) {
      const [, xi] = s.stage(o).split(o.op.axis[0], { factor: 8 });
      s.stage(o).vectorize(xi);
    }
  }
  return { s, args: [A, S, F, U, ...outs] };
}

function inputs() {
  const a = Int32Array.from({ length: N }, (_, i) => (i * 0x9e3779b1) | 0);
  const sh = Int32Array.from({ length: N }, (_, i) => i % 31);
  const f = Float32Array.from({ length: N }, (_, i) => (i - 30) * 1.37);
  const u = Uint32Array.from({ length: N }, (_, i) => (i * 0x85ebca6b) >>> 0);
  return { a, sh, f, u };
}

function expected() {
  const { a, sh, f, u } = inputs();
  const fb = new Int32Array(new Float32Array(f).buffer);
  const mant = new Float32Array(Int32Array.from(a, (v) => (v & 0x007fffff) | 0x3f800000).buffer);
  return [
    Int32Array.from(a, (v, i) => v << sh[i]),
    Int32Array.from(a, (v, i) => v >> sh[i]),
    Uint32Array.from(u, (v) => v >>> 3),
    Int32Array.from(a, (v, i) => ((v & 0x5a5a) | sh[i]) ^ (v >> 4)),
    Int32Array.from(a, (v) => ~v),
    Int32Array.from(fb, (v) => v & 0x7fffffff),
    mant,
  ];
}

const DTYPES = ["int32", "int32", "uint32", "int32", "int32", "int32", "float32"];

function runArgs() {
  const { a, sh, f, u } = inputs();
  const outs = DTYPES.map((d) => nd.empty([N], d));
  return { ins: [nd.array(a, [N]), nd.array(sh, [N]), nd.array(f, [N]), nd.array(u, [N])], outs };
}

test("bit operations are interpreted, vectorized lane-wise and compiled, matching JS", (t) => {
  const want = expected();
  for (const vectorize of [false, true]) {
    const { s, args } = bitKernel(vectorize);
    const lowered = lower(s, args);
    if (vectorize) t.regex(lowered.toString(), /@tir\.shift_left\(\(int32x8\*\)A_2\[ramp\(.*dtype=int32x8\)/, "the vectorized shift is a vector call");
    const interp = runArgs();
    interpret(lowered, [...interp.ins, ...interp.outs]);
    const built = runArgs();
    const mod = build(s, args, { cflags: STRICT });
    mod.getFunction("main")(...built.ins, ...built.outs);
    want.forEach((w, k) => {
      t.deepEqual(Array.from(interp.outs[k].toTypedArray() as ArrayLike<number>), Array.from(w), `interpreted ${DTYPES[k]} output ${k} (vectorized: ${vectorize})`);
      t.deepEqual(Array.from(built.outs[k].toTypedArray() as ArrayLike<number>), Array.from(w), `compiled output ${k} (vectorized: ${vectorize})`);
    });
  }
});

test("a user's own vector exp from reinterpret and shifts (Cody–Waite and a polynomial) matches Math.exp", (t) => {
  const n = 4096;
  const X = te.placeholder([n], "float32", "X");
  const Y = te.compute([n], (i) => {
    const x = X.at(i).max(-87).min(88);
    // x = k ln2 + r, k = round(x / ln2), |r| <= ln2 / 2; ln2 in two parts so k·ln2_hi is exact.
    const k = te.floor(x.mul(1.4426950408889634).add(0.5));
    const r = x.sub(k.mul(0.693359375)).sub(k.mul(-2.12194440e-4));
    // e^r by its Taylor series to r^7 (error < 2e-9 on |r| <= 0.35).
    let p: PrimExpr = te.const(1 / 5040, "float32");
    for (const c of [1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1, 1]) p = p.mul(r).add(c);
    // 2^k as the float whose exponent field is k + 127.
    const scale = te.reinterpret("float32", k.cast("int32").add(127).shiftLeft(23));
    return p.mul(scale);
  }, "Y");
  const s = te.createSchedule(Y.op);
  const [, xi] = s.stage(Y).split(Y.op.axis[0], { factor: 16 });
  s.stage(Y).vectorize(xi);
  const mod = build(s, [X, Y], { cflags: STRICT });
  const src = mod.getSource();
  t.notRegex(src, /expf|__tejit_vexp/, "no libm or built-in vector exp");
  t.regex(src, /int32x16/, "the shift is vector code");
  const xs = Float32Array.from({ length: n }, (_, i) => -87 + (175 * i) / (n - 1));
  const y = nd.empty([n], "float32");
  mod.getFunction("main")(nd.array(xs, [n]), y);
  const got = y.toTypedArray() as Float32Array;
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - Math.exp(xs[i])) / Math.exp(xs[i]));
  t.true(worst < 4e-7, `max relative error ${worst}`);
  // The interpreter agrees with the compiled kernel.
  const yi = nd.empty([n], "float32");
  interpret(lower(s, [X, Y]), [nd.array(xs, [n]), yi]);
  const gi = yi.toTypedArray() as Float32Array;
  let diff = 0;
  for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(gi[i] - got[i]) / got[i]);
  t.true(diff < 4e-7, `interpreter vs compiled: ${diff}`);
});
