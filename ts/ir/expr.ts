// Expression nodes of TIR (and the TE-level ones: ProducerLoad, Reduce), as TVM defines them.
// Nodes are immutable; `kind` discriminates them for the functors in functor.ts. Arithmetic
// methods on PrimExpr build through op.ts, which coerces JS numbers and folds constants.

import { DataType, type DTypeLike } from "./dtype.js";
import { PointerType } from "./type.js";
import type { IterVar } from "./iter_var.js";
import type { Buffer } from "./buffer.js";
import * as op from "./op.js";
import * as bits from "./bit_ops.js";
import { printExpr } from "./printer.js";

/** A number is taken as a constant of the other operand's dtype; a boolean as a bool; an axis (IterVar) as its variable. */
export type ExprLike = PrimExpr | number | boolean | IterVar;

export type ExprKind =
  | "Var" | "IntImm" | "FloatImm" | "StringImm" | "Cast"
  | "Add" | "Sub" | "Mul" | "Div" | "Mod" | "FloorDiv" | "FloorMod" | "Min" | "Max"
  | "EQ" | "NE" | "LT" | "LE" | "GT" | "GE" | "And" | "Or" | "Not"
  | "Select" | "Load" | "BufferLoad" | "ProducerLoad" | "Ramp" | "Broadcast" | "Shuffle"
  | "Let" | "Call" | "Reduce";

export abstract class PrimExpr {
  abstract readonly kind: ExprKind;
  constructor(readonly dtype: DataType) {}

  add(o: ExprLike): PrimExpr { return op.add(this, o); }
  sub(o: ExprLike): PrimExpr { return op.sub(this, o); }
  mul(o: ExprLike): PrimExpr { return op.mul(this, o); }
  /** Division: truncating for integers (C semantics), true division for floats. */
  div(o: ExprLike): PrimExpr { return op.div(this, o); }
  floordiv(o: ExprLike): PrimExpr { return op.floordiv(this, o); }
  floormod(o: ExprLike): PrimExpr { return op.floormod(this, o); }
  /** Remainder with truncating semantics (C's %). */
  mod(o: ExprLike): PrimExpr { return op.truncmod(this, o); }
  max(o: ExprLike): PrimExpr { return op.max(this, o); }
  min(o: ExprLike): PrimExpr { return op.min(this, o); }
  lt(o: ExprLike): PrimExpr { return op.lt(this, o); }
  le(o: ExprLike): PrimExpr { return op.le(this, o); }
  gt(o: ExprLike): PrimExpr { return op.gt(this, o); }
  ge(o: ExprLike): PrimExpr { return op.ge(this, o); }
  eq(o: ExprLike): PrimExpr { return op.eq(this, o); }
  ne(o: ExprLike): PrimExpr { return op.ne(this, o); }
  and(o: ExprLike): PrimExpr { return op.logicalAnd(this, o); }
  or(o: ExprLike): PrimExpr { return op.logicalOr(this, o); }
  not(): PrimExpr { return op.logicalNot(this); }
  neg(): PrimExpr { return op.neg(this); }
  cast(dtype: DTypeLike): PrimExpr { return op.cast(dtype, this); }
  /** Bit operations of integers (TVM's <<, >>, &, |, ^, ~). */
  shiftLeft(o: ExprLike): PrimExpr { return bits.shiftLeft(this, o); }
  shiftRight(o: ExprLike): PrimExpr { return bits.shiftRight(this, o); }
  bitwiseAnd(o: ExprLike): PrimExpr { return bits.bitwiseAnd(this, o); }
  bitwiseOr(o: ExprLike): PrimExpr { return bits.bitwiseOr(this, o); }
  bitwiseXor(o: ExprLike): PrimExpr { return bits.bitwiseXor(this, o); }
  bitwiseNot(): PrimExpr { return bits.bitwiseNot(this); }

  toString(): string { return printExpr(this); }
}

export class Var extends PrimExpr {
  readonly kind = "Var";
  constructor(
    readonly name: string,
    dtype: DTypeLike = "int32",
    readonly typeAnnotation?: PointerType,
  ) {
    super(DataType.parse(dtype));
  }
  /** A copy with a new identity (same name and type). */
  copyWithSuffix(suffix = ""): Var { return new Var(this.name + suffix, this.dtype, this.typeAnnotation); }
}

