// Flat memory access: Load and Store of a buffer variable at an element index (scalar, or a
// vector of lane indices with a per-lane predicate), every index checked against the memory the
// variable points to. Masked-off lanes are not touched and load as zero. An access of another
// element type than byte-addressed memory holds reads or writes its bytes (raw_memory.ts).

import { IRError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import { Broadcast, IntImm, type Load, type PrimExpr } from "../ir/expr.js";
import { TIRTextPrinter, printExpr } from "../ir/printer.js";
import type { Store, Stmt } from "../ir/stmt.js";
import type { Context, Eval, Exec, Slots } from "./context.js";
import { type Cells, type Mem, outOfBounds, reinterpretLoad, reinterpretStore } from "./memory.js";
import { rawLoad, rawStore } from "./raw_memory.js";
import { type Scalar, zeroOf } from "./values.js";

/** True for a predicate that is constantly true (the default of Load and Store). */
export function isAllTrue(p: PrimExpr): boolean {
  if (p instanceof IntImm) return p.value !== 0;
  if (p instanceof Broadcast) return isAllTrue(p.value);
  return false;
}

/** A statement's text for messages (one line for a store; variables without type annotations). */
export function stmtText(st: Stmt): string {
  return new TIRTextPrinter(false).stmt(st, 0).trim();
}

/** A compiled integer index as a JS number (64-bit indices are converted). */
export function compileIndex(ctx: Context, e: PrimExpr): (s: Slots) => number {
  const f = ctx.expr(e);
  if (!e.dtype.isIntegral()) {
    throw new IRError(`interpreter (${ctx.fname}): an index must be an integer, got ${e.dtype} (${printExpr(e)})`);
  }
  if (e.dtype.bits === 64) return (s) => Number(f(s) as bigint);
  return f as (s: Slots) => number;
}

/** Reads element `i` (relative to the pointer) of `m` as dtype `t`, bounds-checked. */
export function loadElement(m: Mem, i: number, t: DataType, where: () => string): Scalar {
  if (m == null || !(i >= m.lo && i < m.hi)) throw outOfBounds("load from", m, i, where);
  const v = m.data[m.base + i];
  if (m.dtype === t) return v;
  return m.raw ? rawLoad(m, i, t, where) : reinterpretLoad(m, t, where)(v);
}

/** Writes element `i` (relative to the pointer) of `m` with a value of dtype `t`, bounds-checked. */
export function storeElement(m: Mem, i: number, v: Scalar, t: DataType, where: () => string): void {
  if (m == null || !(i >= m.lo && i < m.hi)) throw outOfBounds("store to", m, i, where);
  if (m.dtype !== t && m.raw) return rawStore(m, i, v, t, where);
  (m.data as unknown as Cells)[m.base + i] = m.dtype === t ? v : reinterpretStore(m, t, where)(v);
}

export function compileLoad(ctx: Context, e: Load): Eval {
  const where = (): string => printExpr(e);
  const slot = ctx.slotOf(e.bufferVar, where);
  const t = e.dtype.element();
  const lanes = e.dtype.lanes;
  if (e.index.dtype.lanes !== lanes) {
    throw new IRError(`interpreter (${ctx.fname}): a load of ${e.dtype} needs an index of ${lanes} lanes, got ${e.index.dtype} in ${where()}`);
  }
  const pred = isAllTrue(e.predicate) ? undefined : ctx.expr(e.predicate);
  if (lanes === 1) {
    const idx = compileIndex(ctx, e.index);
    const zero = zeroOf(t);
    const bool = t.isBool();
    const load = (s: Slots): Scalar => {
      const m = s[slot] as Mem;
      const i = idx(s);
      if (m == null || !(i >= m.lo && i < m.hi)) throw outOfBounds("load from", m, i, where);
      const v = m.data[m.base + i];
      if (m.dtype === t) return bool ? (v !== 0 ? 1 : 0) : v;
      return m.raw ? rawLoad(m, i, t, where) : reinterpretLoad(m, t, where)(v);
    };
    if (!pred) return load;
    return (s) => (pred(s) ? load(s) : zero);
  }
  const idx = ctx.expr(e.index);
  const big = e.index.dtype.bits === 64;
  const zero = zeroOf(t);
  return (s) => {
    const m = s[slot] as Mem;
    const ix = idx(s) as Scalar[];
    const p = pred ? (pred(s) as Scalar[]) : undefined;
    const r = new Array<Scalar>(lanes);
    for (let k = 0; k < lanes; k++) {
      if (p && !p[k]) {
        r[k] = zero;
        continue;
      }
      const v = loadElement(m, big ? Number(ix[k]) : (ix[k] as number), t, where);
      r[k] = t.isBool() ? (v !== 0 ? 1 : 0) : v;
    }
    return r;
  };
}

export function compileStore(ctx: Context, st: Store): Exec {
  const where = (): string => stmtText(st);
  const slot = ctx.slotOf(st.bufferVar, where);
  const t = st.value.dtype.element();
  const lanes = st.value.dtype.lanes;
  if (st.index.dtype.lanes !== lanes) {
    throw new IRError(`interpreter (${ctx.fname}): a store of ${st.value.dtype} needs an index of ${lanes} lanes, got ${st.index.dtype} in ${where()}`);
  }
  const V = ctx.expr(st.value);
  const pred = isAllTrue(st.predicate) ? undefined : ctx.expr(st.predicate);
  if (lanes === 1) {
    const idx = compileIndex(ctx, st.index);
    const store: Exec = (s) => {
      const v = V(s) as Scalar;
      const m = s[slot] as Mem;
      const i = idx(s);
      if (m == null || !(i >= m.lo && i < m.hi)) throw outOfBounds("store to", m, i, where);
      if (m.dtype !== t && m.raw) return rawStore(m, i, v, t, where);
      (m.data as unknown as Cells)[m.base + i] = m.dtype === t ? v : reinterpretStore(m, t, where)(v);
    };
    if (!pred) return store;
    return (s) => {
      if (pred(s)) store(s);
    };
  }
  const idx = ctx.expr(st.index);
  const big = st.index.dtype.bits === 64;
  return (s) => {
    const v = V(s) as Scalar[];
    const m = s[slot] as Mem;
    const ix = idx(s) as Scalar[];
    const p = pred ? (pred(s) as Scalar[]) : undefined;
    for (let k = 0; k < lanes; k++) {
      if (p && !p[k]) continue;
      storeElement(m, big ? Number(ix[k]) : (ix[k] as number), v[k], t, where);
    }
  };
}
