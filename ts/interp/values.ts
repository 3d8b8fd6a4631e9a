// Value semantics of TIR scalars in the interpreter, as C gives them for each dtype: integers of
// up to 32 bits are JS numbers wrapped to two's complement (or unsigned) after every operation,
// 64-bit integers are bigints wrapped with BigInt.asIntN/asUintN (exact, no 2^53 limit), floats
// are numbers rounded to their precision after every operation (Math.fround for float32, a
// round-to-nearest-even to half precision for float16), bools are 0/1. Integer division by zero
// is an Error. This file only builds the per-dtype scalar functions; the expression compiler
// picks them once per node, so nothing here dispatches on a dtype per element.

import { IRError, KernelError, UnsupportedError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import { nearbyint as roundHalfEven } from "../ir/intrinsic_math.js";

export { roundHalfEven };

/** A scalar value: number, or bigint for int64/uint64. */
export type Scalar = number | bigint;

export type UnaryFn = (a: Scalar) => Scalar;
export type BinaryFn = (a: Scalar, b: Scalar) => Scalar;

/** True when values of `t` are bigints (64-bit integers). */
export function isBig(t: DataType): boolean {
  return t.isIntegral() && t.bits === 64;
}

// ---------------------------------------------------------------------------------------------
// Rounding to a dtype

/** Rounds a double to the nearest float16 value (ties to even), overflowing to ±Infinity. */
export function f16round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a >= 65520) return sign * Infinity; // halfway between 65504 and 2^16 rounds to even: Infinity
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  if (e < -14) e = -14; // subnormals share the quantum 2^-24
  const q = 2 ** (e - 10);
  return sign * roundHalfEven(a / q) * q;
}

const identity = (x: number): number => x;

/** The function that rounds a double to the float dtype `t` (per lane). */
export function floatRounder(t: DataType): (x: number) => number {
  switch (t.bits) {
    case 16: return f16round;
    case 32: return Math.fround;
    case 64: return identity;
    default: throw new UnsupportedError(`interpreter: float${t.bits} is not supported (float16, float32, float64 are)`);
  }
}

/** Wraps an integer-valued number to a number-backed integer dtype (bits ≤ 32) or bool. */
export function numberWrapper(t: DataType): (x: number) => number {
  if (t.isBool()) return (x) => (x !== 0 ? 1 : 0);
  const bits = t.bits;
  if (t.isInt()) {
    if (bits === 32) return (x) => x | 0;
    if (bits === 16) return (x) => (x << 16) >> 16;
    if (bits === 8) return (x) => (x << 24) >> 24;
    if (bits < 32) {
      const sh = 32 - bits;
      return (x) => (x << sh) >> sh;
    }
  } else {
    if (bits === 32) return (x) => x >>> 0;
    if (bits === 16) return (x) => x & 0xffff;
    if (bits === 8) return (x) => x & 0xff;
    if (bits < 32) {
      const mask = 2 ** bits - 1;
      return (x) => (x & mask) >>> 0;
    }
  }
  throw new UnsupportedError(`interpreter: no number wrapper for ${t}`);
}

/** Wraps a bigint to int64/uint64. */
export function bigWrapper(t: DataType): (x: bigint) => bigint {
  return t.isInt() ? (x) => BigInt.asIntN(t.bits, x) : (x) => BigInt.asUintN(t.bits, x);
}

/**
 * Converts any scalar to the representation of `t`, with C's conversion rules: to an integer a
 * float truncates toward zero (NaN and infinities become 0: C leaves them undefined) and the
 * result wraps; to bool anything non-zero (NaN included) is true; to a float integers round to
 * nearest (64-bit integers correctly, not through a double first).
 */
export function converter(t: DataType): UnaryFn {
  if (t.isHandle()) throw new IRError(`interpreter: cannot convert a number to a handle`);
  if (t.isFloat()) {
    const bits = t.bits;
    const round = floatRounder(t);
    return (x) => (typeof x === "bigint" ? bigintToFloat(x, bits) : round(x));
  }
  if (t.isBool()) return (x) => (x === 0 || x === 0n ? 0 : 1);
  if (isBig(t)) {
    const wrap = bigWrapper(t);
    return (x) => {
      if (typeof x === "bigint") return wrap(x);
      return Number.isFinite(x) ? wrap(BigInt(Math.trunc(x))) : 0n;
    };
  }
  const wrap = numberWrapper(t);
  return (x) => {
    if (typeof x === "bigint") return wrap(Number(BigInt.asUintN(32, x)));
    return Number.isFinite(x) ? wrap(Math.trunc(x)) : 0;
  };
}

/** A bigint rounded to the nearest float of `bits` (ties to even), without double rounding. */
export function bigintToFloat(x: bigint, bits: number): number {
  const precision = bits === 64 ? 53 : bits === 32 ? 24 : 11;
  const neg = x < 0n;
  const a = neg ? -x : x;
  const len = a.toString(2).length;
  let r: number;
  if (len <= precision || bits === 64) {
    r = Number(a); // exact, or BigInt -> Number's own correct rounding
  } else {
    const shift = BigInt(len - precision);
    let q = a >> shift;
    const rem = a - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    r = Number(q) * 2 ** (len - precision);
  }
  r = bits === 32 ? Math.fround(r) : bits === 16 ? f16round(r) : r;
  return neg ? -r : r;
}

// ---------------------------------------------------------------------------------------------
// Binary arithmetic

export type ArithKind = "Add" | "Sub" | "Mul" | "Div" | "Mod" | "FloorDiv" | "FloorMod" | "Min" | "Max";
export type CompareKindName = "EQ" | "NE" | "LT" | "LE" | "GT" | "GE";

