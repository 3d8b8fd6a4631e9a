// Ranges and iteration variables: an IterVar is a loop variable with a domain and a kind
// (data-parallel, reduction, …), the unit that schedules split, fuse and reorder.

import type { PrimExpr, Var } from "./expr.js";

export class Range {
  constructor(readonly min: PrimExpr, readonly extent: PrimExpr) {}
}

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

export class IterVar {
  readonly var: Var;
  constructor(
    readonly dom: Range | undefined,
    variable: Var,
    readonly iterType: IterVarType,
    readonly threadTag = "",
  ) {
    this.var = variable;
  }

  get name(): string { return this.var.name; }
  toString(): string { return `IterVar(${this.var.name}, ${this.iterType})`; }
}
