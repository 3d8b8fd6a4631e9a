// Rule-based expression simplification (TVM's RewriteSimplifier). Each node is simplified
// bottom-up: children first, then constant folding, then an ordered table of rewrite rules for
// its kind (vector rules, index rules for scalar int32/int64, rules for any type). A rule is a
// pattern, a result and an optional side condition (often a bound proved by the analyzer);
// "recursive" rules re-simplify their result, to a small depth. Comparisons are decided from
// constant bounds and modular sets when possible; Select / if_then_else branches and `likely`
// guards are simplified under the constraint of their condition. The rule set follows TVM's
// (itself largely from Halide) so that results print as TVM prints them.

import { DataType } from "../ir/dtype.js";
import {
  type And, type BinaryExpr, Broadcast, Call, type Cast, type CompareExpr, type EQ, FloatImm, IntImm,
  Let, type LogicalExpr, type LT, type Max, Min, Not, type Or, PrimExpr, Ramp, type Reduce, Select,
  type StringImm, Var,
} from "../ir/expr.js";
import { ExprMutator } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { structuralEqual } from "../ir/structural_equal.js";
import type { Analyzer } from "./analyzer.js";
import { tryConstFold, tryConstFoldNot } from "./const_fold.js";
import { floorDiv, truncDiv } from "./int_operator.js";
import { buildPattern, type Match, matchPattern, type Pat, pattern } from "./pattern.js";

/** Scalar int32/int64: the types index rules apply to (TVM's IsIndexType). */
export function isIndexType(t: DataType): boolean {
  return t.isInt() && t.lanes === 1 && (t.bits === 32 || t.bits === 64);
}

/** Outcome of comparing an expression with a constant. */
export type CompareResult = "EQ" | "NE" | "LT" | "LE" | "GT" | "GE" | "Unknown";

type Result = string | ((m: Match, s: RewriteSimplifier) => PrimExpr | undefined);
type Cond = (m: Match, s: RewriteSimplifier) => boolean;

interface Rule {
  readonly pat: Pat;
  readonly res: Pat | ((m: Match, s: RewriteSimplifier) => PrimExpr | undefined);
  readonly cond?: Cond;
  readonly recursive: boolean;
}

function mk(p: string, res: Result, cond: Cond | undefined, recursive: boolean): Rule {
  return { pat: pattern(p), res: typeof res === "string" ? pattern(res) : res, cond, recursive };
}
/** A rewrite rule: `p` becomes `res` (when `cond` holds). */
function rw(p: string, res: Result, cond?: Cond): Rule { return mk(p, res, cond, false); }
/** A rewrite rule whose result is simplified again (a canonicalisation step). */
function rrw(p: string, res: Result, cond?: Cond): Rule { return mk(p, res, cond, true); }

const MAX_RECURSION = 5;

const ge0 = (s: RewriteSimplifier, e: PrimExpr): boolean => s.canProveGreaterEqual(e, 0);

// ---------------------------------------------------------------------------------------------
// Rule tables

const ADD_VECTOR: Rule[] = [
  rw("ramp(b1, s1, lanes) + ramp(b2, s2, lanes)", "ramp(b1 + b2, s1 + s2, lanes)"),
  rw("ramp(b1, s1, lanes) + broadcast(x, lanes)", "ramp(b1 + x, s1, lanes)"),
  rw("broadcast(x, lanes) + ramp(b1, s1, lanes)", "ramp(x + b1, s1, lanes)"),
  rw("broadcast(x, lanes) + broadcast(y, lanes)", "broadcast(x + y, lanes)"),
  rw("x + broadcast(f1, lanes)", "x", (m) => m.f1.value === 0),
];

const negOf = (m: Match): boolean => m.c1.value === -m.c2.value;

const ADD_INDEX: Rule[] = [
  rw("(x - y) + y", "x"),
  rw("x + (y - x)", "y"),
  rw("(x - y) + (y - z)", "x - z"),
  rw("(x - y) + (z - x)", "z - y"),
  rw("min(x, y - z) + z", "min(x + z, y)"),
  rw("min(x - z, y) + z", "min(x, y + z)"),
  rw("max(x, y - z) + z", "max(x + z, y)"),
  rw("max(x - z, y) + z", "max(x, y + z)"),
  rw("min(x, y + z * c1) + z * c2", "min(x + z * c2, y)", negOf),
  rw("max(x, y + z * c1) + z * c2", "max(x + z * c2, y)", negOf),
  rw("min(y + z * c1, x) + z * c2", "min(x + z * c2, y)", negOf),
  rw("max(y + z * c1, x) + z * c2", "max(x + z * c2, y)", negOf),
  rw("max(x, y) + min(x, y)", "x + y"),
  rw("min(x, y) + max(x, y)", "x + y"),
  rw("max(x, y) + min(y, x)", "x + y"),
  rw("min(x, y) + max(y, x)", "x + y"),
  rw("min(x, y + c1) + c2", "min(x + c2, y)", negOf),
  rw("min(x + c1, y) + c2", "min(x, y + c2)", negOf),
  rw("max(x, y + c1) + c2", "max(x + c2, y)", negOf),
  rw("max(x + c1, y) + c2", "max(x, y + c2)", negOf),
  // constant folding
  rw("(x + c1) + c2", "x + (c1 + c2)"),
  // coefficient folding
  rw("x + x", "x * 2"),
  rw("x * y + x", "x * (y + 1)"),
  rw("y * x + x", "x * (y + 1)"),
  rw("x + y * x", "x * (1 + y)"),
  rw("x + x * y", "x * (1 + y)"),
  rw("x * y + x * z", "x * (y + z)"),
  rw("y * x + x * z", "x * (y + z)"),
  rw("x * y + z * x", "x * (y + z)"),
  rw("y * x + z * x", "x * (y + z)"),
  // division and modulo
  rw("truncdiv(x, c1) * c1 + truncmod(x, c1)", "x"),
  rw("floordiv(x, c1) * c1 + floormod(x, c1)", "x"),
  // canonical order: constants last, min/max first
  rrw("x + (c1 - y)", "(x - y) + c1"),
  rrw("(c1 - y) + x", "(x - y) + c1"),
  rrw("x + c1 + y", "(x + y) + c1"),
  rrw("x + (c1 + y)", "(x + y) + c1"),
  rrw("x + max(y, z)", "max(y, z) + x"),
  rrw("x + min(y, z)", "min(y, z) + x"),
  rrw("truncmod(y, c1) + x * c1", "x * c1 + truncmod(y, c1)"),
  rrw("floormod(y, c1) + x * c1", "x * c1 + floormod(y, c1)"),
];

const ADD_ANY: Rule[] = [
  rw("select(x, b1, b2) + select(x, s1, s2)", "select(x, b1 + s1, b2 + s2)"),
];

const SUB_VECTOR: Rule[] = [
  rw("ramp(b1, s1, lanes) - ramp(b2, s2, lanes)", "ramp(b1 - b2, s1 - s2, lanes)"),
  rw("ramp(b1, s1, lanes) - broadcast(x, lanes)", "ramp(b1 - x, s1, lanes)"),
  rw("broadcast(x, lanes) - ramp(b1, s1, lanes)", "ramp(x - b1, 0 - s1, lanes)"),
  rw("broadcast(x, lanes) - broadcast(y, lanes)", "broadcast(x - y, lanes)"),
];

