// Building expressions the way TVM's operators do: JS numbers become constants of the other
// operand's dtype, operand types are matched (int -> float, narrower int -> wider int, scalar ->
// broadcast), and constants are folded by TVM's TryConstFold (arith/const_fold.ts), as TVM's
// operators fold them. Printing depends on this folding (a loop's end prints as min + extent),
// so keep it faithful.

import { ArgumentError, DTypeError } from "../errors.js";
import { DataType, type DTypeLike } from "./dtype.js";
import { IterVar } from "./iter_var.js";
import {
  Add, And, Broadcast, Call, Cast, Div, EQ, FloatImm, FloorDiv, FloorMod, GE, GT, IntImm, LE, LT,
  Max, Min, Mod, Mul, NE, Not, Or, PrimExpr, Select, Sub, type ExprLike,
} from "./expr_nodes.js";
import { type FoldKind, tryConstFold, tryConstFoldNot } from "../arith/const_fold.js";
import { wrapInt } from "../arith/int_operator.js";

export { wrapInt };

/** A constant of `dtype` (vector dtypes give a broadcast). */
export function constant(value: number | boolean, dtype: DTypeLike = typeof value === "boolean" ? "bool" : Number.isInteger(value) ? "int32" : "float32"): PrimExpr {
  const t = DataType.parse(dtype);
  if (t.lanes > 1) return new Broadcast(constant(value, t.element()), t.lanes);
  const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
  if (t.isFloat()) return new FloatImm(t, v);
  if (t.isHandle()) throw new DTypeError(`cannot make a constant of dtype handle`);
  if (t.isBool()) return new IntImm(t, v ? 1 : 0);
  if (!Number.isInteger(v)) throw new DTypeError(`constant ${v} is not an integer, but dtype ${t} is`);
  return new IntImm(t, v);
}

/** te.const: {@link constant}, refusing an integer outside its dtype's range (passes build wrapped constants with constant). */
export function userConstant(value: number | boolean, dtype?: DTypeLike): PrimExpr {
  const c = constant(value, dtype);
  if (typeof value === "number") checkIntRange(value, c.dtype.element());
  return c;
}

/**
 * Refuses an integer constant outside its dtype's range (TVM's "Literal value ... exceeds"):
 * `A.add(300)` on int8 would otherwise be C's (int8_t)300, 44. 64-bit types take any JS integer
 * (their range is wider than a double's exact integers).
 */
function checkIntRange(v: number, t: DataType): void {
  if (!t.isIntegral() || t.isBool() || t.bits >= 64) return;
  const [lo, hi] = t.isInt() ? [-(2 ** (t.bits - 1)), 2 ** (t.bits - 1) - 1] : [0, 2 ** t.bits - 1];
  if (v < lo || v > hi) {
    throw new DTypeError(`constant ${v} does not fit in ${t} (range [${lo}, ${hi}]); use a wider dtype, or cast the other operand first (x.cast("${t.isInt() ? "int" : "uint"}${Math.min(t.bits * 2, 64)}"))`);
  }
}

/** Converts a JS value to an expression; numbers take `like`'s dtype when given. */
export function toExpr(v: ExprLike, like?: DataType): PrimExpr {
  if (v instanceof PrimExpr) return v;
  if (v instanceof IterVar) return v.var;
  if (typeof v === "boolean") return constant(v, "bool");
  if (typeof v !== "number" || Number.isNaN(v) && like === undefined) {
    throw new ArgumentError(`expected an expression or a number, got ${describe(v)}`);
  }
  if (like && !like.isHandle() && !like.isBool()) {
    if (like.isFloat()) return constant(v, like);
    if (Number.isInteger(v)) {
      checkIntRange(v, like.element());
      return constant(v, like);
    }
    return constant(v, DataType.float(32, like.lanes));
  }
  return constant(v);
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  return `${typeof v} ${String(v)}`;
}

