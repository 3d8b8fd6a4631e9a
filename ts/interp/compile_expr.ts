// Compiles TIR expressions into closures over a frame. The scalar function of each node is
// chosen once from its dtype (values.ts), and the common int32 / float32 / float64 arithmetic
// gets closures without an indirect call, which is what makes interpreted loops fast enough for
// test suites. Vectors are arrays of lanes, computed lane by lane.

import { IRError, UnsupportedError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import {
  type BinaryExpr, type Broadcast, type BufferLoad, type Call, type Cast, type CompareExpr, FloatImm, IntImm, type Let,
  type Load, type LogicalExpr, type Not, type PrimExpr, type Ramp, type Select, type Shuffle, type StringImm, type Var,
} from "../ir/expr.js";
import { printExpr } from "../ir/printer.js";
import type { Context, Eval, Slots } from "./context.js";
import { compileLoad } from "./access.js";
import { compileBufferLoad } from "./buffers.js";
import { compileCall } from "./calls.js";
import { lanewise1, lanewise2 } from "./lanes.js";
import {
  type ArithKind, type BinaryFn, type CompareKindName, type Scalar, type UnaryFn, arith, compare, constantOf, converter,
} from "./values.js";
import { unhandledKind } from "../ir/unhandled_kind.js";

export function compileExpr(ctx: Context, e: PrimExpr): Eval {
  switch (e.kind) {
    case "Var": {
      const slot = ctx.slotOf(e as Var, () => printExpr(e));
      return (s) => s[slot];
    }
    case "IntImm":
    case "FloatImm": {
      const v = constantOf(e.dtype, (e as IntImm | FloatImm).value);
      return () => v;
    }
    case "StringImm": {
      const v = (e as StringImm).value;
      return () => v;
    }
    case "Cast": return compileCast(ctx, e as Cast);
    case "Add": case "Sub": case "Mul": case "Div": case "Mod": case "FloorDiv": case "FloorMod":
    case "Min": case "Max":
      return compileArith(ctx, e as BinaryExpr);
    case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE":
      return compileCompare(ctx, e as CompareExpr);
    case "And": case "Or": return compileLogical(ctx, e as LogicalExpr);
    case "Not": return compileNot(ctx, e as Not);
    case "Select": return compileSelect(ctx, e as Select);
    case "Load": return compileLoad(ctx, e as Load);
    case "BufferLoad": return compileBufferLoad(ctx, e as BufferLoad);
    case "Ramp": return compileRamp(ctx, e as Ramp);
    case "Broadcast": return compileBroadcast(ctx, e as Broadcast);
    case "Shuffle": return compileShuffle(ctx, e as Shuffle);
    case "Let": return compileLet(ctx, e as Let);
    case "Call": return compileCall(ctx, e as Call);
    case "ProducerLoad":
    case "Reduce":
      throw new IRError(`interpreter (${ctx.fname}): ${e.kind} is a TE-level node (${printExpr(e)}); lower the schedule to TIR first`);
    default: return unhandledKind("the interpreter", e.kind);
  }
}

function compileCast(ctx: Context, e: Cast): Eval {
  const from = e.value.dtype;
  const to = e.dtype;
  const V = ctx.expr(e.value);
  if (from.lanes !== to.lanes) {
    throw new IRError(`interpreter (${ctx.fname}): cast from ${from} to ${to} changes the lane count, in ${printExpr(e)}`);
  }
  if (to.isHandle() || from.isHandle()) {
    if (to.isHandle() && from.isHandle()) return V;
    throw new UnsupportedError(`interpreter (${ctx.fname}): cast between a handle and ${to.isHandle() ? from : to} is not supported, in ${printExpr(e)}`);
  }
  const conv = converter(to.element());
  if (to.lanes > 1) return lanewise1(conv, V, to.lanes);
  return (s) => conv(V(s) as Scalar);
}

function compileArith(ctx: Context, e: BinaryExpr): Eval {
  const t = e.dtype;
  const A = ctx.expr(e.a);
  const B = ctx.expr(e.b);
  const kind = e.kind as ArithKind;
  const f = arith(kind, t.element(), () => printExpr(e));
  if (t.lanes > 1) return lanewise2(f, A, B, t.lanes);
  const fast = fastArith(kind, t, A, B);
  if (fast) return fast;
  if (e.b instanceof IntImm || e.b instanceof FloatImm) {
    const c = constantOf(t, e.b.value);
    return (s) => f(A(s) as Scalar, c);
  }
  return (s) => f(A(s) as Scalar, B(s) as Scalar);
}

/** Closures without an indirect call for the arithmetic loops are made of. */
function fastArith(kind: ArithKind, t: DataType, Ae: Eval, Be: Eval): Eval | undefined {
  type N = (s: Slots) => number;
  const A = Ae as N;
  const B = Be as N;
  if (t.isInt() && t.bits === 32) {
    switch (kind) {
      case "Add": return (s) => (A(s) + B(s)) | 0;
      case "Sub": return (s) => (A(s) - B(s)) | 0;
      case "Mul": return (s) => Math.imul(A(s), B(s));
      case "Min": return (s) => { const a = A(s); const b = B(s); return a < b ? a : b; };
      case "Max": return (s) => { const a = A(s); const b = B(s); return a > b ? a : b; };
      default: return undefined;
    }
  }
  if (t.isFloat() && t.bits === 32) {
    const r = Math.fround;
    switch (kind) {
      case "Add": return (s) => r(A(s) + B(s));
      case "Sub": return (s) => r(A(s) - B(s));
      case "Mul": return (s) => r(A(s) * B(s));
      case "Div": return (s) => r(A(s) / B(s));
      default: return undefined;
    }
  }
  if (t.isFloat() && t.bits === 64) {
    switch (kind) {
      case "Add": return (s) => A(s) + B(s);
      case "Sub": return (s) => A(s) - B(s);
      case "Mul": return (s) => A(s) * B(s);
      case "Div": return (s) => A(s) / B(s);
      default: return undefined;
    }
  }
  return undefined;
}

function compileCompare(ctx: Context, e: CompareExpr): Eval {
  const A = ctx.expr(e.a);
  const B = ctx.expr(e.b);
  if (e.a.dtype.isHandle()) {
    // Pointers compare by identity (e.g. a null check).
    if (e.kind !== "EQ" && e.kind !== "NE") throw new UnsupportedError(`interpreter (${ctx.fname}): ordering of handles is not supported, in ${printExpr(e)}`);
    const eq = e.kind === "EQ";
    return (s) => ((A(s) === B(s)) === eq ? 1 : 0);
  }
  const f = compare(e.kind as CompareKindName);
  const lanes = e.a.dtype.lanes;
  if (lanes > 1) return lanewise2(f, A, B, lanes);
  return (s) => f(A(s) as Scalar, B(s) as Scalar);
}

function compileLogical(ctx: Context, e: LogicalExpr): Eval {
  const A = ctx.expr(e.a);
  const B = ctx.expr(e.b);
  const lanes = e.dtype.lanes;
  const and = e.kind === "And";
  if (lanes > 1) return lanewise2(and ? (a, b) => (a && b ? 1 : 0) : (a, b) => (a || b ? 1 : 0), A, B, lanes);
  return and ? (s) => (A(s) ? B(s) : 0) : (s) => (A(s) ? 1 : B(s));
}

function compileNot(ctx: Context, e: Not): Eval {
  const A = ctx.expr(e.a);
  if (e.dtype.lanes > 1) return lanewise1((a) => (a ? 0 : 1), A, e.dtype.lanes);
  return (s) => (A(s) ? 0 : 1);
}

function compileSelect(ctx: Context, e: Select): Eval {
  const C = ctx.expr(e.condition);
  const T = ctx.expr(e.trueValue);
  const F = ctx.expr(e.falseValue);
  const lanes = e.dtype.lanes;
  if (lanes > 1 && e.condition.dtype.lanes > 1) {
    return (s) => {
      const c = C(s) as Scalar[];
      const t = T(s) as Scalar[];
      const f = F(s) as Scalar[];
      const r = new Array<Scalar>(lanes);
      for (let i = 0; i < lanes; i++) r[i] = c[i] ? t[i] : f[i];
      return r;
    };
  }
  // Both sides are evaluated, as TVM's Select specifies (use if_then_else to guard one).
  return (s) => {
    const c = C(s);
    const t = T(s);
    const f = F(s);
    return c ? t : f;
  };
}

function compileRamp(ctx: Context, e: Ramp): Eval {
  const elem = e.dtype.element();
  const base = ctx.expr(e.base);
  const stride = ctx.expr(e.stride);
  const add = arith("Add", elem, () => printExpr(e));
  const mul = arith("Mul", elem, () => printExpr(e));
  const lanes = e.lanes;
  const laneIndex = Array.from({ length: lanes }, (_, i) => constantOf(elem, i));
  if (e.base.dtype.lanes !== 1 || e.stride.dtype.lanes !== 1) {
    throw new IRError(`interpreter (${ctx.fname}): ramp needs a scalar base and stride, in ${printExpr(e)}`);
  }
  return (s) => {
    const b = base(s) as Scalar;
    const st = stride(s) as Scalar;
    const r = new Array<Scalar>(lanes);
    for (let i = 0; i < lanes; i++) r[i] = add(b, mul(st, laneIndex[i]));
    return r;
  };
}

function compileBroadcast(ctx: Context, e: Broadcast): Eval {
  if (e.value.dtype.lanes !== 1) {
    throw new UnsupportedError(`interpreter (${ctx.fname}): broadcast of a vector is not supported, in ${printExpr(e)}`);
  }
  const V = ctx.expr(e.value);
  const lanes = e.lanes;
  return (s) => new Array<Scalar>(lanes).fill(V(s) as Scalar);
}

function compileShuffle(ctx: Context, e: Shuffle): Eval {
  const parts = e.vectors.map((v) => ({ f: ctx.expr(v), lanes: v.dtype.lanes }));
  const total = parts.reduce((n, p) => n + p.lanes, 0);
  const indices = [...e.indices];
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= total) {
      throw new IRError(`interpreter (${ctx.fname}): shuffle index ${i} is outside the ${total} lanes of its vectors, in ${printExpr(e)}`);
    }
  }
  const single = indices.length === 1;
  return (s) => {
    const all: Scalar[] = [];
    for (const p of parts) {
      const v = p.f(s);
      if (p.lanes === 1) all.push(v as Scalar);
      else for (const x of v as Scalar[]) all.push(x);
    }
    if (single) return all[indices[0]];
    return indices.map((i) => all[i]);
  };
}

function compileLet(ctx: Context, e: Let): Eval {
  const V = ctx.expr(e.value);
  return ctx.withVar(e.variable, (slot) => {
    const B = ctx.expr(e.body);
    return (s) => {
      s[slot] = V(s);
      return B(s);
    };
  });
}
