// Lane-wise application of scalar functions to vector values (arrays of lanes), shared by the
// expression compiler and the calls.

import type { Eval } from "./context.js";
import type { BinaryFn, Scalar, UnaryFn } from "./values.js";

/** Applies a scalar function lane by lane to two vectors of `lanes` lanes. */
export function lanewise2(f: BinaryFn, A: Eval, B: Eval, lanes: number): Eval {
  return (s) => {
    const a = A(s) as Scalar[];
    const b = B(s) as Scalar[];
    const r = new Array<Scalar>(lanes);
    for (let i = 0; i < lanes; i++) r[i] = f(a[i], b[i]);
    return r;
  };
}

/** Applies a scalar function lane by lane to a vector. */
export function lanewise1(f: UnaryFn, A: Eval, lanes: number): Eval {
  return (s) => {
    const a = A(s) as Scalar[];
    const r = new Array<Scalar>(lanes);
    for (let i = 0; i < lanes; i++) r[i] = f(a[i]);
    return r;
  };
}
