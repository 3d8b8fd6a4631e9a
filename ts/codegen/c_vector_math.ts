// Vector math for the C backend: exp, exp2, log, log2, tanh, erf, pow and sqrt of float32 vectors
// (any power-of-two lane count) as one vector computation instead of one libm call per lane.
// Each function is range reduction plus a polynomial, written with GCC/Clang vector extension
// types, so gcc keeps it in vector registers (vfmadd, vpslld, vblendm, …):
// - exp: x = n·ln2 + r with n = round(x/ln2) (by the 1.5·2^23 rounding constant) and r by a
//   two-constant (Cody–Waite) subtraction, |r| ≤ ln2/2; e^r = 1 + (r + r²·P(r)), P of degree 5;
//   the result is scaled by 2^n in two exponent-field multiplies so subnormal results round once.
//   exp2 uses the same polynomial on (x − round(x))·ln2.
// - log: x = m·2^k with m in [√½, √2) read from the bits (subnormals scaled by 2^23 first);
//   log m = f − f²/2 + f³·P(f), f = m − 1, P of degree 8; k·ln2 added in two parts. log2 scales
//   the same core by log2(e).
// - tanh: x + x³·P(x²) below |x| = 0.625, 1 − 2/(e^(2|x|) + 1) above (saturates to ±1).
// - erf: x·P(x²) below |x| = 0.84375, 1 − e^(−x²)·Q(|x|) up to 4 (Q fits erfc(x)·e^(x²)), 1 beyond.
// - pow: exp2(y·log2|x|) evaluated in float64 vectors (log by the atanh series, exp2 by Taylor),
//   so the product's rounding does not reach the float result; C's special cases (pow(x, ±0) = 1,
//   pow(1, y) = 1, pow(−1, ±inf) = 1, negative x with integer y, NaN for negative x and a
//   non-integer y, zeros and infinities) are selected lane-wise.
// - exp of float64 vectors: the same with float64 constants and a degree-13 Taylor polynomial.
// - sqrt: the hardware instruction (vsqrtps / sqrtps through __builtin_ia32_*) where the target
//   has it; gcc does not vectorize a lane loop of __builtin_sqrtf because of errno.
// The polynomials were fitted by Chebyshev interpolation in double (scripts/fit_vector_math.mjs)
// and their maximum errors are measured by test/codegen/vector_math.test.ts (docs/vector_math.md).
// Float64 vectors have exp and sqrt; their other functions and all scalars keep libm (lane by lane
// for vectors), which is correctly rounded or nearly so.

