// split_wide_vectors: splits vector stores wider than the target's native vector width into
// native-width stores (a float32x32 store becomes two float32x16 stores on AVX-512, four
// float32x8 on AVX2), slicing the value lane-wise: ramps and broadcasts are cut, loads take the
// matching part of their index, arithmetic, comparisons, selects, casts and calls are sliced
// operand by operand. GCC/Clang handle vector types wider than the machine's through stack
// round trips; LLVM, which TVM uses, legalizes them this way. A store whose value cannot be
// sliced (a shuffle, a vector let) is left whole.

import { ArgumentError } from "../errors.js";
import {
  BinaryExpr, Broadcast, Call, Cast, CompareExpr, IntImm, Load, LogicalExpr, Not, type PrimExpr, Ramp, Select,
} from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { SeqStmt, type Stmt, Store } from "../ir/stmt.js";

type BinaryCtor = new (a: PrimExpr, b: PrimExpr) => PrimExpr;

/** A load of a vector element of a buffer of vectors, as a load with a ramp index. */
function rampIndex(index: PrimExpr, lanes: number): PrimExpr {
  if (index.dtype.lanes !== 1) return index;
  return new Ramp(op.mul(index, lanes), new IntImm(index.dtype, 1), lanes);
}

/** Lanes [k*w, (k+1)*w) of `e`, or undefined when `e` cannot be sliced. */
function slice(e: PrimExpr, k: number, w: number): PrimExpr | undefined {
  const lanes = e.dtype.lanes;
  if (lanes === 1) return e;
  const rec = (x: PrimExpr): PrimExpr | undefined => slice(x, k, w);
  if (e instanceof Ramp) return new Ramp(op.add(e.base, op.mul(e.stride, k * w)), e.stride, w);
  if (e instanceof Broadcast) return new Broadcast(e.value, w);
  if (e instanceof Load) {
    const idx = rec(rampIndex(e.index, lanes));
    const pred = rec(e.predicate);
    return idx && pred ? new Load(e.dtype.withLanes(w), e.bufferVar, idx, pred) : undefined;
  }
  if (e instanceof BinaryExpr || e instanceof CompareExpr || e instanceof LogicalExpr) {
    const a = rec(e.a);
    const b = rec(e.b);
    return a && b ? new (e.constructor as BinaryCtor)(a, b) : undefined;
  }
  if (e instanceof Not) {
    const a = rec(e.a);
    return a && new Not(a);
  }
  if (e instanceof Cast) {
    const v = rec(e.value);
    return v && new Cast(e.dtype.withLanes(w), v);
  }
  if (e instanceof Select) {
    const c = rec(e.condition);
    const t = rec(e.trueValue);
    const f = rec(e.falseValue);
    return c && t && f ? new Select(c, t, f) : undefined;
  }
  if (e instanceof Call && e.args.every((a) => a.dtype.lanes === 1 || a.dtype.lanes === lanes)) {
    const args = e.args.map(rec);
    return args.every((a) => a !== undefined) ? new Call(e.dtype.withLanes(w), e.op, args as PrimExpr[]) : undefined;
  }
  return undefined;
}

class WideVectorSplitter extends StmtExprMutator {
  constructor(private readonly maxBytes: number) { super(); }

  override visitStore(s: Store): Stmt {
    const base = super.visitStore(s) as Store;
    const t = base.value.dtype;
    if (t.lanes === 1 || t.isBool() || t.bytes() <= this.maxBytes) return base;
    const w = Math.max(1, Math.floor(this.maxBytes / t.element().bytes()));
    if (t.lanes % w !== 0) return base;
    const index = rampIndex(base.index, t.lanes);
    const parts: Stmt[] = [];
    for (let k = 0; k < t.lanes / w; k++) {
      const value = slice(base.value, k, w);
      const idx = slice(index, k, w);
      const pred = slice(base.predicate, k, w);
      if (!value || !idx || !pred) return base;
      parts.push(new Store(base.bufferVar, value, idx, pred));
    }
    return new SeqStmt(parts);
  }
}

/** Splits vector stores wider than `maxBytes` (the target's native vector width). */
export function splitWideVectors(f: PrimFunc, maxBytes: number): PrimFunc {
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new ArgumentError(`splitWideVectors: maxBytes must be a positive integer, got ${maxBytes}`);
  return f.withBody(new WideVectorSplitter(maxBytes).visitStmt(f.body));
}
