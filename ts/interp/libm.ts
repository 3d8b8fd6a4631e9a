// The math the interpreter gives TIR intrinsics (tir.exp, tir.erf, …) and call_extern of libm
// names (expf, fmaxf, …): each function computes in double precision with JS's Math (and an
// erf of our own, which JS lacks); the caller rounds the result to the call's dtype. libm's
// float versions (expf) are computed in double and rounded, which is correctly rounded where
// libm is within an ulp: compare transcendental results with a tolerance of an ulp or two.

import { roundHalfEven } from "./values.js";

export type MathFn = (...args: number[]) => number;

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

/**
 * The error function, to a few ulps in double precision: the everywhere-positive series
 * erf(x) = 2/√π · e^(−x²) · Σ (2x²)^n x / (1·3·…·(2n+1)) below |x| = 2.5 (no cancellation),
 * the continued fraction of erfc above, and ±1 beyond |x| = 6 (erfc(6) < 2^-55).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === 0) return x; // keeps -0
  const a = Math.abs(x);
  const sign = x < 0 ? -1 : 1;
  if (a >= 6) return sign;
  if (a < 2.5) {
    const x2 = a * a;
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return sign * TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  return sign * (1 - erfcLarge(a));
}

/** erfc(a) for a ≥ 2.5 by the continued fraction 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))) (modified Lentz). */
function erfcLarge(a: number): number {
  const tiny = 1e-300;
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = a + an * d;
    d = d === 0 ? tiny : d;
    c = a + an / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-a * a)) / f;
}

/** C's round: halves away from zero. */
export function roundAway(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  const d = Math.abs(x - t);
  const r = d >= 0.5 ? t + Math.sign(x) : t;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

/** C's fmax/fmin: a NaN operand yields the other one. */
function fmax(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return a > b ? a : b;
}
function fmin(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return a < b ? a : b;
}

const signScratch = new Float64Array(1);
const signBytes = new Uint8Array(signScratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** C's copysign: the sign bit of b (NaN's too) on the magnitude of a. */
function copysign(a: number, b: number): number {
  signScratch[0] = b;
  const neg = (signBytes[LITTLE_ENDIAN ? 7 : 0] & 0x80) !== 0;
  return neg ? -Math.abs(a) : Math.abs(a);
}

/** Functions of double arguments, named as TVM's intrinsics are (without the "tir." prefix). */
export const INTRINSICS: Readonly<Record<string, MathFn>> = {
  exp: Math.exp,
  exp2: (x) => 2 ** x,
  exp10: (x) => 10 ** x,
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  nearbyint: roundHalfEven,
  trunc: Math.trunc,
  fabs: Math.abs,
  pow: Math.pow,
  atan2: Math.atan2,
  fmod: (a, b) => a % b,
  hypot: Math.hypot,
  copysign,
  ldexp: (a, e) => a * 2 ** e,
};

/** Intrinsics that are not libm functions, or (round: half to even) differ from libm's of that name. */
const NOT_LIBM = new Set(["exp10", "rsqrt", "sigmoid", "round"]);

/**
 * libm functions by their double names; call_extern also accepts the `f`-suffixed float names.
 * They are the intrinsics of the same name, and libm's own.
 */
const LIBM: Readonly<Record<string, MathFn>> = {
  ...Object.fromEntries(Object.entries(INTRINSICS).filter(([name]) => !NOT_LIBM.has(name))),
  cbrt: Math.cbrt,
  erfc: (x) => 1 - erf(x),
  round: roundAway,
  rint: roundHalfEven,
  fmax,
  fmin,
};

/** The libm function `name` ("expf", "exp", "fmaxf", …), or undefined. */
export function libmFunction(name: string): MathFn | undefined {
  if (Object.hasOwn(LIBM, name)) return LIBM[name];
  if (name.endsWith("f") && Object.hasOwn(LIBM, name.slice(0, -1))) return LIBM[name.slice(0, -1)];
  if (name.endsWith("l") && Object.hasOwn(LIBM, name.slice(0, -1))) return LIBM[name.slice(0, -1)];
  return undefined;
}

/** Names call_extern understands, for error messages. */
export function libmNames(): string[] {
  return Object.keys(LIBM).sort();
}