const c1NonZero: Cond = (m) => m.c1.value !== 0;
const scaledDiv: Cond = (m) => m.c1.value !== 0 && m.c3.value === m.c1.value * m.c2.value;
const diffZero = (a: string, b: string, c: string, d: string): Cond => (m, s) => {
  const get = (k: string): PrimExpr => m[k as "b1"];
  return s.canProveEqual(op.sub(op.sub(get(a), get(b)), op.sub(get(c), get(d))), 0);
};

const SUB_INDEX: Rule[] = [
  rw("(x + y) - y", "x"),
  rw("(x + y) - x", "y"),
  rw("x - (y + x)", "0 - y"),
  rw("x - (x + y)", "0 - y"),
  rw("min(x, y) - x", "min(0, y - x)"),
  rw("min(x, y) - y", "min(x - y, 0)"),
  rw("max(x, y) - x", "max(0, y - x)"),
  rw("max(x, y) - y", "max(x - y, 0)"),
  rw("x - max(x, y)", "min(0, x - y)"),
  rw("y - max(x, y)", "min(y - x, 0)"),
  rw("x - min(x, y)", "max(0, x - y)"),
  rw("y - min(x, y)", "max(y - x, 0)"),
  // coefficient folding
  rw("x - x", "zero(x)"),
  rw("x * y - x", "x * (y - 1)"),
  rw("y * x - x", "x * (y - 1)"),
  rw("x - y * x", "x * (1 - y)"),
  rw("x - x * y", "x * (1 - y)"),
  rw("x * y - x * z", "x * (y - z)"),
  rw("y * x - x * z", "x * (y - z)"),
  rw("x * y - z * x", "x * (y - z)"),
  rw("y * x - z * x", "x * (y - z)"),
  // constant cancellation
  rw("(x + c1) - c2", "x + (c1 - c2)"),
  rw("(c1 - x) - (c2 - y)", "(y - x) + (c1 - c2)"),
  // four-operand cancellation
  rw("(x + y) - (x + z)", "y - z"),
  rw("(x + y) - (z + x)", "y - z"),
  rw("(y + x) - (z + x)", "y - z"),
  rw("(y + x) - (x + z)", "y - z"),
  rw("min(x + y, z) - x", "min(y, z - x)"),
  rw("min(y + x, z) - x", "min(y, z - x)"),
  rw("min(z, x + y) - x", "min(z - x, y)"),
  rw("min(z, y + x) - x", "min(z - x, y)"),
  rw("max(x + y, z) - x", "max(y, z - x)"),
  rw("max(y + x, z) - x", "max(y, z - x)"),
  rw("max(z, x + y) - x", "max(z - x, y)"),
  rw("max(z, y + x) - x", "max(z - x, y)"),
  rw("x - min(x + y, z)", "max(0 - y, x - z)"),
  rw("x - min(y + x, z)", "max(0 - y, x - z)"),
  rw("x - min(z, x + y)", "max(x - z, 0 - y)"),
  rw("x - min(z, y + x)", "max(x - z, 0 - y)"),
  rw("min(x, y) - min(y, x)", "zero(x)"),
  rw("max(x, y) - max(y, x)", "zero(x)"),
  rw("min(b1, b2) - min(s1, s2)", "b1 - s1", diffZero("b1", "s1", "b2", "s2")),
  rw("min(b1, b2) - min(s1, s2)", "b1 - s2", diffZero("b1", "s2", "b2", "s1")),
  rw("max(b1, b2) - max(s1, s2)", "b1 - s1", diffZero("b1", "s1", "b2", "s2")),
  rw("max(b1, b2) - max(s1, s2)", "b1 - s2", diffZero("b1", "s2", "b2", "s1")),
  // truncated division: c*(x/c) + x%c == x
  rw("x - truncdiv(x, c1) * c1", "truncmod(x, c1)", c1NonZero),
  rw("truncdiv(x, c1) * c1 - x", "0 - truncmod(x, c1)", c1NonZero),
  rw("x - truncdiv(x + y, c1) * c1", "truncmod(x + y, c1) - y", c1NonZero),
  rw("truncdiv(x + y, c1) * c1 - x", "y - truncmod(x + y, c1)", c1NonZero),
  rw("x - truncdiv(x - y, c1) * c1", "truncmod(x - y, c1) + y", c1NonZero),
  rw("truncdiv(x - y, c1) * c1 - x", "0 - truncmod(x - y, c1) - y", c1NonZero),
  rw("x * c2 - truncdiv(x, c1) * c3", "truncmod(x, c1) * c2", scaledDiv),
  rw("truncdiv(x, c1) * c3 - x * c2", "0 - truncmod(x, c1) * c2", scaledDiv),
  rw("x * c2 - truncdiv(x + y, c1) * c3", "(truncmod(x + y, c1) - y) * c2", scaledDiv),
  rw("truncdiv(x + y, c1) * c3 - x * c2", "(y - truncmod(x + y, c1)) * c2", scaledDiv),
  rw("x * c2 - truncdiv(x - y, c1) * c3", "(truncmod(x - y, c1) + y) * c2", scaledDiv),
  rw("truncdiv(x - y, c1) * c3 - x * c2", "(0 - truncmod(x - y, c1) - y) * c2", scaledDiv),
  // (x + c1)/c3 - (x + c2)/c3 only depends on x mod c3 (x + c2 >= 0 for truncation)
  rw("truncdiv(x + c1, c3) - truncdiv(x + c2, c3)", "truncdiv(truncmod(x + floormod(c2, c3), c3) + (c1 - c2), c3)",
    (m, s) => s.canProveGreaterEqual(m.x, -m.c2.value) && m.c1.value >= m.c2.value && m.c3.value > 0),
  rw("truncdiv(x + c1, c3) - truncdiv(x, c3)", "truncdiv(truncmod(x, c3) + c1, c3)",
    (m, s) => ge0(s, m.x) && m.c1.value >= 0 && m.c3.value > 0),
  // floor division
  rw("x - floordiv(x, c1) * c1", "floormod(x, c1)", c1NonZero),
  rw("floordiv(x, c1) * c1 - x", "0 - floormod(x, c1)", c1NonZero),
  rw("x - floordiv(x + y, c1) * c1", "floormod(x + y, c1) - y", c1NonZero),
  rw("floordiv(x + y, c1) * c1 - x", "y - floormod(x + y, c1)", c1NonZero),
  rw("x - floordiv(x - y, c1) * c1", "floormod(x - y, c1) + y", c1NonZero),
  rw("floordiv(x - y, c1) * c1 - x", "0 - floormod(x - y, c1) - y", c1NonZero),
  rw("x * c2 - floordiv(x, c1) * c3", "floormod(x, c1) * c2", scaledDiv),
  rw("floordiv(x, c1) * c3 - x * c2", "0 - floormod(x, c1) * c2", scaledDiv),
  rw("x * c2 - floordiv(x + y, c1) * c3", "(floormod(x + y, c1) - y) * c2", scaledDiv),
  rw("floordiv(x + y, c1) * c3 - x * c2", "(y - floormod(x + y, c1)) * c2", scaledDiv),
  rw("x * c2 - floordiv(x - y, c1) * c3", "(floormod(x - y, c1) + y) * c2", scaledDiv),
  rw("floordiv(x - y, c1) * c3 - x * c2", "(0 - floormod(x - y, c1) - y) * c2", scaledDiv),
  rw("floordiv(x + c1, c3) - floordiv(x + c2, c3)", "floordiv(floormod(x + floormod(c2, c3), c3) + (c1 - c2), c3)",
    (m) => m.c3.value > 0),
  rw("floordiv(x + c1, c3) - floordiv(x, c3)", "floordiv(floormod(x, c3) + c1, c3)", (m) => m.c3.value > 0),
  // canonical order
  rw("x - c1", "x + (0 - c1)"),
  rrw("(x + c1) - y", "(x - y) + c1"),
  rrw("x - (y - z)", "(x + z) - y"),
  rrw("x - y * c1", "x + y * (0 - c1)"),
];

