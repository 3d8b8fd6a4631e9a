// Symbolic integer interval sets (TVM's IntSet / IntervalSet) and their evaluation: the set of
// values an expression takes when some variables range over sets. Bound inference relaxes loop
// variables over their ranges this way, e.g. i + di with di in [0, 2] gives [i, i + 2].
// Ends are expressions, or the markers POS_INF / NEG_INF for unbounded ends; an interval whose
// ends are the very same expression object is a single point. Arithmetic follows TVM's interval
// rules: + and - always, * / floordiv by a constant (or a value of known sign), mod and floormod
// by a positive divisor, min, max, select, cast; anything else gives "everything".

import { ArgumentError, InternalError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import {
  type BinaryExpr, Cast, IntImm, PrimExpr, Ramp, Select, Var, type Broadcast, type ExprLike,
} from "../ir/expr.js";
import { Range } from "../ir/iter_var.js";
import * as op from "../ir/op.js";
import { AnalyzerCore } from "./analyzer_core.js";
import { tryConstFold, type FoldKind } from "./const_fold.js";
import { unhandledKind } from "../ir/unhandled_kind.js";

/** The +infinity marker of interval ends (a handle variable, as in TVM). */
export const POS_INF: Var = new Var("pos_inf", "handle");
/** The -infinity marker of interval ends. */
export const NEG_INF: Var = new Var("neg_inf", "handle");

/** Whether `e` is the +infinity marker of an interval end. */
export function isPosInf(e: PrimExpr): boolean { return e === POS_INF; }
/** Whether `e` is the -infinity marker of an interval end. */
export function isNegInf(e: PrimExpr): boolean { return e === NEG_INF; }

function isZero(e: PrimExpr): boolean { return e instanceof IntImm && e.value === 0; }
function isOne(e: PrimExpr): boolean { return e instanceof IntImm && e.value === 1; }

/** min that treats the infinity markers as such. */
function infMin(a: PrimExpr, b: PrimExpr): PrimExpr {
  if (isPosInf(a)) return b;
  if (isNegInf(a)) return a;
  if (isPosInf(b)) return a;
  if (isNegInf(b)) return b;
  return op.min(a, b);
}

/** max that treats the infinity markers as such. */
function infMax(a: PrimExpr, b: PrimExpr): PrimExpr {
  if (isPosInf(a)) return a;
  if (isNegInf(a)) return b;
  if (isPosInf(b)) return b;
  if (isNegInf(b)) return a;
  return op.max(a, b);
}

function asExpr(v: ExprLike | PrimExpr, what: string): PrimExpr {
  if (v instanceof PrimExpr) return v;
  if (typeof v === "number") return op.toExpr(v, DataType.int32());
  throw new ArgumentError(`${what}: expected an expression or a number, got ${op.describe(v)}`);
}

/** An interval [min, max] of integers with symbolic ends. */
export class IntSet {
  private constructor(
    /** The lower end, or NEG_INF (POS_INF when the set is empty). */
    readonly min: PrimExpr,
    /** The upper end, or POS_INF (NEG_INF when the set is empty). */
    readonly max: PrimExpr,
  ) {}

  /** The interval [min, max]; the same object at both ends makes a single point. */
  static interval(min: ExprLike, max: ExprLike): IntSet {
    const lo = asExpr(min, "IntSet.interval");
    const hi = asExpr(max, "IntSet.interval");
    return new IntSet(lo, hi);
  }

  /** The set {e}. */
  static single(e: ExprLike): IntSet {
    const x = asExpr(e, "IntSet.single");
    return new IntSet(x, x);
  }

  /** [r.min, r.min + r.extent - 1] (a single point when the extent is 1). */
  static fromRange(r: Range): IntSet {
    if (!(r instanceof Range)) throw new ArgumentError(`IntSet.fromRange: expected a Range, got ${op.describe(r)}`);
    if (isOne(r.extent)) return IntSet.single(r.min);
    return new IntSet(r.min, op.sub(op.add(r.extent, r.min), 1));
  }

  /** The set of all integers. */
  static everything(): IntSet { return new IntSet(NEG_INF, POS_INF); }
  /** The empty set. */
  static nothing(): IntSet { return new IntSet(POS_INF, NEG_INF); }

  /** The set of lanes of a vector expression (ramp / broadcast). */
  static vector(e: PrimExpr): IntSet {
    return new IntervalEvaluator(undefined, new Map(), true).eval(e);
  }

  /** Whether the set is empty. */
  isNothing(): boolean { return isPosInf(this.min) || isNegInf(this.max); }
  /** Whether the set is all integers. */
  isEverything(): boolean { return isNegInf(this.min) && isPosInf(this.max); }
  /** Whether the set is one value. */
  isSinglePoint(): boolean { return this.min === this.max; }
  /** Whether the set is bounded below (and not empty). */
  hasLowerBound(): boolean { return !isNegInf(this.min) && !this.isNothing(); }
  /** Whether the set is bounded above (and not empty). */
  hasUpperBound(): boolean { return !isPosInf(this.max) && !this.isNothing(); }

  /** The lower end (NEG_INF when unbounded: check hasLowerBound()). */
  minValue(): PrimExpr { return this.min; }
  /** The upper end (POS_INF when unbounded: check hasUpperBound()). */
  maxValue(): PrimExpr { return this.max; }

  /** The value of a single-point set. */
  pointValue(): PrimExpr {
    if (!this.isSinglePoint()) throw new ArgumentError(`IntSet.pointValue: ${this} is not a single point`);
    return this.min;
  }

  /**
   * The range this set covers: [min, simplified (max + 1 - min)], or `fallback` when an end is
   * unbounded.
   */
  coverRange(fallback: Range): Range {
    if (this.hasLowerBound() && this.hasUpperBound()) {
      return new Range(this.min, simplifyFresh(op.sub(op.add(this.max, 1), this.min)));
    }
    return fallback;
  }

  /** True when the set is provably [r.min, r.min + r.extent - 1]. */
  matchRange(r: Range): boolean {
    if (!this.hasLowerBound() || !this.hasUpperBound()) return false;
    return isZero(simplifyFresh(op.sub(this.min, r.min))) &&
      isZero(simplifyFresh(op.sub(this.max, op.sub(op.add(r.extent, r.min), 1))));
  }

  /** Whether every element is provably > 0. */
  canProvePositive(): boolean {
    const m = simplifyFresh(this.min);
    return this.hasLowerBound() && m instanceof IntImm && m.value > 0;
  }
  /** Whether every element is provably < 0. */
  canProveNegative(): boolean {
    const m = simplifyFresh(this.max);
    return this.hasUpperBound() && m instanceof IntImm && m.value < 0;
  }
  /** Whether every element is provably >= 0. */
  canProveNonNegative(): boolean {
    const m = simplifyFresh(this.min);
    return this.hasLowerBound() && m instanceof IntImm && m.value >= 0;
  }
  /** Whether every element is provably <= 0. */
  canProveNonPositive(): boolean {
    const m = simplifyFresh(this.max);
    return this.hasUpperBound() && m instanceof IntImm && m.value <= 0;
  }

  /** The sign every element is known to have. */
  signType(): "positive" | "negative" | "zero" | "unknown" {
    if (this.canProvePositive()) return "positive";
    if (this.canProveNegative()) return "negative";
    if (this.isSinglePoint() && isZero(this.min)) return "zero";
    return "unknown";
  }

  /** `IntervalSet[min, max]`, as TVM prints it. */
  toString(): string { return `IntervalSet[${this.min}, ${this.max}]`; }
}

// A fresh analyzer's core (no bindings) for the functions given none; Analyzer.intSet passes its own.
function freshAnalyzer(): AnalyzerCore { return new AnalyzerCore(); }
function simplifyFresh(e: PrimExpr): PrimExpr { return freshAnalyzer().simplify(e); }

/** The union (hull) of two intervals. */
function union2(a: IntSet, b: IntSet): IntSet {
  return IntSet.interval(infMin(a.min, b.min), infMax(a.max, b.max));
}

function intersect2(ana: AnalyzerCore, a: IntSet, b: IntSet): IntSet {
  const hi = infMin(a.max, b.max);
  const lo = infMax(a.min, b.min);
  if (lo.dtype.isIntegral() && hi.dtype.isIntegral() && ana.canProveGreaterEqual(op.sub(lo, hi), 1)) {
    return IntSet.nothing();
  }
  return IntSet.interval(lo, hi);
}

/** The smallest interval containing all `sets`, ends simplified. */
export function unionSets(sets: readonly IntSet[]): IntSet {
  if (!Array.isArray(sets)) throw new ArgumentError(`unionSets: expected an array of IntSets, got ${op.describe(sets)}`);
  if (sets.length === 0) return IntSet.nothing();
  if (sets.length === 1) return sets[0];
  let x = sets[0];
  for (let i = 1; i < sets.length; i++) x = union2(x, sets[i]);
  const ana = freshAnalyzer();
  return IntSet.interval(simplifyEnd(ana, x.min), simplifyEnd(ana, x.max));
}

/** The intersection of `sets`, ends simplified. */
export function intersectSets(sets: readonly IntSet[]): IntSet {
  if (!Array.isArray(sets)) throw new ArgumentError(`intersectSets: expected an array of IntSets, got ${op.describe(sets)}`);
  if (sets.length === 0) return IntSet.nothing();
  if (sets.length === 1) return sets[0];
  const ana = freshAnalyzer();
  let x = sets[0];
  for (let i = 1; i < sets.length; i++) x = intersect2(ana, x, sets[i]);
  return IntSet.interval(simplifyEnd(ana, x.min), simplifyEnd(ana, x.max));
}

function simplifyEnd(ana: AnalyzerCore, e: PrimExpr): PrimExpr {
  return isPosInf(e) || isNegInf(e) ? e : ana.simplify(e);
}

// ---------------------------------------------------------------------------------------------
// Interval arithmetic

type Combiner = (ana: AnalyzerCore | undefined, a: IntSet, b: IntSet) => IntSet;

function canProveGE(ana: AnalyzerCore | undefined, e: PrimExpr, n: number): boolean {
  if (e instanceof IntImm) return e.value >= n;
  return (ana ?? freshAnalyzer()).canProveGreaterEqual(e, n);
}

const LOGICAL = new Set(["And", "Or", "EQ", "NE", "GE", "GT", "LE", "LT", "Not"]);

/** Any operation without a dedicated rule: exact on points, else everything (0/1 for logic). */
function combineGeneric(kind: FoldKind): Combiner {
  return (_ana, a, b) => {
    if (a.isSinglePoint() && b.isSinglePoint()) {
      const folded = tryConstFold(kind, a.min, b.min);
      return IntSet.single(folded ?? buildBinary(kind, a.min, b.min));
    }
    if (LOGICAL.has(kind)) return IntSet.interval(op.constant(0, a.min.dtype), op.constant(1, a.min.dtype));
    if (a.isNothing()) return a;
    if (b.isNothing()) return b;
    if (a.isEverything()) return a;
    if (b.isEverything()) return b;
    return IntSet.everything();
  };
}

function buildBinary(kind: FoldKind, a: PrimExpr, b: PrimExpr): PrimExpr {
  switch (kind) {
    case "EQ": return op.eq(a, b);
    case "NE": return op.ne(a, b);
    case "LT": return op.lt(a, b);
    case "LE": return op.le(a, b);
    case "GT": return op.gt(a, b);
    case "GE": return op.ge(a, b);
    case "And": return op.logicalAnd(a, b);
    case "Or": return op.logicalOr(a, b);
    default: throw new InternalError(`no generic builder for ${kind}`);
  }
}

const combineAdd: Combiner = (_ana, a, b) => {
  if (a.isSinglePoint() && b.isSinglePoint()) return IntSet.single(op.add(a.min, b.min));
  if (a.isNothing()) return a;
  if (b.isNothing()) return b;
  const lo = a.hasLowerBound() && b.hasLowerBound() ? op.add(a.min, b.min) : NEG_INF;
  const hi = a.hasUpperBound() && b.hasUpperBound() ? op.add(a.max, b.max) : POS_INF;
  return IntSet.interval(lo, hi);
};

const combineSub: Combiner = (_ana, a, b) => {
  if (a.isSinglePoint() && b.isSinglePoint()) return IntSet.single(op.sub(a.min, b.min));
  if (a.isNothing()) return a;
  if (b.isNothing()) return b;
  const lo = a.hasLowerBound() && b.hasUpperBound() ? op.sub(a.min, b.max) : NEG_INF;
  const hi = a.hasUpperBound() && b.hasLowerBound() ? op.sub(a.max, b.min) : POS_INF;
  return IntSet.interval(lo, hi);
};

/** Multiplication or division by a single point of known (or tested) sign. */
function scaleBy(fn: (x: PrimExpr, y: PrimExpr) => PrimExpr, name: string): Combiner {
  return (ana, a, b) => {
    if (a.isSinglePoint() && b.isSinglePoint()) return IntSet.single(fn(a.min, b.min));
    if (a.isNothing()) return a;
    if (b.isNothing()) return b;
    if (name === "mul" && a.isSinglePoint()) [a, b] = [b, a];
    if (b.isSinglePoint()) {
      const d = b.min;
      if (isZero(d)) {
        if (name === "mul") return b;
        throw new ArgumentError(`division by zero in interval ${name}`);
      }
      if (isOne(d)) return a;
      if (canProveGE(ana, d, 0)) {
        return IntSet.interval(a.hasLowerBound() ? fn(a.min, d) : NEG_INF, a.hasUpperBound() ? fn(a.max, d) : POS_INF);
      }
      if (canProveGE(ana, op.neg(d), 1)) {
        return IntSet.interval(a.hasUpperBound() ? fn(a.max, d) : NEG_INF, a.hasLowerBound() ? fn(a.min, d) : POS_INF);
      }
      if (a.hasUpperBound() && a.hasLowerBound()) {
        const sign = op.ge(d, op.constant(0, d.dtype.element()));
        const e1 = fn(a.min, d);
        const e2 = fn(a.max, d);
        return IntSet.interval(new Select(sign, e1, e2), new Select(sign, e2, e1));
      }
    }
    return IntSet.everything();
  };
}

const combineTruncMod: Combiner = (ana, a, b) => {
  if (a.isSinglePoint() && b.isSinglePoint()) return IntSet.single(op.truncmod(a.min, b.min));
  if (a.isNothing()) return a;
  if (b.isNothing()) return b;
  if (b.isSinglePoint()) {
    const d = b.min;
    if (isZero(d)) throw new ArgumentError("modulo by zero in interval mod");
    // Assumes a non-negative dividend, as TVM does.
    if (canProveGE(ana, d, 0)) return IntSet.interval(op.constant(0, d.dtype), op.sub(d, 1));
    const bound = op.sub(op.abs(d), 1);
    return IntSet.interval(op.neg(bound), bound);
  }
  return IntSet.everything();
};

const combineFloorMod: Combiner = (ana, a, b) => {
  if (a.isSinglePoint() && b.isSinglePoint()) return IntSet.single(op.floormod(a.min, b.min));
  if (a.isNothing()) return a;
  if (b.isNothing()) return b;
  if (b.isSinglePoint()) {
    const d = b.min;
    if (isZero(d)) throw new ArgumentError("modulo by zero in interval floormod");
    if (canProveGE(ana, d, 0)) {
      if (d instanceof IntImm && a.hasLowerBound() && a.hasUpperBound()) {
        // When a never crosses a multiple of d, floormod(a, d) = a - d * floordiv(a_min, d).
        const qmax = op.floordiv(a.max, d);
        const qmin = op.floordiv(a.min, d);
        if ((ana ?? freshAnalyzer()).canProve(op.eq(qmax, qmin))) {
          return IntSet.interval(op.sub(a.min, op.mul(d, qmin)), op.sub(a.max, op.mul(d, qmin)));
        }
      }
      return IntSet.interval(op.constant(0, d.dtype), op.sub(d, 1));
    }
    const bound = op.sub(op.abs(d), 1);
    return IntSet.interval(op.neg(bound), bound);
  }
  return IntSet.everything();
};

const combineMax: Combiner = (_ana, a, b) => {
  if (a.isSinglePoint() && b.isSinglePoint()) return IntSet.single(op.max(a.min, b.min));
  if (a.isNothing()) return a;
  if (b.isNothing()) return b;
  return IntSet.interval(infMax(a.min, b.min), infMax(a.max, b.max));
};

const combineMin: Combiner = (_ana, a, b) => {
  if (a.isSinglePoint() && b.isSinglePoint()) return IntSet.single(op.min(a.min, b.min));
  if (a.isNothing()) return a;
  if (b.isNothing()) return b;
  return IntSet.interval(infMin(a.min, b.min), infMin(a.max, b.max));
};

const COMBINERS: Record<string, Combiner> = {
  Add: combineAdd,
  Sub: combineSub,
  Mul: scaleBy(op.mul, "mul"),
  Div: scaleBy(op.div, "div"),
  FloorDiv: scaleBy(op.floordiv, "floordiv"),
  Mod: combineTruncMod,
  FloorMod: combineFloorMod,
  Min: combineMin,
  Max: combineMax,
};

/** Evaluates expressions to intervals, relaxing the variables of `domMap`. */
class IntervalEvaluator {
  private depth = 0;
  constructor(
    private readonly ana: AnalyzerCore | undefined,
    private readonly domMap: ReadonlyMap<Var, IntSet>,
    private readonly evalVectors = false,
    /** When given, records the set of every sub-expression evaluated (by identity). */
    private readonly record?: Map<PrimExpr, IntSet>,
  ) {}

  eval(e: PrimExpr): IntSet {
    const s = this.evalNode(e);
    this.record?.set(e, s);
    return s;
  }

  private evalNode(e: PrimExpr): IntSet {
    switch (e.kind) {
      case "IntImm": return IntSet.single(e);
      case "Var": return this.visitVar(e as Var);
      case "Add": case "Sub": case "Mul": case "Div": case "Mod": case "FloorDiv": case "FloorMod":
      case "Min": case "Max":
        return this.binary(e as BinaryExpr, COMBINERS[e.kind]);
      case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE": case "And": case "Or":
        return this.binary(e as BinaryExpr, combineGeneric(e.kind as FoldKind));
      case "Ramp": {
        if (!this.evalVectors) return IntSet.everything();
        const r = e as Ramp;
        const base = this.eval(r.base);
        if (r.stride instanceof IntImm) {
          const t = r.base.dtype;
          const s = r.stride.value;
          const span = s > 0
            ? IntSet.interval(op.constant(0, t), op.constant(s * r.lanes - 1, t))
            : IntSet.interval(op.constant(s * r.lanes + 1, t), op.constant(0, t));
          return combineAdd(this.ana, base, span);
        }
        return IntSet.everything();
      }
      case "Broadcast":
        if (!this.evalVectors) return IntSet.everything();
        return this.eval((e as Broadcast).value);
      case "Select": {
        const s = e as Select;
        const t = this.eval(s.trueValue);
        const f = this.eval(s.falseValue);
        return union2(f, t);
      }
      case "Cast": {
        const c = e as Cast;
        const v = this.eval(c.value);
        return IntSet.interval(v.hasLowerBound() ? op.cast(c.dtype, v.min) : NEG_INF, v.hasUpperBound() ? op.cast(c.dtype, v.max) : POS_INF);
      }
      case "FloatImm": case "StringImm": case "Not": case "Load": case "BufferLoad":
      case "ProducerLoad": case "Shuffle": case "Let": case "Call": case "Reduce":
        return IntSet.everything();
      default: return unhandledKind("the integer-set analysis", e.kind);
    }
  }

  /** Relaxes the ends of a set whose ends mention relaxed variables (bounded recursion). */
  evalSet(s: IntSet): IntSet {
    if (this.depth >= this.domMap.size) return s;
    this.depth++;
    try {
      const lo = this.eval(s.min);
      const hi = this.eval(s.max);
      return IntSet.interval(lo.min, hi.max);
    } finally {
      this.depth--;
    }
  }

  private visitVar(v: Var): IntSet {
    const s = this.domMap.get(v);
    if (!s) return IntSet.single(v);
    if (s.min === v && s.max === v) return s;
    return this.evalSet(s);
  }

  private binary(e: BinaryExpr, combine: Combiner): IntSet {
    const a = this.eval(e.a);
    const b = this.eval(e.b);
    // Nothing relaxed below: the expression itself is the point.
    if (a.min === e.a && a.max === e.a && b.min === e.b && b.max === e.b) return IntSet.single(e);
    return combine(this.ana, a, b);
  }
}

function checkDomMap(domMap: unknown, what: string): ReadonlyMap<Var, IntSet> {
  if (!(domMap instanceof Map)) throw new ArgumentError(`${what}: the domain map must be a Map from Var to IntSet, got ${op.describe(domMap)}`);
  for (const [k, v] of domMap) {
    if (!(k instanceof Var)) throw new ArgumentError(`${what}: domain map keys must be Vars, got ${op.describe(k)}`);
    if (!(v instanceof IntSet)) throw new ArgumentError(`${what}: the set of '${k.name}' must be an IntSet, got ${op.describe(v)}`);
  }
  return domMap as ReadonlyMap<Var, IntSet>;
}

/** evalSet with a given analyzer (its bounds decide signs). */
export function evalSetWith(ana: AnalyzerCore, e: PrimExpr, domMap: ReadonlyMap<Var, IntSet>): IntSet {
  return new IntervalEvaluator(ana, checkDomMap(domMap, "Analyzer.intSet")).eval(e);
}

/** The set of values of `e` when each variable in `domMap` ranges over its set. */
export function evalSet(e: ExprLike, domMap: ReadonlyMap<Var, IntSet>): IntSet {
  const x = asExpr(e, "evalSet");
  return new IntervalEvaluator(freshAnalyzer(), checkDomMap(domMap, "evalSet")).eval(x);
}

/** The set a range [min, min + extent) covers when variables are relaxed over `domMap`. */
export function evalSetRange(r: Range, domMap: ReadonlyMap<Var, IntSet>): IntSet {
  if (!(r instanceof Range)) throw new ArgumentError(`evalSetRange: expected a Range, got ${op.describe(r)}`);
  const ana = freshAnalyzer();
  const ev = new IntervalEvaluator(ana, checkDomMap(domMap, "evalSetRange"));
  // Simplifying the end first gives a tighter set when min and extent share variables.
  const last = ana.simplify(op.sub(op.add(r.min, r.extent), 1));
  return ev.evalSet(IntSet.interval(r.min, last));
}

/** The set of every sub-expression of `e` (keyed by node identity) under `domMap`. */
export function evalSetForEachSubExpr(e: PrimExpr, domMap: ReadonlyMap<Var, IntSet>): Map<PrimExpr, IntSet> {
  const record = new Map<PrimExpr, IntSet>();
  new IntervalEvaluator(freshAnalyzer(), checkDomMap(domMap, "evalSetForEachSubExpr"), false, record).eval(e);
  return record;
}

/** Relaxes the ends of `s` over `domMap`. */
export function evalSetOfSet(s: IntSet, domMap: ReadonlyMap<Var, IntSet>): IntSet {
  const ev = new IntervalEvaluator(freshAnalyzer(), checkDomMap(domMap, "evalSetOfSet"));
  const hi = s.hasUpperBound() ? ev.eval(s.max).max : s.max;
  const lo = s.hasLowerBound() ? ev.eval(s.min).min : s.min;
  return IntSet.interval(lo, hi);
}