/** A variable known to be non-negative (a size). */
export class SizeVar extends Var {}

/** A handle variable pointing to elements of `elem` (a buffer's data). */
export function pointerVar(name: string, elem: DTypeLike, scope = ""): Var {
  return new Var(name, "handle", new PointerType(DataType.parse(elem), scope));
}

export class IntImm extends PrimExpr {
  readonly kind = "IntImm";
  constructor(dtype: DTypeLike, readonly value: number) {
    super(DataType.parse(dtype));
    if (!Number.isInteger(value)) throw new Error(`IntImm of ${this.dtype} needs an integer, got ${value}`);
  }
}

export class FloatImm extends PrimExpr {
  readonly kind = "FloatImm";
  constructor(dtype: DTypeLike, readonly value: number) { super(DataType.parse(dtype)); }
}

export class StringImm extends PrimExpr {
  readonly kind = "StringImm";
  constructor(readonly value: string) { super(DataType.handle()); }
}

export class Cast extends PrimExpr {
  readonly kind = "Cast";
  constructor(dtype: DTypeLike, readonly value: PrimExpr) { super(DataType.parse(dtype)); }
}

export type BinaryKind = "Add" | "Sub" | "Mul" | "Div" | "Mod" | "FloorDiv" | "FloorMod" | "Min" | "Max";
export type CompareKind = "EQ" | "NE" | "LT" | "LE" | "GT" | "GE";

/** Arithmetic binary node: both sides and the result share one dtype. */
export abstract class BinaryExpr extends PrimExpr {
  abstract override readonly kind: BinaryKind;
  constructor(readonly a: PrimExpr, readonly b: PrimExpr) {
    super(a.dtype);
    if (a.dtype !== b.dtype) {
      throw new Error(`binary operands have different dtypes: ${a.dtype} and ${b.dtype}`);
    }
  }
}
export class Add extends BinaryExpr { readonly kind = "Add"; }
export class Sub extends BinaryExpr { readonly kind = "Sub"; }
export class Mul extends BinaryExpr { readonly kind = "Mul"; }
/** Truncating division for integers. */
export class Div extends BinaryExpr { readonly kind = "Div"; }
/** Truncating remainder for integers. */
export class Mod extends BinaryExpr { readonly kind = "Mod"; }
export class FloorDiv extends BinaryExpr { readonly kind = "FloorDiv"; }
export class FloorMod extends BinaryExpr { readonly kind = "FloorMod"; }
export class Min extends BinaryExpr { readonly kind = "Min"; }
export class Max extends BinaryExpr { readonly kind = "Max"; }

/** Comparison: operands share a dtype, the result is bool with the operands' lanes. */
export abstract class CompareExpr extends PrimExpr {
  abstract override readonly kind: CompareKind;
  constructor(readonly a: PrimExpr, readonly b: PrimExpr) {
    super(DataType.bool(a.dtype.lanes));
    if (a.dtype !== b.dtype) {
      throw new Error(`comparison operands have different dtypes: ${a.dtype} and ${b.dtype}`);
    }
  }
}
export class EQ extends CompareExpr { readonly kind = "EQ"; }
export class NE extends CompareExpr { readonly kind = "NE"; }
export class LT extends CompareExpr { readonly kind = "LT"; }
export class LE extends CompareExpr { readonly kind = "LE"; }
export class GT extends CompareExpr { readonly kind = "GT"; }
export class GE extends CompareExpr { readonly kind = "GE"; }

export abstract class LogicalExpr extends PrimExpr {
  abstract override readonly kind: "And" | "Or";
  constructor(readonly a: PrimExpr, readonly b: PrimExpr) {
    super(a.dtype);
    if (!a.dtype.isBool() || !b.dtype.isBool()) {
      throw new Error(`logical operands must be bool, got ${a.dtype} and ${b.dtype}`);
    }
  }
}
export class And extends LogicalExpr { readonly kind = "And"; }
export class Or extends LogicalExpr { readonly kind = "Or"; }

export class Not extends PrimExpr {
  readonly kind = "Not";
  constructor(readonly a: PrimExpr) {
    super(a.dtype);
    if (!a.dtype.isBool()) throw new Error(`logical not needs a bool, got ${a.dtype}`);
  }
}