const SUB_ANY: Rule[] = [
  rw("select(x, b1, b2) - select(x, s1, s2)", "select(x, b1 - s1, b2 - s2)"),
  rw("select(x, y, z) - z", "select(x, y - z, zero(z))"),
  rw("select(x, y, z) - y", "select(x, zero(y), z - y)"),
];

const MUL_VECTOR: Rule[] = [
  rw("broadcast(x, lanes) * broadcast(y, lanes)", "broadcast(x * y, lanes)"),
  rw("ramp(b1, s1, lanes) * broadcast(x, lanes)", "ramp(b1 * x, s1 * x, lanes)"),
  rw("broadcast(x, lanes) * ramp(b1, s1, lanes)", "ramp(b1 * x, s1 * x, lanes)"),
  rw("broadcast(f1, lanes) * x", "broadcast(f1, lanes)", (m) => m.f1.value === 0),
];

const MUL_INDEX: Rule[] = [
  rw("(x + c1) * c2", "x * c2 + c1 * c2"),
  rw("(x * c1) * c2", "x * (c1 * c2)"),
  rw("min(x, y) * max(x, y)", "x * y"),
  rw("max(x, y) * min(x, y)", "x * y"),
  rrw("x * (c1 * y)", "(x * y) * c1"),
  rrw("c1 * x", "x * c1"),
  rrw("(x - y) * c1", "(y - x) * (0 - c1)", (m) => m.c1.value < 0),
];

function divisionByZero(): never {
  throw new Error("division by zero");
}

/** ramp(b1, c1, lanes) / broadcast(c2, lanes), truncated. */
function truncDivRamp(m: Match, s: RewriteSimplifier): PrimExpr | undefined {
  const c1 = m.c1.value;
  const c2 = m.c2.value;
  if (c2 === 0) divisionByZero();
  if (c1 % c2 === 0) return new Ramp(op.div(m.b1, m.c2), op.div(m.c1, m.c2), m.lanes);
  if (s.canProveGreaterEqual(m.b1, 0)) {
    const bmod = s.modularSet(m.b1);
    const rampMin = truncDiv(bmod.base, c2);
    const rampMax = truncDiv(bmod.base + (m.lanes - 1) * c1, c2);
    if (bmod.coeff % c2 === 0 && rampMin === rampMax) return new Broadcast(op.div(m.b1, m.c2), m.lanes);
  }
  return undefined;
}

const DIV_VECTOR: Rule[] = [
  rw("div(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(div(x, y), lanes)"),
  rw("div(ramp(b1, c1, lanes), broadcast(c2, lanes))", truncDivRamp),
];

const divScaled: Cond = (m, s) => m.c1.value >= 0 && m.c2.value > 0 && m.c1.value % m.c2.value === 0 && ge0(s, m.x) && ge0(s, m.y);
const divScaled3 = (rest: (m: Match) => PrimExpr, strictC1 = false): Cond => (m, s) =>
  (strictC1 ? m.c1.value > 0 : m.c1.value >= 0) && m.c2.value > 0 && m.c1.value % m.c2.value === 0 &&
  ge0(s, m.x) && ge0(s, rest(m));
const ge0XYZ: Cond = (m, s) => ge0(s, m.x) && ge0(s, m.y) && ge0(s, m.z);

const DIV_INDEX: Rule[] = [
  rw("truncdiv(c1, c2)", (m) => op.constant(truncDiv(m.c1.value, m.c2.value), m.c1.dtype)),
  rw("truncdiv(truncdiv(x, c1), c2)", "truncdiv(x, c1 * c2)", (m) => m.c1.value > 0 && m.c2.value > 0),
  rw("truncdiv(truncdiv(x, c1) + c2, c3)", "truncdiv(x + c1 * c2, c1 * c3)",
    (m, s) => m.c1.value > 0 && m.c2.value >= 0 && m.c3.value > 0 && ge0(s, m.x)),
  rw("truncdiv(x * c1, c2)", "x * truncdiv(c1, c2)", (m) => m.c1.value > 0 && m.c2.value > 0 && m.c1.value % m.c2.value === 0),
  rw("truncdiv(x * c1, c2)", "truncdiv(x, truncdiv(c2, c1))", (m) => m.c1.value > 0 && m.c2.value > 0 && m.c2.value % m.c1.value === 0),
  rw("truncdiv(x, x)", "one(x)"),
  rw("truncdiv(x * c1, x)", "c1"),
  rw("truncdiv(c1 * x, x)", "c1"),
  // two operands
  rw("truncdiv(x * c1 + y, c2)", "x * truncdiv(c1, c2) + truncdiv(y, c2)", divScaled),
  rw("truncdiv(min(x * c1, y), c2)", "min(x * truncdiv(c1, c2), truncdiv(y, c2))", divScaled),
  rw("truncdiv(max(x * c1, y), c2)", "max(x * truncdiv(c1, c2), truncdiv(y, c2))", divScaled),
  rw("truncdiv(y + x * c1, c2)", "truncdiv(y, c2) + x * truncdiv(c1, c2)", divScaled),
  rw("truncdiv(min(y, x * c1), c2)", "min(truncdiv(y, c2), x * truncdiv(c1, c2))", divScaled),
  rw("truncdiv(max(y, x * c1), c2)", "max(truncdiv(y, c2), x * truncdiv(c1, c2))", divScaled),
  // three operands
  rw("truncdiv(x * c1 + y + z, c2)", "x * truncdiv(c1, c2) + truncdiv(y + z, c2)", divScaled3((m) => op.add(m.y, m.z))),
  rw("truncdiv(x * c1 - y + z, c2)", "x * truncdiv(c1, c2) + truncdiv(z - y, c2)", divScaled3((m) => op.sub(m.z, m.y))),
  rw("truncdiv(x * c1 + y - z, c2)", "x * truncdiv(c1, c2) + truncdiv(y - z, c2)", divScaled3((m) => op.sub(m.y, m.z))),
  rw("truncdiv(y + x * c1 + z, c2)", "x * truncdiv(c1, c2) + truncdiv(y + z, c2)", divScaled3((m) => op.add(m.y, m.z), true)),
  rw("truncdiv(x + c1, c2)", "truncdiv(x, c2) + truncdiv(c1, c2)",
    (m, s) => m.c1.value > 0 && m.c2.value > 0 && m.c1.value % m.c2.value === 0 && ge0(s, m.x)),
  rw("truncdiv(x + y, x)", "truncdiv(y, x) + 1", (m, s) => ge0(s, m.x) && ge0(s, m.y)),
  rw("truncdiv(y + x, x)", "truncdiv(y, x) + 1", (m, s) => ge0(s, m.x) && ge0(s, m.y)),
  rw("truncdiv((x + y) + z, x)", "truncdiv(y + z, x) + 1", (m, s) => ge0(s, m.x) && ge0(s, op.add(m.y, m.z))),
  rw("truncdiv((y + x) + z, x)", "truncdiv(y + z, x) + 1", (m, s) => ge0(s, m.x) && ge0(s, op.add(m.y, m.z))),
  rw("truncdiv(y + (z + x), x)", "truncdiv(y + z, x) + 1", (m, s) => ge0(s, m.x) && ge0(s, op.add(m.y, m.z))),
  rw("truncdiv(y + (x + z), x)", "truncdiv(y + z, x) + 1", (m, s) => ge0(s, m.x) && ge0(s, op.add(m.y, m.z))),
  rw("truncdiv(x * y, y)", "x", (m, s) => ge0(s, m.x) && ge0(s, m.y)),
  rw("truncdiv(y * x, y)", "x", (m, s) => ge0(s, m.x) && ge0(s, m.y)),
  rw("truncdiv(x * z + y, z)", "x + truncdiv(y, z)", ge0XYZ),
  rw("truncdiv(z * x + y, z)", "x + truncdiv(y, z)", ge0XYZ),
  rw("truncdiv(y + x * z, z)", "truncdiv(y, z) + x", ge0XYZ),
  rw("truncdiv(y + z * x, z)", "truncdiv(y, z) + x", ge0XYZ),
];

