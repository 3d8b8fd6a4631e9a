// Bounds-checked builds (opt-in: `build(..., {boundsCheck: true})`, TEJIT_BOUNDS_CHECK=1 or
// lower's `boundsCheck` option; TVM's tir.instrument_bound_checkers): every load and store of a
// buffer whose extent is known — a parameter (its shape and strides) or an allocation (its
// extents) — gets an assert that its index lies inside, so an index past the end, in a compute
// body or a schedule, makes the kernel return an error naming the buffer, the index value and the
// shape instead of touching memory it does not own. Vector accesses are checked for every lane
// (a ramp by its first and last lane). Accesses the Analyzer proves inside get no check, guarded
// accesses (`if_then_else(c, A[i - 1], 0)`) are checked only under their guard, and the checks
// go where ts/transform/check_placement.ts puts them. Buffers reached only through handles
// (extern views, packed-call arguments) are not checked.

import { ArgumentError } from "../errors.js";
import type { Analyzer } from "../arith/analyzer.js";
import type { DataType } from "../ir/dtype.js";
import { Broadcast, IntImm, type Load, type PrimExpr, Ramp, type Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprVisitor } from "../ir/functor.js";
import * as op from "../ir/op.js";
import type { Allocate, Store } from "../ir/stmt.js";
import { format } from "./host_builtins.js";
import { allLanes, CheckCollector, lane, placeChecks } from "./check_placement.js";
import { checkPrimFunc } from "./check_func.js";

/** What the checks know of a buffer: its name, shape, and the valid indices [begin, begin + size). */
interface Extent {
  readonly name: string;
  readonly shape: readonly PrimExpr[];
  readonly begin: PrimExpr;
  readonly size: PrimExpr;
  /** For an allocation, the bits of its element in memory (a typed view of another type counts its own elements). */
  readonly elemBits?: number;
}

/** Bits an element of the scalar type `t` takes in memory (bool: a byte). */
function memoryBits(t: DataType): number {
  return t.isBool() ? 8 : t.bits;
}

function product(es: readonly PrimExpr[]): PrimExpr {
  return es.reduce<PrimExpr>((a, b) => op.mul(a, b), new IntImm("int32", 1));
}

/** The extents of the function's parameter buffers and allocations, by data variable. */
function bufferExtents(f: PrimFunc): Map<Var, Extent> {
  const out = new Map<Var, Extent>();
  for (const b of f.bufferMap.values()) {
    const count = product(b.shape);
    // With strides, the last valid element is at sum((shape[i] - 1) * strides[i]).
    const size = b.strides.length === 0 ? count
      : op.select(op.gt(count, 0), op.add(b.shape.reduce<PrimExpr>((a, d, i) => op.add(a, op.mul(op.sub(d, 1), b.strides[i])), new IntImm("int32", 0)), 1), 0);
    out.set(b.data, { name: b.name, shape: b.shape, begin: b.elemOffset, size });
  }
  class Allocations extends StmtExprVisitor {
    override visitExpr(): void {}
    override visitAllocate(s: Allocate): void {
      const size = s.dtype.lanes === 1 ? product(s.extents) : op.mul(product(s.extents), s.dtype.lanes);
      out.set(s.bufferVar, { name: s.bufferVar.name, shape: s.extents, begin: new IntImm("int32", 0), size, elemBits: memoryBits(s.dtype.element()) });
      super.visitAllocate(s);
    }
  }
  new Allocations().visitStmt(f.body);
  return out;
}

/** True when the predicate of an access is constant true (scalar or broadcast). */
function allTrue(p: PrimExpr): boolean {
  const v = p instanceof Broadcast ? p.value : p;
  return v instanceof IntImm && v.value !== 0;
}

class BoundChecks extends CheckCollector {
  constructor(ana: Analyzer, private readonly extents: Map<Var, Extent>) { super(ana); }

