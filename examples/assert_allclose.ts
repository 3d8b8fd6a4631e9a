// The check the ported tutorials use in place of tvm.testing.assert_allclose: every element of
// `actual` within atol + rtol * |desired| of `desired`, else an Error naming the first element
// that is not (so the example exits non-zero).

export function assertAllclose(what: string, actual: ArrayLike<number>, desired: ArrayLike<number>, rtol = 1e-7, atol = 0): void {
  if (actual.length !== desired.length) throw new Error(`${what}: ${actual.length} elements, expected ${desired.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - desired[i]) <= atol + rtol * Math.abs(desired[i]))) {
      throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${desired[i]} (rtol ${rtol}, atol ${atol})`);
    }
  }
  console.log(`${what}: matches the JS reference (${actual.length} elements)`);
}

/** `n` uniform random float32 values in [0, 1), as np.random.uniform(size=n).astype("float32"). */
export function uniform(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.random());
}