/** ramp(b1, c1, lanes) % broadcast(c2, lanes), truncated. */
function truncModRamp(m: Match, s: RewriteSimplifier): PrimExpr | undefined {
  const c1 = m.c1.value;
  const c2 = m.c2.value;
  if (c2 === 0) divisionByZero();
  if (c1 % c2 === 0) return new Broadcast(op.truncmod(m.b1, m.c2), m.lanes);
  if (s.canProveGreaterEqual(m.b1, 0)) {
    const bmod = s.modularSet(m.b1);
    const rampMin = truncDiv(bmod.base, c2);
    const rampMax = truncDiv(bmod.base + (m.lanes - 1) * c1, c2);
    if (bmod.coeff % c2 === 0) {
      const base = op.truncmod(op.constant(bmod.base, m.c2.dtype), m.c2);
      if (rampMin === rampMax) return new Ramp(base, m.c1, m.lanes);
      return op.truncmod(new Ramp(base, m.c1, m.lanes), new Broadcast(m.c2, m.lanes));
    }
  }
  return undefined;
}

const MOD_VECTOR: Rule[] = [
  rw("truncmod(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(truncmod(x, y), lanes)"),
  rw("truncmod(ramp(b1, c1, lanes), broadcast(c2, lanes))", truncModRamp),
];

const MOD_INDEX: Rule[] = [
  rw("truncmod(x * c1, c2)", "zero(x)", (m) => m.c2.value !== 0 && m.c1.value % m.c2.value === 0),
  rw("truncmod(x * c1 + y, c2)", "truncmod(y, c2)",
    (m, s) => m.c2.value > 0 && m.c1.value % m.c2.value === 0 && ge0(s, op.mul(m.x, m.c1)) && ge0(s, m.y)),
  rw("truncmod(x + c1, c2)", "truncmod(x, c2)",
    (m, s) => m.c2.value > 0 && m.c1.value >= 0 && m.c1.value % m.c2.value === 0 && ge0(s, m.x)),
  rw("truncmod(x + y * c1, c2)", "truncmod(x, c2)",
    (m, s) => m.c2.value > 0 && m.c1.value % m.c2.value === 0 && ge0(s, m.x) && ge0(s, op.mul(m.y, m.c1))),
  // x % c == x % -c for truncated division
  rrw("truncmod(x, c1)", (m) => op.truncmod(m.x, op.constant(-m.c1.value, m.c1.dtype)), (m) => m.c1.value < 0),
  // modular analysis
  rw("truncmod(x, c1)", (m, s) => {
    const mod = s.modularSet(m.x);
    const c1 = m.c1.value;
    if (c1 > 0 && mod.coeff % c1 === 0 && s.canProveGreaterEqual(m.x, 0)) {
      return op.truncmod(op.constant(mod.base, m.c1.dtype), m.c1);
    }
    return undefined;
  }),
];

/** ramp(b1, c1, lanes) // broadcast(c2, lanes). */
function floorDivRamp(m: Match, s: RewriteSimplifier): PrimExpr | undefined {
  const c1 = m.c1.value;
  const c2 = m.c2.value;
  if (c2 === 0) divisionByZero();
  if (c1 % c2 === 0) return new Ramp(op.floordiv(m.b1, m.c2), op.floordiv(m.c1, m.c2), m.lanes);
  const bmod = s.modularSet(m.b1);
  const last = bmod.base + (m.lanes - 1) * c1;
  if (floorDiv(bmod.base, c2) === floorDiv(last, c2)) {
    if (bmod.coeff % c2 === 0) return new Broadcast(op.floordiv(m.b1, m.c2), m.lanes);
    if (bmod.coeff !== 0 && c2 % bmod.coeff === 0 && last < bmod.coeff) return new Broadcast(op.floordiv(m.b1, m.c2), m.lanes);
  }
  return undefined;
}

const FLOORDIV_VECTOR: Rule[] = [
  rw("floordiv(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(floordiv(x, y), lanes)"),
  rw("floordiv(ramp(b1, c1, lanes), broadcast(c2, lanes))", floorDivRamp),
];

const fdivScaled: Cond = (m) => m.c2.value > 0 && m.c1.value % m.c2.value === 0;
const xGe0: Cond = (m, s) => ge0(s, m.x);

