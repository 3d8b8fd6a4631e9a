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
//
// Without boundsCheck, every build still checks the accesses whose index is data-dependent (read
// from memory, as in a gather A[I[i]], directly or through a let, or returned by a call):
// instrumentIndirectBoundChecks. Such an index comes from the caller's data at run time, so no
// analysis at build can vouch for it, and an unchecked one reads or writes anywhere. It costs a
// compare per gathered element; affine indices stay unchecked (CheckCertainBounds refuses the
// ones that are certainly wrong at build).

import { ArgumentError } from "../errors.js";
import type { Analyzer } from "../arith/analyzer.js";
import type { DataType } from "../ir/dtype.js";
import { Broadcast, type Call, IntImm, type Let, type Load, type PrimExpr, Ramp, type Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprVisitor } from "../ir/functor.js";
import * as op from "../ir/op.js";
import type { Allocate, LetStmt, Store } from "../ir/stmt.js";
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

/** Whether an expression reads memory or calls out: a Load, a tir.call_* or a variable bound to one. */
class DataDependence extends StmtExprVisitor {
  /** Let-bound variables whose value is data-dependent. */
  readonly vars = new Set<Var>();
  private found = false;

  /** Collects the data-dependent let variables of `f` (TIR binds each variable once). */
  static of(f: PrimFunc): DataDependence {
    const d = new DataDependence();
    d.visitStmt(f.body);
    return d;
  }

  test(e: PrimExpr): boolean {
    this.found = false;
    this.visitExpr(e);
    return this.found;
  }

  override visitLetStmt(s: LetStmt): void {
    if (this.test(s.value)) this.vars.add(s.variable);
    this.visitStmt(s.body);
  }

  override visitLet(e: Let): void {
    const outer = this.found;
    if (this.test(e.value)) this.vars.add(e.variable);
    this.found = outer;
    this.visitExpr(e.body);
  }

  override visitLoad(): void { this.found = true; }
  override visitVar(v: Var): void { if (this.vars.has(v)) this.found = true; }
  override visitCall(e: Call): void {
    if (e.op.startsWith("tir.call_")) this.found = true;
    else super.visitCall(e);
  }
}

/** Which accesses get a check: all of them, or (indirect) those whose index is data-dependent. */
type Scope = { kind: "all" } | { kind: "indirect"; dependence: DataDependence };

class BoundChecks extends CheckCollector {
  constructor(ana: Analyzer, private readonly extents: Map<Var, Extent>, private readonly scope: Scope) { super(ana); }

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
    if (this.scope.kind === "indirect" && !this.scope.dependence.test(index)) return;
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

/** The function attribute that marks the data-dependent accesses as checked (every build). */
export const INDIRECT_BOUNDS_CHECKED_ATTR = "tejit.indirect_bounds_checked";

/** Asserts before every load and store that its index is inside its buffer (see the header). */
export function instrumentBoundChecks(f: PrimFunc): PrimFunc {
  checkPrimFunc(f, "instrumentBoundChecks");
  if (f.attrs[BOUNDS_CHECKED_ATTR] === true) return f;
  const extents = bufferExtents(f);
  return placeChecks(f, (ana) => new BoundChecks(ana, extents, { kind: "all" })).withAttr(BOUNDS_CHECKED_ATTR, true);
}

/**
 * Asserts before every load and store whose index is data-dependent that it is inside its buffer
 * (every build runs it; a function already fully checked or marked is returned as is).
 */
export function instrumentIndirectBoundChecks(f: PrimFunc): PrimFunc {
  checkPrimFunc(f, "instrumentIndirectBoundChecks");
  if (f.attrs[BOUNDS_CHECKED_ATTR] === true || f.attrs[INDIRECT_BOUNDS_CHECKED_ATTR] === true) return f;
  const extents = bufferExtents(f);
  const dependence = DataDependence.of(f);
  const out = placeChecks(f, (ana) => new BoundChecks(ana, extents, { kind: "indirect", dependence }));
  // Marked only when a check went in, so the text of functions without gathers is unchanged.
  return out.body === f.body ? f : out.withAttr(INDIRECT_BOUNDS_CHECKED_ATTR, true);
}
