// te.fastExp: a cheaper float32 exp (TVM's topi fast_exp), written as a tensor expression with the
// bit operations, so it runs everywhere (interpreter, vectorizer, C) and gcc sees plain vector
// arithmetic. Against te.exp (the C backend's vector exp, c_vector_math.ts) it drops what costs
// and rarely matters: a degree-5 polynomial instead of degree 7 (a few ULP instead of ~1), one
// exponent-field scale instead of two (no subnormal results: the input is clamped to
// [-87.34, 88.38], so exp of anything below gives about 1.2e-38 instead of a subnormal or 0, and
// above 88.38 about 2.4e38 instead of up to 3.4e38 or +inf), and no NaN handling (a NaN input
// gives an unspecified value). docs/vector_math.md has the measured error and speed.

import { DTypeError } from "../errors.js";
import { Let, type PrimExpr, Var, type ExprLike } from "../ir/expr.js";
import { reinterpret, shiftLeft } from "../ir/bit_ops.js";
import { constant, max, min, toExpr } from "../ir/op.js";

// exp(r) on [-ln2/2, ln2/2] by a degree-5 polynomial fitted by Chebyshev interpolation
// (relative error 1.1e-7 before rounding).
const P = [1.00000012, 1.0, 0.499988705, 0.166664153, 0.0419175290, 0.00837512873];

/** e^x for float32 (scalar or vector), cheaper and less accurate than te.exp; see the file comment. */
export function fastExp(x: ExprLike): PrimExpr {
  const a = toExpr(x);
  if (a.dtype.element().toString() !== "float32") throw new DTypeError(`fastExp: needs a float32 expression, got ${a.dtype}`);
  const t = a.dtype;
  const c = (v: number): PrimExpr => constant(v, t);
  const xv = new Var("fexp_x", t);
  const tv = new Var("fexp_t", t);
  const rv = new Var("fexp_r", t);
  const clamped = min(max(a, c(-87.3365402)), c(88.3762589));
  // t = x·log2(e) + 1.5·2^23 rounds x·log2(e) to an integer k held in t's low mantissa bits.
  // k is read from t's bits, not as t − 1.5·2^23 (which -ffast-math would reassociate away).
  const tExpr = xv.mul(1.44269502).add(12582912);
  const kBits = reinterpret("int32", tv).sub(0x4b400000);
  const k = kBits.cast(t);
  const r = xv.sub(k.mul(0.693359375)).sub(k.mul(-2.12194442e-4));
  let p: PrimExpr = c(P[P.length - 1]);
  for (let i = P.length - 2; i >= 0; i--) p = p.mul(rv).add(c(P[i]));
  // 2^k: k + 127 in the exponent field (k = bits of t − bits of 1.5·2^23).
  const scale = reinterpret(t, shiftLeft(kBits.add(127), 23));
  return new Let(xv, clamped, new Let(tv, tExpr, new Let(rv, r, p.mul(scale))));
}