const FLOORDIV_INDEX: Rule[] = [
  rw("floordiv(floordiv(x, c1), c2)", "floordiv(x, c1 * c2)", (m) => m.c1.value > 0 && m.c2.value > 0),
  rw("floordiv(floordiv(x, c1) + c2, c3)", "floordiv(x + c1 * c2, c1 * c3)", (m) => m.c1.value > 0 && m.c3.value > 0),
  rw("floordiv(x * c1, c2)", "x * floordiv(c1, c2)", (m) => m.c1.value > 0 && m.c2.value > 0 && m.c1.value % m.c2.value === 0),
  rw("floordiv(x * c1, c2)", "floordiv(x, floordiv(c2, c1))", (m) => m.c1.value > 0 && m.c2.value > 0 && m.c2.value % m.c1.value === 0),
  rw("floordiv(x, x)", "one(x)"),
  rw("floordiv(x * c1, x)", "c1"),
  rw("floordiv(c1 * x, x)", "c1"),
  // two operands
  rw("floordiv(x * c1 + y, c2)", "x * floordiv(c1, c2) + floordiv(y, c2)", fdivScaled),
  rw("floordiv(min(x * c1, y), c2)", "min(x * floordiv(c1, c2), floordiv(y, c2))", fdivScaled),
  rw("floordiv(max(x * c1, y), c2)", "max(x * floordiv(c1, c2), floordiv(y, c2))", fdivScaled),
  rw("floordiv(y + x * c1, c2)", "floordiv(y, c2) + x * floordiv(c1, c2)", fdivScaled),
  rw("floordiv(min(y, x * c1), c2)", "min(floordiv(y, c2), x * floordiv(c1, c2))", fdivScaled),
  rw("floordiv(max(y, x * c1), c2)", "max(floordiv(y, c2), x * floordiv(c1, c2))", fdivScaled),
  // three operands
  rw("floordiv(x * c1 + y + z, c2)", "x * floordiv(c1, c2) + floordiv(y + z, c2)", fdivScaled),
  rw("floordiv(x * c1 - y + z, c2)", "x * floordiv(c1, c2) + floordiv(z - y, c2)", fdivScaled),
  rw("floordiv(x * c1 + y - z, c2)", "x * floordiv(c1, c2) + floordiv(y - z, c2)", fdivScaled),
  rw("floordiv(y + x * c1 + z, c2)", "x * floordiv(c1, c2) + floordiv(y + z, c2)", fdivScaled),
  rw("floordiv(x + c1, c2)", "floordiv(x, c2) + floordiv(c1, c2)", fdivScaled),
  rw("floordiv(x + y, x)", "floordiv(y, x) + 1", xGe0),
  rw("floordiv(y + x, x)", "floordiv(y, x) + 1", xGe0),
  rw("floordiv((x + y) + z, x)", "floordiv(y + z, x) + 1", xGe0),
  rw("floordiv((y + x) + z, x)", "floordiv(y + z, x) + 1", xGe0),
  rw("floordiv(y + (z + x), x)", "floordiv(y + z, x) + 1", xGe0),
  rw("floordiv(y + (x + z), x)", "floordiv(y + z, x) + 1", xGe0),
  rw("floordiv(x * y, y)", "x", (m, s) => ge0(s, m.y)),
  rw("floordiv(y * x, y)", "x", (m, s) => ge0(s, m.y)),
  rw("floordiv(x * z + y, z)", "x + floordiv(y, z)", (m, s) => ge0(s, m.z)),
  rw("floordiv(z * x + y, z)", "x + floordiv(y, z)", (m, s) => ge0(s, m.z)),
  rw("floordiv(y + x * z, z)", "floordiv(y, z) + x", (m, s) => ge0(s, m.z)),
  rw("floordiv(y + z * x, z)", "floordiv(y, z) + x", (m, s) => ge0(s, m.z)),
];

/** floormod(ramp(b1, c1, lanes), broadcast(c2, lanes)). */
function floorModRamp(m: Match, s: RewriteSimplifier): PrimExpr | undefined {
  const c1 = m.c1.value;
  const c2 = m.c2.value;
  if (c2 === 0) divisionByZero();
  if (c1 % c2 === 0) return new Broadcast(op.floormod(m.b1, m.c2), m.lanes);
  const bmod = s.modularSet(m.b1);
  const last = bmod.base + (m.lanes - 1) * c1;
  const base = (): PrimExpr => op.floormod(op.constant(bmod.base, m.c2.dtype), m.c2);
  if (floorDiv(bmod.base, c2) === floorDiv(last, c2)) {
    if (bmod.coeff % c2 === 0) return new Ramp(base(), m.c1, m.lanes);
    if (bmod.coeff !== 0 && c2 % bmod.coeff === 0 && last < bmod.coeff) return new Ramp(op.floormod(m.b1, m.c2), m.c1, m.lanes);
  }
  if (bmod.coeff % c2 === 0) return op.floormod(new Ramp(base(), m.c1, m.lanes), new Broadcast(m.c2, m.lanes));
  return undefined;
}

const FLOORMOD_VECTOR: Rule[] = [
  rw("floormod(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(floormod(x, y), lanes)"),
  rw("floormod(ramp(b1, c1, lanes), broadcast(c2, lanes))", floorModRamp),
];

const fmodScaled: Cond = (m) => m.c2.value > 0 && m.c1.value % m.c2.value === 0;

const FLOORMOD_INDEX: Rule[] = [
  rw("floormod(x * c1, c2)", "zero(x)", (m) => m.c2.value !== 0 && m.c1.value % m.c2.value === 0),
  rw("floormod(x * c1 + y, c2)", "floormod(y, c2)", fmodScaled),
  rw("floormod(x + c1, c2)", "floormod(x, c2)", fmodScaled),
  rw("floormod(x + y * c1, c2)", "floormod(x, c2)", fmodScaled),
  rw("floormod(x * y, y)", "zero(x)"),
  rw("floormod(y * x, y)", "zero(y)"),
  // modular analysis
  rw("floormod(x, c1)", (m, s) => {
    const mod = s.modularSet(m.x);
    const c1 = m.c1.value;
    if (c1 > 0 && mod.coeff % c1 === 0) return op.floormod(op.constant(mod.base, m.c1.dtype), m.c1);
    return undefined;
  }),
];

/** Rules shared by min and max (`lo` picks the smaller constant for min, the larger for max). */
function minMaxConstRules(fn: "min" | "max"): Rule[] {
  const better = fn === "min" ? (a: number, b: number): boolean => a < b : (a: number, b: number): boolean => a > b;
  const pick = (m: Match, a: string, b: string): PrimExpr =>
    buildPattern(pattern(better(m.c1.value, m.c2.value) ? a : b), m, m.c1.dtype);
  const withC = (m: Match): PrimExpr => (better(m.c1.value, 0) ? op.add(m.x, m.c1) : m.x);
  return [
    rw(`${fn}(x + c1, x + c2)`, (m) => pick(m, "x + c1", "x + c2")),
    rw(`${fn}(x + c1, x)`, withC),
    rw(`${fn}(x, x + c1)`, withC),
    rw(`${fn}(c1 - x, c2 - x)`, (m) => pick(m, "c1 - x", "c2 - x")),
  ];
}

/** min/max(x*c1, c2) and the scaling rules that flip min/max for negative factors. */
function minMaxScaleRules(fn: "min" | "max"): Rule[] {
  const other = fn === "min" ? "max" : "min";
  const same = fn === "min" ? op.min : op.max;
  const flip = fn === "min" ? op.max : op.min;
  return [
    rw(`${fn}(truncdiv(x, c1), truncdiv(y, c1))`, (m) => op.div((m.c1.value > 0 ? same : flip)(m.x, m.y), m.c1)),
    rw(`${fn}(floordiv(x, c1), floordiv(y, c1))`, (m) => op.floordiv((m.c1.value > 0 ? same : flip)(m.x, m.y), m.c1)),
    rw(`${fn}(x * c1, y * c1)`, (m) => op.mul((m.c1.value > 0 ? same : flip)(m.x, m.y), m.c1)),
    rw(`${fn}(x * c1, c2)`, (m) => {
      const c1 = m.c1.value;
      const c2 = m.c2.value;
      if (c1 === 0) return (fn === "min" ? c2 < 0 : c2 > 0) ? m.c2 : m.c1;
      if (c2 % c1 === 0) {
        return op.mul((c1 > 0 ? same : flip)(m.x, op.constant(truncDiv(c2, c1), m.c2.dtype)), m.c1);
      }
      return undefined;
    }),
    rrw(`${fn}(${fn}(x, c1), y)`, `${fn}(${fn}(x, y), c1)`),
    rrw(`${fn}(c1 - x, c2)`, `c1 - ${other}(x, c1 - c2)`, (m) => m.c2.value !== 0),
  ];
}

