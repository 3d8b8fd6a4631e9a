// Expression nodes of TIR (and the TE-level ones: ProducerLoad, Reduce), as TVM defines them.
// Nodes are immutable; `kind` discriminates them for the functors in functor.ts. Arithmetic
// methods on PrimExpr build through op.ts (which coerces JS numbers and folds constants) and
// bit_ops.ts, and toString prints through printer.ts; those files build and read nodes, so this
// one reaches them through the table of expr_operators.ts, which expr.ts fills. Import
// expressions from expr.ts; only op.ts, bit_ops.ts, printer.ts and const_fold.ts import this file.

import { ArgumentError, DTypeError } from "../errors.js";
import { DataType, type DTypeLike } from "./dtype.js";
import { PointerType } from "./type.js";
import type { IterVar } from "./iter_var.js";
import type { Buffer } from "./buffer.js";
import { exprOperators as op } from "./expr_operators.js";

/** A number is taken as a constant of the other operand's dtype; a boolean as a bool; an axis (IterVar) as its variable. */
export type ExprLike = PrimExpr | number | boolean | IterVar;

/** The `kind` tag of each expression node class (TVM's node type names), which the functors dispatch on. */
export type ExprKind =
  | "Var" | "IntImm" | "FloatImm" | "StringImm" | "Cast"
  | "Add" | "Sub" | "Mul" | "Div" | "Mod" | "FloorDiv" | "FloorMod" | "Min" | "Max"
  | "EQ" | "NE" | "LT" | "LE" | "GT" | "GE" | "And" | "Or" | "Not"
  | "Select" | "Load" | "BufferLoad" | "ProducerLoad" | "Ramp" | "Broadcast" | "Shuffle"
  | "Let" | "Call" | "Reduce";

/**
 * A scalar or vector expression of TIR (TVM's PrimExpr): an immutable node with a {@link DataType}.
 * Subclasses are the node kinds (Var, IntImm, Add, Call, ...).
 *
 * The arithmetic methods build new expressions the way TVM's operators do: a JS number becomes a
 * constant of this expression's dtype, an axis (IterVar) stands for its variable, operand dtypes
 * are matched (int to float, the narrower int to the wider, a scalar broadcast to a vector's lanes)
 * and constants are folded. They throw an `Error` when the operands cannot be matched (for example
 * int32 and float32x4 of different lanes, or int and handle) or an operand is not an expression
 * or a number.
 *
 * @example
 * ```ts
 * const i = new tir.Var("i");
 * const e = i.mul(4).add(1).lt(16); // i * 4 + 1 < 16, a bool expression
 * ```
 */
export abstract class PrimExpr {
  /** The node kind, one of {@link ExprKind}; equal to the class name. */
  abstract readonly kind: ExprKind;
  /** @param dtype The type of the value this expression computes. */
  constructor(readonly dtype: DataType) {}

