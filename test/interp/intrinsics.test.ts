// Intrinsics and extern calls: math rounded to the call's dtype, nearbyint-style tir.round,
// erf, lazy tir.if_then_else (vs Select, which evaluates both sides), libm call_extern names,
// bitwise ops and shifts.
import test from "ava";
import { callExtern } from "../../ts/ir/builtin.js";
import { declBuffer } from "../../ts/ir/buffer.js";
import { Broadcast, Call, Load, Select, Var } from "../../ts/ir/expr.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import * as op from "../../ts/ir/op.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { erf, interpret } from "../../ts/interp/index.js";
import { evalExpr } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";

const f32 = () => new Var("x", "float32");
const f64 = () => new Var("x", "float64");

test("float32 math intrinsics are rounded to float32", (t) => {
  const x = f32();
  const v = 0.7;
  const xv = Math.fround(v);
  const cases: [string, (e: Var) => ReturnType<typeof op.exp>, number][] = [
    ["exp", op.exp, Math.exp(xv)],
    ["log", op.log, Math.log(xv)],
    ["sqrt", op.sqrt, Math.sqrt(xv)],
    ["rsqrt", op.rsqrt, 1 / Math.sqrt(xv)],
    ["tanh", op.tanh, Math.tanh(xv)],
    ["sigmoid", op.sigmoid, 1 / (1 + Math.exp(-xv))],
    ["sin", op.sin, Math.sin(xv)],
    ["exp2", op.exp2, 2 ** xv],
    ["log10", op.log10, Math.log10(xv)],
  ];
  for (const [name, fn, ref] of cases) t.is(evalExpr([x], [v], fn), Math.fround(ref), name);
  t.is(evalExpr([x, new Var("y", "float32")], [v, 3], (a, b) => op.pow(a, b)), Math.fround(xv ** 3));
});

test("tir.round rounds half to even (nearbyint); floor, ceil, trunc and fabs on negatives", (t) => {
  const x = f64();
  const round = (v: number) => evalExpr([x], [v], (e) => op.round(e));
  t.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(round), [0, 2, 2, -0, -2, -2, 2, -3]);
  t.is(evalExpr([x], [-2.5], (e) => op.floor(e)), -3);
  t.is(evalExpr([x], [-2.5], (e) => op.ceil(e)), -2);
  t.is(evalExpr([x], [-2.5], (e) => op.trunc(e)), -2);
  t.is(evalExpr([x], [-2.5], (e) => op.abs(e)), 2.5);
});

test("erf is accurate to a few ulps in double precision", (t) => {
  // Reference values (mpmath, 17 significant digits).
  const refs: [number, number][] = [
    [0.1, 0.11246291601828489], [0.5, 0.52049987781304654], [1, 0.84270079294971487],
    [1.5, 0.96610514647531073], [2, 0.99532226501895273], [2.5, 0.99959304798255504],
    [3, 0.99997790950300141], [4, 0.99999998458274209], [-1, -0.84270079294971487], [7, 1],
  ];
  for (const [x, ref] of refs) {
    t.true(Math.abs(erf(x) - ref) <= 4 * Number.EPSILON * Math.abs(ref), `erf(${x}) = ${erf(x)}, expected ${ref}`);
  }
  t.is(erf(0), 0);
  t.true(Number.isNaN(erf(NaN)));
  const x = f32();
  t.is(evalExpr([x], [0.5], (e) => op.erf(e)), Math.fround(0.52049987781304654));
});

test("if_then_else evaluates only the taken branch; Select evaluates both", (t) => {
  const A = declBuffer([4], "float32", "A");
  const C = declBuffer([6], "float32", "C");
  const build = (guarded: boolean) => {
    const ib = irBuilder();
    const c = ib.bufferPtr(C);
    ib.forRange(0, 6, "i", (i) => {
      const load = new Load("float32", A.data, i);
      const cond = i.lt(4);
      c.set(i, guarded ? op.ifThenElse(cond, load, -1) : new Select(cond, load, op.constant(-1, "float32")));
    });
    return primFunc([A, C], ib.get());
  };
  const a = array(new Float32Array([1, 2, 3, 4]));
  const c = empty([6]);
  interpret(build(true), [a, c]);
  t.deepEqual(Array.from(c.toTypedArray()), [1, 2, 3, 4, -1, -1]);
  t.throws(() => interpret(build(false), [a, empty([6])]), { message: /load from 'A': index 4/ });
});