const MIN_VECTOR: Rule[] = [
  rw("min(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(min(x, y), lanes)"),
  rw("min(min(x, broadcast(y, lanes)), broadcast(z, lanes))", "min(x, broadcast(min(y, z), lanes))"),
];

const roundUp: Cond = (m) => m.c2.value > 0 && m.c1.value + 1 === m.c2.value;
const roundUpGe0: Cond = (m, s) => roundUp(m, s) && ge0(s, m.x);
const c2Pos: Cond = (m) => m.c2.value > 0;

const MIN_INDEX: Rule[] = [
  ...minMaxConstRules("min"),
  // rounding up to a multiple never goes below x
  rw("min(truncdiv(x + c1, c2) * c2, x)", "x", roundUp),
  rw("min(truncdiv(x + c1, c2) * c2, max(x, c2))", "max(x, c2)", roundUpGe0),
  rw("min(x, truncdiv(x + c1, c2) * c2)", "x", roundUp),
  rw("min(max(x, c2), truncdiv(x + c1, c2) * c2)", "max(x, c2)", roundUpGe0),
  rw("min(floordiv(x + c1, c2) * c2, x)", "x", roundUp),
  rw("min(floordiv(x + c1, c2) * c2, max(x, c2))", "max(x, c2)", roundUp),
  rw("min(x, floordiv(x + c1, c2) * c2)", "x", roundUp),
  rw("min(max(x, c2), floordiv(x + c1, c2) * c2)", "max(x, c2)", roundUp),
  rw("min(x, floordiv(x, c2) * c2)", "floordiv(x, c2) * c2", c2Pos),
  rw("min(floordiv(x, c2) * c2, x)", "floordiv(x, c2) * c2", c2Pos),
  rw("min(max(x, y), min(x, y))", "min(x, y)"),
  rw("min(max(x, y), min(y, x))", "min(x, y)"),
  rw("min(min(x, y), max(x, y))", "min(x, y)"),
  rw("min(min(x, y), max(y, x))", "min(x, y)"),
  rw("min(max(x, y), x)", "x"),
  rw("min(max(x, y), y)", "y"),
  rw("min(min(x, y), x)", "min(x, y)"),
  rw("min(min(x, y), y)", "min(x, y)"),
  rw("min(x, max(x, y))", "x"),
  rw("min(y, max(x, y))", "y"),
  rw("min(x, min(x, y))", "min(x, y)"),
  rw("min(y, min(x, y))", "min(x, y)"),
  rw("min(min(min(x, y), z), y)", "min(min(x, y), z)"),
  rw("min(min(min(min(x, y), z), s1), y)", "min(min(min(x, y), z), s1)"),
  rw("min(min(min(min(min(x, y), z), s1), s2), y)", "min(min(min(min(x, y), z), s1), s2)"),
  rw("min(max(x, y), max(x, z))", "max(min(y, z), x)"),
  rw("min(max(x, y), max(z, x))", "max(min(y, z), x)"),
  rw("min(max(y, x), max(x, z))", "max(min(y, z), x)"),
  rw("min(max(y, x), max(z, x))", "max(min(y, z), x)"),
  rw("min(min(x, y), min(x, z))", "min(min(y, z), x)"),
  rw("min(min(x, y), min(z, x))", "min(min(y, z), x)"),
  rw("min(min(y, x), min(x, z))", "min(min(y, z), x)"),
  rw("min(min(y, x), min(z, x))", "min(min(y, z), x)"),
  rw("min(y + x, z + x)", "min(y, z) + x"),
  rw("min(y + x, x + z)", "min(y, z) + x"),
  rw("min(x + y, x + z)", "min(y, z) + x"),
  rw("min(x + y, z + x)", "min(y, z) + x"),
  rw("min(y - x, z - x)", "min(y, z) - x"),
  rw("min(x - y, x - z)", "x - max(y, z)"),
  rw("min(min(x, c1), c2)", "min(x, min(c1, c2))"),
  ...minMaxScaleRules("min"),
];

const MIN_ANY: Rule[] = [
  rw("min(select(x, y, z), select(x, s1, s2))", "select(x, min(y, s1), min(z, s2))"),
];

const MAX_VECTOR: Rule[] = [
  rw("max(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(max(x, y), lanes)"),
  rw("max(max(x, broadcast(y, lanes)), broadcast(z, lanes))", "max(x, broadcast(max(y, z), lanes))"),
];

const MAX_INDEX: Rule[] = [
  ...minMaxConstRules("max"),
  rw("max(truncdiv(x + c1, c2) * c2, x)", "truncdiv(x + c1, c2) * c2", roundUp),
  rw("max(x, truncdiv(x + c1, c2) * c2)", "truncdiv(x + c1, c2) * c2", roundUp),
  rw("max(floordiv(x + c1, c2) * c2, x)", "floordiv(x + c1, c2) * c2", roundUp),
  rw("max(x, floordiv(x + c1, c2) * c2)", "floordiv(x + c1, c2) * c2", roundUp),
  rw("max(floordiv(x, c2) * c2, x)", "x", c2Pos),
  rw("max(x, floordiv(x, c2) * c2)", "x", c2Pos),
  rw("max(min(x, y), max(x, y))", "max(x, y)"),
  rw("max(min(x, y), max(y, x))", "max(x, y)"),
  rw("max(max(x, y), min(x, y))", "max(x, y)"),
  rw("max(max(x, y), min(y, x))", "max(x, y)"),
  rw("max(min(x, y), x)", "x"),
  rw("max(min(x, y), y)", "y"),
  rw("max(max(x, y), x)", "max(x, y)"),
  rw("max(max(x, y), y)", "max(x, y)"),
  rw("max(x, min(x, y))", "x"),
  rw("max(y, min(x, y))", "y"),
  rw("max(x, max(x, y))", "max(x, y)"),
  rw("max(y, max(x, y))", "max(x, y)"),
  rw("max(max(max(x, y), z), y)", "max(max(x, y), z)"),
  rw("max(max(max(max(x, y), z), s1), y)", "max(max(max(x, y), z), s1)"),
  rw("max(max(max(max(max(x, y), z), s1), s2), y)", "max(max(max(max(x, y), z), s1), s2)"),
  rw("max(max(x, y), max(x, z))", "max(max(y, z), x)"),
  rw("max(max(x, y), max(z, x))", "max(max(y, z), x)"),
  rw("max(max(y, x), max(x, z))", "max(max(y, z), x)"),
  rw("max(max(y, x), max(z, x))", "max(max(y, z), x)"),
  rw("max(min(x, y), min(x, z))", "min(max(y, z), x)"),
  rw("max(min(x, y), min(z, x))", "min(max(y, z), x)"),
  rw("max(min(y, x), min(x, z))", "min(max(y, z), x)"),
  rw("max(min(y, x), min(z, x))", "min(max(y, z), x)"),
  rw("max(y + x, z + x)", "max(y, z) + x"),
  rw("max(y + x, x + z)", "max(y, z) + x"),
  rw("max(x + y, x + z)", "max(y, z) + x"),
  rw("max(x + y, z + x)", "max(y, z) + x"),
  rw("max(y - x, z - x)", "max(y, z) - x"),
  rw("max(x - y, x - z)", "x - min(y, z)"),
  rw("max(max(x, c1), c2)", "max(x, max(c1, c2))"),
  ...minMaxScaleRules("max"),
];