  /**
   * `this + o`. Constants fold: `new IntImm("int32", 2).add(3)` is the constant 5.
   * @param o The other operand: an expression, a number (a constant of this dtype) or an axis.
   * @returns The sum, of the matched dtype.
   */
  add(o: ExprLike): PrimExpr { return op().add(this, o); }
  /**
   * `this - o`, with operands matched as in {@link PrimExpr.add}.
   * @param o The other operand.
   * @returns The difference.
   */
  sub(o: ExprLike): PrimExpr { return op().sub(this, o); }
  /**
   * `this * o`, with operands matched as in {@link PrimExpr.add}.
   * @param o The other operand.
   * @returns The product.
   */
  mul(o: ExprLike): PrimExpr { return op().mul(this, o); }
  /** Division: truncating for integers (C semantics), true division for floats. */
  div(o: ExprLike): PrimExpr { return op().div(this, o); }
  /**
   * Division rounding toward negative infinity (TVM's floordiv); for floats `floor(this / o)`.
   * @param o The divisor.
   * @returns The quotient.
   */
  floordiv(o: ExprLike): PrimExpr { return op().floordiv(this, o); }
  /**
   * The remainder of {@link PrimExpr.floordiv} (TVM's floormod): its sign follows the divisor.
   * @param o The divisor.
   * @returns The remainder.
   */
  floormod(o: ExprLike): PrimExpr { return op().floormod(this, o); }
  /** Remainder with truncating semantics (C's %). */
  mod(o: ExprLike): PrimExpr { return op().truncmod(this, o); }
  /**
   * The larger of `this` and `o` (TVM's max).
   * @param o The other operand.
   * @returns The maximum.
   */
  max(o: ExprLike): PrimExpr { return op().max(this, o); }
  /**
   * The smaller of `this` and `o` (TVM's min).
   * @param o The other operand.
   * @returns The minimum.
   */
  min(o: ExprLike): PrimExpr { return op().min(this, o); }
  /**
   * `this < o`.
   * @param o The other operand.
   * @returns A bool expression (with the operands' lanes).
   */
  lt(o: ExprLike): PrimExpr { return op().lt(this, o); }
  /**
   * `this <= o`.
   * @param o The other operand.
   * @returns A bool expression (with the operands' lanes).
   */
  le(o: ExprLike): PrimExpr { return op().le(this, o); }
  /**
   * `this > o`.
   * @param o The other operand.
   * @returns A bool expression (with the operands' lanes).
   */
  gt(o: ExprLike): PrimExpr { return op().gt(this, o); }
  /**
   * `this >= o`.
   * @param o The other operand.
   * @returns A bool expression (with the operands' lanes).
   */
  ge(o: ExprLike): PrimExpr { return op().ge(this, o); }
  /**
   * `this == o` as an expression (JS `===` compares node identity instead).
   * @param o The other operand.
   * @returns A bool expression (with the operands' lanes).
   */
  eq(o: ExprLike): PrimExpr { return op().eq(this, o); }
  /**
   * `this != o` as an expression.
   * @param o The other operand.
   * @returns A bool expression (with the operands' lanes).
   */
  ne(o: ExprLike): PrimExpr { return op().ne(this, o); }
  /**
   * Logical and (`&&`) of two bool expressions.
   * @param o The other bool operand (or `true`/`false`).
   * @returns A bool expression.
   * @throws Error when either side is not bool.
   */
  and(o: ExprLike): PrimExpr { return op().logicalAnd(this, o); }
  /**
   * Logical or (`||`) of two bool expressions.
   * @param o The other bool operand (or `true`/`false`).
   * @returns A bool expression.
   * @throws Error when either side is not bool.
   */
  or(o: ExprLike): PrimExpr { return op().logicalOr(this, o); }
  /**
   * Logical not (`!`) of a bool expression.
   * @returns A bool expression.
   * @throws Error when this expression is not bool.
   */
  not(): PrimExpr { return op().logicalNot(this); }
  /**
   * `-this` (`0 - this`; constants fold).
   * @returns The negated expression, of the same dtype.
   */
  neg(): PrimExpr { return op().neg(this); }
  /**
   * This value converted to `dtype` (TVM's astype); constants fold and a scalar cast to a vector
   * dtype is broadcast.
   * @param dtype The target dtype, e.g. "float32" or "int64".
   * @returns The converted expression (this expression itself when the dtype is already `dtype`).
   */
  cast(dtype: DTypeLike): PrimExpr { return op().cast(dtype, this); }
  /** Bit operations of integers (TVM's <<, >>, &, |, ^, ~). */
  shiftLeft(o: ExprLike): PrimExpr { return op().shiftLeft(this, o); }
  /**
   * `this >> o` (TVM's shift_right): arithmetic for int, logical for uint.
   * @param o The shift amount.
   */
  shiftRight(o: ExprLike): PrimExpr { return op().shiftRight(this, o); }
  /**
   * `this & o` of integers (TVM's bitwise_and).
   * @param o The other operand.
   */
  bitwiseAnd(o: ExprLike): PrimExpr { return op().bitwiseAnd(this, o); }
  /**
   * `this | o` of integers (TVM's bitwise_or).
   * @param o The other operand.
   */
  bitwiseOr(o: ExprLike): PrimExpr { return op().bitwiseOr(this, o); }
  /**
   * `this ^ o` of integers (TVM's bitwise_xor).
   * @param o The other operand.
   */
  bitwiseXor(o: ExprLike): PrimExpr { return op().bitwiseXor(this, o); }
  /** `~this` of an integer (TVM's bitwise_not). */
  bitwiseNot(): PrimExpr { return op().bitwiseNot(this); }

  /** The expression in TVM's TIR text form, e.g. `i * 4 + 1`. */
  toString(): string { return op().printExpr(this); }
}

