// Calls: TIR intrinsics (tir.exp, tir.floor, tir.if_then_else, tir.likely, bitwise ops, …),
// call_extern of libm names, and tvm_call_packed — the packed call to a function in the registry,
// whose tvm_stack_make_array arguments become NDArray views over the interpreter's memory and
// are released when the callee returns, as the runtime's trampoline does. An exception in the
// callee becomes an Error carrying its message and the function's name.

import { IRError, KernelError, UnsupportedError } from "../errors.js";
import { CALL_EXTERN, CALL_PACKED, STACK_MAKE_ARRAY, STACK_MAKE_SHAPE, TUPLE } from "../ir/builtin.js";
import type { DataType } from "../ir/dtype.js";
import { type Call, IntImm, type PrimExpr, StringImm } from "../ir/expr.js";
import { printExpr } from "../ir/printer.js";
import { FORMAT } from "../transform/host_builtins.js";
import { type AnyNDArray, releaseView } from "../runtime/ndarray.js";
import { getGlobalFunc } from "../runtime/registry.js";
import type { Context, Eval, Slots, Value } from "./context.js";
import { lanewise1 } from "./lanes.js";
import { intrinsicInfo, mathIntrinsics } from "../ir/intrinsics.js";
import { libmFunction, libmNames, type MathFn } from "./libm.js";
import { Mem, viewOf } from "./memory.js";
import { type Scalar, converter, floatRounder, isBig, numberWrapper } from "./values.js";

/** Thrown by tir.ret to leave the function with a value. */
export class ReturnSignal {
  constructor(readonly value: Value) {}
}

const BITWISE = new Set(["tir.bitwise_and", "tir.bitwise_or", "tir.bitwise_xor", "tir.bitwise_not", "tir.shift_left", "tir.shift_right"]);

export function compileCall(ctx: Context, e: Call): Eval {
  const op = e.op;
  switch (op) {
    case CALL_PACKED: return compilePacked(ctx, e);
    case CALL_EXTERN:
    case "tir.call_pure_extern":
      return compileExtern(ctx, e);
    case FORMAT: return compileFormat(ctx, e);
    case "tir.prefetch": {
      // A hint with no effect on values: the address is not even computed.
      expectArgs(ctx, e, 4);
      return () => 0;
    }
    case "tir.likely": {
      expectArgs(ctx, e, 1);
      return ctx.expr(e.args[0]);
    }
    case "tir.if_then_else": {
      expectArgs(ctx, e, 3);
      const [C, T, F] = e.args.map((a) => ctx.expr(a));
      if (e.args[0].dtype.lanes > 1) {
        throw new IRError(`interpreter (${ctx.fname}): if_then_else needs a scalar condition, got ${e.args[0].dtype} in ${printExpr(e)}`);
      }
      // Only the taken branch is evaluated: it may guard an out-of-bounds load.
      return (s) => (C(s) ? T(s) : F(s));
    }
    case TUPLE: {
      const parts = e.args.map((a) => ctx.expr(a));
      return (s) => parts.map((p) => p(s) as Scalar);
    }
    case "tir.ret": {
      expectArgs(ctx, e, 1);
      const V = ctx.expr(e.args[0]);
      return (s) => {
        throw new ReturnSignal(V(s));
      };
    }
    case "tir.isnan": case "tir.isinf": case "tir.isfinite": {
      expectArgs(ctx, e, 1);
      const test: (x: number) => boolean = op === "tir.isnan" ? Number.isNaN : op === "tir.isinf" ? (x) => x === Infinity || x === -Infinity : Number.isFinite;
      const f = (x: Scalar): Scalar => (typeof x === "number" ? (test(x) ? 1 : 0) : op === "tir.isfinite" ? 1 : 0);
      const A = ctx.expr(e.args[0]);
      return e.dtype.lanes > 1 ? lanewise1(f, A, e.dtype.lanes) : (s) => f(A(s) as Scalar);
    }
    case "tir.reinterpret": {
      expectArgs(ctx, e, 1);
      return compileReinterpret(ctx, e);
    }
    case STACK_MAKE_ARRAY:
    case STACK_MAKE_SHAPE:
      throw new IRError(`interpreter (${ctx.fname}): ${op} is only supported as an argument of tvm_call_packed, in ${printExpr(e)}`);
  }
  if (BITWISE.has(op)) return compileBitwise(ctx, e);
  const math = intrinsicInfo(op)?.math;
  if (math) return compileMath(ctx, e, math, op);
  throw new IRError(`interpreter (${ctx.fname}): unknown call '${op}' in ${printExpr(e)}; the interpreter implements ${CALL_PACKED}, ${CALL_EXTERN} (libm names), tir.if_then_else, tir.likely, tir.ret, bitwise and shift ops, and the math intrinsics ${mathIntrinsics().map((i) => i.name).join(", ")}`);
}