/** Casts `value` to `dtype`, folding constants. */
export function cast(dtype: DTypeLike, value: ExprLike): PrimExpr {
  const t = DataType.parse(dtype);
  const v = toExpr(value);
  if (v.dtype === t) return v;
  if (t.lanes === 1 && v.dtype.lanes === 1) {
    if (v instanceof IntImm) return t.isFloat() ? new FloatImm(t, v.value) : constantWrapped(v.value, t);
    if (v instanceof FloatImm && !t.isHandle()) {
      return t.isFloat() ? new FloatImm(t, v.value) : t.isBool() ? new IntImm(t, v.value !== 0 ? 1 : 0) : new IntImm(t, Math.trunc(v.value));
    }
  }
  if (t.lanes !== v.dtype.lanes) {
    if (v.dtype.lanes === 1) return new Broadcast(cast(t.element(), v), t.lanes);
    throw new DTypeError(`cannot cast ${v.dtype} to ${t}: lane counts differ`);
  }
  return new Cast(t, v);
}

function constantWrapped(value: number, t: DataType): PrimExpr {
  if (t.isBool()) return new IntImm(t, value !== 0 ? 1 : 0);
  // C's conversion: the value modulo 2^bits, in the target's range ((uint8)-2 is 254).
  if (t.isIntegral() && t.bits < 64) {
    const m = 2 ** t.bits;
    let w = ((value % m) + m) % m;
    if (t.isInt() && w >= m / 2) w -= m;
    return new IntImm(t, w);
  }
  return new IntImm(t, value);
}

/** Matches operand types as TVM's BinaryOpMatchTypes does; `opName` is for the error message. */
export function matchTypes(opName: string, lhs: ExprLike, rhs: ExprLike): [PrimExpr, PrimExpr] {
  let a: PrimExpr;
  let b: PrimExpr;
  const l = lhs instanceof IterVar ? lhs.var : lhs;
  const r = rhs instanceof IterVar ? rhs.var : rhs;
  // A side that is neither an expression nor a number is named with the expression it meets.
  const operand = (v: ExprLike, side: "left" | "right", other: PrimExpr): PrimExpr => {
    if (typeof v === "number" || typeof v === "boolean" || v instanceof PrimExpr) return toExpr(v, other.dtype.element());
    throw new ArgumentError(`${opName}: the ${side} operand (with ${other}) must be an expression or a number, got ${describe(v)}`);
  };
  if (l instanceof PrimExpr && !(r instanceof PrimExpr)) {
    a = l;
    b = operand(r, "right", l);
  } else if (!(l instanceof PrimExpr) && r instanceof PrimExpr) {
    b = r;
    a = operand(l, "left", r);
  } else {
    a = toExpr(l);
    b = toExpr(r);
  }
  if (a.dtype === b.dtype) return [a, b];
  if (a.dtype.lanes === 1 && b.dtype.lanes !== 1) a = new Broadcast(a, b.dtype.lanes);
  else if (b.dtype.lanes === 1 && a.dtype.lanes !== 1) b = new Broadcast(b, a.dtype.lanes);
  else if (a.dtype.lanes !== b.dtype.lanes) {
    throw new DTypeError(`${opName}: cannot match types ${a.dtype} and ${b.dtype} (different lanes)`);
  }
  if (a.dtype === b.dtype) return [a, b];
  const ta = a.dtype;
  const tb = b.dtype;
  if (!ta.isFloat() && tb.isFloat() && !ta.isHandle()) a = cast(tb, a);
  else if (ta.isFloat() && !tb.isFloat() && !tb.isHandle()) b = cast(ta, b);
  else if ((ta.isInt() && tb.isInt()) || (ta.isUInt() && tb.isUInt())) {
    if (ta.bits < tb.bits) a = cast(tb, a);
    else b = cast(ta, b);
  } else if ((ta.isInt() && tb.isUInt()) || (ta.isUInt() && tb.isInt())) {
    const bits = Math.max(ta.bits, tb.bits);
    a = cast(DataType.int(bits, ta.lanes), a);
    b = cast(DataType.int(bits, tb.lanes), b);
  } else {
    throw new DTypeError(`${opName}: mismatched dtypes ${ta} and ${tb}; cast one side explicitly with .cast()`);
  }
  return [a, b];
}