const MAX_ANY: Rule[] = [
  rw("max(select(x, y, z), select(x, s1, s2))", "select(x, max(y, s1), max(z, s2))"),
];

const EQ_VECTOR: Rule[] = [
  rw("broadcast(x, lanes) == broadcast(y, lanes)", "broadcast(x == y, lanes)"),
];

const EQ_INDEX: Rule[] = [
  rw("x - c1 == 0", "x == c1"),
  rw("c1 - x == 0", "x == c1"),
  rw("x + c1 == 0", "x == 0 - c1"),
  rw("x * y == 0", "x == 0 || y == 0"),
];

const LT_VECTOR: Rule[] = [
  rw("broadcast(x, lanes) < broadcast(y, lanes)", "broadcast(x < y, lanes)"),
  rw("ramp(x, s1, lanes) < ramp(y, s1, lanes)", "broadcast(x < y, lanes)"),
];

const c1Pos: Cond = (m) => m.c1.value > 0;

const LT_INDEX: Rule[] = [
  rw("x + y < x + z", "y < z"),
  rw("x + y < z + x", "y < z"),
  rw("y + x < x + z", "y < z"),
  rw("y + x < z + x", "y < z"),
  rw("y - x < z - x", "y < z"),
  rw("x - y < x - z", "z < y"),
  rw("x < x + z", "0 < z"),
  rw("x < z + x", "0 < z"),
  rw("x < x - z", "z < 0"),
  rw("c1 < x + c2", "c1 - c2 < x"),
  rw("c1 < c2 - x", "x < c2 - c1"),
  rw("x * c1 < y * c1", "x < y", c1Pos),
  rw("x * c1 < y * c1", "y < x", (m) => m.c1.value < 0),
  // constant cancellation (truncated division throughout)
  rw("x * c2 < c1", "x < truncdiv(c1 - 1, c2) + 1", (m) => m.c1.value > 0 && m.c2.value > 0),
  rw("x * c2 < c1", "x < truncdiv(c1, c2)", (m) => m.c1.value <= 0 && m.c2.value > 0),
  rw("x * c2 < c1", "truncdiv(c1 - 1, c2) - 1 < x", (m) => m.c1.value > 0 && m.c2.value < 0),
  rw("x * c2 < c1", "truncdiv(c1, c2) < x", (m) => m.c1.value <= 0 && m.c2.value < 0),
  rw("c1 < x * c2", "truncdiv(c1 + 1, c2) - 1 < x", (m) => m.c1.value < 0 && m.c2.value > 0),
  rw("c1 < x * c2", "truncdiv(c1, c2) < x", (m) => m.c1.value >= 0 && m.c2.value > 0),
  rw("c1 < x * c2", "x < truncdiv(c1 + 1, c2) + 1", (m) => m.c1.value < 0 && m.c2.value < 0),
  rw("c1 < x * c2", "x < truncdiv(c1, c2)", (m) => m.c1.value >= 0 && m.c2.value < 0),
  rw("truncdiv(x, c1) < c2", "x < c1 * c2", (m) => m.c1.value > 0 && m.c2.value > 0),
  rw("truncdiv(x, c1) < c2", "x < c1 * (c2 - 1) + 1", (m) => m.c1.value > 0 && m.c2.value <= 0),
  rw("c1 < truncdiv(x, c2)", "(c1 + 1) * c2 - 1 < x", (m) => m.c1.value >= 0 && m.c2.value > 0),
  rw("c1 < truncdiv(x, c2)", "c1 * c2 < x", (m) => m.c1.value < 0 && m.c2.value > 0),
  // x - (x / c1) * c1 == x % c1 in every division mode
  rw("truncdiv(x, c1) * c1 < x", "0 < truncmod(x, c1)", c1Pos),
  rw("truncdiv(x, c1) * c1 < x + y", "0 < truncmod(x, c1) + y", c1Pos),
  rw("truncdiv(x, c1) * c1 < x - y", "y < truncmod(x, c1)", c1Pos),
  rw("truncdiv(x + c2, c1) * c1 < x", "c2 < truncmod(x + c2, c1)", c1Pos),
  rw("truncdiv(x + c2, c1) * c1 < x + y", "c2 < truncmod(x + c2, c1) + y", c1Pos),
  rw("truncdiv(x + c2, c1) * c1 < x - y", "y < truncmod(x + c2, c1) + (0 - c2)", c1Pos),
  rw("floordiv(x, c1) < c2", "x < c1 * c2", c1Pos),
  rw("c1 < floordiv(x, c2)", "(c1 + 1) * c2 - 1 < x", c2Pos),
  rw("floordiv(x, c1) * c1 < x", "0 < floormod(x, c1)", c1Pos),
  rw("floordiv(x, c1) * c1 < x + y", "0 < floormod(x, c1) + y", c1Pos),
  rw("floordiv(x, c1) * c1 < x - y", "y < floormod(x, c1)", c1Pos),
  rw("floordiv(x + c2, c1) * c1 < x", "c2 < floormod(x + c2, c1)", c1Pos),
  rw("floordiv(x + c2, c1) * c1 < x + y", "c2 < floormod(x + c2, c1) + y", c1Pos),
  rw("floordiv(x + c2, c1) * c1 < x - y", "y < floormod(x + c2, c1) + (0 - c2)", c1Pos),
  // canonical forms
  rrw("min(x, y) < z", "x < z || y < z"),
  rrw("max(x, y) < z", "x < z && y < z"),
  rrw("z < min(x, y)", "z < x && z < y"),
  rrw("z < max(x, y)", "z < x || z < y"),
  rrw("x < c1 - y", "x + y < c1"),
  rrw("x < c1 + y", "x - y < c1"),
  rrw("c1 - y < x", "c1 < x + y"),
  rrw("c1 + y < x", "c1 < x - y"),
  rrw("x + c1 < c2", "x < c2 - c1"),
  rrw("x - c1 < c2", "x < c2 + c1"),
  rw("x - c1 < 0", "x < c1"),
];

const NOT_RULES: Rule[] = [
  rw("!!x", "x"),
  rw("!(x <= y)", "y < x"),
  rw("!(x >= y)", "x < y"),
  rw("!(x < y)", "y <= x"),
  rw("!(x > y)", "x <= y"),
  rw("!(x == y)", "x != y"),
  rw("!(x != y)", "x == y"),
  rrw("!(x || y)", "!x && !y"),
  rrw("!(x && y)", "!x || !y"),
];

