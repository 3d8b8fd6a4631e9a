// Shapes given by users: numbers or integer expressions, checked and converted to int32 exprs.

import { DTypeError, ShapeError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { type ExprLike, IntImm, PrimExpr } from "../ir/expr.js";
import { describe, toExpr } from "../ir/op.js";

export function toShape(shape: ExprLike[] | number | PrimExpr, what: string): PrimExpr[] {
  // A single size (a number or an integer expression) is a 1-d shape, as in TVM.
  const dims = typeof shape === "number" || shape instanceof PrimExpr ? [shape] : shape;
  if (!Array.isArray(dims)) throw new ShapeError(`${what}: shape must be an array of sizes, got ${describe(shape)}`);
  return dims.map((d, i) => {
    if (typeof d === "number") {
      if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${what}: dimension ${i} must be a non-negative integer, got ${d}`);
      if (d > 2 ** 31 - 1) throw new ShapeError(`${what}: dimension ${i} is ${d}, more than an int32 extent holds (2147483647)`);
      return new IntImm(DataType.int32(), d);
    }
    if (!(d instanceof PrimExpr)) throw new ShapeError(`${what}: dimension ${i} must be a number or an integer expression, got ${describe(d)}`);
    if (!d.dtype.isIntegral()) throw new DTypeError(`${what}: dimension ${i} must be an integer expression, got ${d.dtype}`);
    return toExpr(d);
  });
}
