// Random numbers for the tests, all from one seeded generator (mulberry32, shared with the
// interpreter's shuffled parallel loops), so every suite is deterministic: a test that fails
// fails again with the same seed.

import { prng } from "../../ts/interp/prng.js";

export { prng };

/** An integer in [lo, hi] (both included). */
export function randomInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** One element of `xs`. */
export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** `n` floats in [-1, 1) from `seed`. */
export function randomFloats(n: number, seed = 1): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}
