// Rule-based expression simplification (TVM's RewriteSimplifier). Each node is simplified
// bottom-up: children first, then constant folding, then an ordered table of rewrite rules for
// its kind (vector rules, index rules for scalar int32/int64, rules for any type). A rule is a
// pattern, a result and an optional side condition (often a bound proved by the analyzer);
// "recursive" rules re-simplify their result, to a small depth. Comparisons and min/max are
// decided from constant bounds and modular sets when possible; Select / if_then_else branches and
// `likely` guards are simplified under the constraint of their condition. The rule set follows
// TVM's (itself largely from Halide) so that results print as TVM prints them. This file is the
// driver; what a rule is: rewrite_rule.ts; the rule tables by node kind: rewrite_add_sub_mul.ts,
// rewrite_div_mod.ts, rewrite_min_max.ts, rewrite_compare.ts, rewrite_logical.ts; the pattern
// language: pattern.ts.

import { ArgumentError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import {
  type And, type BinaryExpr, Broadcast, Call, type Cast, type CompareExpr, type EQ, FloatImm, IntImm,
  Let, type LogicalExpr, type LT, type Max, Min, Not, type Or, PrimExpr, type Reduce, Select,
  type StringImm, Var,
} from "../ir/expr.js";
import { ExprMutator } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { structuralEqual } from "../ir/structural_equal.js";
import type { AnalyzerCore } from "./analyzer_core.js";
import { tryConstFold, tryConstFoldNot } from "./const_fold.js";
import { buildPattern, type Match, matchPattern } from "./pattern.js";
import type { Rule, RuleContext } from "./rewrite_rule.js";
import { rulesFor } from "./rule_index.js";
import {
  ADD_ANY, ADD_INDEX, ADD_VECTOR, MUL_INDEX, MUL_VECTOR, SUB_ANY, SUB_INDEX, SUB_VECTOR,
} from "./rewrite_add_sub_mul.js";
import { EQ_INDEX, EQ_VECTOR, LT_INDEX, LT_VECTOR } from "./rewrite_compare.js";
import {
  DIV_INDEX, DIV_VECTOR, FLOORDIV_INDEX, FLOORDIV_VECTOR, FLOORMOD_INDEX, FLOORMOD_VECTOR, MOD_INDEX,
  MOD_VECTOR,
} from "./rewrite_div_mod.js";
import { AND_RULES, NOT_RULES, OR_RULES } from "./rewrite_logical.js";
import { MAX_ANY, MAX_INDEX, MAX_VECTOR, MIN_ANY, MIN_INDEX, MIN_VECTOR } from "./rewrite_min_max.js";
import { bitwiseAnd, bitwiseNot, bitwiseOr, bitwiseXor } from "../ir/bit_ops.js";
import { mayTrap } from "./may_trap.js";

/** Bitwise intrinsics whose constant operands fold (through the builders, which fold them). */
const BITWISE_FOLD: Readonly<Record<string, (args: readonly PrimExpr[]) => PrimExpr>> = {
  "tir.bitwise_and": (a) => bitwiseAnd(a[0], a[1]),
  "tir.bitwise_or": (a) => bitwiseOr(a[0], a[1]),
  "tir.bitwise_xor": (a) => bitwiseXor(a[0], a[1]),
  "tir.bitwise_not": (a) => bitwiseNot(a[0]),
};

/** Scalar int32/int64: the types index rules apply to (TVM's IsIndexType). */
export function isIndexType(t: DataType): boolean {
  return t.isInt() && t.lanes === 1 && (t.bits === 32 || t.bits === 64);
}

/** Outcome of comparing an expression with a constant. */
export type CompareResult = "EQ" | "NE" | "LT" | "LE" | "GT" | "GE" | "Unknown";

/** The outcomes of comparing a - b with 0 that decide a == b and a < b, true or false. */
const DECIDED: Record<"EQ" | "LT", { true: readonly CompareResult[]; false: readonly CompareResult[] }> = {
  EQ: { true: ["EQ"], false: ["NE", "GT", "LT"] },
  LT: { true: ["LT"], false: ["EQ", "GT", "GE"] },
};

const MAX_RECURSION = 5;

/** Whether the integer `v` is a value of the integer dtype `t` (JS numbers: exact to 2^53). */
function fitsDtype(v: number, t: DataType): boolean {
  if (!Number.isFinite(v)) return false;
  if (t.bits >= 53) return Math.abs(v) < 2 ** 53;
  return t.isUInt() ? v >= 0 && v < 2 ** t.bits : v >= -(2 ** (t.bits - 1)) && v < 2 ** (t.bits - 1);
}

function isConstNumber(e: PrimExpr): boolean {
  if (e instanceof IntImm || e instanceof FloatImm) return true;
  return e instanceof Broadcast && (e.value instanceof IntImm || e.value instanceof FloatImm);
}

function isOne(e: PrimExpr): boolean {
  return (e instanceof IntImm && e.value === 1) || (e instanceof Broadcast && isOne(e.value));
}
function isZero(e: PrimExpr): boolean {
  return (e instanceof IntImm && e.value === 0) || (e instanceof Broadcast && isZero(e.value));
}

/**
 * The rewrite simplifier. Owned by an Analyzer (which supplies bounds, modular sets and
 * constraint scopes); use `analyzer.rewriteSimplify(e)` or `analyzer.simplify(e)`.
 */
export class RewriteSimplifier extends ExprMutator implements RuleContext {
  protected readonly varMap = new Map<Var, PrimExpr>();
  protected literalConstraints: PrimExpr[] = [];
  private recurDepth = 0;

  constructor(protected readonly analyzer: AnalyzerCore) { super(); }

  /** Simplifies `e`: up to two passes, stopping when a pass changes nothing. */
  simplify(e: PrimExpr): PrimExpr {
    let res = e;
    for (let i = 0; i < 2; i++) {
      const next = this.visitExpr(res);
      if (next === res) return res;
      res = next;
    }
    return res;
  }

  /** Replaces `v` by `info` wherever it appears. */
  update(v: Var, info: PrimExpr, allowOverride = false): void {
    if (!allowOverride) {
      const old = this.varMap.get(v);
      if (old && !structuralEqual(old, info)) {
        throw new ArgumentError(`trying to update var '${v.name}' with a different value: original=${old}, new=${info} (pass allowOverride to replace it)`);
      }
    }
    this.varMap.set(v, info);
  }

  /** Records a condition known to hold (for `likely` guards); returns the function undoing it. */
  enterConstraint(constraint: PrimExpr): () => void {
    const old = this.literalConstraints;
    this.literalConstraints = [...old, this.visitExpr(constraint)];
    return () => { this.literalConstraints = old; };
  }

  // --- helpers the rules use -----------------------------------------------------------------

  /** Whether `e >= n` holds under the current bindings (for the rules' side conditions). */
  canProveGreaterEqual(e: PrimExpr, n: number): boolean {
    return this.analyzer.canProveGreaterEqual(e, n);
  }

  /** Whether `e == n` holds under the current bindings. */
  canProveEqual(e: PrimExpr, n: number): boolean {
    return this.tryCompare(e, n) === "EQ";
  }

  /** The residues of `e` (for the rules' side conditions). */
  modularSet(e: PrimExpr): { coeff: number; base: number } {
    return this.analyzer.modularSet(e);
  }

  /** Compares `x` with the constant `val` using its simplified form, bounds and residues. */
  tryCompare(x: PrimExpr, val: number): CompareResult {
    const diff = this.visitExpr(x);
    if (diff instanceof IntImm) {
      if (diff.value === val) return "EQ";
      return diff.value > val ? "GT" : "LT";
    }
    const bound = this.analyzer.constIntBound(diff);
    if (bound.minValue > val) return "GT";
    if (bound.maxValue < val) return "LT";
    if (bound.minValue >= val) return "GE";
    if (bound.maxValue <= val) return "LE";
    if (val === 0) {
      const dmod = this.analyzer.modularSet(diff);
      if (dmod.base !== 0) return "NE";
    }
    return "Unknown";
  }

  protected recursiveRewrite(e: PrimExpr): PrimExpr {
    if (this.recurDepth >= MAX_RECURSION) return e;
    this.recurDepth++;
    try {
      return this.visitExpr(e);
    } finally {
      this.recurDepth--;
    }
  }

  protected applyRules(ret: PrimExpr, rules: readonly Rule[]): PrimExpr | undefined {
    for (const rule of rulesFor(rules, ret)) {
      const m: Partial<Match> = {};
      if (!matchPattern(rule.pat, ret, m)) continue;
      const full = m as Match;
      if (rule.cond && !rule.cond(full, this)) continue;
      const out = typeof rule.res === "function" ? rule.res(full, this) : buildPattern(rule.res, full, ret.dtype);
      if (out === undefined) continue;
      return rule.recursive ? this.recursiveRewrite(out) : out;
    }
    return undefined;
  }

  /**
   * Runs the vector, index and general rule tables of a node after folding. For index types,
   * `decide` may settle the node first (from bounds, before any index rule).
   */
  private rewriteWith(ret: PrimExpr, vector: readonly Rule[], index: readonly Rule[], any: readonly Rule[], indexType: DataType, decide?: () => PrimExpr | undefined): PrimExpr {
    if (ret.dtype.lanes !== 1) {
      const r = this.applyRules(ret, vector);
      if (r) return r;
    }
    if (isIndexType(indexType)) {
      const d = decide?.();
      if (d) return d;
      const r = this.applyRules(ret, index);
      if (r) return r;
    }
    return this.applyRules(ret, any) ?? ret;
  }

  /** min/max of equal operands, or of operands whose bounds do not overlap. */
  private decideMinMax(ret: Min | Max): PrimExpr | undefined {
    if (structuralEqual(ret.a, ret.b)) return ret.a;
    const a = this.analyzer.constIntBound(ret.a);
    const b = this.analyzer.constIntBound(ret.b);
    if (ret instanceof Min) {
      if (a.maxValue <= b.minValue) return ret.a;
      if (b.maxValue <= a.minValue) return ret.b;
    } else {
      if (a.minValue >= b.maxValue) return ret.a;
      if (b.minValue >= a.maxValue) return ret.b;
    }
    return undefined;
  }

  /**
   * a == b or a < b decided from the bounds and residues of a - b — unless forming a - b wrapped
   * a constant around the integer dtype (x < -2147483648: x - c became x + c), which shows as
   * bounds of the simplified difference outside the true difference's; then only the bounds of
   * a and b decide.
   */
  private decideCompare(ret: EQ | LT): PrimExpr | undefined {
    const t = ret.a.dtype;
    if (t.isIntegral() && t.lanes === 1) {
      const a = this.analyzer.constIntBound(ret.a);
      const b = this.analyzer.constIntBound(ret.b);
      const lo = a.minValue - b.maxValue;
      const hi = a.maxValue - b.minValue;
      if (!fitsDtype(lo, t) || !fitsDtype(hi, t)) {
        const d = this.analyzer.constIntBound(this.visitExpr(op.sub(ret.a, ret.b)));
        if (d.minValue < lo || d.maxValue > hi) {
          const yes = op.constant(true, ret.dtype);
          const no = op.constant(false, ret.dtype);
          if (ret.kind === "LT") return a.maxValue < b.minValue ? yes : a.minValue >= b.maxValue ? no : undefined;
          if (a.maxValue < b.minValue || a.minValue > b.maxValue) return no;
          return undefined;
        }
      }
    }
    const result = this.tryCompare(op.sub(ret.a, ret.b), 0);
    if (DECIDED[ret.kind].true.includes(result)) return op.constant(true, ret.dtype);
    if (DECIDED[ret.kind].false.includes(result)) return op.constant(false, ret.dtype);
    return undefined;
  }

  /**
   * Simplifies a conditional's condition, then each branch under the condition (the true one)
   * or its negation (the false one); `taken` is the branch a constant condition selects.
   */
  private branches(condition: PrimExpr, trueValue: PrimExpr, falseValue: PrimExpr): { cond: PrimExpr; t: PrimExpr; f: PrimExpr; taken?: PrimExpr } {
    const cond = this.visitExpr(condition);
    const t = this.analyzer.withConstraint(cond, () => this.visitExpr(trueValue));
    const f = this.analyzer.withConstraint(this.analyzer.rewriteSimplify(new Not(cond)), () => this.visitExpr(falseValue));
    return { cond, t, f, taken: isZero(cond) ? f : isOne(cond) ? t : undefined };
  }

  // --- visitors ------------------------------------------------------------------------------

  override visitVar(v: Var): PrimExpr {
    return this.varMap.get(v) ?? v;
  }

  override visitCast(e: Cast): PrimExpr {
    const v = this.visitExpr(e.value);
    return op.cast(e.dtype, v);
  }

  override visitBinary(e: BinaryExpr): PrimExpr {
    const ret = super.visitBinary(e) as BinaryExpr;
    const folded = tryConstFold(ret.kind, ret.a, ret.b);
    if (folded) return folded;
    switch (ret.kind) {
      case "Add": return this.rewriteWith(ret, ADD_VECTOR, ADD_INDEX, ADD_ANY, ret.dtype);
      case "Sub": return this.rewriteWith(ret, SUB_VECTOR, SUB_INDEX, SUB_ANY, ret.dtype);
      case "Mul": return this.rewriteWith(ret, MUL_VECTOR, MUL_INDEX, [], ret.dtype);
      case "Div":
        if (ret.b instanceof FloatImm) return op.mul(ret.a, new FloatImm(ret.b.dtype, 1 / ret.b.value));
        return this.rewriteWith(ret, DIV_VECTOR, DIV_INDEX, [], ret.dtype);
      case "Mod": return this.rewriteWith(ret, MOD_VECTOR, MOD_INDEX, [], ret.dtype);
      case "FloorDiv": return this.rewriteWith(ret, FLOORDIV_VECTOR, FLOORDIV_INDEX, [], ret.dtype);
      case "FloorMod": return this.rewriteWith(ret, FLOORMOD_VECTOR, FLOORMOD_INDEX, [], ret.dtype);
      case "Min": return this.rewriteWith(ret, MIN_VECTOR, MIN_INDEX, MIN_ANY, ret.dtype, () => this.decideMinMax(ret as Min));
      case "Max": return this.rewriteWith(ret, MAX_VECTOR, MAX_INDEX, MAX_ANY, ret.dtype, () => this.decideMinMax(ret as Max));
    }
  }

  override visitCompare(e: CompareExpr): PrimExpr {
    switch (e.kind) {
      case "NE": return this.visitExpr(new Not(op.eq(e.a, e.b)));
      case "LE": return this.visitExpr(new Not(op.lt(e.b, e.a)));
      case "GT": return this.visitExpr(op.lt(e.b, e.a));
      case "GE": return this.visitExpr(new Not(op.lt(e.a, e.b)));
      case "EQ": case "LT": {
        const ret = super.visitCompare(e) as EQ | LT;
        const folded = tryConstFold(ret.kind, ret.a, ret.b);
        if (folded) return folded;
        const [vector, index] = ret.kind === "EQ" ? [EQ_VECTOR, EQ_INDEX] : [LT_VECTOR, LT_INDEX];
        return this.rewriteWith(ret, vector, index, [], ret.a.dtype, () => this.decideCompare(ret));
      }
    }
  }

  override visitNot(e: Not): PrimExpr {
    const ret = super.visitNot(e);
    if (!(ret instanceof Not)) return ret;
    const folded = tryConstFoldNot(ret.a);
    if (folded) return folded;
    if (ret.dtype.lanes !== 1 && ret.a instanceof Broadcast) {
      return new Broadcast(new Not(ret.a.value), ret.a.lanes);
    }
    return this.applyRules(ret, NOT_RULES) ?? ret;
  }

  override visitLogical(e: LogicalExpr): PrimExpr {
    const ret = super.visitLogical(e) as And | Or;
    const folded = tryConstFold(ret.kind, ret.a, ret.b);
    if (folded) return folded;
    if (ret.dtype.lanes !== 1 && ret.a instanceof Broadcast && ret.b instanceof Broadcast && ret.a.lanes === ret.b.lanes) {
      const inner = ret.kind === "And" ? op.logicalAnd(ret.a.value, ret.b.value) : op.logicalOr(ret.a.value, ret.b.value);
      return new Broadcast(inner, ret.a.lanes);
    }
    return this.applyRules(ret, ret.kind === "And" ? AND_RULES : OR_RULES) ?? ret;
  }

  override visitSelect(e: Select): PrimExpr {
    // Both sides of a select are evaluated (a vector select computes every lane of both). As in
    // TVM each side is simplified under the condition, but a result that could trap (a load, an
    // integer division by a non-constant) is only kept if simplified without it: the condition
    // could have dropped a guard the other lanes need, such as the max(x, 1) of
    // `select(x <= 6, 6, -4 / max(x, 1))`. if_then_else evaluates one side and keeps TVM's rule.
    const cond = this.visitExpr(e.condition);
    if (isOne(cond)) return this.visitExpr(e.trueValue);
    if (isZero(cond)) return this.visitExpr(e.falseValue);
    const side = (value: PrimExpr, known: PrimExpr): PrimExpr => {
      const under = this.analyzer.withConstraint(known, () => this.visitExpr(value));
      return mayTrap(under) ? this.visitExpr(value) : under;
    };
    const t = side(e.trueValue, cond);
    const f = side(e.falseValue, this.analyzer.rewriteSimplify(new Not(cond)));
    const ret = cond === e.condition && t === e.trueValue && f === e.falseValue ? e : new Select(cond, t, f);
    if (structuralEqual(ret.trueValue, ret.falseValue)) return ret.trueValue;
    return ret;
  }

  override visitCall(e: Call): PrimExpr {
    let ret: PrimExpr;
    if (e.op === "tir.if_then_else" && e.args.length === 3) {
      const { cond, t, f, taken } = this.branches(e.args[0], e.args[1], e.args[2]);
      if (taken) return taken;
      ret = cond === e.args[0] && t === e.args[1] && f === e.args[2] ? e : new Call(e.dtype, e.op, [cond, t, f]);
    } else {
      ret = super.visitCall(e);
    }
    if (!(ret instanceof Call)) return ret;
    const args = ret.args;
    if (ret.op === "tir.likely" && args.length === 1 && args[0] instanceof IntImm) return args[0];
    if ((ret.op === "tir.shift_right" || ret.op === "tir.shift_left") && args.length === 2 &&
        args[0] instanceof IntImm && args[1] instanceof IntImm) {
      const a = args[0].value;
      const b = args[1].value;
      const v = ret.op === "tir.shift_left" ? a * 2 ** b : Math.floor(a / 2 ** b);
      return new IntImm(args[0].dtype, op.wrapInt(v, args[0].dtype));
    }
    if (BITWISE_FOLD[ret.op] && args.every((a) => a instanceof IntImm)) {
      // Constant operands (after substitution, e.g. of an unrolled loop's variable) fold.
      return BITWISE_FOLD[ret.op](args);
    }
    if (ret.op === "tir.likely" && args.length === 1) {
      for (const c of this.literalConstraints) {
        if (structuralEqual(c, args[0])) return op.constant(true, ret.dtype);
      }
    }
    return ret;
  }

  override visitLet(e: Let): PrimExpr {
    const value = this.visitExpr(e.value);
    if (isConstNumber(value) || value instanceof Var) {
      // The value is inlined wherever the variable appears, so the binding can go.
      this.analyzer.bind(e.variable, value);
      return this.visitExpr(e.body);
    }
    const body = this.visitExpr(e.body);
    return value === e.value && body === e.body ? e : new Let(e.variable, value, body);
  }

  override visitReduce(e: Reduce): PrimExpr {
    for (const iv of e.axis) {
      if (iv.dom) this.analyzer.bind(iv.var, iv.dom);
    }
    return super.visitReduce(e);
  }

  override visitConst(e: IntImm | FloatImm | StringImm): PrimExpr {
    return e;
  }
}

