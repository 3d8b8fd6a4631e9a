// The registry of TIR's intrinsics and builtins, one entry a call name (as TVM's
// src/tir/op/builtin.cc registers an op with its attributes): its effect, whether it applies lane
// by lane to vectors, how lowerIntrin gives it to the C backend (a libm function, or an expansion
// of its own), the C builtin that spells it, and the math the interpreter computes it with.
// Simplify, removeNoOp, vectorizeLoop, lowerIntrin, the C backend and the interpreter read these
// properties from here and nowhere else, so a new intrinsic is one entry in this file (and, if it
// needs more than a property, one case where it is printed or evaluated).

import { InternalError } from "../errors.js";
import { erf, copysign, nearbyint } from "./intrinsic_math.js";

/**
 * What evaluating a call may do, ordered from least to most (TVM's CallEffectKind):
 * - `annotation`: a hint around a value (likely, tvm_tuple): it is the value;
 * - `pure`: a function of its arguments only (exp, bitwise_and, if_then_else, call_pure_extern);
 * - `readState`: reads memory or runtime state but changes nothing (tvm_struct_get,
 *   tvm_stack_make_array): an unused one may be dropped, but it may not be moved across a store;
 * - `updateState`: writes state (tvm_struct_set);
 * - `opaque`: anything (a packed or extern call, a prefetch, a jump); every call not registered.
 */
export type CallEffect = "annotation" | "pure" | "readState" | "updateState" | "opaque";

const EFFECT_RANK: Readonly<Record<CallEffect, number>> = { annotation: 0, pure: 1, readState: 2, updateState: 3, opaque: 4 };

/** A math function of double arguments (the interpreter rounds the result to the call's dtype). */
export type MathFn = (...args: number[]) => number;

/** How lowerIntrin hands an intrinsic to the C backend. */
export type IntrinsicLowering =
  /** A call_pure_extern of the libm function of this name (`expf` for float32, `exp` for float64). */
  | { libm: string }
  /** lowerIntrin rewrites it into other intrinsics (sigmoid, rsqrt, exp10). */
  | "expand";

export interface IntrinsicInfo {
  /** The call's op name, e.g. "tir.exp". */
  readonly name: string;
  readonly effect: CallEffect;
  /** It applies lane by lane, so a vector call is the call of vectors (TVM's TVectorizable). */
  readonly vectorizable: boolean;
  /** Its number of arguments, when fixed. */
  readonly arity?: number;
  /** For math intrinsics: how lowerIntrin lowers it for C. */
  readonly lowering?: IntrinsicLowering;
  /** For intrinsics the C backend prints as a GCC/Clang builtin of the same arguments. */
  readonly cBuiltin?: string;
  /** The interpreter's implementation, for math intrinsics. */
  readonly math?: MathFn;
}

const registry = new Map<string, IntrinsicInfo>();

function register(info: IntrinsicInfo): void {
  if (registry.has(info.name)) throw new InternalError(`intrinsics: '${info.name}' is registered twice`);
  registry.set(info.name, info);
}

/** A pure, lane-wise math intrinsic of libm's name (or another lowering) with its interpreter math. */
function math(name: string, fn: MathFn, lowering: IntrinsicLowering = { libm: name }): void {
  register({ name: `tir.${name}`, effect: "pure", vectorizable: true, arity: fn.length || undefined, lowering, math: fn });
}

math("exp", Math.exp);
math("exp2", (x) => 2 ** x);
math("exp10", (x) => 10 ** x, "expand");
math("expm1", Math.expm1);
math("log", Math.log);
math("log2", Math.log2);
math("log10", Math.log10);
math("log1p", Math.log1p);
math("sqrt", Math.sqrt);
math("rsqrt", (x) => 1 / Math.sqrt(x), "expand");
math("tanh", Math.tanh);
math("sigmoid", (x) => 1 / (1 + Math.exp(-x)), "expand");
math("sin", Math.sin);
math("cos", Math.cos);
math("tan", Math.tan);
math("asin", Math.asin);
math("acos", Math.acos);
math("atan", Math.atan);
math("sinh", Math.sinh);
math("cosh", Math.cosh);
math("asinh", Math.asinh);
math("acosh", Math.acosh);
math("atanh", Math.atanh);
math("erf", erf);
math("floor", Math.floor);
math("ceil", Math.ceil);
// TVM's round is half to even: C's nearbyint in the default rounding mode, not C's round.
math("round", nearbyint, { libm: "nearbyint" });
math("nearbyint", nearbyint);
math("trunc", Math.trunc);
math("fabs", Math.abs);
math("pow", Math.pow);
math("atan2", Math.atan2);
math("fmod", (a, b) => a % b);
math("hypot", (a, b) => Math.hypot(a, b));
math("copysign", copysign);
// ldexp(x, e) takes an integer exponent: the interpreter has it, the C backend does not.
register({ name: "tir.ldexp", effect: "pure", vectorizable: true, arity: 2, math: (a, e) => a * 2 ** e });
register({ name: "tir.nextafter", effect: "pure", vectorizable: true, arity: 2 });
register({ name: "tir.popcount", effect: "pure", vectorizable: true, arity: 1 });

