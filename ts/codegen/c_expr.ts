// Expressions as C: literals exact for their dtype (INT64_C, float suffixes, NaN and infinities
// through builtins), casts (bool vectors through lane masks), arithmetic that wraps narrow
// integers back to their dtype as TIR does, floordiv/floormod with floor semantics (shifts and
// masks for constant powers of two, plain `/` `%` for a provably non-negative dividend, a helper
// otherwise), comparisons and logical operators (bool vectors are lane masks of the operands'
// width, converted where widths differ), select, shuffles, ramps and broadcasts through helpers,
// and lets as statement expressions. Loads print in c_memory.ts, calls in c_call.ts, literals,
// narrowing, lane masks and select in c_lanes.ts.

import { IRError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import {
  type BinaryExpr, Broadcast, type BufferLoad, type Call, type Cast, type CompareExpr, type FloatImm, IntImm,
  type Let, type Load, type LogicalExpr, type Not, type PrimExpr, type Ramp, type Select, type Shuffle,
  type StringImm, type Var,
} from "../ir/expr.js";
import { isPure } from "./c_analysis.js";
import { emitCall } from "./c_call.js";
import type { FnEmitter } from "./c_function.js";
import { floatLiteral, intLiteral, isPow2, mask, maskBits, narrow, select } from "./c_lanes.js";
import { bufferLoad, load } from "./c_memory.js";
import { cString } from "./c_names.js";
import { unhandledKind } from "../ir/unhandled_kind.js";

export function emitExpr(em: FnEmitter, e: PrimExpr): string {
  switch (e.kind) {
    case "Var": return em.varName(e as Var);
    case "IntImm": {
      const x = e as IntImm;
      return intLiteral(em, x.value, x.dtype);
    }
    case "FloatImm": {
      const x = e as FloatImm;
      return floatLiteral(x.value, x.dtype);
    }
    case "StringImm": return cString((e as StringImm).value);
    case "Cast": return cast(em, e as Cast);
    case "Add": case "Sub": case "Mul": case "Div": case "Mod":
      return arith(em, e as BinaryExpr);
    case "FloorDiv": case "FloorMod": return floorDivMod(em, e as BinaryExpr);
    case "Min": case "Max": {
      const b = e as BinaryExpr;
      return `${em.helpers.minMax(e.kind === "Min" ? "min" : "max", b.dtype)}(${em.expr(b.a)}, ${em.expr(b.b)})`;
    }
    case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE": return compare(em, e as CompareExpr);
    case "And": case "Or": {
      const l = e as LogicalExpr;
      if (l.dtype.lanes === 1) return `(${em.expr(l.a)} ${e.kind === "And" ? "&&" : "||"} ${em.expr(l.b)})`;
      const bits = maskBits(l);
      return `(${mask(em, l.a, bits)} ${e.kind === "And" ? "&" : "|"} ${mask(em, l.b, bits)})`;
    }
    case "Not": {
      const n = e as Not;
      return n.dtype.lanes === 1 ? `(!${em.expr(n.a)})` : `(~${mask(em, n.a, maskBits(n))})`;
    }
    case "Select": return select(em, e as Select);
    case "Load": return load(em, e as Load);
    case "BufferLoad": {
      const b = e as BufferLoad;
      return bufferLoad(em, b.dtype, b.buffer, b.indices);
    }
    case "Ramp": {
      const r = e as Ramp;
      return `${em.helpers.ramp(r.dtype)}(${em.expr(r.base)}, ${em.expr(r.stride)})`;
    }
    case "Broadcast": {
      const b = e as Broadcast;
      if (b.dtype.isBool()) return `${em.helpers.broadcast(DataType.int(32, b.lanes))}(-(int32_t)(${em.expr(b.value)}))`;
      return `${em.helpers.broadcast(b.dtype)}(${em.expr(b.value)})`;
    }
    case "Shuffle": return shuffle(em, e as Shuffle);
    case "Let": {
      const l = e as Let;
      const value = em.expr(l.value);
      return em.scoped(l.variable, (name) => `({ ${em.varType(l.variable)} ${name} = ${value}; ${em.expr(l.body)}; })`);
    }
    case "Call": return emitCall(em, e as Call);
    case "ProducerLoad": case "Reduce":
      throw new IRError(`codegen(${em.fname}): ${e.kind} cannot be compiled; lower the schedule first`);
    default: return unhandledKind("the C emitter", e.kind);
  }
}

function cast(em: FnEmitter, c: Cast): string {
  const from = c.value.dtype;
  const to = c.dtype;
  const v = em.expr(c.value);
  if (from.lanes === 1 && to.lanes === 1) {
    if (to.isBool()) return `(${v} != 0)`;
    if (from.isHandle() && !to.isHandle()) return `((${em.types.value(to)})(uintptr_t)(${v}))`;
    if (to.isHandle() && !from.isHandle()) return `((void*)(uintptr_t)(${v}))`;
    return `((${em.types.value(to)})(${v}))`;
  }
  if (from.lanes !== to.lanes) throw new IRError(`codegen(${em.fname}): cast of ${from} to ${to} changes the lane count`);
  if (to.isBool()) {
    const zero = `${em.helpers.broadcast(from)}(0)`;
    return `(${v} != ${zero})`;
  }
  if (from.isBool()) {
    const bits = to.bits;
    return `__builtin_convertvector(-${mask(em, c.value, bits)}, ${em.types.value(to)})`;
  }
  return `__builtin_convertvector(${v}, ${em.types.value(to)})`;
}

function arith(em: FnEmitter, b: BinaryExpr): string {
  const t = b.dtype;
  const op = { Add: "+", Sub: "-", Mul: "*", Div: "/", Mod: "%" }[b.kind as "Add"];
  const a = em.expr(b.a);
  const c = em.expr(b.b);
  if (b.kind === "Mod" && t.isFloat()) {
    const fn = t.bits === 32 ? "__builtin_fmodf" : "__builtin_fmod";
    if (t.lanes === 1) return `${fn}(${a}, ${c})`;
    return `${em.helpers.laneWise(fn, t, [t, t])}(${a}, ${c})`;
  }
  return narrow(em, t, `(${a} ${op} ${c})`);
}

function floorDivMod(em: FnEmitter, b: BinaryExpr): string {
  const t = b.dtype;
  const isDiv = b.kind === "FloorDiv";
  const a = em.expr(b.a);
  const c = em.expr(b.b);
  if (t.isFloat()) {
    const floor = t.bits === 32 ? "__builtin_floorf" : "__builtin_floor";
    const fl = (x: string): string => (t.lanes === 1 ? `${floor}(${x})` : `${em.helpers.laneWise(floor, t, [t])}(${x})`);
    return isDiv ? fl(`(${a} / ${c})`) : `(${a} - ${fl(`(${a} / ${c})`)} * ${c})`;
  }
  if (t.isUInt() || t.isBool()) return `(${a} ${isDiv ? "/" : "%"} ${c})`;
  const divisor = b.b instanceof IntImm ? b.b.value : b.b instanceof Broadcast && b.b.value instanceof IntImm ? b.b.value.value : undefined;
  if (divisor !== undefined && divisor > 0) {
    if (isPow2(divisor)) {
      // Arithmetic shift and mask give floor semantics for negative dividends too.
      const k = Math.log2(divisor);
      if (isDiv) return k === 0 ? a : `(${a} >> ${k})`;
      return `(${a} & ${intLiteral(em, divisor - 1, t.element())})`;
    }
    if (t.lanes === 1 && em.nonNegative(b.a)) return `(${a} ${isDiv ? "/" : "%"} ${c})`;
  }
  return `${em.helpers.floorDivMod(isDiv ? "floordiv" : "floormod", t)}(${a}, ${c})`;
}

function compare(em: FnEmitter, e: CompareExpr): string {
  const op = { EQ: "==", NE: "!=", LT: "<", LE: "<=", GT: ">", GE: ">=" }[e.kind];
  let a: string;
  let b: string;
  if (e.a.dtype.isBool() && e.a.dtype.lanes > 1) {
    const bits = maskBits(e);
    a = mask(em, e.a, bits);
    b = mask(em, e.b, bits);
  } else {
    a = em.expr(e.a);
    b = em.expr(e.b);
  }
  if (a === b && !e.a.dtype.isFloat() && isPure(e.a)) {
    // x < x is a constant for integers, and C compilers warn about the self-comparison.
    const value = e.kind === "EQ" || e.kind === "LE" || e.kind === "GE";
    if (e.dtype.lanes === 1) return value ? "1" : "0";
    const bits = maskBits(e);
    return `${em.helpers.broadcast(DataType.int(bits, e.dtype.lanes))}(${value ? -1 : 0})`;
  }
  return `(${a} ${op} ${b})`;
}

function shuffle(em: FnEmitter, s: Shuffle): string {
  const tmp: string[] = [];
  const decls: string[] = [];
  for (const v of s.vectors) {
    const n = em.names.fresh("shuffle");
    tmp.push(n);
    decls.push(`${em.types.value(v.dtype)} ${n} = ${em.expr(v)};`);
  }
  const lanes: string[] = [];
  for (const idx of s.indices) {
    let k = idx;
    let vi = 0;
    while (vi < s.vectors.length && k >= s.vectors[vi].dtype.lanes) {
      k -= s.vectors[vi].dtype.lanes;
      vi++;
    }
    if (vi >= s.vectors.length) throw new IRError(`codegen(${em.fname}): shuffle index ${idx} is out of range`);
    lanes.push(s.vectors[vi].dtype.lanes === 1 ? tmp[vi] : `${tmp[vi]}[${k}]`);
  }
  const ty = em.types.value(s.dtype);
  if (s.dtype.lanes === 1) return `({ ${decls.join(" ")} ${lanes[0]}; })`;
  return `({ ${decls.join(" ")} (${ty}){${lanes.join(", ")}}; })`;
}
