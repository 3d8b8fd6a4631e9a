// The math of TIR's intrinsics that JavaScript's Math lacks, in double precision: erf, C's
// copysign (the sign bit of any value, NaN's too) and C's nearbyint (ties to even). The intrinsic
// registry (intrinsics.ts) gives them to the interpreter; the interpreter's libm uses them too.

/** Rounds to the nearest integer, ties to even (C's nearbyint in the default rounding mode). */
export function nearbyint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  let r: number;
  if (d < 0.5) r = f;
  else if (d > 0.5) r = f + 1;
  else r = f % 2 === 0 ? f : f + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

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

const signScratch = new Float64Array(1);
const signBytes = new Uint8Array(signScratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** C's copysign: the sign bit of b (NaN's too) on the magnitude of a. */
export function copysign(a: number, b: number): number {
  signScratch[0] = b;
  const neg = (signBytes[LITTLE_ENDIAN ? 7 : 0] & 0x80) !== 0;
  return neg ? -Math.abs(a) : Math.abs(a);
}
