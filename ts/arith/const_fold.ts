// Constant folding that reports whether it folded (TVM's TryConstFold): returns the folded
// expression, or undefined when the operands leave nothing to fold. The simplifiers call it
// first on every node; op.ts builds nodes with the same rules but always returns a node.

import { DataType } from "../ir/dtype.js";
import { FloatImm, IntImm, PrimExpr } from "../ir/expr.js";
import { wrapInt } from "../ir/op.js";
import { floorDiv, floorMod, truncDiv, truncMod } from "./int_operator.js";

export type FoldKind =
  | "Add" | "Sub" | "Mul" | "Div" | "Mod" | "FloorDiv" | "FloorMod" | "Min" | "Max"
  | "EQ" | "NE" | "LT" | "LE" | "GT" | "GE" | "And" | "Or";

function int(e: Typed): IntImm | undefined { return e instanceof IntImm ? e : undefined; }
function flt(e: Typed): FloatImm | undefined { return e instanceof FloatImm ? e : undefined; }
function mkInt(t: DataType, v: number): IntImm { return new IntImm(t, wrapInt(v, t)); }
function mkBool(v: boolean): IntImm { return new IntImm(DataType.bool(), v ? 1 : 0); }

function divisionByZero(kind: string): never {
  throw new Error(`${kind}: division by zero`);
}

/** Anything with a dtype: expressions, and the canonical simplifier's internal forms. */
export interface Typed { readonly dtype: DataType }

/**
 * Folds `kind(a, b)` when it can; undefined otherwise. Operands that are not constants are
 * passed through untouched (x + 0 returns x itself, whatever x is).
 */
export function tryConstFold<T extends Typed>(kind: FoldKind, a: T, b: T): T | PrimExpr | undefined {
  const pa = int(a);
  const pb = int(b);
  const fa = flt(a);
  const fb = flt(b);
  const t = a.dtype;
  switch (kind) {
    case "Add":
      if (pa && pb) return mkInt(t, pa.value + pb.value);
      if (pa && pa.value === 0) return b;
      if (pb && pb.value === 0) return a;
      if (fa && fb) return new FloatImm(t, fa.value + fb.value);
      if (fa && fa.value === 0) return b;
      if (fb && fb.value === 0) return a;
      return undefined;
    case "Sub":
      if (pa && pb) return mkInt(t, pa.value - pb.value);
      if (pb && pb.value === 0) return a;
      if (fa && fb) return new FloatImm(t, fa.value - fb.value);
      if (fb && fb.value === 0) return a;
      return undefined;
    case "Mul":
      if (pa && pb) return mkInt(t, Number(BigInt(pa.value) * BigInt(pb.value) % (2n ** 64n)));
      if (pa) {
        if (pa.value === 1) return b;
        if (pa.value === 0) return a;
      }
      if (pb) {
        if (pb.value === 1) return a;
        if (pb.value === 0) return b;
      }
      if (fa && fb) return new FloatImm(t, fa.value * fb.value);
      if (fa) {
        if (fa.value === 1) return b;
        if (fa.value === 0) return a;
      }
      if (fb) {
        if (fb.value === 1) return a;
        if (fb.value === 0) return b;
      }
      return undefined;
    case "Div":
      if (pa && pb) {
        if (pb.value === 0) divisionByZero("div");
        return mkInt(t, truncDiv(pa.value, pb.value));
      }
      if (pa && pa.value === 0) return a;
      if (pb) {
        if (pb.value === 1) return a;
        if (pb.value === 0) divisionByZero("div");
      }
      if (fa && fb && fb.value !== 0) return new FloatImm(t, fa.value / fb.value);
      if (fa && fa.value === 0) return a;
      if (fb) {
        if (fb.value === 1) return a;
        if (fb.value === 0) divisionByZero("div");
      }
      return undefined;
    case "Mod":
      if (pa && pb) {
        if (pb.value === 0) divisionByZero("mod");
        return mkInt(t, truncMod(pa.value, pb.value));
      }
      if (pa && pa.value === 0) return a;
      if (pb) {
        if (pb.value === 1) return mkInt(t, 0);
        if (pb.value === 0) divisionByZero("mod");
      }
      return undefined;
    case "FloorDiv":
      if (pa && pb) {
        if (pb.value === 0) divisionByZero("floordiv");
        return mkInt(t, floorDiv(pa.value, pb.value));
      }
      if (pa && pa.value === 0) return a;
      if (pb) {
        if (pb.value === 1) return a;
        if (pb.value === 0) divisionByZero("floordiv");
      }
      if (fa && fb && fb.value !== 0) return new FloatImm(t, Math.floor(fa.value / fb.value));
      if (fa && fa.value === 0) return a;
      if (fb) {
        if (fb.value === 1) return a;
        if (fb.value === 0) divisionByZero("floordiv");
      }
      return undefined;
    case "FloorMod":
      if (pa && pb) {
        if (pb.value === 0) divisionByZero("floormod");
        return mkInt(t, floorMod(pa.value, pb.value));
      }
      if (pa && pa.value === 0) return a;
      if (pb) {
        if (pb.value === 1) return mkInt(t, 0);
        if (pb.value === 0) divisionByZero("floormod");
      }
      return undefined;
    case "Min":
      if (pa && pb) return new IntImm(t, Math.min(pa.value, pb.value));
      if (fa && fb) return new FloatImm(t, Math.min(fa.value, fb.value));
      return undefined;
    case "Max":
      if (pa && pb) return new IntImm(t, Math.max(pa.value, pb.value));
      if (fa && fb) return new FloatImm(t, Math.max(fa.value, fb.value));
      return undefined;
    case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE": {
      const x = pa ?? fa;
      const y = pb ?? fb;
      if (!x || !y) return undefined;
      const p = x.value;
      const q = y.value;
      switch (kind) {
        case "EQ": return mkBool(p === q);
        case "NE": return mkBool(p !== q);
        case "LT": return mkBool(p < q);
        case "LE": return mkBool(p <= q);
        case "GT": return mkBool(p > q);
        case "GE": return mkBool(p >= q);
      }
      return undefined;
    }
    case "And":
      if (pa && pb) return mkBool(pa.value !== 0 && pb.value !== 0);
      if (pa) return pa.value !== 0 ? b : a;
      if (pb) return pb.value !== 0 ? a : b;
      return undefined;
    case "Or":
      if (pa && pb) return mkBool(pa.value !== 0 || pb.value !== 0);
      if (pa) return pa.value !== 0 ? a : b;
      if (pb) return pb.value !== 0 ? b : a;
      return undefined;
  }
}

/** Folds `!a` when `a` is a constant. */
export function tryConstFoldNot(a: PrimExpr): PrimExpr | undefined {
  if (a instanceof IntImm) return mkBool(a.value === 0);
  return undefined;
}
