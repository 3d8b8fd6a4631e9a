// Constant integer bounds of an expression (TVM's ConstIntBoundAnalyzer): the smallest interval
// [minValue, maxValue] of JS numbers that contains every value the expression can take, given
// bounds known for variables (from loop ranges, bindings and `if` constraints). ±Infinity marks
// "unbounded"; a variable with no known bound spans its dtype; a SizeVar is >= 0. The simplifier
// relies on it to drop min/max, decide comparisons and remove divisions of small values.

import { ArgumentError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import {
  type BinaryExpr, type Broadcast, Call, type Cast, IntImm, type Let, PrimExpr, type Ramp, type Select, SizeVar, Var,
} from "../ir/expr.js";
import { add, mul } from "../ir/op.js";
import type { Range } from "../ir/iter_var.js";
import { structuralEqual } from "../ir/structural_equal.js";
import { floorDiv, infAwareAdd, infAwareMul, truncDiv } from "./int_operator.js";
import { visitLetBody } from "./let_binding.js";
import { unhandledKind } from "../ir/unhandled_kind.js";

/** An interval of integers; ±Infinity for unbounded ends. */
export class ConstIntBound {
  /** The upper end of an interval unbounded above. */
  static readonly POS_INF = Infinity;
  /** The lower end of an interval unbounded below. */
  static readonly NEG_INF = -Infinity;
  /**
   * @param minValue The least value (NEG_INF when unbounded).
   * @param maxValue The greatest value (POS_INF when unbounded).
   */
  constructor(readonly minValue: number, readonly maxValue: number) {
    if (Number.isNaN(minValue) || Number.isNaN(maxValue)) throw new ArgumentError(`ConstIntBound: bounds must be numbers, got [${minValue}, ${maxValue}]`);
  }
  /** Whether the interval is one value (that value, when given). */
  isConst(value?: number): boolean {
    return this.minValue === this.maxValue && (value === undefined || this.minValue === value);
  }
  /** Whether both ends are the same as `o`'s. */
  equals(o: ConstIntBound): boolean { return this.minValue === o.minValue && this.maxValue === o.maxValue; }
  /** `ConstIntBound[min,max]` with pos_inf / neg_inf, as TVM prints it. */
  toString(): string {
    const f = (v: number): string => (v === Infinity ? "pos_inf" : v === -Infinity ? "neg_inf" : String(v));
    return `ConstIntBound[${f(this.minValue)},${f(this.maxValue)}]`;
  }
}

function makeBound(min: number, max: number): ConstIntBound {
  return new ConstIntBound(min, max);
}

/** Every value `dtype` can hold (±Infinity for 64-bit ints and non-integers). */
export function everything(dtype: DataType): ConstIntBound {
  if (dtype.code !== "int" && dtype.code !== "uint") return makeBound(-Infinity, Infinity);
  const vbits = dtype.bits - (dtype.code === "int" ? 1 : 0);
  const min = dtype.code === "uint" ? 0 : vbits >= 63 ? -Infinity : -(2 ** vbits);
  const max = vbits >= 63 ? Infinity : 2 ** vbits - 1;
  return makeBound(min, max);
}

/**
 * The bound of a value of a dtype whose arithmetic wraps — unsigned, or narrower than 32 bits
 * (the C code computes those in int and converts back): an interval that leaves the dtype's range
 * is taken modulo 2^bits (uint8 0 - 8 is 248), or becomes the whole range if it straddles a wrap.
 * int32 and int64 arithmetic is assumed not to overflow, as TVM and C assume.
 */
function wrapToDtype(b: ConstIntBound, dtype: DataType): ConstIntBound {
  if ((dtype.code !== "int" && dtype.code !== "uint") || dtype.bits > 32 || (dtype.code === "int" && dtype.bits === 32) || dtype.bits === 1) return b;
  const all = everything(dtype);
  if (b.minValue >= all.minValue && b.maxValue <= all.maxValue) return b;
  const span = 2 ** dtype.bits;
  if (!Number.isFinite(b.minValue) || !Number.isFinite(b.maxValue) || b.maxValue - b.minValue + 1 >= span) return all;
  const wrap = (v: number): number => ((((v - all.minValue) % span) + span) % span) + all.minValue;
  const lo = wrap(b.minValue);
  const hi = wrap(b.maxValue);
  return lo <= hi ? makeBound(lo, hi) : all;
}

function union(a: ConstIntBound, b: ConstIntBound): ConstIntBound {
  return makeBound(Math.min(a.minValue, b.minValue), Math.max(a.maxValue, b.maxValue));
}

function intersect(a: ConstIntBound, b: ConstIntBound): ConstIntBound {
  return makeBound(Math.max(a.minValue, b.minValue), Math.min(a.maxValue, b.maxValue));
}

/** Bounds of op(a, b) for an op monotonic in each argument: the extreme of the four corners. */
function corners(a: ConstIntBound, b: ConstIntBound, op: (x: number, y: number) => number): ConstIntBound {
  const v = [op(a.minValue, b.minValue), op(a.maxValue, b.maxValue), op(a.minValue, b.maxValue), op(a.maxValue, b.minValue)];
  return makeBound(Math.min(...v), Math.max(...v));
}

function infAwareDiv(x: number, y: number): number {
  if (x === Infinity || x === -Infinity) return y > 0 ? x : -x;
  if (y === Infinity || y === -Infinity) return 0;
  return truncDiv(x, y);
}

function infAwareFloorDiv(x: number, y: number): number {
  if (x === Infinity || x === -Infinity) return y > 0 ? x : -x;
  if (y === Infinity || y === -Infinity) return x >= 0 === y > 0 ? 0 : -1;
  return floorDiv(x, y);
}

function infAwareShiftRight(x: number, y: number): number {
  if (x === Infinity || x === -Infinity) return x;
  if (y === Infinity) return x >= 0 ? 0 : -1;
  return Math.floor(x / 2 ** y);
}

/** a / b where b's range may contain 0: split b into its negative and positive parts. */
function division(a: ConstIntBound, b: ConstIntBound, dtype: DataType, op: (x: number, y: number) => number): ConstIntBound {
  if (b.minValue <= 0 && b.maxValue >= 0) {
    const bNeg = b.minValue < 0 ? makeBound(b.minValue, -1) : everything(dtype);
    const bPos = b.maxValue > 0 ? makeBound(1, b.maxValue) : everything(dtype);
    const eNeg = corners(a, bNeg, op);
    const ePos = corners(a, bPos, op);
    return makeBound(Math.min(eNeg.minValue, ePos.minValue), Math.max(eNeg.maxValue, ePos.maxValue));
  }
  return corners(a, b, op);
}

interface BoundInfo { expr: PrimExpr; bound: ConstIntBound }

/** Bounds implied by a condition of the forms c <= x, c < x, x <= c, x < c and their conjunctions. */
function detectBoundInfo(cond: PrimExpr): BoundInfo[] {
  const k = cond.kind;
  if (k === "And") {
    const c = cond as BinaryExpr;
    return [...detectBoundInfo(c.a), ...detectBoundInfo(c.b)];
  }
  if (k !== "LE" && k !== "LT" && k !== "GE" && k !== "GT" && k !== "EQ") return [];
  const { a, b } = cond as unknown as { a: PrimExpr; b: PrimExpr };
  // Normalize to `x <op> c` with the constant on the right.
  let x: PrimExpr;
  let c: number;
  let rel: string = k;
  if (b instanceof IntImm) {
    x = a;
    c = b.value;
  } else if (a instanceof IntImm) {
    x = b;
    c = a.value;
    rel = { LE: "GE", LT: "GT", GE: "LE", GT: "LT", EQ: "EQ" }[k];
  } else {
    return [];
  }
  switch (rel) {
    case "LE": return [{ expr: x, bound: makeBound(-Infinity, c) }];
    case "LT": return [{ expr: x, bound: makeBound(-Infinity, c - 1) }];
    case "GE": return [{ expr: x, bound: makeBound(c, Infinity) }];
    case "GT": return [{ expr: x, bound: makeBound(c + 1, Infinity) }];
    default: return [{ expr: x, bound: makeBound(c, c) }];
  }
}

/** a % b for a >= 0 and b > 0, the same in both division modes: a itself when a < b, else [0, min(a.max, b.max - 1)]. */
function nonNegativeRemainder(a: ConstIntBound, b: ConstIntBound): ConstIntBound {
  if (a.maxValue < b.minValue) return a;
  return makeBound(0, Math.min(a.maxValue, infAwareAdd(b.maxValue, -1)));
}

/** Computes constant integer bounds of expressions under variable bounds (TVM's ConstIntBoundAnalyzer). */
export class ConstIntBoundAnalyzer {
  private readonly varMap = new Map<Var, ConstIntBound>();
  private additional: BoundInfo[] = [];

  /** The bound of `e`. */
  bound(e: PrimExpr): ConstIntBound {
    return this.visit(e);
  }

  /** Records that `v` lies in [range.min, range.min + range.extent - 1]. */
  bind(v: Var, range: Range, allowOverride = false): void {
    const a = this.visit(range.min);
    const b = this.visit(range.extent);
    this.update(v, makeBound(a.minValue, infAwareAdd(a.maxValue, infAwareAdd(b.maxValue, -1))), allowOverride);
  }

  /** Sets the bound of `v`; without allowOverride a different earlier bound is an error. */
  update(v: Var, info: ConstIntBound, allowOverride = false): void {
    if (!(v instanceof Var)) throw new ArgumentError(`constIntBound.update: expected a Var, got ${String(v)}`);
    if (!allowOverride) {
      const old = this.varMap.get(v);
      if (old && !old.equals(info)) {
        throw new ArgumentError(`trying to update var '${v.name}' with a different const bound: original=${old}, new=${info} (pass allowOverride to replace it)`);
      }
    }
    this.varMap.set(v, info);
  }

  /** Adds the bounds `constraint` implies; returns the function that removes them, if any. */
  enterConstraint(constraint: PrimExpr): (() => void) | undefined {
    const info = detectBoundInfo(constraint);
    if (info.length === 0) return undefined;
    const old = this.additional;
    this.additional = [...old, ...info];
    return () => { this.additional = old; };
  }

  private visit(e: PrimExpr): ConstIntBound {
    let res = wrapToDtype(this.visitNode(e), e.dtype);
    for (const info of this.additional) {
      if (structuralEqual(e, info.expr)) res = intersect(res, info.bound);
    }
    return res;
  }

  private visitNode(e: PrimExpr): ConstIntBound {
    switch (e.kind) {
      case "IntImm": {
        const v = (e as IntImm).value;
        return makeBound(v, v);
      }
      case "Var": {
        const known = this.varMap.get(e as Var);
        if (known) return known;
        return e instanceof SizeVar ? makeBound(0, Infinity) : everything(e.dtype);
      }
      case "Cast": return intersect(this.visit((e as Cast).value), everything(e.dtype));
      case "Add": {
        const { a, b } = this.pair(e as BinaryExpr);
        return makeBound(infAwareAdd(a.minValue, b.minValue), infAwareAdd(a.maxValue, b.maxValue));
      }
      case "Sub": {
        const { a, b } = this.pair(e as BinaryExpr);
        return makeBound(infAwareAdd(a.minValue, -b.maxValue), infAwareAdd(a.maxValue, -b.minValue));
      }
      case "Mul": {
        const { a, b } = this.pair(e as BinaryExpr);
        return corners(a, b, infAwareMul);
      }
      case "Div": {
        const { a, b } = this.pair(e as BinaryExpr);
        if (b.isConst(0)) throw new ArgumentError(`division by zero in ${e}`);
        return division(a, b, e.dtype, infAwareDiv);
      }
      case "FloorDiv": {
        const { a, b } = this.pair(e as BinaryExpr);
        if (b.isConst(0)) throw new ArgumentError(`floordiv by zero in ${e}`);
        return division(a, b, e.dtype, infAwareFloorDiv);
      }
      case "Mod": {
        const { a, b } = this.pair(e as BinaryExpr);
        if (b.minValue > 0) {
          if (a.minValue >= 0) return nonNegativeRemainder(a, b);
          const bMaxCap = infAwareAdd(b.maxValue, -1);
          return makeBound(Math.max(a.minValue, -bMaxCap), Math.min(Math.max(a.maxValue, 0), bMaxCap));
        }
        if (b.isConst(0)) throw new ArgumentError(`mod by zero in ${e}`);
        return everything(e.dtype);
      }
      case "FloorMod": {
        const { a, b } = this.pair(e as BinaryExpr);
        if (b.minValue > 0) {
          if (a.minValue >= 0) return nonNegativeRemainder(a, b);
          return makeBound(0, infAwareAdd(b.maxValue, -1));
        }
        if (b.isConst(0)) throw new ArgumentError(`floormod by zero in ${e}`);
        const bMinCap = infAwareAdd(b.minValue, 1);
        const bMaxCap = infAwareAdd(b.maxValue, -1);
        return intersect(makeBound(Math.min(0, bMinCap), Math.max(0, bMaxCap)), everything(e.dtype));
      }
      case "Min": {
        const { a, b } = this.pair(e as BinaryExpr);
        return makeBound(Math.min(a.minValue, b.minValue), Math.min(a.maxValue, b.maxValue));
      }
      case "Max": {
        const { a, b } = this.pair(e as BinaryExpr);
        return makeBound(Math.max(a.minValue, b.minValue), Math.max(a.maxValue, b.maxValue));
      }
      case "Select": {
        const s = e as Select;
        return union(this.visit(s.trueValue), this.visit(s.falseValue));
      }
      case "Broadcast": return this.visit((e as Broadcast).value);
      case "Ramp": {
        const r = e as Ramp;
        const last = add(r.base, mul(r.lanes - 1, r.stride));
        return union(this.visit(r.base), this.visit(last));
      }
      case "Let": return visitLetBody(this.varMap, e as Let, (x) => this.visit(x));
      case "Call": {
        const c = e as Call;
        if (c.op === "tir.shift_right" && c.args.length === 2) {
          return corners(this.visit(c.args[0]), this.visit(c.args[1]), infAwareShiftRight);
        }
        if (c.op === "tir.bitwise_and" && c.args.length === 2) {
          const a = this.visit(c.args[0]);
          const b = this.visit(c.args[1]);
          if (a.minValue >= 0 && b.minValue >= 0) return makeBound(0, Math.min(a.maxValue, b.maxValue));
          if (b.minValue >= 0) return makeBound(0, b.maxValue);
          if (a.minValue >= 0) return makeBound(0, a.maxValue);
          return everything(e.dtype);
        }
        return everything(e.dtype);
      }
      case "FloatImm": case "StringImm": case "EQ": case "NE": case "LT": case "LE": case "GT":
      case "GE": case "And": case "Or": case "Not": case "Load": case "BufferLoad":
      case "ProducerLoad": case "Shuffle": case "Reduce":
        return everything(e.dtype);
      default: return unhandledKind("the constant-bound analysis", e.kind);
    }
  }

  private pair(e: BinaryExpr): { a: ConstIntBound; b: ConstIntBound } {
    return { a: this.visit(e.a), b: this.visit(e.b) };
  }
}