export class Select extends PrimExpr {
  readonly kind = "Select";
  constructor(readonly condition: PrimExpr, readonly trueValue: PrimExpr, readonly falseValue: PrimExpr) {
    super(trueValue.dtype);
    if (trueValue.dtype !== falseValue.dtype) {
      throw new Error(`select branches have different dtypes: ${trueValue.dtype} and ${falseValue.dtype}`);
    }
  }
}

/** A load from a flat buffer variable (after storage flattening). */
export class Load extends PrimExpr {
  readonly kind = "Load";
  readonly predicate: PrimExpr;
  constructor(dtype: DTypeLike, readonly bufferVar: Var, readonly index: PrimExpr, predicate?: PrimExpr) {
    super(DataType.parse(dtype));
    this.predicate = predicate ?? new IntImm(DataType.bool(this.dtype.lanes), 1);
  }
}

/** A multi-dimensional load from a Buffer (before flattening). */
export class BufferLoad extends PrimExpr {
  readonly kind = "BufferLoad";
  constructor(readonly buffer: Buffer, readonly indices: PrimExpr[]) {
    super(buffer.dtype);
  }
}

/** What a ProducerLoad reads from: a TE tensor. */
export interface DataProducer {
  readonly name: string;
  readonly shape: readonly PrimExpr[];
  readonly dtype: DataType;
}

/** A load from a TE tensor (before buffers are assigned). */
export class ProducerLoad extends PrimExpr {
  readonly kind = "ProducerLoad";
  constructor(readonly producer: DataProducer, readonly indices: PrimExpr[]) {
    super(producer.dtype);
  }
}

export class Ramp extends PrimExpr {
  readonly kind = "Ramp";
  constructor(readonly base: PrimExpr, readonly stride: PrimExpr, readonly lanes: number) {
    super(base.dtype.withLanes(lanes));
  }
}

export class Broadcast extends PrimExpr {
  readonly kind = "Broadcast";
  constructor(readonly value: PrimExpr, readonly lanes: number) {
    super(value.dtype.withLanes(lanes));
  }
}

/** Lane shuffle: concatenates `vectors` and picks lanes by `indices`. */
export class Shuffle extends PrimExpr {
  readonly kind = "Shuffle";
  constructor(readonly vectors: PrimExpr[], readonly indices: number[]) {
    super(vectors[0].dtype.withLanes(indices.length));
  }
}

export class Let extends PrimExpr {
  readonly kind = "Let";
  constructor(readonly variable: Var, readonly value: PrimExpr, readonly body: PrimExpr) {
    super(body.dtype);
  }
}

/** A call of a builtin or intrinsic, named as TVM names ops ("tir.exp", "tir.tvm_call_packed"). */
export class Call extends PrimExpr {
  readonly kind = "Call";
  constructor(dtype: DTypeLike, readonly op: string, readonly args: PrimExpr[]) {
    super(DataType.parse(dtype));
  }
}

/** A commutative reducer: result(lhs, rhs) with an identity element, per value. */
export class CommReducer {
  constructor(
    readonly lhs: Var[],
    readonly rhs: Var[],
    readonly result: PrimExpr[],
    readonly identity: PrimExpr[],
  ) {}
}

/** A reduction (TE level): combine `source` over the reduction axes. */
export class Reduce extends PrimExpr {
  readonly kind = "Reduce";
  constructor(
    readonly combiner: CommReducer,
    readonly source: PrimExpr[],
    readonly axis: IterVar[],
    readonly condition: PrimExpr,
    readonly valueIndex: number,
    readonly init: PrimExpr[] = [],
  ) {
    super(source[valueIndex].dtype);
  }
}

export function isConstInt(e: PrimExpr, value?: number): e is IntImm {
  return e instanceof IntImm && (value === undefined || e.value === value);
}

export function isConst(e: PrimExpr): e is IntImm | FloatImm {
  return e instanceof IntImm || e instanceof FloatImm;
}

/** The integer value of a constant, or undefined. Broadcast constants count. */
export function constIntValue(e: PrimExpr): number | undefined {
  if (e instanceof IntImm) return e.value;
  if (e instanceof Broadcast) return constIntValue(e.value);
  return undefined;
}