/** tejit.format (an assert's message): text parts as they are, values as C's printf prints them. */
function compileFormat(ctx: Context, e: Call): Eval {
  const parts = e.args.map((a) => {
    if (a instanceof StringImm) return () => a.value;
    const V = ctx.expr(a);
    return a.dtype.isFloat()
      ? (s: Slots) => String(Number((V(s) as number).toPrecision(6)))
      : (s: Slots) => String(V(s) as Scalar);
  });
  return ((s: Slots) => parts.map((p) => p(s)).join("")) as unknown as Eval;
}

function expectArgs(ctx: Context, e: Call, n: number): void {
  if (e.args.length !== n) {
    throw new IRError(`interpreter (${ctx.fname}): ${e.op} takes ${n} argument${n === 1 ? "" : "s"}, got ${e.args.length} in ${printExpr(e)}`);
  }
}

/** A math function of double arguments, rounded to the call's dtype (lane by lane for vectors). */
function compileMath(ctx: Context, e: Call, fn: MathFn, name: string, argExprs: PrimExpr[] = e.args): Eval {
  if (fn.length > 0 && argExprs.length !== fn.length) {
    throw new IRError(`interpreter (${ctx.fname}): ${name} takes ${fn.length} argument${fn.length === 1 ? "" : "s"}, got ${argExprs.length} in ${printExpr(e)}`);
  }
  const t = e.dtype;
  const args = argExprs.map((a) => ctx.expr(a));
  const toNum = argExprs.map((a) => (isBig(a.dtype) ? (x: Scalar) => Number(x) : (x: Scalar) => x as number));
  const out = converter(t.element());
  const scalar = (vals: Scalar[]): Scalar => out(fn(...vals.map((v, i) => toNum[i](v))));
  const lanes = t.lanes;
  if (lanes > 1) {
    return (s) => {
      const vs = args.map((f, i) => (argExprs[i].dtype.lanes > 1 ? (f(s) as Scalar[]) : new Array<Scalar>(lanes).fill(f(s) as Scalar)));
      const r = new Array<Scalar>(lanes);
      for (let k = 0; k < lanes; k++) r[k] = scalar(vs.map((v) => v[k]));
      return r;
    };
  }
  if (args.length === 1 && t.isFloat()) {
    const A = args[0];
    const round = floatRounder(t);
    const conv = toNum[0];
    return (s) => round(fn(conv(A(s) as Scalar)));
  }
  return (s) => scalar(args.map((f) => f(s) as Scalar));
}

function compileExtern(ctx: Context, e: Call): Eval {
  const first = e.args[0];
  if (!(first instanceof StringImm)) {
    throw new IRError(`interpreter (${ctx.fname}): ${e.op} needs the function's name first, got ${printExpr(e)}`);
  }
  const name = first.value;
  const fn = libmFunction(name);
  if (!fn) {
    throw new UnsupportedError(`interpreter (${ctx.fname}): call_extern of '${name}' is not supported; the interpreter knows the libm functions ${libmNames().join(", ")} (and their f-suffixed float versions), in ${printExpr(e)}`);
  }
  if (e.dtype.isHandle()) throw new UnsupportedError(`interpreter (${ctx.fname}): call_extern of '${name}' returning a handle is not supported`);
  return compileMath(ctx, e, fn, `call_extern '${name}'`, e.args.slice(1));
}

