// Reductions: reduce axes, commutative reducers (sum, max, min, user-defined, multi-value),
// building TE Reduce expressions as TVM's te.comm_reducer does.

import { ArgumentError, DTypeError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { CommReducer, type ExprLike, IntImm, PrimExpr, Reduce, Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { add, constant, describe, max as maxOp, maxValue, min as minOp, minValue, toExpr, sub } from "../ir/op.js";

/** A reduction axis over [lo, hi): `reduceAxis([0, 16], "k")`. */
export function reduceAxis(dom: [ExprLike, ExprLike] | Range, name = "rv"): IterVar {
  let range: Range;
  if (dom instanceof Range) {
    range = dom;
    if (range.extent instanceof IntImm && range.extent.value < 0) {
      throw new ArgumentError(`reduceAxis '${name}': the range with min ${range.min} and extent ${range.extent.value} has a negative extent; expected an extent >= 0`);
    }
  } else {
    if (!Array.isArray(dom) || dom.length !== 2) throw new ArgumentError(`reduceAxis '${name}': domain must be [lo, hi], got ${describe(dom)}`);
    const lo = toExpr(dom[0], DataType.int32());
    const hi = toExpr(dom[1], DataType.int32());
    dom.forEach((b, i) => {
      const e = i === 0 ? lo : hi;
      if (!e.dtype.isIntegral()) {
        throw new ArgumentError(`reduceAxis '${name}': the ${i === 0 ? "lower" : "upper"} bound must be an integer, got ${typeof b === "number" ? b : `${e} of dtype ${e.dtype}`}`);
      }
    });
    if (lo instanceof IntImm && hi instanceof IntImm && hi.value < lo.value) {
      throw new ArgumentError(`reduceAxis '${name}': the range [${lo.value}, ${hi.value}) has a negative extent (${hi.value - lo.value}); expected [lo, hi] with lo <= hi`);
    }
    range = new Range(lo, sub(hi, lo));
  }
  const iv = new IterVar(range, new Var(name, range.extent.dtype), "CommReduce");
  reduceAxisVars.add(iv.var);
  return iv;
}

const reduceAxisVars = new WeakSet<Var>();

/** Whether `v` is the variable of an axis made by reduceAxis (so it belongs inside a reducer). */
export function isReduceAxisVar(v: Var): boolean {
  return reduceAxisVars.has(v);
}

/**
 * A reduction function such as {@link sum}, {@link max}, {@link min} or one made by
 * {@link commReducer}: `sum(expr, axis, where?, init?)` reduces `expr` over the reduce axes (one
 * or several values at once); without axes, `max(a, b)` combines its operands directly.
 */
export type Reducer = {
  (expr: PrimExpr, axis: IterVar | IterVar[], where?: ExprLike, init?: ExprLike): PrimExpr;
  (expr: PrimExpr[], axis: IterVar | IterVar[], where?: ExprLike, init?: ExprLike[]): PrimExpr[];
  /** Without axes, combines its operands directly: te.max(a, b) is the elementwise maximum. */
  (a: ExprLike, b: ExprLike, ...more: ExprLike[]): PrimExpr;
};

function isAxisList(x: unknown): boolean {
  // An empty array counts as a (missing) axis list, so that sum(e, []) says it needs an axis.
  return x instanceof IterVar || (Array.isArray(x) && x.every((v) => v instanceof IterVar));
}

type Combine = ((x: PrimExpr, y: PrimExpr) => PrimExpr) | ((x: PrimExpr[], y: PrimExpr[]) => PrimExpr[]);
type Identity = ((t: DataType) => ExprLike) | ((...t: DataType[]) => ExprLike[]);

/**
 * A commutative reducer from a combine function and an identity: `commReducer((x, y) =>
 * x.add(y), (t) => te.const(0, t), "sum")`. For multi-value reductions (e.g. argmax) combine
 * takes and returns arrays, and the identity returns an array.
 */
export function commReducer(fcombine: (x: PrimExpr, y: PrimExpr) => PrimExpr, fidentity: (t: DataType) => ExprLike, name?: string): Reducer;
export function commReducer(fcombine: (x: PrimExpr[], y: PrimExpr[]) => PrimExpr[], fidentity: (...t: DataType[]) => ExprLike[], name?: string): Reducer;
export function commReducer(fcombine: Combine, fidentity: Identity, name = "reduce"): Reducer {
  if (typeof fcombine !== "function") throw new ArgumentError(`commReducer '${name}': fcombine must be a function (x, y) => expression, got ${describe(fcombine)}`);
  if (typeof fidentity !== "function") throw new ArgumentError(`commReducer '${name}': fidentity must be a function (dtype) => expression, got ${describe(fidentity)}`);
  function combineDirectly(operands: unknown[]): PrimExpr {
    const values = operands.map((v, i) => {
      if (!(v instanceof PrimExpr) && typeof v !== "number" && !(v instanceof IterVar)) {
        throw new ArgumentError(`${name}: operand ${i} must be an expression or a number (or pass reduce axes as the second argument), got ${describe(v)}`);
      }
      return v as ExprLike;
    });
    let acc = values[0] instanceof PrimExpr ? values[0] : toExpr(values[0], values.find((v): v is PrimExpr => v instanceof PrimExpr)?.dtype);
    for (const v of values.slice(1)) {
      const rhs = toExpr(v, acc.dtype);
      acc = (fcombine as (x: PrimExpr, y: PrimExpr) => PrimExpr)(acc, rhs);
    }
    return acc;
  }
  function reducer(expr: PrimExpr | PrimExpr[], axis: IterVar | IterVar[], where?: ExprLike, init?: ExprLike | ExprLike[], ...more: unknown[]): PrimExpr | PrimExpr[] {
    if (!Array.isArray(expr) && axis !== undefined && !isAxisList(axis)) {
      return combineDirectly([expr, axis, where, init, ...more].filter((v) => v !== undefined));
    }
    const multi = Array.isArray(expr);
    const exprs = (multi ? expr : [expr]).map((e) => {
      if (!(e instanceof PrimExpr)) throw new ArgumentError(`${name}: expects an expression to reduce, got ${describe(e)}`);
      return e;
    });
    const axes = Array.isArray(axis) ? axis : [axis];
    if (axes.length === 0) throw new ArgumentError(`${name}: needs at least one reduce axis`);
    for (const iv of axes) {
      if (!(iv instanceof IterVar) || iv.iterType !== "CommReduce") {
        throw new ArgumentError(`${name}: axis must be reduce axes made by te.reduceAxis, got ${iv instanceof IterVar ? `${iv.iterType} axis '${iv.name}'` : describe(iv)}`);
      }
    }
    const dtypes = exprs.map((e) => e.dtype);
    const lhs = dtypes.map((t) => new Var("x", t));
    const rhs = dtypes.map((t) => new Var("y", t));
    const combined = multi
      ? (fcombine as (x: PrimExpr[], y: PrimExpr[]) => PrimExpr[])(lhs, rhs)
      : [(fcombine as (x: PrimExpr, y: PrimExpr) => PrimExpr)(lhs[0], rhs[0])];
    const identities = multi
      ? (fidentity as (...t: DataType[]) => ExprLike[])(...dtypes)
      : [(fidentity as (t: DataType) => ExprLike)(dtypes[0])];
    if (!Array.isArray(combined) || combined.length !== exprs.length) {
      throw new ArgumentError(`${name}: combine must return ${exprs.length} value(s)`);
    }
    if (!Array.isArray(identities) || identities.length !== exprs.length) {
      throw new ArgumentError(`${name}: identity must return ${exprs.length} value(s)`);
    }
    const result = combined.map((c, i) => {
      const e = toExpr(c, dtypes[i]);
      if (e.dtype !== dtypes[i]) throw new DTypeError(`${name}: combine returned ${e.dtype} for a ${dtypes[i]} value`);
      return e;
    });
    const identity = identities.map((v, i) => {
      const e = toExpr(v, dtypes[i]);
      if (e.dtype !== dtypes[i]) throw new DTypeError(`${name}: identity returned ${e.dtype} for a ${dtypes[i]} value`);
      return e;
    });
    const combiner = new CommReducer(lhs, rhs, result, identity);
    const cond = where === undefined ? constant(true) : toExpr(where);
    if (!cond.dtype.isBool()) throw new DTypeError(`${name}: where must be a bool expression, got ${cond.dtype}`);
    const inits = init === undefined ? [] : (Array.isArray(init) ? init : [init]).map((v, i) => toExpr(v, dtypes[i]));
    const reduces = exprs.map((_, i) => new Reduce(combiner, exprs, axes, cond, i, inits));
    return multi ? reduces : reduces[0];
  }
  return reducer as Reducer;
}

/** Sum over reduce axes: `sum(A.at(i, k), k)`. */
export const sum: Reducer = commReducer((x: PrimExpr, y: PrimExpr) => add(x, y), (t: DataType) => constant(0, t), "sum");
/** Maximum over reduce axes (identity: the dtype's lowest value). */
export const max: Reducer = commReducer((x: PrimExpr, y: PrimExpr) => maxOp(x, y), (t: DataType) => minValue(t), "max");
/** Minimum over reduce axes (identity: the dtype's highest value). */
export const min: Reducer = commReducer((x: PrimExpr, y: PrimExpr) => minOp(x, y), (t: DataType) => maxValue(t), "min");