register({ name: "tir.isnan", effect: "pure", vectorizable: true, arity: 1, cBuiltin: "__builtin_isnan" });
register({ name: "tir.isinf", effect: "pure", vectorizable: true, arity: 1, cBuiltin: "__builtin_isinf" });
register({ name: "tir.isfinite", effect: "pure", vectorizable: true, arity: 1, cBuiltin: "__builtin_isfinite" });
for (const name of ["bitwise_and", "bitwise_or", "bitwise_xor", "shift_left", "shift_right"]) {
  register({ name: `tir.${name}`, effect: "pure", vectorizable: true, arity: 2 });
}
register({ name: "tir.bitwise_not", effect: "pure", vectorizable: true, arity: 1 });
register({ name: "tir.reinterpret", effect: "pure", vectorizable: true, arity: 1 });

register({ name: "tir.likely", effect: "annotation", vectorizable: true, arity: 1 });
register({ name: "tir.tvm_tuple", effect: "annotation", vectorizable: false });
// Only the taken branch is evaluated; vectorizeLoop handles it itself (a vector condition scalarizes).
register({ name: "tir.if_then_else", effect: "pure", vectorizable: false, arity: 3 });
register({ name: "tir.call_pure_extern", effect: "pure", vectorizable: false });
register({ name: "tir.call_extern", effect: "opaque", vectorizable: false });
register({ name: "tir.tvm_call_packed", effect: "opaque", vectorizable: false });
register({ name: "tir.tvm_call_packed_lowered", effect: "opaque", vectorizable: false });
register({ name: "tir.tvm_stack_make_shape", effect: "readState", vectorizable: false });
register({ name: "tir.tvm_stack_make_array", effect: "readState", vectorizable: false, arity: 6 });
register({ name: "tir.tvm_stack_alloca", effect: "opaque", vectorizable: false, arity: 2 });
register({ name: "tir.tvm_struct_get", effect: "readState", vectorizable: false, arity: 3 });
register({ name: "tir.tvm_struct_set", effect: "updateState", vectorizable: false, arity: 4 });
register({ name: "tir.address_of", effect: "pure", vectorizable: false, arity: 1 });
register({ name: "tir.isnullptr", effect: "pure", vectorizable: false, arity: 1 });
register({ name: "tir.TVMBackendAllocWorkspace", effect: "opaque", vectorizable: false, arity: 5 });
register({ name: "tir.TVMBackendFreeWorkspace", effect: "opaque", vectorizable: false, arity: 3 });
register({ name: "tir.tvm_throw_last_error", effect: "opaque", vectorizable: false, arity: 0 });
register({ name: "tir.ret", effect: "opaque", vectorizable: false, arity: 1 });
// A hint with no effect on values, but never dropped or hoisted as a value would be.
register({ name: "tir.prefetch", effect: "opaque", vectorizable: false, arity: 4 });
register({ name: "tejit.format", effect: "pure", vectorizable: false });
register({ name: "tejit.type_code_name", effect: "pure", vectorizable: false, arity: 1 });
register({ name: "tejit.dtype_name", effect: "pure", vectorizable: false, arity: 3 });

/** The registered properties of the call `op`, or undefined for a call the registry does not know. */
export function intrinsicInfo(op: string): IntrinsicInfo | undefined {
  return registry.get(op);
}

/** The effect of a call of `op`: its registered effect, `opaque` for any other call. */
export function callEffect(op: string): CallEffect {
  return registry.get(op)?.effect ?? "opaque";
}

/** True when a call of `op` depends only on its arguments (it may be inlined, hoisted or folded). */
export function isPureCall(op: string): boolean {
  return EFFECT_RANK[callEffect(op)] <= EFFECT_RANK.pure;
}

/** True when a call of `op` changes state, so its value unused it must still run. */
export function hasCallSideEffect(op: string): boolean {
  return EFFECT_RANK[callEffect(op)] > EFFECT_RANK.readState;
}

/** True when a call of `op` applies lane by lane to vector arguments. */
export function isVectorizable(op: string): boolean {
  return registry.get(op)?.vectorizable ?? false;
}

/** The math intrinsics the interpreter computes, by op name. */
export function mathIntrinsics(): IntrinsicInfo[] {
  return [...registry.values()].filter((i) => i.math !== undefined);
}

/** Every registered intrinsic, in registration order. */
export function allIntrinsics(): IntrinsicInfo[] {
  return [...registry.values()];
}
