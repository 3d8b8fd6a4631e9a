// Rewrite rules for division and modulo by constants, in both of TIR's modes: truncated
// (`Div`/`Mod`, written truncdiv/truncmod) and floor (`FloorDiv`/`FloorMod`). Vectors: a ramp
// divided by a broadcast constant becomes a ramp or a broadcast when the base's modular set
// shows every lane in one quotient. Scalar int32/int64 indices: nested divisions merge,
// multiples of the divisor split out of sums and min/max (truncated rules need the operands
// proven non-negative, floor rules do not), `x / x` and `(x*c)/x` fold, and remainders of a
// known residue (from the modular set) become constants.

import { ArgumentError } from "../errors.js";
import { Broadcast, type PrimExpr, Ramp } from "../ir/expr.js";
import * as op from "../ir/op.js";
import { floorDiv, truncDiv } from "./int_operator.js";
import type { Match } from "./pattern.js";
import { type Cond, type Rule, type RuleContext, ge0, rw, rrw, xGe0 } from "./rewrite_rule.js";

/** c1 is a multiple of the positive divisor c2. */
const c1MultipleOfC2: Cond = (m) => m.c2.value > 0 && m.c1.value % m.c2.value === 0;

/** (x*c1)/c2 when one constant divides the other, x/x and (x*c)/x: the same in both modes. */
function scaleRules(div: "truncdiv" | "floordiv"): Rule[] {
  return [
    rw(`${div}(x * c1, c2)`, `x * ${div}(c1, c2)`, (m) => m.c1.value > 0 && m.c2.value > 0 && m.c1.value % m.c2.value === 0),
    rw(`${div}(x * c1, c2)`, `${div}(x, ${div}(c2, c1))`, (m) => m.c1.value > 0 && m.c2.value > 0 && m.c2.value % m.c1.value === 0),
    rw(`${div}(x, x)`, "one(x)"),
    rw(`${div}(x * c1, x)`, "c1"),
    rw(`${div}(c1 * x, x)`, "c1"),
  ];
}

/** A multiple x*c1 of the divisor split out of a sum, a min or a max (when `cond` allows it). */
function splitMultipleRules(div: "truncdiv" | "floordiv", cond: Cond): Rule[] {
  return [
    rw(`${div}(x * c1 + y, c2)`, `x * ${div}(c1, c2) + ${div}(y, c2)`, cond),
    rw(`${div}(min(x * c1, y), c2)`, `min(x * ${div}(c1, c2), ${div}(y, c2))`, cond),
    rw(`${div}(max(x * c1, y), c2)`, `max(x * ${div}(c1, c2), ${div}(y, c2))`, cond),
    rw(`${div}(y + x * c1, c2)`, `${div}(y, c2) + x * ${div}(c1, c2)`, cond),
    rw(`${div}(min(y, x * c1), c2)`, `min(${div}(y, c2), x * ${div}(c1, c2))`, cond),
    rw(`${div}(max(y, x * c1), c2)`, `max(${div}(y, c2), x * ${div}(c1, c2))`, cond),
  ];
}

function divisionByZero(): never {
  throw new ArgumentError("division by zero");
}

