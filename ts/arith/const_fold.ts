// Constant folding that reports whether it folded (TVM's TryConstFold): returns the folded
// expression, or undefined when the operands leave nothing to fold. The simplifiers call it
// first on every node, and op.ts builds every node through it (as TVM's operators do), so an
// expression folds the same way whether it is built or simplified. One difference is kept on
// purpose: op.div builds a float division by zero (inf or nan at run time), which this refuses.

import { ArgumentError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { FloatImm, IntImm, PrimExpr } from "../ir/expr_nodes.js";
import { floorDiv, floorMod, truncDiv, truncMod, wrapInt } from "./int_operator.js";

export type FoldKind =
  | "Add" | "Sub" | "Mul" | "Div" | "Mod" | "FloorDiv" | "FloorMod" | "Min" | "Max"
  | "EQ" | "NE" | "LT" | "LE" | "GT" | "GE" | "And" | "Or";

function int(e: Typed): IntImm | undefined { return e instanceof IntImm ? e : undefined; }
function flt(e: Typed): FloatImm | undefined { return e instanceof FloatImm ? e : undefined; }
function mkInt(t: DataType, v: number): IntImm { return new IntImm(t, wrapInt(v, t)); }
function mkBool(v: boolean): IntImm { return new IntImm(DataType.bool(), v ? 1 : 0); }

function divisionByZero(kind: string): never {
  throw new ArgumentError(`${kind}: division by zero`);
}

/**
 * Integer a / b, a % b and their floor forms: two constants fold, 0 / b is 0, a / 1 is `byOne`
 * (a, or 0 for a remainder); a zero divisor is an error.
 */
function foldIntDivision<T extends Typed>(name: string, a: T, b: T, fold: (x: number, y: number) => number, byOne: T | PrimExpr): T | PrimExpr | undefined {
  const pa = int(a);
  const pb = int(b);
  if (pa && pb) {
    if (pb.value === 0) divisionByZero(name);
    return mkInt(a.dtype, fold(pa.value, pb.value));
  }
  if (pa && pa.value === 0) return a;
  if (pb) {
    if (pb.value === 1) return byOne;
    if (pb.value === 0) divisionByZero(name);
  }
  return undefined;
}

/** Float a / b (true or floor division): two constants fold, 0 / b is 0, a / 1 is a; b = 0 is an error. */
function foldFloatDivision<T extends Typed>(name: string, a: T, b: T, fold: (x: number, y: number) => number): T | PrimExpr | undefined {
  const fa = flt(a);
  const fb = flt(b);
  if (fa && fb && fb.value !== 0) return new FloatImm(a.dtype, fold(fa.value, fb.value));
  if (fa && fa.value === 0) return a;
  if (fb) {
    if (fb.value === 1) return a;
    if (fb.value === 0) divisionByZero(name);
  }
  return undefined;
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
    case "Div": return foldIntDivision("div", a, b, truncDiv, a) ?? foldFloatDivision("div", a, b, (x, y) => x / y);
    case "Mod": return foldIntDivision("mod", a, b, truncMod, mkInt(t, 0));
    case "FloorDiv": return foldIntDivision("floordiv", a, b, floorDiv, a) ?? foldFloatDivision("floordiv", a, b, (x, y) => Math.floor(x / y));
    case "FloorMod": return foldIntDivision("floormod", a, b, floorMod, mkInt(t, 0));
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
