// Bit operations as TVM's operators build them: shift_left, shift_right, bitwise_and/or/xor/not on
// integers (operand types matched as for arithmetic; a float or bool operand is an Error naming
// it), and reinterpret (the same bits read as another dtype of the same width). Constants fold
// (both operands IntImm; a reinterpreted FloatImm or IntImm), and a shift by 0 is its left
// operand. The calls print as TVM prints them, `@tir.shift_left(a, b, dtype=int32)`.

import { ArgumentError, DTypeError } from "../errors.js";
import { DataType, type DTypeLike } from "./dtype.js";
import { Call, FloatImm, IntImm, PrimExpr, type ExprLike } from "./expr_nodes.js";
import { IterVar } from "./iter_var.js";
import { matchTypes, toExpr } from "./op.js";

/** Throws unless `v` (operand `which` of `opName`) is an integer expression or an integer number. */
function checkInteger(opName: string, which: string, v: ExprLike): void {
  const e = v instanceof IterVar ? v.var : v;
  const operand = which ? `the ${which} operand` : "the operand";
  if (e instanceof PrimExpr) {
    if (!e.dtype.isIntegral() || e.dtype.isBool()) {
      throw new DTypeError(`${opName}: ${operand} must be an integer (int or uint), got ${e.dtype}: ${e}`);
    }
  } else if (typeof e !== "number" || !Number.isInteger(e)) {
    throw new ArgumentError(`${opName}: ${operand} must be an integer, got ${typeof e === "number" ? e : typeof e}`);
  }
}

function asBig(v: number, t: DataType): bigint {
  return t.isInt() ? BigInt.asIntN(t.bits, BigInt(v)) : BigInt.asUintN(t.bits, BigInt(v));
}

function fromBig(v: bigint, t: DataType): number {
  return Number(t.isInt() ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v));
}

type Fold = (a: bigint, b: bigint) => bigint;

function binaryBitOp(opName: string, intrinsic: string, x: ExprLike, y: ExprLike, fold: Fold): PrimExpr {
  checkInteger(opName, "left", x);
  checkInteger(opName, "right", y);
  const [a, b] = matchTypes(opName, x, y);
  const t = a.dtype;
  if (a instanceof IntImm && b instanceof IntImm) {
    const isShift = intrinsic === "tir.shift_left" || intrinsic === "tir.shift_right";
    if (!isShift || (b.value >= 0 && b.value < t.bits)) return new IntImm(t, fromBig(fold(asBig(a.value, t), asBig(b.value, t)), t));
  }
  if ((intrinsic === "tir.shift_left" || intrinsic === "tir.shift_right") && b instanceof IntImm && b.value === 0) return a;
  return new Call(t, intrinsic, [a, b]);
}

/** a << b (TVM's shift_left). */
export function shiftLeft(x: ExprLike, y: ExprLike): PrimExpr {
  return binaryBitOp("shiftLeft", "tir.shift_left", x, y, (a, b) => a << b);
}

/** a >> b (TVM's shift_right): arithmetic for int, logical for uint. */
export function shiftRight(x: ExprLike, y: ExprLike): PrimExpr {
  return binaryBitOp("shiftRight", "tir.shift_right", x, y, (a, b) => a >> b);
}

/**
 * `x & y` of integers (TVM's bitwise_and); constants fold.
 * @param x An integer operand.
 * @param y The other.
 */
export function bitwiseAnd(x: ExprLike, y: ExprLike): PrimExpr {
  return binaryBitOp("bitwiseAnd", "tir.bitwise_and", x, y, (a, b) => a & b);
}

/**
 * `x | y` of integers (TVM's bitwise_or); constants fold.
 * @param x An integer operand.
 * @param y The other.
 */
export function bitwiseOr(x: ExprLike, y: ExprLike): PrimExpr {
  return binaryBitOp("bitwiseOr", "tir.bitwise_or", x, y, (a, b) => a | b);
}

/**
 * `x ^ y` of integers (TVM's bitwise_xor); constants fold.
 * @param x An integer operand.
 * @param y The other.
 */
export function bitwiseXor(x: ExprLike, y: ExprLike): PrimExpr {
  return binaryBitOp("bitwiseXor", "tir.bitwise_xor", x, y, (a, b) => a ^ b);
}

/**
 * `~x` of an integer (TVM's bitwise_not); constants fold.
 * @param x An integer operand.
 * @throws Error when `x` is not an integer.
 */
export function bitwiseNot(x: ExprLike): PrimExpr {
  checkInteger("bitwiseNot", "", x);
  const a = toExpr(x);
  if (a instanceof IntImm) return new IntImm(a.dtype, fromBig(~asBig(a.value, a.dtype), a.dtype));
  return new Call(a.dtype, "tir.bitwise_not", [a]);
}

const SCRATCH = new DataView(new ArrayBuffer(8));

/** The bits of a scalar constant read as `t` (same width), or undefined when it is not a constant. */
function foldReinterpret(v: PrimExpr, t: DataType): PrimExpr | undefined {
  if (v.dtype.lanes !== 1 || (v.dtype.bits !== 32 && v.dtype.bits !== 64)) return undefined;
  const wide = v.dtype.bits === 64;
  if (v instanceof FloatImm) {
    if (wide) SCRATCH.setFloat64(0, v.value);
    else SCRATCH.setFloat32(0, v.value);
  } else if (v instanceof IntImm) {
    if (wide) SCRATCH.setBigUint64(0, BigInt.asUintN(64, BigInt(v.value)));
    else SCRATCH.setUint32(0, Number(BigInt.asUintN(32, BigInt(v.value))));
  } else {
    return undefined;
  }
  if (t.isFloat()) return new FloatImm(t, wide ? SCRATCH.getFloat64(0) : SCRATCH.getFloat32(0));
  if (wide) {
    const bits = t.isInt() ? SCRATCH.getBigInt64(0) : SCRATCH.getBigUint64(0);
    // An int64 constant beyond 2^53 is not exact as a JS number: keep the call.
    return bits >= BigInt(Number.MIN_SAFE_INTEGER) && bits <= BigInt(Number.MAX_SAFE_INTEGER) ? new IntImm(t, Number(bits)) : undefined;
  }
  return new IntImm(t, t.isInt() ? SCRATCH.getInt32(0) : SCRATCH.getUint32(0));
}

/** The bits of `x` read as `dtype` (TVM's reinterpret): the widths must match, lane for lane. */
export function reinterpret(dtype: DTypeLike, x: ExprLike): PrimExpr {
  const t = DataType.parse(dtype);
  const v = toExpr(x);
  if (v.dtype === t) return v;
  const numeric = (d: DataType): boolean => (d.isIntegral() && !d.isBool()) || d.isFloat();
  if (!numeric(v.dtype)) throw new DTypeError(`reinterpret: the value must be an integer or a float, got ${v.dtype}: ${v}`);
  if (!numeric(t)) throw new DTypeError(`reinterpret: the target dtype must be an integer or a float, got ${t}`);
  if (t.lanes === 1 && v.dtype.lanes > 1) {
    // reinterpret("int32", float32x8 value) keeps the value's lanes.
    return reinterpret(t.withLanes(v.dtype.lanes), v);
  }
  if (t.bits !== v.dtype.bits || t.lanes !== v.dtype.lanes) {
    throw new DTypeError(`reinterpret: cannot reinterpret ${v.dtype} as ${t}: the widths differ (${v.dtype.bits} and ${t.bits} bits a lane; tejit reinterprets lane by lane, e.g. float32 <-> int32)`);
  }
  return foldReinterpret(v, t) ?? new Call(t, "tir.reinterpret", [v]);
}
