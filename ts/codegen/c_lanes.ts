// The pieces of C expressions that expressions, calls and memory accesses all print: literals
// exact for their dtype, the narrowing of small-integer results back to their dtype (C promotes
// them to int), bool vectors as lane masks of a chosen lane width, and select, which picks
// lanes by such a mask. Each prints its operands through the function's printer (em.expr).

import { IRError, UnsupportedError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import type { CompareExpr, LogicalExpr, Not, PrimExpr, Select } from "../ir/expr.js";
import type { FnEmitter } from "./c_function.js";

/** Whether `n` is a positive power of two. */
export function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** An integer (or bool, or float) literal exact for its dtype. */
export function intLiteral(em: FnEmitter, v: number, t: DataType): string {
  if (t.isBool()) return v ? "1" : "0";
  if (t.isFloat()) return floatLiteral(v, t);
  if (t.isInt()) {
    if (t.bits === 64) return v <= -(2 ** 63) ? "INT64_MIN" : v < 0 ? `(-INT64_C(${-v}))` : `INT64_C(${v})`;
    if (t.bits === 32) return v === -2147483648 ? "(-2147483647 - 1)" : v < 0 ? `(${v})` : `${v}`;
    return `((int${t.bits}_t)${v < 0 ? `(${v})` : v})`;
  }
  if (t.isUInt()) {
    if (t.bits === 64) return `UINT64_C(${v})`;
    if (t.bits === 32) return `${v}u`;
    return `((uint${t.bits}_t)${v})`;
  }
  throw new UnsupportedError(`codegen(${em.fname}): no integer literal of ${t}`);
}

/** A float literal exact for its dtype (NaN and infinities through builtins). */
export function floatLiteral(v: number, t: DataType): string {
  const f = t.bits === 32 ? "f" : "";
  if (Number.isNaN(v)) return `__builtin_nan${f}("")`;
  if (v === Infinity) return `__builtin_inf${f}()`;
  if (v === -Infinity) return `(-__builtin_inf${f}())`;
  const x = t.bits === 32 ? Math.fround(v) : v;
  let s = Object.is(x, -0) ? "-0.0" : String(x);
  if (!/[.eE]/.test(s)) s += ".0";
  s += f;
  return x < 0 || Object.is(x, -0) ? `(${s})` : s;
}

/** The natural lane width of the mask a bool vector expression produces. */
export function maskBits(e: PrimExpr): number {
  switch (e.kind) {
    case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE": {
      const a = (e as CompareExpr).a;
      return a.dtype.isBool() ? maskBits(a) : a.dtype.bits;
    }
    case "And": case "Or": return maskBits((e as LogicalExpr).a);
    case "Not": return maskBits((e as Not).a);
    case "Load": return 8;
    default: return 32;
  }
}

/** A bool vector as a lane mask of `bits`-bit lanes (-1 where true). */
export function mask(em: FnEmitter, e: PrimExpr, bits: number): string {
  if (!e.dtype.isBool() || e.dtype.lanes === 1) throw new IRError(`codegen(${em.fname}): expected a bool vector, got ${e.dtype}`);
  const natural = maskBits(e);
  const code = em.expr(e);
  if (natural === bits) return code;
  return `__builtin_convertvector(${code}, ${em.types.mask(bits, e.dtype.lanes)})`;
}

/** C promotes narrow integers to int; wraps a scalar result back to its dtype, as TIR does. */
export function narrow(em: FnEmitter, t: DataType, code: string): string {
  return t.lanes === 1 && t.isIntegral() && t.bits < 32 ? `((${em.types.value(t)})${code})` : code;
}

/** select(c, t, f) (also if_then_else of a vector condition): lane-wise for vectors. */
export function select(em: FnEmitter, s: Select): string {
  const t = s.dtype;
  if (s.condition.dtype.lanes === 1) return `(${em.cond(s.condition)} ? ${em.expr(s.trueValue)} : ${em.expr(s.falseValue)})`;
  if (t.isBool()) {
    const bits = 32;
    const m = mask(em, s.condition, bits);
    return `((${mask(em, s.trueValue, bits)} & ${m}) | (${mask(em, s.falseValue, bits)} & ~${m}))`;
  }
  return `${em.helpers.select(t)}(${mask(em, s.condition, t.bits)}, ${em.expr(s.trueValue)}, ${em.expr(s.falseValue)})`;
}