const AND_RULES: Rule[] = [
  rw("x == y && x != y", "false"),
  rw("x != y && x == y", "false"),
  rw("x && !x", "false"),
  rw("x <= y && y < x", "false"),
  rw("y < x && x <= y", "false"),
  rw("x < c1 && c2 < x", "false", (m) => m.c2.value + 1 >= m.c1.value),
  rw("c2 < x && x < c1", "false", (m) => m.c2.value + 1 >= m.c1.value),
  rw("x < c1 && c2 <= x", "false", (m) => m.c2.value >= m.c1.value),
  rw("c2 <= x && x < c1", "false", (m) => m.c2.value >= m.c1.value),
  rw("x <= c1 && c2 < x", "false", (m) => m.c2.value >= m.c1.value),
  rw("c2 < x && x <= c1", "false", (m) => m.c2.value >= m.c1.value),
  rw("x <= c1 && c2 <= x", "false", (m) => m.c2.value > m.c1.value),
  rw("c2 <= x && x <= c1", "false", (m) => m.c2.value > m.c1.value),
  rw("x == c1 && x != c2", "x == c1 && c1 != c2"),
  rw("x != c2 && x == c1", "x == c1 && c1 != c2"),
];

const OR_RULES: Rule[] = [
  rw("x == y || x != y", "true"),
  rw("x != y || x == y", "true"),
  rw("x || !x", "true"),
  rw("x <= y || y < x", "true"),
  rw("y < x || x <= y", "true"),
  rw("x < c1 || c2 < x", "true", (m) => m.c2.value < m.c1.value),
  rw("c2 < x || x < c1", "true", (m) => m.c2.value < m.c1.value),
  rw("x <= c1 || c2 < x", "true", (m) => m.c2.value <= m.c1.value),
  rw("c2 < x || x <= c1", "true", (m) => m.c2.value <= m.c1.value),
  rw("x < c1 || c2 <= x", "true", (m) => m.c2.value <= m.c1.value),
  rw("c2 <= x || x < c1", "true", (m) => m.c2.value <= m.c1.value),
  rw("x <= c1 || c2 <= x", "true", (m) => m.c2.value <= m.c1.value + 1),
  rw("c2 <= x || x <= c1", "true", (m) => m.c2.value <= m.c1.value + 1),
  rw("x != c1 || x == c2", "x != c1 || c1 == c2"),
  rw("x == c2 || x != c1", "x != c1 || c1 == c2"),
];

// ---------------------------------------------------------------------------------------------

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
export class RewriteSimplifier extends ExprMutator {
  protected readonly varMap = new Map<Var, PrimExpr>();
  protected literalConstraints: PrimExpr[] = [];
  private recurDepth = 0;

  constructor(protected readonly analyzer: Analyzer) { super(); }

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
        throw new Error(`trying to update var '${v.name}' with a different value: original=${old}, new=${info} (pass allowOverride to replace it)`);
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

  canProveGreaterEqual(e: PrimExpr, n: number): boolean {
    return this.analyzer.canProveGreaterEqual(e, n);
  }

  canProveEqual(e: PrimExpr, n: number): boolean {
    return this.tryCompare(e, n) === "EQ";
  }

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
    for (const rule of rules) {
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

  /** Runs the vector, index and general rule tables of a node after folding. */
  private rewriteWith(ret: PrimExpr, vector: readonly Rule[], index: readonly Rule[], any: readonly Rule[], indexType: DataType): PrimExpr {
    if (ret.dtype.lanes !== 1) {
      const r = this.applyRules(ret, vector);
      if (r) return r;
    }
    if (isIndexType(indexType)) {
      const r = this.applyRules(ret, index);
      if (r) return r;
    }
    return this.applyRules(ret, any) ?? ret;
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
      case "Min": return this.rewriteMinMax(ret as Min, MIN_VECTOR, MIN_INDEX, MIN_ANY);
      case "Max": return this.rewriteMinMax(ret as Max, MAX_VECTOR, MAX_INDEX, MAX_ANY);
    }
  }

  private rewriteMinMax(ret: Min | Max, vector: readonly Rule[], index: readonly Rule[], any: readonly Rule[]): PrimExpr {
    if (ret.dtype.lanes !== 1) {
      const r = this.applyRules(ret, vector);
      if (r) return r;
    }
    if (isIndexType(ret.dtype)) {
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
      const r = this.applyRules(ret, index);
      if (r) return r;
    }
    return this.applyRules(ret, any) ?? ret;
  }

  override visitCompare(e: CompareExpr): PrimExpr {
    switch (e.kind) {
      case "NE": return this.visitExpr(new Not(op.eq(e.a, e.b)));
      case "LE": return this.visitExpr(new Not(op.lt(e.b, e.a)));
      case "GT": return this.visitExpr(op.lt(e.b, e.a));
      case "GE": return this.visitExpr(new Not(op.lt(e.a, e.b)));
      case "EQ": return this.rewriteEQ(super.visitCompare(e) as EQ);
      case "LT": return this.rewriteLT(super.visitCompare(e) as LT);
    }
  }

  private rewriteEQ(ret: EQ): PrimExpr {
    const folded = tryConstFold("EQ", ret.a, ret.b);
    if (folded) return folded;
    if (ret.dtype.lanes !== 1) {
      const r = this.applyRules(ret, EQ_VECTOR);
      if (r) return r;
    }
    if (isIndexType(ret.a.dtype)) {
      const result = this.tryCompare(op.sub(ret.a, ret.b), 0);
      if (result === "EQ") return op.constant(true, ret.dtype);
      if (result === "NE" || result === "GT" || result === "LT") return op.constant(false, ret.dtype);
      const r = this.applyRules(ret, EQ_INDEX);
      if (r) return r;
    }
    return ret;
  }

  private rewriteLT(ret: LT): PrimExpr {
    const folded = tryConstFold("LT", ret.a, ret.b);
    if (folded) return folded;
    if (ret.dtype.lanes !== 1) {
      const r = this.applyRules(ret, LT_VECTOR);
      if (r) return r;
    }
    if (isIndexType(ret.a.dtype)) {
      const result = this.tryCompare(op.sub(ret.a, ret.b), 0);
      if (result === "LT") return op.constant(true, ret.dtype);
      if (result === "EQ" || result === "GT" || result === "GE") return op.constant(false, ret.dtype);
      const r = this.applyRules(ret, LT_INDEX);
      if (r) return r;
    }
    return ret;
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
    const cond = this.visitExpr(e.condition);
    const t = this.analyzer.withConstraint(cond, () => this.visitExpr(e.trueValue));
    const f = this.analyzer.withConstraint(this.analyzer.rewriteSimplify(new Not(cond)), () => this.visitExpr(e.falseValue));
    if (isZero(cond)) return f;
    if (isOne(cond)) return t;
    const ret = cond === e.condition && t === e.trueValue && f === e.falseValue ? e : new Select(cond, t, f);
    if (structuralEqual(ret.trueValue, ret.falseValue)) return ret.trueValue;
    return ret;
  }

  override visitCall(e: Call): PrimExpr {
    let ret: PrimExpr;
    if (e.op === "tir.if_then_else" && e.args.length === 3) {
      const cond = this.visitExpr(e.args[0]);
      const t = this.analyzer.withConstraint(cond, () => this.visitExpr(e.args[1]));
      const f = this.analyzer.withConstraint(this.analyzer.rewriteSimplify(new Not(cond)), () => this.visitExpr(e.args[2]));
      if (isZero(cond)) return f;
      if (isOne(cond)) return t;
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