function compileBitwise(ctx: Context, e: Call): Eval {
  const t = e.dtype;
  if (!t.isIntegral() && !t.isBool()) throw new IRError(`interpreter (${ctx.fname}): ${e.op} needs integers, got ${t} in ${printExpr(e)}`);
  const unary = e.op === "tir.bitwise_not";
  expectArgs(ctx, e, unary ? 1 : 2);
  const elem = t.element();
  let f: (a: Scalar, b: Scalar) => Scalar;
  if (isBig(elem)) {
    const w = elem.isInt() ? (x: bigint) => BigInt.asIntN(64, x) : (x: bigint) => BigInt.asUintN(64, x);
    type B = (a: bigint, b: bigint) => bigint;
    const ops: Record<string, B> = {
      "tir.bitwise_and": (a, b) => a & b,
      "tir.bitwise_or": (a, b) => a | b,
      "tir.bitwise_xor": (a, b) => a ^ b,
      "tir.bitwise_not": (a) => w(~a),
      "tir.shift_left": (a, b) => w(a << b),
      "tir.shift_right": (a, b) => a >> b, // arithmetic for int64, logical for uint64 (a ≥ 0)
    };
    const g = ops[e.op];
    f = (a, b) => g(a as bigint, b as bigint);
  } else {
    const w = numberWrapper(elem);
    const unsigned = !elem.isInt();
    type N = (a: number, b: number) => number;
    const ops: Record<string, N> = {
      "tir.bitwise_and": (a, b) => w(a & b),
      "tir.bitwise_or": (a, b) => w(a | b),
      "tir.bitwise_xor": (a, b) => w(a ^ b),
      "tir.bitwise_not": (a) => w(~a),
      "tir.shift_left": (a, b) => w(a << b),
      "tir.shift_right": unsigned ? (a, b) => w(a >>> b) : (a, b) => w(a >> b),
    };
    const g = ops[e.op];
    f = (a, b) => g(a as number, b as number);
  }
  const args = e.args.map((a) => ctx.expr(a));
  const lanes = t.lanes;
  if (unary) {
    const A = args[0];
    return lanes > 1 ? lanewise1((a) => f(a, 0), A, lanes) : (s) => f(A(s) as Scalar, 0);
  }
  const [A, B] = args;
  const bconv = converter(elem);
  if (lanes > 1) {
    return (s) => {
      const a = A(s) as Scalar[];
      const bv = B(s);
      const r = new Array<Scalar>(lanes);
      for (let k = 0; k < lanes; k++) r[k] = f(a[k], bconv(Array.isArray(bv) ? bv[k] : (bv as Scalar)));
      return r;
    };
  }
  return (s) => f(A(s) as Scalar, bconv(B(s) as Scalar));
}

function compileReinterpret(ctx: Context, e: Call): Eval {
  const from = e.args[0].dtype.element();
  const to = e.dtype.element();
  if (from.bits !== to.bits || (from.bits !== 32 && from.bits !== 64 && from.bits !== 16 && from.bits !== 8)) {
    throw new UnsupportedError(`interpreter (${ctx.fname}): reinterpret from ${from} to ${to} is not supported, in ${printExpr(e)}`);
  }
  const view = new DataView(new ArrayBuffer(8));
  const put = accessor(view, from, "set");
  const get = accessor(view, to, "get");
  const f = (x: Scalar): Scalar => {
    put(x);
    return get(0);
  };
  const A = ctx.expr(e.args[0]);
  return e.dtype.lanes > 1 ? lanewise1(f, A, e.dtype.lanes) : (s) => f(A(s) as Scalar);
}

function accessor(v: DataView, t: DataType, mode: "get" | "set"): (x: Scalar) => Scalar {
  const name = t.isFloat() ? (t.bits === 16 ? null : `Float${t.bits}`) : `${t.isInt() ? "Int" : "Uint"}${t.bits}`;
  if (name === null) throw new UnsupportedError(`interpreter: reinterpret of float16 is not supported`);
  const big = t.bits === 64 && !t.isFloat() ? "Big" : "";
  const key = `${mode}${big}${name}` as keyof DataView;
  const fn = v[key] as unknown as (...a: unknown[]) => Scalar;
  if (mode === "get") return () => fn.call(v, 0, true);
  return (x) => {
    fn.call(v, 0, x, true);
    return 0;
  };
}

// ---------------------------------------------------------------------------------------------
// Packed calls

/** Builds one argument of a packed call; views made are recorded (with the argument's index) for release. */
type ArgMaker = (s: Slots, views: [number, AnyNDArray][]) => unknown;