test("likely is the identity on its condition", (t) => {
  const n = new Var("n", "int32");
  t.is(evalExpr([n], [3], (e) => op.likely(e.lt(5)).cast("int32")), 1);
  t.is(evalExpr([n], [7], (e) => op.likely(e.lt(5)).cast("int32")), 0);
});

test("call_extern of libm names: float and double versions, fmaxf with NaN, C's round", (t) => {
  const x = f32();
  t.is(evalExpr([x], [1.25], (e) => callExtern("float32", "expf", e)), Math.fround(Math.exp(1.25)));
  t.is(evalExpr([x], [-1.25], (e) => callExtern("float32", "fabsf", e)), 1.25);
  t.is(evalExpr([x], [2.5], (e) => callExtern("float32", "roundf", e)), 3); // half away from zero
  t.is(evalExpr([x], [-2.5], (e) => callExtern("float32", "roundf", e)), -3);
  t.is(evalExpr([x], [2.5], (e) => callExtern("float32", "nearbyintf", e)), 2);
  t.is(evalExpr([x], [NaN], (e) => callExtern("float32", "fmaxf", e, 2)), 2);
  t.is(evalExpr([x], [5], (e) => callExtern("float32", "fminf", e, 2)), 2);
  t.is(evalExpr([x], [2], (e) => callExtern("float32", "powf", e, 0.5)), Math.fround(Math.SQRT2));
  t.is(evalExpr([x], [-0.75], (e) => callExtern("float32", "tanhf", e)), Math.fround(Math.tanh(-0.75)));
  const d = f64();
  t.is(evalExpr([d], [0.3], (e) => callExtern("float64", "exp", e)), Math.exp(0.3));
  t.is(evalExpr([d], [2], (e) => callExtern("float64", "sqrt", e)), Math.SQRT2);
  t.is(evalExpr([d], [-7.5], (e) => callExtern("float64", "fmod", e, 2)), -1.5);
});

test("bitwise ops and shifts follow the signedness of the dtype", (t) => {
  const [a, b] = [new Var("a", "int32"), new Var("b", "int32")];
  const call = (name: string, ...args: Var[]) => new Call(args[0].dtype, `tir.${name}`, args);
  t.is(evalExpr([a, b], [0b1100, 0b1010], (x, y) => call("bitwise_and", x, y)), 0b1000);
  t.is(evalExpr([a, b], [0b1100, 0b1010], (x, y) => call("bitwise_or", x, y)), 0b1110);
  t.is(evalExpr([a, b], [0b1100, 0b1010], (x, y) => call("bitwise_xor", x, y)), 0b0110);
  t.is(evalExpr([a], [5], (x) => call("bitwise_not", x)), -6);
  t.is(evalExpr([a, b], [-16, 2], (x, y) => call("shift_right", x, y)), -4);
  t.is(evalExpr([a, b], [1, 31], (x, y) => call("shift_left", x, y)), -2147483648);
  const [u, v] = [new Var("u", "uint32"), new Var("v", "uint32")];
  t.is(evalExpr([u, v], [0xfffffff0, 2], (x, y) => call("shift_right", x, y)), 0x3ffffffc);
  const [p, q] = [new Var("p", "int64"), new Var("q", "int64")];
  t.is(evalExpr([p, q], [1n, 62n], (x, y) => call("shift_left", x, y)), 2n ** 62n);
});

test("math on vectors works lane by lane", (t) => {
  const A = declBuffer([4], "float32", "A");
  const B = declBuffer([4], "float32", "B");
  const ib = irBuilder();
  const [a, b] = [ib.bufferPtr(A, "float32x4"), ib.bufferPtr(B, "float32x4")];
  b.set(0, op.exp(a.get(0)).add(new Broadcast(op.constant(1, "float32"), 4)));
  const av = new Float32Array([0, 0.5, -1, 2]);
  const bv = empty([4]);
  interpret(primFunc([A, B], ib.get()), [array(av), bv]);
  t.deepEqual(Array.from(bv.toTypedArray()), Array.from(av, (x) => Math.fround(Math.fround(Math.exp(x)) + 1)));
});