type BinaryCtor = new (a: PrimExpr, b: PrimExpr) => PrimExpr;

/** `kind(a, b)` of operands already matched: folded when TryConstFold folds it, else a node. */
function binary(kind: FoldKind, ctor: BinaryCtor, a: PrimExpr, b: PrimExpr): PrimExpr {
  return tryConstFold(kind, a, b) ?? new ctor(a, b);
}

/**
 * `x + y` (TVM's tir.add): numbers become constants of the other side's dtype, dtypes are matched
 * (int to float, the narrower int to the wider, a scalar broadcast to the vector's lanes) and
 * constants fold.
 * @param x The left operand.
 * @param y The right operand.
 * @returns The sum.
 * @throws Error when the dtypes cannot be matched or an operand is not an expression or a number.
 */
export function add(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("add", x, y);
  return binary("Add", Add, a, b);
}

/**
 * `x - y`, operands matched as in {@link add}.
 * @param x The left operand.
 * @param y The right operand.
 * @returns The difference.
 */
export function sub(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("sub", x, y);
  return binary("Sub", Sub, a, b);
}

/**
 * `x * y`, operands matched as in {@link add}.
 * @param x The left operand.
 * @param y The right operand.
 * @returns The product.
 */
export function mul(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("mul", x, y);
  return binary("Mul", Mul, a, b);
}

/** Truncating division for integers, true division for floats. */
export function div(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("div", x, y);
  // Unlike TVM's TryConstFold, a float division by zero is built (inf or nan when it runs).
  if (b instanceof FloatImm && b.value === 0) return a instanceof FloatImm && a.value === 0 ? a : new Div(a, b);
  return binary("Div", Div, a, b);
}

export const truncdiv = div;

/**
 * The remainder of truncating division (C's `%`, TVM's truncmod) of two integers.
 * @param x The dividend.
 * @param y The divisor.
 * @returns The remainder; its sign follows the dividend.
 * @throws Error for float operands (use floormod).
 */
export function truncmod(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("mod", x, y);
  if (a.dtype.isFloat()) throw new DTypeError(`mod: needs integers, got ${a.dtype}; use floormod`);
  return binary("Mod", Mod, a, b);
}

/**
 * Division rounding toward negative infinity (TVM's floordiv); for floats `floor(x / y)`.
 * @param x The dividend.
 * @param y The divisor.
 * @returns The quotient.
 */
export function floordiv(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("floordiv", x, y);
  if (a.dtype.isFloat()) return floor(div(a, b));
  return binary("FloorDiv", FloorDiv, a, b);
}

/**
 * The remainder of {@link floordiv} (TVM's floormod); its sign follows the divisor.
 * @param x The dividend.
 * @param y The divisor.
 * @returns The remainder.
 */
export function floormod(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("floormod", x, y);
  if (a.dtype.isFloat()) return sub(a, mul(floor(div(a, b)), b));
  return binary("FloorMod", FloorMod, a, b);
}

/**
 * The smaller of `x` and `y` (TVM's min).
 * @param x One operand.
 * @param y The other.
 * @returns The minimum.
 */
export function min(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("min", x, y);
  return binary("Min", Min, a, b);
}

/**
 * The larger of `x` and `y` (TVM's max).
 * @param x One operand.
 * @param y The other.
 * @returns The maximum.
 */
export function max(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("max", x, y);
  return binary("Max", Max, a, b);
}

function compare(kind: FoldKind, ctor: BinaryCtor, x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes(kind.toLowerCase(), x, y);
  return binary(kind, ctor, a, b);
}

/**
 * `x == y` (TVM's EQ), operands matched as in {@link add}.
 * @param x The left operand.
 * @param y The right operand.
 * @returns A bool expression.
 */
export function eq(x: ExprLike, y: ExprLike): PrimExpr { return compare("EQ", EQ, x, y); }
/**
 * `x != y` (TVM's NE).
 * @param x The left operand.
 * @param y The right operand.
 * @returns A bool expression.
 */