/** ramp(b1, c1, lanes) / broadcast(c2, lanes), truncated. */
function truncDivRamp(m: Match, s: RuleContext): PrimExpr | undefined {
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

export const DIV_VECTOR: Rule[] = [
  rw("div(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(div(x, y), lanes)"),
  rw("div(ramp(b1, c1, lanes), broadcast(c2, lanes))", truncDivRamp),
];

const divScaled: Cond = (m, s) => m.c1.value >= 0 && m.c2.value > 0 && m.c1.value % m.c2.value === 0 && ge0(s, m.x) && ge0(s, m.y);
const divScaled3 = (rest: (m: Match) => PrimExpr, strictC1 = false): Cond => (m, s) =>
  (strictC1 ? m.c1.value > 0 : m.c1.value >= 0) && m.c2.value > 0 && m.c1.value % m.c2.value === 0 &&
  ge0(s, m.x) && ge0(s, rest(m));
const ge0XYZ: Cond = (m, s) => ge0(s, m.x) && ge0(s, m.y) && ge0(s, m.z);

export const DIV_INDEX: Rule[] = [
  rw("truncdiv(c1, c2)", (m) => op.constant(truncDiv(m.c1.value, m.c2.value), m.c1.dtype)),
  rw("truncdiv(truncdiv(x, c1), c2)", "truncdiv(x, c1 * c2)", (m) => m.c1.value > 0 && m.c2.value > 0),
  rw("truncdiv(truncdiv(x, c1) + c2, c3)", "truncdiv(x + c1 * c2, c1 * c3)",
    (m, s) => m.c1.value > 0 && m.c2.value >= 0 && m.c3.value > 0 && ge0(s, m.x)),
  ...scaleRules("truncdiv"),
  // two operands
  ...splitMultipleRules("truncdiv", divScaled),
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
function truncModRamp(m: Match, s: RuleContext): PrimExpr | undefined {
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

export const MOD_VECTOR: Rule[] = [
  rw("truncmod(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(truncmod(x, y), lanes)"),
  rw("truncmod(ramp(b1, c1, lanes), broadcast(c2, lanes))", truncModRamp),
];

export const MOD_INDEX: Rule[] = [
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

/**
 * Whether every lane b1 + j*c1 of a ramp whose base has modular set `bmod` (b1 = coeff*k + base)
 * and whose last lane is base-relative `last` lies in one block [coeff*k, coeff*k + coeff), which
 * a positive c2 that is a multiple of coeff never splits. With a negative c2 the blocks of floor
 * division are shifted by one (floor(0 / -3) = 0, floor(1 / -3) = -1), and with a negative stride
 * the lowest lane is the last: both are checked, not assumed.
 */
function lanesInOneResidueBlock(bmod: { coeff: number; base: number }, last: number, c2: number): boolean {
  return bmod.coeff !== 0 && c2 > 0 && c2 % bmod.coeff === 0 && Math.min(bmod.base, last) >= 0 && Math.max(bmod.base, last) < bmod.coeff;
}

/** ramp(b1, c1, lanes) // broadcast(c2, lanes). */
function floorDivRamp(m: Match, s: RuleContext): PrimExpr | undefined {
  const c1 = m.c1.value;
  const c2 = m.c2.value;
  if (c2 === 0) divisionByZero();
  if (c1 % c2 === 0) return new Ramp(op.floordiv(m.b1, m.c2), op.floordiv(m.c1, m.c2), m.lanes);
  const bmod = s.modularSet(m.b1);
  const last = bmod.base + (m.lanes - 1) * c1;
  if (floorDiv(bmod.base, c2) === floorDiv(last, c2)) {
    if (bmod.coeff % c2 === 0) return new Broadcast(op.floordiv(m.b1, m.c2), m.lanes);
    if (lanesInOneResidueBlock(bmod, last, c2)) return new Broadcast(op.floordiv(m.b1, m.c2), m.lanes);
  }
  return undefined;
}

export const FLOORDIV_VECTOR: Rule[] = [
  rw("floordiv(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(floordiv(x, y), lanes)"),
  rw("floordiv(ramp(b1, c1, lanes), broadcast(c2, lanes))", floorDivRamp),
];

export const FLOORDIV_INDEX: Rule[] = [
  rw("floordiv(floordiv(x, c1), c2)", "floordiv(x, c1 * c2)", (m) => m.c1.value > 0 && m.c2.value > 0),
  rw("floordiv(floordiv(x, c1) + c2, c3)", "floordiv(x + c1 * c2, c1 * c3)", (m) => m.c1.value > 0 && m.c3.value > 0),
  ...scaleRules("floordiv"),
  // two operands
  ...splitMultipleRules("floordiv", c1MultipleOfC2),
  // three operands
  rw("floordiv(x * c1 + y + z, c2)", "x * floordiv(c1, c2) + floordiv(y + z, c2)", c1MultipleOfC2),
  rw("floordiv(x * c1 - y + z, c2)", "x * floordiv(c1, c2) + floordiv(z - y, c2)", c1MultipleOfC2),
  rw("floordiv(x * c1 + y - z, c2)", "x * floordiv(c1, c2) + floordiv(y - z, c2)", c1MultipleOfC2),
  rw("floordiv(y + x * c1 + z, c2)", "x * floordiv(c1, c2) + floordiv(y + z, c2)", c1MultipleOfC2),
  rw("floordiv(x + c1, c2)", "floordiv(x, c2) + floordiv(c1, c2)", c1MultipleOfC2),
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
function floorModRamp(m: Match, s: RuleContext): PrimExpr | undefined {
  const c1 = m.c1.value;
  const c2 = m.c2.value;
  if (c2 === 0) divisionByZero();
  if (c1 % c2 === 0) return new Broadcast(op.floormod(m.b1, m.c2), m.lanes);
  const bmod = s.modularSet(m.b1);
  const last = bmod.base + (m.lanes - 1) * c1;
  const base = (): PrimExpr => op.floormod(op.constant(bmod.base, m.c2.dtype), m.c2);
  if (floorDiv(bmod.base, c2) === floorDiv(last, c2)) {
    if (bmod.coeff % c2 === 0) return new Ramp(base(), m.c1, m.lanes);
    if (lanesInOneResidueBlock(bmod, last, c2)) return new Ramp(op.floormod(m.b1, m.c2), m.c1, m.lanes);
  }
  if (bmod.coeff % c2 === 0) return op.floormod(new Ramp(base(), m.c1, m.lanes), new Broadcast(m.c2, m.lanes));
  return undefined;
}

export const FLOORMOD_VECTOR: Rule[] = [
  rw("floormod(broadcast(x, lanes), broadcast(y, lanes))", "broadcast(floormod(x, y), lanes)"),
  rw("floormod(ramp(b1, c1, lanes), broadcast(c2, lanes))", floorModRamp),
];

export const FLOORMOD_INDEX: Rule[] = [
  rw("floormod(x * c1, c2)", "zero(x)", (m) => m.c2.value !== 0 && m.c1.value % m.c2.value === 0),
  rw("floormod(x * c1 + y, c2)", "floormod(y, c2)", c1MultipleOfC2),
  rw("floormod(x + c1, c2)", "floormod(x, c2)", c1MultipleOfC2),
  rw("floormod(x + y * c1, c2)", "floormod(x, c2)", c1MultipleOfC2),
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