function compilePacked(ctx: Context, e: Call): Eval {
  const first = e.args[0];
  if (!(first instanceof StringImm)) {
    throw new IRError(`interpreter (${ctx.fname}): tvm_call_packed needs the function's name (a string) first, got ${first ? printExpr(first) : "nothing"}`);
  }
  const name = first.value;
  const makers = e.args.slice(1).map((a, i) => compilePackedArg(ctx, a, name, i));
  if (e.dtype.lanes !== 1 || e.dtype.isHandle()) {
    throw new IRError(`interpreter (${ctx.fname}): tvm_call_packed of '${name}' must return a scalar number type, not ${e.dtype}`);
  }
  const ret = converter(e.dtype);
  const zero = ret(0);
  return (s) => {
    const fn = getGlobalFunc(name, { allowMissing: true });
    if (!fn) throw new KernelError(`packed function '${name}' is not registered (registerFunc('${name}', fn) first), called from ${ctx.fname}`);
    const views: [number, AnyNDArray][] = [];
    try {
      const args = makers.map((m) => m(s, views));
      let result: unknown;
      try {
        result = fn(...args);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new KernelError(`packed function '${name}' threw: ${msg}`, { cause: err });
      }
      if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
        throw new KernelError(`packed function '${name}' returned a Promise: functions called from kernels must be synchronous`);
      }
      // The call's value is the callee's numeric result in the call's dtype (0 when it returns none).
      if (typeof result === "number" || typeof result === "bigint") return ret(result);
      if (typeof result === "boolean") return ret(result ? 1 : 0);
      return zero;
    } finally {
      for (const [i, v] of views) releaseView(v, `this NDArray view (argument ${i} of packed function '${name}') was released when the callback returned; copy what you need (e.g. view.toTypedArray().slice()) before returning`);
    }
  };
}

function compilePackedArg(ctx: Context, a: PrimExpr, fname: string, i: number): ArgMaker {
  const what = `argument ${i} of packed call '${fname}'`;
  if (a instanceof StringImm) {
    const v = a.value;
    return () => v;
  }
  if (a.kind === "Call" && (a as Call).op === STACK_MAKE_ARRAY) return compileMakeArray(ctx, a as Call, what, i);
  if (a.dtype.isHandle()) {
    throw new IRError(`interpreter (${ctx.fname}): ${what} is a raw handle (${printExpr(a)}); pass a buffer (tvm_stack_make_array)`);
  }
  if (a.dtype.lanes > 1) throw new IRError(`interpreter (${ctx.fname}): ${what} is a vector (${a.dtype}); packed calls take scalars`);
  const f = ctx.expr(a);
  if (isBig(a.dtype)) {
    return (s) => {
      const v = f(s) as bigint;
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v;
    };
  }
  return f;
}

function shapeArgs(ctx: Context, e: PrimExpr, what: string, field: string): ((s: Slots) => number)[] {
  if (e.kind !== "Call" || (e as Call).op !== STACK_MAKE_SHAPE) {
    throw new IRError(`interpreter (${ctx.fname}): ${what}: the ${field} must be tvm_stack_make_shape(...), got ${printExpr(e)}`);
  }
  return (e as Call).args.map((x) => {
    const f = ctx.expr(x);
    if (!x.dtype.isIntegral()) throw new IRError(`interpreter (${ctx.fname}): ${what}: ${field} entries must be integers, got ${x.dtype}`);
    return isBig(x.dtype) ? (s: Slots) => Number(f(s) as bigint) : (f as (s: Slots) => number);
  });
}

/** tvm_stack_make_array(data, make_shape(shape), strides | 0, ndim, 0<dtype>, elem_offset) -> an NDArray view. */
function compileMakeArray(ctx: Context, e: Call, what: string, argIndex: number): ArgMaker {
  if (e.args.length !== 6) {
    throw new IRError(`interpreter (${ctx.fname}): ${what}: tvm_stack_make_array takes 6 arguments, got ${e.args.length}`);
  }
  const [dataE, shapeE, stridesE, ndimE, dtypeE, offsetE] = e.args;
  const data = ctx.expr(dataE);
  const shape = shapeArgs(ctx, shapeE, what, "shape");
  const strides = stridesE instanceof IntImm && stridesE.value === 0 ? null : shapeArgs(ctx, stridesE, what, "strides");
  if (!(ndimE instanceof IntImm) || ndimE.value !== shape.length) {
    throw new IRError(`interpreter (${ctx.fname}): ${what}: ndim ${printExpr(ndimE)} does not match the ${shape.length} shape entries`);
  }
  if (strides && strides.length !== shape.length) {
    throw new IRError(`interpreter (${ctx.fname}): ${what}: ${strides.length} strides for ${shape.length} dimensions`);
  }
  const dtype = dtypeE.dtype;
  const offset = ctx.expr(offsetE);
  const offBig = isBig(offsetE.dtype);
  const label = `${what} (${printExpr(dataE)})`;
  return (s, views) => {
    const m = data(s);
    if (!(m instanceof Mem)) throw new KernelError(`interpreter (${ctx.fname}): ${label}: the data pointer holds no memory`);
    const eo = offBig ? Number(offset(s) as bigint) : (offset(s) as number);
    const view = viewOf(m, dtype, shape.map((f) => f(s)), strides ? strides.map((f) => f(s)) : null, eo, label);
    views.push([argIndex, view]);
    return view;
  };
}