export function ne(x: ExprLike, y: ExprLike): PrimExpr { return compare("NE", NE, x, y); }
/**
 * `x < y` (TVM's LT).
 * @param x The left operand.
 * @param y The right operand.
 * @returns A bool expression.
 */
export function lt(x: ExprLike, y: ExprLike): PrimExpr { return compare("LT", LT, x, y); }
/**
 * `x <= y` (TVM's LE).
 * @param x The left operand.
 * @param y The right operand.
 * @returns A bool expression.
 */
export function le(x: ExprLike, y: ExprLike): PrimExpr { return compare("LE", LE, x, y); }
/**
 * `x > y` (TVM's GT).
 * @param x The left operand.
 * @param y The right operand.
 * @returns A bool expression.
 */
export function gt(x: ExprLike, y: ExprLike): PrimExpr { return compare("GT", GT, x, y); }
/**
 * `x >= y` (TVM's GE).
 * @param x The left operand.
 * @param y The right operand.
 * @returns A bool expression.
 */
export function ge(x: ExprLike, y: ExprLike): PrimExpr { return compare("GE", GE, x, y); }

function toBool(name: string, v: ExprLike): PrimExpr {
  const e = toExpr(v);
  if (!e.dtype.isBool()) throw new DTypeError(`${name}: needs a bool expression, got ${e.dtype} (${e})`);
  return e;
}

/**
 * `x && y` of two bool expressions (TVM's logical_and); constants fold.
 * @param x A bool operand.
 * @param y A bool operand.
 * @returns A bool expression.
 * @throws Error when an operand is not bool.
 */
export function logicalAnd(x: ExprLike, y: ExprLike): PrimExpr {
  return binary("And", And, toBool("and", x), toBool("and", y));
}

/**
 * `x || y` of two bool expressions (TVM's logical_or); constants fold.
 * @param x A bool operand.
 * @param y A bool operand.
 * @returns A bool expression.
 * @throws Error when an operand is not bool.
 */
export function logicalOr(x: ExprLike, y: ExprLike): PrimExpr {
  return binary("Or", Or, toBool("or", x), toBool("or", y));
}

/**
 * `!x` of a bool expression (TVM's logical_not); constants fold.
 * @param x A bool operand.
 * @returns A bool expression.
 * @throws Error when the operand is not bool.
 */
export function logicalNot(x: ExprLike): PrimExpr {
  const a = toBool("not", x);
  return tryConstFoldNot(a) ?? new Not(a);
}

/**
 * `-x`: constants fold, anything else is `0 - x`.
 * @param x The operand.
 * @returns The negation, of the same dtype.
 */
export function neg(x: ExprLike): PrimExpr {
  const a = toExpr(x);
  if (a instanceof IntImm) return new IntImm(a.dtype, wrapInt(-a.value, a.dtype));
  if (a instanceof FloatImm) return new FloatImm(a.dtype, -a.value);
  return sub(constant(0, a.dtype), a);
}

/**
 * `cond ? t : f` (TVM's tir.Select); both branches may be evaluated, so use {@link ifThenElse}
 * when one would read out of bounds.
 * @param cond A bool expression.
 * @param t The value when `cond` holds.
 * @param f The value otherwise (matched with `t` as in {@link add}).
 * @returns The selected value.
 * @throws Error when `cond` is not bool.
 */
export function select(cond: ExprLike, t: ExprLike, f: ExprLike): PrimExpr {
  const c = toBool("select", cond);
  const [a, b] = matchTypes("select", t, f);
  return new Select(c, a, b);
}

/** A call of a TIR intrinsic, e.g. intrin("float32", "tir.exp", x). */
export function intrin(dtype: DTypeLike, name: string, ...args: PrimExpr[]): Call {
  return new Call(dtype, name, args);
}

function floatUnary(name: string, x: ExprLike): PrimExpr {
  const a = toExpr(x);
  if (!a.dtype.isFloat()) throw new DTypeError(`${name}: needs a float expression, got ${a.dtype}; cast it first`);
  return new Call(a.dtype, `tir.${name}`, [a]);
}