  override visitLoad(e: Load): void {
    super.visitLoad(e);
    this.access("load from", e.bufferVar, e.index, e.dtype, e.predicate);
  }

  override visitStoreTarget(s: Store): void {
    this.access("store to", s.bufferVar, s.index, s.value.dtype, s.predicate);
  }

  private access(what: string, buffer: Var, index: PrimExpr, dtype: DataType, predicate: PrimExpr): void {
    const ext = this.extents.get(buffer);
    if (!ext) return;
    const lanes = dtype.lanes;
    // A typed view of an allocation of another element type (storage rewrite's shared memory)
    // holds as many of its own elements as fit in the allocation's bytes.
    const viewBits = memoryBits(dtype.element());
    const size = ext.elemBits === undefined || ext.elemBits === viewBits ? ext.size : op.floordiv(op.mul(ext.size, ext.elemBits), viewBits);
    const end = op.add(ext.begin, size);
    const inside = (i: PrimExpr): PrimExpr => op.logicalAnd(op.ge(i, ext.begin), op.lt(i, end));
    // A scalar index of a vector access names a vector element of a buffer of vectors.
    const idx = index.dtype.lanes === 1 && lanes > 1 ? new Ramp(op.mul(index, lanes), new IntImm(index.dtype, 1), lanes) : index;
    const shape = ext.shape.flatMap((d, i) => (i === 0 ? [d] : [", ", d]));
    const where = [" is outside [", ext.begin, ", ", end, ") (shape [", ...shape, "])"];
    let cond: PrimExpr;
    let message: PrimExpr;
    if (idx.dtype.lanes === 1 || idx instanceof Broadcast) {
      const i = idx instanceof Broadcast ? idx.value : idx;
      cond = inside(i);
      message = format(`out-of-bounds ${what} '${ext.name}': index `, i, ...where);
    } else if (idx instanceof Ramp) {
      const last = op.add(idx.base, op.mul(idx.stride, idx.lanes - 1));
      cond = op.logicalAnd(inside(idx.base), inside(last));
      message = format(`out-of-bounds ${what} '${ext.name}': the ${idx.lanes} lanes from index `, idx.base, " to ", last,
        " are not all inside [", ext.begin, ", ", end, ") (shape [", ...shape, "])");
    } else {
      cond = allLanes([idx], (k) => inside(lane(idx, k)));
      message = format(`out-of-bounds ${what} '${ext.name}': a lane of the vector index ${idx}`, ...where);
    }
    if (!allTrue(predicate)) {
      if (predicate.dtype.lanes === 1) return this.guarded(predicate, () => this.add(cond, message));
      // Only the lanes the predicate enables are accessed.
      cond = allLanes([idx, predicate], (k) => op.logicalOr(op.logicalNot(lane(predicate, k)), inside(lane(idx, k))));
    }
    this.add(cond, message);
  }
}

/** The function attribute that marks a function as instrumented (so it is not instrumented twice). */
export const BOUNDS_CHECKED_ATTR = "tejit.bounds_checked";

/** True when bounds checks are asked for: `option` if given, else TEJIT_BOUNDS_CHECK=1. */
export function boundsCheckWanted(option: boolean | undefined): boolean {
  if (option !== undefined && typeof option !== "boolean") throw new ArgumentError(`boundsCheck must be true or false, got ${op.describe(option)}`);
  return option ?? process.env.TEJIT_BOUNDS_CHECK === "1";
}

/** Asserts before every load and store that its index is inside its buffer (see the header). */
export function instrumentBoundChecks(f: PrimFunc): PrimFunc {
  checkPrimFunc(f, "instrumentBoundChecks");
  if (f.attrs[BOUNDS_CHECKED_ATTR] === true) return f;
  const extents = bufferExtents(f);
  return placeChecks(f, (ana) => new BoundChecks(ana, extents)).withAttr(BOUNDS_CHECKED_ATTR, true);
}