/**
 * A variable (TVM's tir.Var): a loop variable, a size, a let-bound name or a buffer's data handle.
 * Each Var is its own identity: two Vars with the same name are different variables.
 */
export class Var extends PrimExpr {
  readonly kind = "Var";
  /**
   * @param name The name it prints with (codegen makes it unique in C).
   * @param dtype Its dtype, int32 by default.
   * @param typeAnnotation For a handle, the pointer type (element dtype and storage scope).
   */
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

/** An integer or bool constant (TVM's IntImm). */
export class IntImm extends PrimExpr {
  readonly kind = "IntImm";
  /**
   * @param dtype An int, uint or bool dtype.
   * @param value The value (an integer; 0 or 1 for bool).
   * @throws Error when `value` is not an integer.
   */
  constructor(dtype: DTypeLike, readonly value: number) {
    super(DataType.parse(dtype));
    if (!Number.isInteger(value)) throw new ArgumentError(`IntImm of ${this.dtype} needs an integer, got ${value}`);
  }
}

/** A floating-point constant (TVM's FloatImm). */
export class FloatImm extends PrimExpr {
  readonly kind = "FloatImm";
  /**
   * @param dtype A float dtype.
   * @param value The value.
   */
  constructor(dtype: DTypeLike, readonly value: number) { super(DataType.parse(dtype)); }
}

/**
 * A string constant (TVM's StringImm), e.g. an assertion message or a packed function's name; dtype handle.
 */
export class StringImm extends PrimExpr {
  readonly kind = "StringImm";
  /** @param value The string. */
  constructor(readonly value: string) { super(DataType.handle()); }
}

/**
 * A conversion of `value` to this node's dtype (TVM's Cast); build it with {@link PrimExpr.cast}, which folds constants.
 */
export class Cast extends PrimExpr {
  readonly kind = "Cast";
  /**
   * @param dtype The target dtype.
   * @param value The expression converted.
   */
  constructor(dtype: DTypeLike, readonly value: PrimExpr) { super(DataType.parse(dtype)); }
}

/** The kinds of {@link BinaryExpr}: the arithmetic binary nodes. */
export type BinaryKind = "Add" | "Sub" | "Mul" | "Div" | "Mod" | "FloorDiv" | "FloorMod" | "Min" | "Max";
/** The kinds of {@link CompareExpr}: the comparison nodes. */
export type CompareKind = "EQ" | "NE" | "LT" | "LE" | "GT" | "GE";

/** Arithmetic binary node: both sides and the result share one dtype. */
export abstract class BinaryExpr extends PrimExpr {
  abstract override readonly kind: BinaryKind;
  /**
   * @param a The left operand.
   * @param b The right operand, of the same dtype as `a`.
   * @throws Error when the dtypes differ (the operators in op.ts match them first).
   */
  constructor(readonly a: PrimExpr, readonly b: PrimExpr) {
    super(a.dtype);
    if (a.dtype !== b.dtype) {
      throw new DTypeError(`binary operands have different dtypes: ${a.dtype} and ${b.dtype}`);
    }
  }
}
/** `a + b` (TVM's Add). */
export class Add extends BinaryExpr { readonly kind = "Add"; }
/** `a - b` (TVM's Sub). */
export class Sub extends BinaryExpr { readonly kind = "Sub"; }
/** `a * b` (TVM's Mul). */
export class Mul extends BinaryExpr { readonly kind = "Mul"; }
/** Truncating division for integers. */
export class Div extends BinaryExpr { readonly kind = "Div"; }
/** Truncating remainder for integers. */
export class Mod extends BinaryExpr { readonly kind = "Mod"; }
/** `a` divided by `b`, rounded toward negative infinity (TVM's FloorDiv). */
export class FloorDiv extends BinaryExpr { readonly kind = "FloorDiv"; }
/** The remainder of FloorDiv: `a - floordiv(a, b) * b` (TVM's FloorMod). */
export class FloorMod extends BinaryExpr { readonly kind = "FloorMod"; }
/** The smaller of `a` and `b` (TVM's Min). */
export class Min extends BinaryExpr { readonly kind = "Min"; }
/** The larger of `a` and `b` (TVM's Max). */
export class Max extends BinaryExpr { readonly kind = "Max"; }

/** Comparison: operands share a dtype, the result is bool with the operands' lanes. */
export abstract class CompareExpr extends PrimExpr {
  abstract override readonly kind: CompareKind;
  /**
   * @param a The left operand.
   * @param b The right operand, of the same dtype as `a`.
   * @throws Error when the dtypes differ.
   */
  constructor(readonly a: PrimExpr, readonly b: PrimExpr) {
    super(DataType.bool(a.dtype.lanes));
    if (a.dtype !== b.dtype) {
      throw new DTypeError(`comparison operands have different dtypes: ${a.dtype} and ${b.dtype}`);
    }
  }
}
/** `a == b` (TVM's EQ). */
export class EQ extends CompareExpr { readonly kind = "EQ"; }
/** `a != b` (TVM's NE). */
export class NE extends CompareExpr { readonly kind = "NE"; }
/** `a < b` (TVM's LT). */
export class LT extends CompareExpr { readonly kind = "LT"; }
/** `a <= b` (TVM's LE). */
export class LE extends CompareExpr { readonly kind = "LE"; }
/** `a > b` (TVM's GT). */
export class GT extends CompareExpr { readonly kind = "GT"; }
/** `a >= b` (TVM's GE). */
export class GE extends CompareExpr { readonly kind = "GE"; }

/** Logical binary node of two bool operands: {@link And} or {@link Or}. */
export abstract class LogicalExpr extends PrimExpr {
  abstract override readonly kind: "And" | "Or";
  /**
   * @param a The left bool operand.
   * @param b The right bool operand.
   * @throws Error when either operand is not bool.
   */
  constructor(readonly a: PrimExpr, readonly b: PrimExpr) {
    super(a.dtype);
    if (!a.dtype.isBool() || !b.dtype.isBool()) {
      throw new DTypeError(`logical operands must be bool, got ${a.dtype} and ${b.dtype}`);
    }
  }
}
/** `a && b` (TVM's And). */
export class And extends LogicalExpr { readonly kind = "And"; }
/** `a || b` (TVM's Or). */
export class Or extends LogicalExpr { readonly kind = "Or"; }

/** `!a` of a bool expression (TVM's Not). */
export class Not extends PrimExpr {
  readonly kind = "Not";
  /**
   * @param a The bool operand.
   * @throws Error when `a` is not bool.
   */
  constructor(readonly a: PrimExpr) {
    super(a.dtype);
    if (!a.dtype.isBool()) throw new DTypeError(`logical not needs a bool, got ${a.dtype}`);
  }
}

/**
 * `condition ? trueValue : falseValue` (TVM's Select); both sides may be evaluated, unlike
 * {@link ifThenElse}.
 */
export class Select extends PrimExpr {
  readonly kind = "Select";
  /**
   * @param condition A bool expression.
   * @param trueValue The value when the condition holds.
   * @param falseValue The value otherwise, of the same dtype as `trueValue`.
   * @throws Error when the two values' dtypes differ.
   */
  constructor(readonly condition: PrimExpr, readonly trueValue: PrimExpr, readonly falseValue: PrimExpr) {
    super(trueValue.dtype);
    if (trueValue.dtype !== falseValue.dtype) {
      throw new DTypeError(`select branches have different dtypes: ${trueValue.dtype} and ${falseValue.dtype}`);
    }
  }
}

/** A load from a flat buffer variable (after storage flattening). */
export class Load extends PrimExpr {
  readonly kind = "Load";
  /** Which lanes are loaded: a bool of the load's lanes, all true by default. */
  readonly predicate: PrimExpr;
  /**
   * @param dtype The loaded dtype (its lanes say how many elements).
   * @param bufferVar The data handle loaded from.
   * @param index The element index (a Ramp for a vector load).
   * @param predicate Which lanes are loaded; all by default.
   */
  constructor(dtype: DTypeLike, readonly bufferVar: Var, readonly index: PrimExpr, predicate?: PrimExpr) {
    super(DataType.parse(dtype));
    this.predicate = predicate ?? new IntImm(DataType.bool(this.dtype.lanes), 1);
  }
}

/** A multi-dimensional load from a Buffer (before flattening). */
export class BufferLoad extends PrimExpr {
  readonly kind = "BufferLoad";
  /**
   * @param buffer The buffer read.
   * @param indices One index a dimension.
   */
  constructor(readonly buffer: Buffer, readonly indices: PrimExpr[]) {
    super(buffer.dtype);
  }
}

/** What a ProducerLoad reads from: a TE tensor. */
export interface DataProducer {
  /** The tensor's name. */
  readonly name: string;
  /** The extent of each dimension. */
  readonly shape: readonly PrimExpr[];
  /** The element dtype. */
  readonly dtype: DataType;
}

/** A load from a TE tensor (before buffers are assigned). */
export class ProducerLoad extends PrimExpr {
  readonly kind = "ProducerLoad";
  /**
   * @param producer The tensor read.
   * @param indices One index a dimension.
   */
  constructor(readonly producer: DataProducer, readonly indices: PrimExpr[]) {
    super(producer.dtype);
  }
}

/**
 * The vector `[base, base + stride, ..., base + (lanes - 1) * stride]` (TVM's Ramp), used as a vector index.
 */
export class Ramp extends PrimExpr {
  readonly kind = "Ramp";
  /**
   * @param base The first lane's value (a scalar).
   * @param stride The step between lanes.
   * @param lanes The number of lanes.
   */
  constructor(readonly base: PrimExpr, readonly stride: PrimExpr, readonly lanes: number) {
    super(base.dtype.withLanes(lanes));
  }
}

/** A scalar `value` repeated in `lanes` lanes (TVM's Broadcast). */
export class Broadcast extends PrimExpr {
  readonly kind = "Broadcast";
  /**
   * @param value The scalar repeated.
   * @param lanes The number of lanes.
   */
  constructor(readonly value: PrimExpr, readonly lanes: number) {
    super(value.dtype.withLanes(lanes));
  }
}

/** Lane shuffle: concatenates `vectors` and picks lanes by `indices`. */
export class Shuffle extends PrimExpr {
  readonly kind = "Shuffle";
  /**
   * @param vectors The vectors concatenated.
   * @param indices Which lane of the concatenation each result lane takes.
   */
  constructor(readonly vectors: PrimExpr[], readonly indices: number[]) {
    super(vectors[0].dtype.withLanes(indices.length));
  }
}

/** `let variable = value in body` as an expression (TVM's Let). */
export class Let extends PrimExpr {
  readonly kind = "Let";
  /**
   * @param variable The variable bound.
   * @param value Its value.
   * @param body The expression that may use it; its value is the Let's value.
   */
  constructor(readonly variable: Var, readonly value: PrimExpr, readonly body: PrimExpr) {
    super(body.dtype);
  }
}

/** A call of a builtin or intrinsic, named as TVM names ops ("tir.exp", "tir.tvm_call_packed"). */
export class Call extends PrimExpr {
  readonly kind = "Call";
  /**
   * @param dtype The result dtype.
   * @param op The op's name, e.g. "tir.exp", "tir.tvm_call_packed", "tir.likely".
   * @param args The arguments.
   */
  constructor(dtype: DTypeLike, readonly op: string, readonly args: PrimExpr[]) {
    super(DataType.parse(dtype));
  }
}

/** A commutative reducer: result(lhs, rhs) with an identity element, per value. */
export class CommReducer {
  /**
   * @param lhs The left-hand variables of the combiner, one a value.
   * @param rhs The right-hand variables, one a value.
   * @param result The combined values in terms of `lhs` and `rhs`.
   * @param identity The identity element of each value (e.g. 0 for a sum).
   */
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
  /**
   * @param combiner How two partial results combine.
   * @param source The values reduced (one for a plain reduction, several for argmax-like ones).
   * @param axis The reduction axes (made by te.reduceAxis).
   * @param condition Which points take part; true for all.
   * @param valueIndex Which of the combiner's values this node is.
   * @param init Initial values replacing the identity, if any.
   */
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

/**
 * Whether `e` is an integer constant (IntImm), and equal to `value` when given.
 * @param e The expression tested.
 * @param value The value it must have, if given.
 */
export function isConstInt(e: PrimExpr, value?: number): e is IntImm {
  return e instanceof IntImm && (value === undefined || e.value === value);
}

/**
 * Whether `e` is a scalar constant (IntImm or FloatImm).
 * @param e The expression tested.
 */
export function isConst(e: PrimExpr): e is IntImm | FloatImm {
  return e instanceof IntImm || e instanceof FloatImm;
}

/** The integer value of a constant, or undefined. Broadcast constants count. */
export function constIntValue(e: PrimExpr): number | undefined {
  if (e instanceof IntImm) return e.value;
  if (e instanceof Broadcast) return constIntValue(e.value);
  return undefined;
}
