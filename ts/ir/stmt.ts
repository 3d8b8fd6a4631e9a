// Statement nodes of TIR (and the TE-level ProducerStore/ProducerRealize), as TVM defines them.
// Immutable; `kind` discriminates them for the functors in functor.ts.

import { DataType, type DTypeLike } from "./dtype.js";
import { type DataProducer, IntImm, PrimExpr, Var } from "./expr.js";
import type { Buffer } from "./buffer.js";
import type { Range } from "./iter_var.js";
import { printStmt } from "./printer.js";

export type StmtKind =
  | "LetStmt" | "AttrStmt" | "AssertStmt" | "Store" | "BufferStore" | "BufferRealize"
  | "ProducerStore" | "ProducerRealize" | "Allocate" | "For" | "While" | "SeqStmt"
  | "IfThenElse" | "Evaluate";

export abstract class Stmt {
  abstract readonly kind: StmtKind;
  toString(): string { return printStmt(this); }
}

const TRUE = (): IntImm => new IntImm(DataType.bool(), 1);

export class LetStmt extends Stmt {
  readonly kind = "LetStmt";
  constructor(readonly variable: Var, readonly value: PrimExpr, readonly body: Stmt) { super(); }
}

/** What an AttrStmt annotates: an expression, a variable, an IterVar, a buffer, a tensor… */
export type AttrNode = unknown;

export class AttrStmt extends Stmt {
  readonly kind = "AttrStmt";
  constructor(readonly node: AttrNode, readonly key: string, readonly value: PrimExpr, readonly body: Stmt) { super(); }
}

export class AssertStmt extends Stmt {
  readonly kind = "AssertStmt";
  constructor(readonly condition: PrimExpr, readonly message: PrimExpr, readonly body: Stmt) { super(); }
}

/** A store into a flat buffer variable (after flattening). */
export class Store extends Stmt {
  readonly kind = "Store";
  readonly predicate: PrimExpr;
  constructor(readonly bufferVar: Var, readonly value: PrimExpr, readonly index: PrimExpr, predicate?: PrimExpr) {
    super();
    this.predicate = predicate ?? new IntImm(DataType.bool(value.dtype.lanes), 1);
  }
}

export class BufferStore extends Stmt {
  readonly kind = "BufferStore";
  constructor(readonly buffer: Buffer, readonly value: PrimExpr, readonly indices: PrimExpr[]) { super(); }
}

/** Declares that `buffer` holds the region `bounds` inside `body` (before flattening). */
export class BufferRealize extends Stmt {
  readonly kind = "BufferRealize";
  constructor(readonly buffer: Buffer, readonly bounds: Range[], readonly condition: PrimExpr, readonly body: Stmt) { super(); }
}

export class ProducerStore extends Stmt {
  readonly kind = "ProducerStore";
  constructor(readonly producer: DataProducer, readonly value: PrimExpr, readonly indices: PrimExpr[]) { super(); }
}

export class ProducerRealize extends Stmt {
  readonly kind = "ProducerRealize";
  constructor(readonly producer: DataProducer, readonly bounds: Range[], readonly condition: PrimExpr, readonly body: Stmt) { super(); }
}

export class Allocate extends Stmt {
  readonly kind = "Allocate";
  readonly dtype: DataType;
  readonly condition: PrimExpr;
  constructor(readonly bufferVar: Var, dtype: DTypeLike, readonly extents: PrimExpr[], condition: PrimExpr | undefined, readonly body: Stmt) {
    super();
    this.dtype = DataType.parse(dtype);
    this.condition = condition ?? TRUE();
  }
}

/** Loop kinds; the printer shows them as TVM does ("parallel", "vectorized", "unroll"). */
export type ForKind = "serial" | "parallel" | "vectorized" | "unrolled";

export class For extends Stmt {
  readonly kind = "For";
  constructor(
    readonly loopVar: Var,
    readonly min: PrimExpr,
    readonly extent: PrimExpr,
    readonly forKind: ForKind,
    readonly body: Stmt,
  ) { super(); }
}

export class While extends Stmt {
  readonly kind = "While";
  constructor(readonly condition: PrimExpr, readonly body: Stmt) { super(); }
}

export class SeqStmt extends Stmt {
  readonly kind = "SeqStmt";
  constructor(readonly seq: Stmt[]) { super(); }

  /** Flattens nested sequences and drops no-ops; returns the single statement when one is left. */
  static flatten(stmts: (Stmt | undefined)[]): Stmt {
    const out: Stmt[] = [];
    const visit = (s: Stmt | undefined): void => {
      if (!s) return;
      if (s instanceof SeqStmt) s.seq.forEach(visit);
      else if (!isNoOp(s)) out.push(s);
    };
    stmts.forEach(visit);
    if (out.length === 0) return noOp();
    if (out.length === 1) return out[0];
    return new SeqStmt(out);
  }
}

export class IfThenElse extends Stmt {
  readonly kind = "IfThenElse";
  constructor(readonly condition: PrimExpr, readonly thenCase: Stmt, readonly elseCase?: Stmt) { super(); }
}

export class Evaluate extends Stmt {
  readonly kind = "Evaluate";
  constructor(readonly value: PrimExpr) { super(); }
}

/** The statement that does nothing: Evaluate(0). */
export function noOp(): Stmt { return new Evaluate(new IntImm("int32", 0)); }

export function isNoOp(s: Stmt): boolean {
  return (s instanceof Evaluate && s.value instanceof IntImm) || (s instanceof SeqStmt && s.seq.length === 0);
}