import { UnsupportedError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import type { CTypes } from "./c_types.js";

/** The functions with a vector implementation, by the libm name lowerIntrin gives them. */
const VECTOR_MATH: Readonly<Record<string, string>> = {
  expf: "exp", exp2f: "exp2", logf: "log", log2f: "log2", tanhf: "tanh", erff: "erf", powf: "pow",
  sqrtf: "sqrt", sqrt: "sqrt", exp: "exp",
};

/** The vector function implementing libm's `externName` for vectors of `t`, if there is one. */
export function vectorMathFunction(externName: string, t: DataType): string | undefined {
  if (t.lanes === 1 || !t.isFloat()) return undefined;
  const fn = VECTOR_MATH[externName];
  if (fn === undefined) return undefined;
  if (t.bits === 64 && fn !== "sqrt" && fn !== "exp") return undefined;
  return fn;
}

/** What the definitions need from the helper registry. */
export interface VectorMathHost {
  readonly types: CTypes;
  define(name: string, def: () => string): string;
  select(t: DataType): string;
  broadcast(t: DataType): string;
  /** The vector min/max helper (`a < b ? a : b` / `a > b ? a : b`; minps/maxps where the target has them). */
  minMax(kind: "min" | "max", t: DataType): string;
}

/** A float literal of a float32 value (exactly representable digits, `f` suffix). */
function f32(v: number): string {
  const s = Math.fround(v).toPrecision(9);
  return `${s}f`;
}

/** Horner evaluation of Σ c_k v^k as C text. */
function horner(v: string, coeffs: readonly number[]): string {
  let s = f32(coeffs[coeffs.length - 1]);
  for (let k = coeffs.length - 2; k >= 0; k--) s = `${f32(coeffs[k])} + ${v} * (${s})`;
  return s;
}

// (e^r − 1 − r)/r² on [−ln2/2, ln2/2], degree 5.
const EXP_P = [0.5, 0.166666672, 0.0416664667, 0.00833329838, 0.00139336439, 0.000198992770];
// (log(1+f) − f + f²/2)/f³ on [√½ − 1, √2 − 1], in u = (f − mid)/half, degree 8.
const LOG_MID = 0.0606601717798213;
const LOG_HALF = 0.3535533905932738;
const LOG_P = [0.318868846, -0.0804177076, 0.0215705670, -0.00601953175, 0.00172588881, -0.000495609187,
  0.000146187027, -0.0000559440123, 0.0000174554534];
// (tanh(x) − x)/x³ as a function of z = x² on [0, 0.625²], in u = z/half − 1, degree 5.
const TANH_HALF = 0.1953125;
const TANH_P = [-0.309199393, 0.0223661065, -0.00163814495, 0.000120138204, -0.00000888386876, 6.52517429e-7];
// erf(x)/x − 1 as a function of z = x² on [0, 0.84375²], in u = z/half − 1, degree 5 (the 1 is
// added last, so the coefficients' rounding is relative to the small correction).
const ERF_SMALL_HALF = 0.355957031;
const ERF_SMALL_P = [0.007659021636, -0.108613171, 0.0111197587, -0.000920535822, 0.0000630408467, -0.00000363251820];
// erfc(x)·e^(x²) on [0.84375, 4], in u = (x − 2.421875)/1.578125, degree 12.
const ERF_LARGE_MID = 2.421875;
const ERF_LARGE_HALF = 1.578125;
const ERF_LARGE_P = [0.216770872, -0.123717494, 0.0670120716, -0.0346638523, 0.0172062591, -0.00821808074,
  0.00379632250, -0.00173235510, 0.000755736837, -0.000265738519, 0.000107805703, -0.0000867868439,
  0.0000347011483];

interface Names {
  readonly F: string; readonly I: string; readonly U: string; readonly N: number; readonly suffix: string;
  /** Helpers, defined when first read (clang warns about an unused static function). */
  readonly sel: string; readonly bF: string; readonly bI: string; readonly min: string; readonly max: string;
}

function names(host: VectorMathHost, t: DataType): Names {
  const N = t.lanes;
  const F = host.types.value(t);
  const I = host.types.value(DataType.int(32, N));
  const U = host.types.value(DataType.uint(32, N));
  return {
    F, I, U, N, suffix: F,
    get sel() { return host.select(t); },
    get bF() { return host.broadcast(t); },
    get bI() { return host.broadcast(DataType.int(32, N)); },
    get min() { return host.minMax("min", t); },
    get max() { return host.minMax("max", t); },
  };
}

/** Defines the vector function `fn` (and what it calls) for `t`; returns its C name. */
export function defineVectorMath(host: VectorMathHost, fn: string, t: DataType): string {
  if (fn === "sqrt") return defineSqrt(host, t);
  if (fn === "exp" && t.bits === 64) return defineExp64(host, t);
  if (t.bits !== 32) throw new UnsupportedError(`codegen: no vector ${fn} of ${t}`);
  const n = names(host, t);
  switch (fn) {
    case "exp": return defineExpCore(host, n, "exp");
    case "exp2": return defineExpCore(host, n, "exp2");
    case "log": return defineLog(host, n, "log");
    case "log2": return defineLog(host, n, "log2");
    case "tanh": return defineTanh(host, n);
    case "erf": return defineErf(host, n);
    case "pow": return definePow(host, n, t);
    default: throw new UnsupportedError(`codegen: no vector math function ${fn}`);
  }
}

/**
 * exp / exp2 of 16 float32 lanes with AVX-512F instructions, defined only when the compiler targets
 * AVX-512F (`#if defined(__AVX512F__)`; the portable code below is used otherwise): the clamp by
 * vminps / vmaxps (the min/max helpers; a NaN operand in the second place is passed through), n = round(x/ln2) by
 * vrndscaleps, and the scaling by 2^n by one vscalefps (p·2^n rounded once: subnormal results
 * round once, 2^128 overflows to +inf). The same polynomial as the portable code, so the two
 * agree to the last bit but where x/ln2 lies within a rounding of a half-integer (n then differs
 * by one and r by ln2, inside the polynomial's interval either way).
 */
function defineExpAvx512(host: VectorMathHost, which: "exp" | "exp2"): string {
  const F = host.types.value(DataType.float(32, 16));
  const t16 = DataType.float(32, 16);
  const bF = host.broadcast(t16);
  const min = host.minMax("min", t16);
  const max = host.minMax("max", t16);
  const name = `__tejit_v${which}_avx512_${F}`;
  const [lo, hi] = which === "exp" ? ["-104.0f", "88.7600021f"] : ["-151.0f", "128.399994f"];
  // The min/max helpers are vminps/vmaxps here, which give b when either is NaN: the constant
  // goes first so a NaN x stays NaN.
  const reduce = which === "exp"
    ? `  ${F} n = __builtin_ia32_rndscaleps_mask(xc * 1.44269502f, 0, xc, (unsigned short)0xffff, 4);
  ${F} r = xc - n * 0.693359375f;
  r = r - n * -2.12194442e-4f;`
    : `  ${F} n = __builtin_ia32_rndscaleps_mask(xc, 0, xc, (unsigned short)0xffff, 4);
  ${F} r = (xc - n) * 0.693147182f;`;
  return host.define(name, () => `#if defined(__AVX512F__)
/* ${which}(x), 16 float32 lanes with AVX-512F: clamp by vminps/vmaxps, n by vrndscaleps, e^r by the polynomial, times 2^n by vscalefps. */
static inline ${F} ${name}(${F} x) {
  ${F} xc = ${max}(${bF}(${lo}), ${min}(${bF}(${hi}), x));
${reduce}
  ${F} p = 1.0f + (r + (r * r) * (${horner("r", EXP_P)}));
  return __builtin_ia32_scalefps512_mask(p, n, p, (unsigned short)0xffff, 4);
}
#endif`);
}

function defineExpCore(host: VectorMathHost, n: Names, which: "exp" | "exp2"): string {
  const { F, I, U, N, bF, min, max } = n;
  const name = `__tejit_v${which}_${n.suffix}`;
  // exp: clamp to [−104, 88.76] (round(x/ln2) stays in [−150, 128]); exp2: to [−151, 128.4].
  const [lo, hi] = which === "exp" ? ["-104.0f", "88.7600021f"] : ["-151.0f", "128.399994f"];
  // n = round(x/ln2): adding 1.5·2^23 leaves it in t's low mantissa bits; n is read from the
  // bits rather than as t − 1.5·2^23, which -ffast-math would reassociate into x/ln2.
  const reduce = which === "exp"
    ? `  ${F} t = xc * 1.44269502f + 12582912.0f;
  ${I} ni = (${I})t - 0x4B400000;
  ${F} n = __builtin_convertvector(ni, ${F});
  ${F} r = xc - n * 0.693359375f;
  r = r - n * -2.12194442e-4f;`
    : `  ${F} t = xc + 12582912.0f;
  ${I} ni = (${I})t - 0x4B400000;
  ${F} n = __builtin_convertvector(ni, ${F});
  ${F} r = (xc - n) * 0.693147182f;`;
  // With AVX-512F, 16 lanes (one register) go through the AVX-512 core. (Wider vectors are
  // split to the target's width before the C is written, split_wide_vectors.ts.)
  const avx512 = N === 16
    ? `#if defined(__AVX512F__)
  return ${defineExpAvx512(host, which)}(x);
#endif
`
    : "";
  return host.define(name, () => `/* ${which}(x), float32 lanes: range reduction to |r| <= ln2/2, e^r by a polynomial, times 2^n in two steps. */
static inline ${F} ${name}(${F} x) {
${avx512}  /* The clamp: min(hi, x) is hi < x ? hi : x and max(lo, .) alike (minps/maxps where the target
     has them), so a NaN fails both comparisons and stays NaN through the polynomial; the integer
     steps on its bits cannot overflow (n1 + 127 < 2^30). */
  ${F} xc = ${max}(${bF}(${lo}), ${min}(${bF}(${hi}), x));
${reduce}
  ${F} p = 1.0f + (r + (r * r) * (${horner("r", EXP_P)}));
  ${I} n1 = ni >> 1;
  ${I} n2 = ni - n1;
  ${F} s1 = (${F})(((${U})n1 + 127u) << 23);
  ${F} s2 = (${F})(((${U})n2 + 127u) << 23);
  return (p * s1) * s2;
}`);
}

function defineLog(host: VectorMathHost, n: Names, which: "log" | "log2"): string {
  const { F, I, U, sel, bF, bI } = n;
  const name = `__tejit_v${which}_${n.suffix}`;
  const combine = which === "log"
    ? `  y = y + e * -2.12194442e-4f;
  y = y - 0.5f * (f * f);
  ${F} r = (f + y) + e * 0.693359375f;`
    : `  y = y - 0.5f * (f * f);
  ${F} lm = f + y;
  ${F} r = e + (lm * 1.44269502f + (lm * 1.92596299e-8f));`;
  return host.define(name, () => `/* ${which}(x), float32 lanes: x = m 2^k with m in [sqrt(1/2), sqrt(2)), log(m) by a polynomial in f = m - 1. */
static inline ${F} ${name}(${F} x) {
  ${I} tiny = x < 1.17549435e-38f;
  ${F} xs = ${sel}(tiny, x * 8388608.0f, x);
  ${U} ix = (${U})xs - 0x3f3504f3u;
  ${I} k = ((${I})ix >> 23) - (tiny & ${bI}(23));
  ${F} m = (${F})((ix & 0x007fffffu) + 0x3f3504f3u);
  ${F} f = m - 1.0f;
  ${F} e = __builtin_convertvector(k, ${F});
  ${F} u = f * ${f32(1 / LOG_HALF)} - ${f32(LOG_MID / LOG_HALF)};
  ${F} y = (f * f) * f * (${horner("u", LOG_P)});
${combine}
  r = ${sel}(x == __builtin_inff(), x, r);
  r = ${sel}(x == 0.0f, ${bF}(-__builtin_inff()), r);
  r = ${sel}(x < 0.0f, ${bF}(__builtin_nanf("")), r);
  return ${sel}(x != x, x, r);
}`);
}

function defineTanh(host: VectorMathHost, n: Names): string {
  const { F, I, U, sel } = n;
  const exp = defineExpCore(host, n, "exp");
  const name = `__tejit_vtanh_${n.suffix}`;
  return host.define(name, () => `/* tanh(x), float32 lanes: an odd polynomial below |x| = 0.625, 1 - 2/(e^(2|x|) + 1) above. */
static inline ${F} ${name}(${F} x) {
  ${U} sign = (${U})x & 0x80000000u;
  ${F} ax = (${F})((${U})x & 0x7fffffffu);
  ${F} z = x * x;
  ${F} u = z * ${f32(1 / TANH_HALF)} - 1.0f;
  ${F} small = ax + ax * z * (${horner("u", TANH_P)});
  ${F} big = 1.0f - 2.0f / (${exp}(ax + ax) + 1.0f);
  ${I} isSmall = ax < 0.625f;
  return (${F})((${U})${sel}(isSmall, small, big) | sign);
}`);
}

function defineErf(host: VectorMathHost, n: Names): string {
  const { F, I, U, sel, bF, min } = n;
  const exp = defineExpCore(host, n, "exp");
  const name = `__tejit_verf_${n.suffix}`;
  return host.define(name, () => `/* erf(x), float32 lanes: x P(x^2) below |x| = 0.84375, 1 - e^(-x^2) Q(|x|) up to 4, 1 beyond. */
static inline ${F} ${name}(${F} x) {
  ${U} sign = (${U})x & 0x80000000u;
  ${F} ax = (${F})((${U})x & 0x7fffffffu);
  ${F} z = x * x;
  ${F} us = z * ${f32(1 / ERF_SMALL_HALF)} - 1.0f;
  ${F} small = x + x * (${horner("us", ERF_SMALL_P)});
  ${F} axc = ${min}(${bF}(4.0f), ax);
  ${F} ul = (axc - ${f32(ERF_LARGE_MID)}) * ${f32(1 / ERF_LARGE_HALF)};
  ${F} big = 1.0f - ${exp}(-(axc * axc)) * (${horner("ul", ERF_LARGE_P)});
  big = (${F})((${U})big | sign);
  ${I} isSmall = ax < 0.84375f;
  return ${sel}(isSmall, small, big);
}`);
}

function definePow(host: VectorMathHost, n: Names, t: DataType): string {
  const { F, I, U, N, sel, bF, bI } = n;
  const td = DataType.float(64, N);
  const D = host.types.value(td);
  const L = host.types.value(DataType.int(64, N));
  const UL = host.types.value(DataType.uint(64, N));
  const selD = host.select(td);
  const bD = host.broadcast(td);
  const name = `__tejit_vpow_${n.suffix}`;
  // atanh series: log(m) = 2 Σ s^(2j+1)/(2j+1), s = f/(2+f), |s| <= 0.172; to j = 9.
  const atanh = Array.from({ length: 9 }, (_, j) => 2 / (2 * j + 3));
  // 2^r = e^(r ln2), |r ln2| <= 0.347: Taylor to degree 12.
  const taylor: number[] = [1];
  for (let k = 1; k <= 12; k++) taylor.push(taylor[k - 1] / k);
  const hornerD = (v: string, c: number[]): string => {
    let s = c[c.length - 1].toPrecision(17);
    for (let k = c.length - 2; k >= 0; k--) s = `${c[k].toPrecision(17)} + ${v} * (${s})`;
    return s;
  };
  void t;
  return host.define(name, () => `/* pow(x, y), float32 lanes: exp2(y log2|x|) in float64 lanes, then C's special cases lane by lane. */
static inline ${F} ${name}(${F} x, ${F} y) {
  ${D} xd = __builtin_convertvector(x, ${D});
  ${D} yd = __builtin_convertvector(y, ${D});
  ${D} ax = (${D})((${UL})xd & 0x7fffffffffffffffull);
  ${UL} ix = (${UL})ax - 0x3fe6a09e667f3bcdull;
  ${D} k = __builtin_convertvector((${L})ix >> 52, ${D});
  ${D} m = (${D})((ix & 0x000fffffffffffffull) + 0x3fe6a09e667f3bcdull);
  ${D} f = m - 1.0;
  ${D} s = f / (2.0 + f);
  ${D} s2 = s * s;
  ${D} ln = 2.0 * s + s * s2 * (${hornerD("s2", atanh)});
  ${D} lg = k + ln * 1.4426950408889634;
  lg = ${selD}(ax == 0.0, ${bD}(-__builtin_inf()), lg);
  lg = ${selD}(ax == __builtin_inf(), ax, lg);
  lg = ${selD}(ax != ax, ax, lg);
  ${D} p = yd * lg;
  p = ${selD}(p > 300.0, ${bD}(300.0), p);
  p = ${selD}(p < -300.0, ${bD}(-300.0), p);
  ${D} tt = p + 6755399441055744.0;
  ${UL} nu = (${UL})tt - 0x4338000000000000ull;
  ${D} nd = __builtin_convertvector((${L})nu, ${D});
  ${D} r = (p - nd) * 0.69314718055994531;
  ${D} e2 = ${hornerD("r", taylor)};
  ${UL} scale = (nu + 1023u) << 52;
  ${F} res = __builtin_convertvector(e2 * (${D})scale, ${F});
  ${F} ay = (${F})((${U})y & 0x7fffffffu);
  ${I} big = ay >= 8388608.0f;
  ${I} integral = big | (((ay + 8388608.0f) - 8388608.0f) == ay);
  ${I} yi = __builtin_convertvector(${sel}(ay < 16777216.0f, y, ${bF}(0.0f)), ${I});
  ${I} odd = integral & ((yi & ${bI}(1)) != 0);
  ${I} negx = (${I})x < 0;
  res = ${sel}(negx & odd, -res, res);
  res = ${sel}((x < 0.0f) & (x > -__builtin_inff()) & ~integral, ${bF}(__builtin_nanf("")), res);
  ${I} one = (y == 0.0f) | (x == 1.0f) | ((x == -1.0f) & (ay == __builtin_inff()));
  return ${sel}(one, ${bF}(1.0f), res);
}`);
}

/** exp of float64 vectors: the float32 method with float64 constants and a degree-13 Taylor polynomial. */
function defineExp64(host: VectorMathHost, t: DataType): string {
  const D = host.types.value(t);
  const L = host.types.value(DataType.int(64, t.lanes));
  const UL = host.types.value(DataType.uint(64, t.lanes));
  const sel = host.select(t);
  const bD = host.broadcast(t);
  const name = `__tejit_vexp_${D}`;
  // e^r − 1 − r = r²·Σ r^(k−2)/k!, k = 2..13: truncation below 2^−57 for |r| <= ln2/2.
  const taylor: number[] = [];
  let f = 1;
  for (let k = 2; k <= 13; k++) {
    f *= k;
    taylor.push(1 / f);
  }
  let poly = taylor[taylor.length - 1].toPrecision(17);
  for (let k = taylor.length - 2; k >= 0; k--) poly = `${taylor[k].toPrecision(17)} + r * (${poly})`;
  return host.define(name, () => `/* exp(x), float64 lanes: as the float32 exp (round(x/ln2) read from the bits, two scaling steps). */
static inline ${D} ${name}(${D} x) {
  ${D} xc = ${sel}(x > 709.8, ${bD}(709.8), x);
  xc = ${sel}(xc < -746.0, ${bD}(-746.0), xc);
  ${D} t = xc * 1.4426950408889634 + 6755399441055744.0;
  ${UL} nu = (${UL})t - 0x4338000000000000ull;
  ${D} n = __builtin_convertvector((${L})nu, ${D});
  ${D} r = xc - n * 6.93147180369123816490e-01;
  r = r - n * 1.90821492927058770002e-10;
  ${D} p = 1.0 + (r + (r * r) * (${poly}));
  ${L} n1 = (${L})nu >> 1;
  ${UL} n2 = nu - (${UL})n1;
  ${D} s1 = (${D})(((${UL})n1 + 1023u) << 52);
  ${D} s2 = (${D})((n2 + 1023u) << 52);
  return (p * s1) * s2;
}`);
}

/** sqrt of float32 or float64 vectors through the SSE/AVX instruction where the target has it. */
function defineSqrt(host: VectorMathHost, t: DataType): string {
  const F = host.types.value(t);
  const N = t.lanes;
  const single = t.bits === 32;
  const name = `__tejit_vsqrt_${F}`;
  const scalar = single ? "__builtin_sqrtf" : "__builtin_sqrt";
  const chunk = (lanes: number, builtin: string, guard: string): string => {
    if (N % lanes !== 0) return "";
    const C = host.types.value(DataType.float(t.bits, lanes));
    const bytes = (t.bits / 8) * lanes;
    return `#if ${guard}
  for (int k = 0; k < ${N / lanes}; k++) {
    ${C} c;
    __builtin_memcpy(&c, (char*)&x + k * ${bytes}, ${bytes});
    c = ${builtin}(c);
    __builtin_memcpy((char*)&r + k * ${bytes}, &c, ${bytes});
  }
  return r;
#endif
`;
  };
  const wide = single ? chunk(8, "__builtin_ia32_sqrtps256", "defined(__AVX__)") : chunk(4, "__builtin_ia32_sqrtpd256", "defined(__AVX__)");
  const narrow = single ? chunk(4, "__builtin_ia32_sqrtps", "defined(__SSE__)") : chunk(2, "__builtin_ia32_sqrtpd", "defined(__SSE2__)");
  return host.define(name, () => `/* sqrt(x) lane-wise through the vector instruction when the target has one (correctly rounded). */
static inline ${F} ${name}(${F} x) {
  ${F} r;
${wide}${narrow}  for (int k = 0; k < ${N}; k++) r[k] = ${scalar}(x[k]);
  return r;
}`);
}