/**
 * `e^x` (TVM's exp).
 * @param x A float expression.
 * @returns A call of tir.exp.
 * @throws Error when `x` is not float (cast it first).
 */
export const exp = (x: ExprLike): PrimExpr => floatUnary("exp", x);
/**
 * `2^x` (TVM's exp2).
 * @param x A float expression.
 * @returns A call of tir.exp2.
 * @throws Error when `x` is not float.
 */
export const exp2 = (x: ExprLike): PrimExpr => floatUnary("exp2", x);
/**
 * The natural logarithm (TVM's log).
 * @param x A float expression.
 * @returns A call of tir.log.
 * @throws Error when `x` is not float.
 */
export const log = (x: ExprLike): PrimExpr => floatUnary("log", x);
/**
 * The base-2 logarithm (TVM's log2).
 * @param x A float expression.
 * @returns A call of tir.log2.
 * @throws Error when `x` is not float.
 */
export const log2 = (x: ExprLike): PrimExpr => floatUnary("log2", x);
/**
 * The base-10 logarithm (TVM's log10).
 * @param x A float expression.
 * @returns A call of tir.log10.
 * @throws Error when `x` is not float.
 */
export const log10 = (x: ExprLike): PrimExpr => floatUnary("log10", x);
/**
 * The square root (TVM's sqrt).
 * @param x A float expression.
 * @returns A call of tir.sqrt.
 * @throws Error when `x` is not float.
 */
export const sqrt = (x: ExprLike): PrimExpr => floatUnary("sqrt", x);
/**
 * `1 / sqrt(x)` (TVM's rsqrt).
 * @param x A float expression.
 * @returns A call of tir.rsqrt.
 * @throws Error when `x` is not float.
 */
export const rsqrt = (x: ExprLike): PrimExpr => floatUnary("rsqrt", x);
/**
 * The hyperbolic tangent (TVM's tanh).
 * @param x A float expression.
 * @returns A call of tir.tanh.
 * @throws Error when `x` is not float.
 */
export const tanh = (x: ExprLike): PrimExpr => floatUnary("tanh", x);
/**
 * `1 / (1 + e^-x)` (TVM's sigmoid).
 * @param x A float expression.
 * @returns A call of tir.sigmoid.
 * @throws Error when `x` is not float.
 */
export const sigmoid = (x: ExprLike): PrimExpr => floatUnary("sigmoid", x);
/**
 * The sine (TVM's sin).
 * @param x A float expression (radians).
 * @returns A call of tir.sin.
 * @throws Error when `x` is not float.
 */
export const sin = (x: ExprLike): PrimExpr => floatUnary("sin", x);
/**
 * The cosine (TVM's cos).
 * @param x A float expression (radians).
 * @returns A call of tir.cos.
 * @throws Error when `x` is not float.
 */
export const cos = (x: ExprLike): PrimExpr => floatUnary("cos", x);
/**
 * The error function (TVM's erf).
 * @param x A float expression.
 * @returns A call of tir.erf.
 * @throws Error when `x` is not float.
 */
export const erf = (x: ExprLike): PrimExpr => floatUnary("erf", x);

function roundingUnary(name: string, x: ExprLike, fold: (v: number) => number): PrimExpr {
  const a = toExpr(x);
  if (a.dtype.isIntegral()) return a;
  if (a instanceof FloatImm) return new FloatImm(a.dtype, fold(a.value));
  return floatUnary(name, a);
}
/**
 * Rounds down (TVM's floor); an integer expression is returned as is and a constant folds.
 * @param x The operand.
 * @returns A call of tir.floor, or the folded value.
 */
export const floor = (x: ExprLike): PrimExpr => roundingUnary("floor", x, Math.floor);
/**
 * Rounds up (TVM's ceil); an integer expression is returned as is and a constant folds.
 * @param x The operand.
 * @returns A call of tir.ceil, or the folded value.
 */
