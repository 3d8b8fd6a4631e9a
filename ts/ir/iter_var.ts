// Ranges and iteration variables: an IterVar is a loop variable with a domain and a kind
// (data-parallel, reduction, …), the unit that schedules split, fuse and reorder.

import type { PrimExpr, Var } from "./expr.js";

/** A half-open range `[min, min + extent)` (TVM's Range). */
export class Range {
  /**
   * @param min The first value.
   * @param extent The number of values.
   */
  constructor(readonly min: PrimExpr, readonly extent: PrimExpr) {}
}

/**
 * The kind of an iteration variable (TVM's IterVarType): data-parallel, reduction (CommReduce),
 * opaque, or a loop annotation set by a schedule (Unrolled, Vectorized, Parallelized).
 */
export type IterVarType =
  | "DataPar"
  | "ThreadIndex"
  | "CommReduce"
  | "Ordered"
  | "Opaque"
  | "Unrolled"
  | "Vectorized"
  | "Parallelized"
  | "Tensorized";

/**
 * An iteration variable (TVM's tir.IterVar): a loop variable with a domain and a kind. The axes
 * of a compute (`C.op.axis`), reduce axes (`te.reduceAxis`) and the axes split and fuse make
 * are IterVars.
 */
export class IterVar {
  /** The loop variable. */
  readonly var: Var;
  /**
   * @param dom Its domain, or undefined until bound inference sets the loop's range.
   * @param variable The loop variable.
   * @param iterType Its kind.
   * @param threadTag A thread tag (TVM's; unused on CPU), "" by default.
   */
  constructor(
    readonly dom: Range | undefined,
    variable: Var,
    readonly iterType: IterVarType,
    readonly threadTag = "",
  ) {
    this.var = variable;
  }

  /** Its variable's name. */
  get name(): string { return this.var.name; }
  /** `IterVar(name, type)`. */
  toString(): string { return `IterVar(${this.var.name}, ${this.iterType})`; }
}
