// Statement nodes of TIR (and the TE-level ProducerStore/ProducerRealize), as TVM defines them.
// Immutable; `kind` discriminates them for the functors in functor.ts.

import { DataType, type DTypeLike } from "./dtype.js";
import { type DataProducer, IntImm, PrimExpr, Var } from "./expr.js";
import type { Buffer } from "./buffer.js";
import type { Range } from "./iter_var.js";
import { printStmt } from "./printer.js";

/** The `kind` tag of each statement node class, which the functors dispatch on. */
export type StmtKind =
  | "LetStmt" | "AttrStmt" | "AssertStmt" | "Store" | "BufferStore" | "BufferRealize"
  | "ProducerStore" | "ProducerRealize" | "Allocate" | "For" | "While" | "SeqStmt"
  | "IfThenElse" | "Evaluate";

/**
 * A statement of TIR (TVM's Stmt): an immutable node; subclasses are the statement kinds (For,
 * BufferStore, Allocate, ...). `String(stmt)` prints it in TVM's TIR text form.
 */
export abstract class Stmt {
  /** The node kind, one of {@link StmtKind}; equal to the class name. */
  abstract readonly kind: StmtKind;
  /** The statement in TVM's TIR text form. */
  toString(): string { return printStmt(this); }
}

const TRUE = (): IntImm => new IntImm(DataType.bool(), 1);

/** `let variable = value` over `body` (TVM's LetStmt). */
export class LetStmt extends Stmt {
  readonly kind = "LetStmt";
  /**
   * @param variable The variable bound.
   * @param value Its value.
   * @param body The statement in which it is bound.
   */
  constructor(readonly variable: Var, readonly value: PrimExpr, readonly body: Stmt) { super(); }
}

/** What an AttrStmt annotates: an expression, a variable, an IterVar, a buffer, a tensor… */
export type AttrNode = unknown;

/**
 * An annotation `key = value` on `node` that holds over `body` (TVM's AttrStmt), e.g.
 * "storage_scope", "pragma_*", "thread_extent".
 */
export class AttrStmt extends Stmt {
  readonly kind = "AttrStmt";
  /**
   * @param node What is annotated (a variable, an IterVar, a buffer, ...).
   * @param key The annotation's name.
   * @param value Its value.
   * @param body The statement annotated.
   */
  constructor(readonly node: AttrNode, readonly key: string, readonly value: PrimExpr, readonly body: Stmt) { super(); }
}

/** Checks `condition` before `body` and fails the call with `message` when it is false (TVM's AssertStmt). */
export class AssertStmt extends Stmt {
  readonly kind = "AssertStmt";
  /**
   * @param condition A bool expression.
   * @param message The error message (a StringImm).
   * @param body The statement run when the condition holds.
   */
  constructor(readonly condition: PrimExpr, readonly message: PrimExpr, readonly body: Stmt) { super(); }
}

/** A store into a flat buffer variable (after flattening). */
export class Store extends Stmt {
  readonly kind = "Store";
  /** Which lanes are stored: a bool of the value's lanes, all true by default. */
  readonly predicate: PrimExpr;
  /**
   * @param bufferVar The data handle stored into.
   * @param value The value stored.
   * @param index The element index (a Ramp for a vector store).
   * @param predicate Which lanes are stored; all by default.
   */
  constructor(readonly bufferVar: Var, readonly value: PrimExpr, readonly index: PrimExpr, predicate?: PrimExpr) {
    super();
    this.predicate = predicate ?? new IntImm(DataType.bool(value.dtype.lanes), 1);
  }
}

/** `buffer[indices] = value` (TVM's BufferStore), before flattening. */
export class BufferStore extends Stmt {
  readonly kind = "BufferStore";
  /**
   * @param buffer The buffer written.
   * @param value The value stored.
   * @param indices One index a dimension.
   */
  constructor(readonly buffer: Buffer, readonly value: PrimExpr, readonly indices: PrimExpr[]) { super(); }
}

/** Declares that `buffer` holds the region `bounds` inside `body` (before flattening). */
export class BufferRealize extends Stmt {
  readonly kind = "BufferRealize";
  /**
   * @param buffer The buffer realized.
   * @param bounds The region, one range a dimension.
   * @param condition When it is realized; true for always.
   * @param body The statement in which the buffer lives.
   */
  constructor(readonly buffer: Buffer, readonly bounds: Range[], readonly condition: PrimExpr, readonly body: Stmt) { super(); }
}

