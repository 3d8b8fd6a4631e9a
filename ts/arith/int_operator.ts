// Integer arithmetic on JS numbers as the analyzers need it: floor and truncating division,
// wrapping to a dtype's range, gcd that treats 0 as "no constraint", the extended Euclidean
// algorithm, and addition / multiplication that saturate to ±Infinity (TVM's int64 with
// kPosInf/kNegInf sentinels).

import { ArgumentError, InternalError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";

/** Division rounding toward negative infinity (b != 0). */
export function floorDiv(a: number, b: number): number {
  if (b === 0) throw new ArgumentError("floordiv: division by zero");
  return Math.floor(a / b);
}

/** The remainder of floorDiv: same sign as b. */
export function floorMod(a: number, b: number): number {
  if (b === 0) throw new ArgumentError("floormod: division by zero");
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r === 0 ? 0 : r;
}

/** Division rounding toward zero (C semantics). */
export function truncDiv(a: number, b: number): number {
  if (b === 0) throw new ArgumentError("truncdiv: division by zero");
  return Math.trunc(a / b);
}

/** The remainder of truncDiv: same sign as a (C's %). */
export function truncMod(a: number, b: number): number {
  if (b === 0) throw new ArgumentError("truncmod: division by zero");
  const r = a % b;
  return r === 0 ? 0 : r;
}

/** Wraps an integer result to the dtype's range (two's complement), as C would. */
export function wrapInt(value: number, t: DataType): number {
  if (t.isBool()) return value !== 0 ? 1 : 0;
  if (t.bits >= 53) return value;
  const m = 2 ** t.bits;
  let v = ((value % m) + m) % m;
  if (t.isInt() && v >= m / 2) v -= m;
  return v;
}

/** gcd(|a|, |b|), where gcd(a, 0) = |a| (0 stands for "any multiple"). */
export function zeroAwareGcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * Extended Euclid: returns [g, x, y] with a*x + b*y = g = gcd(a, b) (a, b >= 0; g >= 0).
 */
export function extendedEuclidean(a: number, b: number): [number, number, number] {
  let oldR = a, r = b;
  let oldS = 1, s = 0;
  let oldT = 0, t = 1;
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
    [oldT, t] = [t, oldT - q * t];
  }
  if (oldR < 0) return [-oldR, -oldS, -oldT];
  return [oldR, oldS, oldT];
}

/** x + y where either may be ±Infinity; inf + (-inf) is a caller error. */
export function infAwareAdd(x: number, y: number): number {
  if (x === Infinity || x === -Infinity) {
    if (y === -x) throw new InternalError(`adding ${x} and ${y}`);
    return x;
  }
  if (y === Infinity || y === -Infinity) return y;
  const r = x + y;
  if (!Number.isSafeInteger(r)) return r > 0 ? Infinity : -Infinity;
  return r;
}

/** x * y where either may be ±Infinity; 0 * inf = 0. */
export function infAwareMul(x: number, y: number): number {
  if (x === 0 || y === 0) return 0;
  const r = x * y;
  if (!Number.isFinite(r) || !Number.isSafeInteger(r)) return r > 0 ? Infinity : -Infinity;
  return r;
}