export const ceil = (x: ExprLike): PrimExpr => roundingUnary("ceil", x, Math.ceil);
/**
 * Rounds to the nearest integer (TVM's round); an integer expression is returned as is and a
 * constant folds (with JS's Math.round).
 * @param x The operand.
 * @returns A call of tir.round, or the folded value.
 */
export const round = (x: ExprLike): PrimExpr => roundingUnary("round", x, Math.round);
/**
 * Rounds toward zero (TVM's trunc); an integer expression is returned as is and a constant folds.
 * @param x The operand.
 * @returns A call of tir.trunc, or the folded value.
 */
export const trunc = (x: ExprLike): PrimExpr => roundingUnary("trunc", x, Math.trunc);

/**
 * The absolute value (TVM's abs): unsigned and bool values are returned as is, a signed int
 * becomes `x >= 0 ? x : -x`, a float a call of tir.fabs; constants fold.
 * @param x The operand.
 * @returns The absolute value, of the same dtype.
 */
export function abs(x: ExprLike): PrimExpr {
  const a = toExpr(x);
  if (a.dtype.isUInt() || a.dtype.isBool()) return a;
  if (a.dtype.isInt()) {
    if (a instanceof IntImm) return new IntImm(a.dtype, Math.abs(a.value));
    return select(ge(a, 0), a, neg(a));
  }
  if (a instanceof FloatImm) return new FloatImm(a.dtype, Math.abs(a.value));
  return floatUnary("fabs", a);
}

/**
 * `x` to the power `y` (TVM's pow), operands matched as in {@link add}.
 * @param x The base, a float expression.
 * @param y The exponent.
 * @returns A call of tir.pow.
 * @throws Error when the operands are not float (cast first).
 */
export function pow(x: ExprLike, y: ExprLike): PrimExpr {
  const [a, b] = matchTypes("pow", x, y);
  if (!a.dtype.isFloat()) throw new DTypeError(`pow: needs float operands, got ${a.dtype}; cast first`);
  return new Call(a.dtype, "tir.pow", [a, b]);
}

/** A hint that `cond` is usually true (TVM's likely); used for tail guards. */
export function likely(cond: ExprLike): PrimExpr {
  const c = toBool("likely", cond);
  if (c instanceof IntImm) return c;
  return new Call(c.dtype, "tir.likely", [c]);
}

/** Conditional expression that evaluates only the taken branch (TVM's if_then_else). */
export function ifThenElse(cond: ExprLike, t: ExprLike, f: ExprLike): PrimExpr {
  const c = toBool("ifThenElse", cond);
  const [a, b] = matchTypes("ifThenElse", t, f);
  if (c instanceof IntImm) return c.value ? a : b;
  return new Call(a.dtype, "tir.if_then_else", [c, a, b]);
}

/** The smallest value of a dtype. */
export function minValue(dtype: DTypeLike): PrimExpr {
  const t = DataType.parse(dtype);
  if (t.isInt()) return constant(t.bits >= 53 ? Number.MIN_SAFE_INTEGER : -(2 ** (t.bits - 1)), t);
  if (t.isUInt() || t.isBool()) return constant(0, t);
  if (t.isFloat()) return constant(t.bits === 16 ? -65504 : t.bits === 32 ? -3.4028234663852886e38 : -Number.MAX_VALUE, t);
  throw new DTypeError(`minValue: no minimum for ${t}`);
}

/** The largest value of a dtype. */
export function maxValue(dtype: DTypeLike): PrimExpr {
  const t = DataType.parse(dtype);
  if (t.isInt()) return constant(t.bits >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** (t.bits - 1) - 1, t);
  if (t.isUInt()) return constant(t.bits >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** t.bits - 1, t);
  if (t.isBool()) return constant(1, t);
  if (t.isFloat()) return constant(t.bits === 16 ? 65504 : t.bits === 32 ? 3.4028234663852886e38 : Number.MAX_VALUE, t);
  throw new DTypeError(`maxValue: no maximum for ${t}`);
}