/** Thrown for integer division or remainder by zero; `what` describes the expression. */
export function divisionByZero(what: () => string): never {
  throw new KernelError(`interpreter: integer division by zero in ${what()}`);
}

/**
 * The scalar function of an arithmetic node of dtype `t`. `where` describes the node for the
 * division-by-zero error (called only when it happens).
 */
export function arith(kind: ArithKind, t: DataType, where: () => string): BinaryFn {
  if (t.isHandle()) throw new UnsupportedError(`interpreter: arithmetic ${kind} on handles is not supported (${where()})`);
  if (t.isFloat()) return floatArith(kind, floatRounder(t));
  if (isBig(t)) return bigArith(kind, bigWrapper(t), where);
  return intArith(kind, t, numberWrapper(t), where) as BinaryFn;
}

function floatArith(kind: ArithKind, r: (x: number) => number): BinaryFn {
  type F = (a: number, b: number) => number;
  let f: F;
  switch (kind) {
    case "Add": f = (a, b) => r(a + b); break;
    case "Sub": f = (a, b) => r(a - b); break;
    case "Mul": f = (a, b) => r(a * b); break;
    case "Div": f = (a, b) => r(a / b); break;
    // C's fmod, which JS's % is.
    case "Mod": f = (a, b) => r(a % b); break;
    // TVM lowers a float floordiv to floor(a / b), a floormod to a - floor(a / b) * b.
    case "FloorDiv": f = (a, b) => r(Math.floor(r(a / b))); break;
    case "FloorMod": f = (a, b) => r(a - r(Math.floor(r(a / b)) * b)); break;
    // As the C code `a < b ? a : b` does (NaN handling follows from it).
    case "Min": f = (a, b) => (a < b ? a : b); break;
    case "Max": f = (a, b) => (a > b ? a : b); break;
  }
  return f as BinaryFn;
}

function intArith(kind: ArithKind, t: DataType, w: (x: number) => number, where: () => string): (a: number, b: number) => number {
  const u32 = t.isUInt() && t.bits === 32;
  switch (kind) {
    case "Add": return t.isInt() && t.bits === 32 ? (a, b) => (a + b) | 0 : (a, b) => w(a + b);
    case "Sub": return t.isInt() && t.bits === 32 ? (a, b) => (a - b) | 0 : (a, b) => w(a - b);
    // Math.imul gives the low 32 bits exactly (a plain product can exceed 2^53).
    case "Mul": return t.isInt() && t.bits === 32 ? Math.imul : u32 ? (a, b) => Math.imul(a, b) >>> 0 : (a, b) => w(Math.imul(a, b));
    case "Div": return (a, b) => (b === 0 ? divisionByZero(where) : w(Math.trunc(a / b)));
    case "Mod": return (a, b) => (b === 0 ? divisionByZero(where) : w(a % b));
    case "FloorDiv": return (a, b) => (b === 0 ? divisionByZero(where) : w(Math.floor(a / b)));
    case "FloorMod": return (a, b) => (b === 0 ? divisionByZero(where) : w(a - Math.floor(a / b) * b));
    case "Min": return (a, b) => (a < b ? a : b);
    case "Max": return (a, b) => (a > b ? a : b);
  }
}

function bigArith(kind: ArithKind, w: (x: bigint) => bigint, where: () => string): BinaryFn {
  type F = (a: bigint, b: bigint) => bigint;
  let f: F;
  switch (kind) {
    case "Add": f = (a, b) => w(a + b); break;
    case "Sub": f = (a, b) => w(a - b); break;
    case "Mul": f = (a, b) => w(a * b); break;
    case "Div": f = (a, b) => (b === 0n ? divisionByZero(where) : w(a / b)); break;
    case "Mod": f = (a, b) => (b === 0n ? divisionByZero(where) : w(a % b)); break;
    case "FloorDiv": f = (a, b) => {
      if (b === 0n) divisionByZero(where);
      const q = a / b;
      return w(a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q);
    }; break;
    case "FloorMod": f = (a, b) => {
      if (b === 0n) divisionByZero(where);
      const r = a % b;
      return w(r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r);
    }; break;
    case "Min": f = (a, b) => (a < b ? a : b); break;
    case "Max": f = (a, b) => (a > b ? a : b); break;
  }
  return f as BinaryFn;
}

/** A comparison returning 0/1 (works on numbers and bigints alike). */
export function compare(kind: CompareKindName): BinaryFn {
  switch (kind) {
    case "EQ": return (a, b) => (a === b ? 1 : 0);
    case "NE": return (a, b) => (a !== b ? 1 : 0);
    case "LT": return (a, b) => (a < b ? 1 : 0);
    case "LE": return (a, b) => (a <= b ? 1 : 0);
    case "GT": return (a, b) => (a > b ? 1 : 0);
    case "GE": return (a, b) => (a >= b ? 1 : 0);
  }
}

/** The zero of a dtype in its representation. */
export function zeroOf(t: DataType): Scalar {
  return isBig(t) ? 0n : 0;
}

/** Converts a JS number (an IntImm/FloatImm value) to the representation of `t`. */
export function constantOf(t: DataType, v: number): Scalar {
  if (isBig(t)) return t.isInt() ? BigInt.asIntN(64, BigInt(v)) : BigInt.asUintN(64, BigInt(v));
  if (t.isFloat()) return floatRounder(t)(v);
  if (t.isHandle()) throw new IRError(`interpreter: a numeric constant of dtype handle (${v}) has no value`);
  return numberWrapper(t)(v);
}
