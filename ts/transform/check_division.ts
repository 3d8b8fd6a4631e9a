// Division checks: an integer division or modulo (div, mod, floordiv, floormod, scalar or vector)
// by a value that may be 0 at run time traps in C (SIGFPE kills the process), and so does
// INT_MIN / -1 for 32- and 64-bit signed integers. This pass asserts before every such division
// that the Analyzer cannot prove safe (constant divisors, extents known positive, facts from
// enclosing loops, ifs and asserts), so the kernel returns an error naming the expression
// instead; where the asserts go (hoisted to where their variables are defined, guards kept) is
// ts/transform/check_placement.ts. lower() runs it last; a function that needs no check is
// returned unchanged. Float division is left alone (it gives inf or nan, as in C).

import type { Analyzer } from "../arith/analyzer.js";
import { type BinaryExpr, Broadcast, IntImm, StringImm } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import * as op from "../ir/op.js";
import { printExpr } from "../ir/printer.js";
import { allLanes, CheckCollector, lane, placeChecks } from "./check_placement.js";
import { checkPrimFunc } from "./check_func.js";

const DIVISIONS = new Set(["Div", "Mod", "FloorDiv", "FloorMod"]);

class DivisionChecks extends CheckCollector {
  override visitBinary(e: BinaryExpr): void {
    super.visitBinary(e);
    if (DIVISIONS.has(e.kind) && (e.dtype.isInt() || e.dtype.isUInt())) this.division(e);
  }

  private division(e: BinaryExpr): void {
    const t = e.dtype;
    const b = this.ana.constIntBound(e.b);
    if (b.minValue <= 0 && b.maxValue >= 0) {
      const cond = allLanes([e.b], (k) => op.ne(lane(e.b, k), 0));
      this.add(cond, new StringImm(`division by zero in ${printExpr(e)} (the divisor ${printExpr(e.b)} is 0)`));
    }
    if (t.isInt() && t.bits >= 32 && b.minValue <= -1 && b.maxValue >= -1) {
      // -2^63 is exact as a double (op.minValue stops at the safe integers).
      const lowest = t.bits === 64 ? new IntImm(t.element(), -(2 ** 63)) : op.minValue(t.element()) as IntImm;
      if (this.ana.constIntBound(e.a).minValue <= lowest.value) {
        const uniform = (x: BinaryExpr["a"]): boolean => x.dtype.lanes === 1 || x instanceof Broadcast;
        // A lane-invariant side is tested once: d != -1 || (every lane of a) != INT_MIN.
        const cond = uniform(e.b) ? op.logicalOr(op.ne(lane(e.b, 0), -1), allLanes([e.a], (k) => op.ne(lane(e.a, k), lowest)))
          : uniform(e.a) ? op.logicalOr(op.ne(lane(e.a, 0), lowest), allLanes([e.b], (k) => op.ne(lane(e.b, k), -1)))
          : allLanes([e.a, e.b], (k) => op.logicalOr(op.ne(lane(e.a, k), lowest), op.ne(lane(e.b, k), -1)));
        // Not asked of the Analyzer: its rewrite rules take `x != INT_MIN` for true.
        this.add(cond, new StringImm(`integer overflow in ${printExpr(e)} (${String(BigInt(lowest.value))} divided by -1)`), false);
      }
    }
  }
}

/** Asserts before every integer division that could trap (see the header). */
export function insertDivisionChecks(f: PrimFunc): PrimFunc {
  checkPrimFunc(f, "insertDivisionChecks");
  return placeChecks(f, (ana: Analyzer) => new DivisionChecks(ana));
}
