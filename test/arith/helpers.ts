// Shared helpers for the arith tests: short names for TVM's expression builders (as the
// Python tests spell them) and a checker comparing results structurally.
import type { ExecutionContext } from "ava";
import { DataType } from "../../ts/ir/dtype.js";
import { FloatImm, IntImm, PrimExpr, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { structuralEqual } from "../../ts/ir/structural_equal.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { ConstIntBound } from "../../ts/arith/const_int_bound.js";

export type E = PrimExpr | number;

export const tdiv = (a: E, b: E): PrimExpr => op.div(a, b);
export const tmod = (a: E, b: E): PrimExpr => op.truncmod(a, b);
export const fld = (a: E, b: E): PrimExpr => op.floordiv(a, b);
export const flm = (a: E, b: E): PrimExpr => op.floormod(a, b);
export const min = (a: E, b: E): PrimExpr => op.min(a, b);
export const max = (a: E, b: E): PrimExpr => op.max(a, b);
export const add = (a: E, b: E): PrimExpr => op.add(a, b);
export const sub = (a: E, b: E): PrimExpr => op.sub(a, b);
export const mul = (a: E, b: E): PrimExpr => op.mul(a, b);
export const select = (c: PrimExpr, a: E, b: E): PrimExpr => op.select(c, a, b);
export const TRUE = (): PrimExpr => new IntImm(DataType.bool(), 1);
export const FALSE = (): PrimExpr => new IntImm(DataType.bool(), 0);
export const int = (v: number, dtype = "int32"): IntImm => new IntImm(dtype, v);
export const flt = (v: number, dtype = "float32"): FloatImm => new FloatImm(dtype, v);
export const vars = (...names: string[]): Var[] => names.map((n) => new Var(n));

/** Sets the constant bound of v (TVM's analyzer.update(v, ConstIntBound(lo, hi), override=True)). */
export function bound(ana: Analyzer, v: Var, lo: number, hi: number): void {
  ana.updateConstIntBound(v, new ConstIntBound(lo, hi), true);
}

export function checker(t: ExecutionContext, kind: "rewrite" | "canonical" = "rewrite") {
  const analyzer = new Analyzer();
  const verify = (data: PrimExpr, expected: E): void => {
    const res = kind === "rewrite" ? analyzer.rewriteSimplify(data) : analyzer.canonicalSimplify(data);
    const exp = typeof expected === "number" ? op.toExpr(expected) : expected;
    t.true(structuralEqual(res, exp), `\ndata=${data}\nres=${res}\nexpected=${exp}`);
  };
  return { analyzer, verify };
}