/** `producer[indices] = value` for a TE tensor (TVM's ProducerStore), before buffers are assigned. */
export class ProducerStore extends Stmt {
  readonly kind = "ProducerStore";
  /**
   * @param producer The tensor written.
   * @param value The value stored.
   * @param indices One index a dimension.
   */
  constructor(readonly producer: DataProducer, readonly value: PrimExpr, readonly indices: PrimExpr[]) { super(); }
}

/** Declares that the TE tensor `producer` holds the region `bounds` inside `body` (TVM's ProducerRealize). */
export class ProducerRealize extends Stmt {
  readonly kind = "ProducerRealize";
  /**
   * @param producer The tensor realized.
   * @param bounds The region, one range a dimension.
   * @param condition When it is realized; true for always.
   * @param body The statement in which the tensor lives.
   */
  constructor(readonly producer: DataProducer, readonly bounds: Range[], readonly condition: PrimExpr, readonly body: Stmt) { super(); }
}

/**
 * Allocates `bufferVar` of `extents` elements of `dtype` for `body` (TVM's Allocate); codegen
 * puts it on the stack or the heap by size.
 */
export class Allocate extends Stmt {
  readonly kind = "Allocate";
  /** The element dtype. */
  readonly dtype: DataType;
  /** When it is allocated; true for always. */
  readonly condition: PrimExpr;
  /**
   * @param bufferVar The data handle allocated.
   * @param dtype The element dtype.
   * @param extents The number of elements along each dimension (multiplied for the size).
   * @param condition When it is allocated; true when undefined.
   * @param body The statement in which the allocation lives.
   */
  constructor(readonly bufferVar: Var, dtype: DTypeLike, readonly extents: PrimExpr[], condition: PrimExpr | undefined, readonly body: Stmt) {
    super();
    this.dtype = DataType.parse(dtype);
    this.condition = condition ?? TRUE();
  }
}

/** Loop kinds; the printer shows them as TVM does ("parallel", "vectorized", "unroll"). */
export type ForKind = "serial" | "parallel" | "vectorized" | "unrolled";

/**
 * `for (loopVar = min; loopVar < min + extent; ++loopVar) body` (TVM's For); `forKind` says
 * whether it runs serial, parallel, vectorized or unrolled.
 */
export class For extends Stmt {
  readonly kind = "For";
  /**
   * @param loopVar The loop variable.
   * @param min Its first value.
   * @param extent The trip count.
   * @param forKind How it runs.
   * @param body The loop body.
   */
  constructor(
    readonly loopVar: Var,
    readonly min: PrimExpr,
    readonly extent: PrimExpr,
    readonly forKind: ForKind,
    readonly body: Stmt,
  ) { super(); }
}

/** `while (condition) body` (TVM's While). */
export class While extends Stmt {
  readonly kind = "While";
  /**
   * @param condition A bool expression tested before each iteration.
   * @param body The loop body.
   */
  constructor(readonly condition: PrimExpr, readonly body: Stmt) { super(); }
}

/** Statements run in order (TVM's SeqStmt). */
export class SeqStmt extends Stmt {
  readonly kind = "SeqStmt";
  /** @param seq The statements. */
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

/** `if (condition) thenCase else elseCase` (TVM's IfThenElse). */
export class IfThenElse extends Stmt {
  readonly kind = "IfThenElse";
  /**
   * @param condition A bool expression.
   * @param thenCase Run when it holds.
   * @param elseCase Run otherwise, if given.
   */
  constructor(readonly condition: PrimExpr, readonly thenCase: Stmt, readonly elseCase?: Stmt) { super(); }
}

/** Evaluates `value` for its effect (TVM's Evaluate): a call as a statement; `Evaluate(0)` is the no-op. */
export class Evaluate extends Stmt {
  readonly kind = "Evaluate";
  /** @param value The expression evaluated. */
  constructor(readonly value: PrimExpr) { super(); }
}

/** The statement that does nothing: Evaluate(0). */
export function noOp(): Stmt { return new Evaluate(new IntImm("int32", 0)); }

/**
 * Whether `s` does nothing: `Evaluate` of a constant, or an empty sequence.
 * @param s The statement tested.
 */
export function isNoOp(s: Stmt): boolean {
  return (s instanceof Evaluate && s.value instanceof IntImm) || (s instanceof SeqStmt && s.seq.length === 0);
}
