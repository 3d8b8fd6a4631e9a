// Reference checks run on every entry's output before it is timed: an entry whose output is
// wrong is reported as such and not timed. Element-wise checks compare with a float64 reference;
// a GEMM too large for a JS reference is checked by Freivalds' test (C·x against A·(B·x) for
// random ±1 vectors, which any wrong element perturbs) and by exact sampled elements.

/** Thrown when an output does not match its reference. */
export class CheckError extends Error {}

/** Largest |got - want| / max(|want|, floor) over all elements; throws CheckError above `rtol`. */
export function checkClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, floor = 1): string {
  if (got.length !== want.length) throw new CheckError(`output has ${got.length} elements, the reference ${want.length}`);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), floor);
    // NaN compares false: count it as the worst error.
    if (!(e <= worst)) {
      worst = Number.isNaN(e) ? Infinity : e;
      at = i;
      if (worst === Infinity) break;
    }
  }
  if (!(worst <= rtol)) throw new CheckError(`element ${at} is ${got[at]}, the reference ${want[at]} (relative error ${worst.toExponential(2)} > ${rtol})`);
  return `max rel. error ${worst.toExponential(1)}`;
}

/** The project's seeded generator (mulberry32), shared with the interpreter and the tests. */
export { prng } from "../../ts/interp/prng.js";
import { prng } from "../../ts/interp/prng.js";

/** `n` floats uniform in [lo, hi), from `seed`. */
export function randomFloats(n: number, seed: number, lo = -0.5, hi = 0.5): Float32Array {
  const r = prng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/**
 * Checks C = A·B (row-major, A m x k, B k x n) without an O(mnk) reference: `samples` elements
 * recomputed in float64 (relative to Σ|a||b|), and Freivalds' test with two ±1 vectors, whose
 * residual each row must keep within float32 rounding of Σ|A||B||x|.
 */
export function checkGemm(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>, m: number, n: number, k: number, samples = 256): string {
  if (c.length !== m * n) throw new CheckError(`output has ${c.length} elements, expected ${m} x ${n} = ${m * n}`);
  const r = prng(m * 7919 + n * 31 + k);
  const eps = 2 ** -24;
  let worst = 0;
  for (let s = 0; s < samples; s++) {
    const i = Math.floor(r() * m);
    const j = Math.floor(r() * n);
    let sum = 0;
    let mag = 0;
    for (let p = 0; p < k; p++) {
      const t = a[i * k + p] * b[p * n + j];
      sum += t;
      mag += Math.abs(t);
    }
    const e = Math.abs(c[i * n + j] - sum) / Math.max(mag, 1e-30);
    if (!(e <= 4 * k * eps)) throw new CheckError(`C[${i}, ${j}] is ${c[i * n + j]}, the reference ${sum} (error ${e.toExponential(2)} of Σ|a·b|)`);
    worst = Math.max(worst, e);
  }
  // Per row of B, the rms of its elements: row i's accumulated rounding, summed with random
  // signs over n columns, is about eps·sqrt(k·n)·Σ_p |a_ip|·rms(B_p); the tolerance is 16 times that.
  const rmsB = new Float64Array(k);
  for (let p = 0; p < k; p++) {
    let sq = 0;
    for (let j = 0; j < n; j++) sq += b[p * n + j] ** 2;
    rmsB[p] = Math.sqrt(sq / n);
  }
  for (let t = 0; t < 2; t++) {
    const x = Float64Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1));
    const bx = new Float64Array(k);
    for (let p = 0; p < k; p++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += b[p * n + j] * x[j];
      bx[p] = s;
    }
    for (let i = 0; i < m; i++) {
      let cx = 0;
      let abx = 0;
      let scale = 0;
      for (let j = 0; j < n; j++) cx += c[i * n + j] * x[j];
      for (let p = 0; p < k; p++) {
        abx += a[i * k + p] * bx[p];
        scale += Math.abs(a[i * k + p]) * rmsB[p];
      }
      const resid = Math.abs(cx - abx);
      const tol = 16 * eps * Math.sqrt(k * n) * scale + 1e-30;
      if (!(resid <= tol)) throw new CheckError(`row ${i} of C fails Freivalds' test: |C·x - A·(B·x)| = ${resid.toExponential(2)} > ${tol.toExponential(2)}`);
    }
  }
  return `${samples} sampled elements within ${worst.toExponential(1)} of Σ|a·b|, Freivalds' test passed`;
}
