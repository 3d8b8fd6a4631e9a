// The math the interpreter gives TIR intrinsics (tir.exp, tir.erf, …) and call_extern of libm
// names (expf, fmaxf, …): each function computes in double precision with JS's Math (and an
// erf of our own, which JS lacks); the caller rounds the result to the call's dtype. libm's
// float versions (expf) are computed in double and rounded, which is correctly rounded where
// libm is within an ulp: compare transcendental results with a tolerance of an ulp or two.

import { type MathFn, mathIntrinsics } from "../ir/intrinsics.js";
import { erf } from "../ir/intrinsic_math.js";
import { roundHalfEven } from "./values.js";

export type { MathFn };
export { erf };

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

/** Math intrinsics by name without the "tir." prefix (tir.exp -> exp), from the intrinsic registry. */
const INTRINSICS: Readonly<Record<string, MathFn>> = Object.fromEntries(
  mathIntrinsics().map((i) => [i.name.slice(4), i.math!]),
);

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
