// The operators behind PrimExpr's methods (add, lt, shiftLeft, ..., toString), as a table that
// expr.ts fills with op.ts's, bit_ops.ts's and printer.ts's functions when it loads. The node
// classes (expr_nodes.ts) call through it because those files build and read nodes: importing
// them from expr_nodes.ts would make an import cycle. Everything imports expressions from
// expr.ts, so the table is filled before any method runs.

import { InternalError } from "../errors.js";
import type * as Op from "./op.js";
import type * as BitOps from "./bit_ops.js";
import type { printExpr } from "./printer.js";

/** The functions PrimExpr's methods call. */
export type ExprOperators = Pick<typeof Op,
  "add" | "sub" | "mul" | "div" | "floordiv" | "floormod" | "truncmod" | "max" | "min" | "lt" | "le" | "gt" | "ge" |
  "eq" | "ne" | "logicalAnd" | "logicalOr" | "logicalNot" | "neg" | "cast">
  & Pick<typeof BitOps, "shiftLeft" | "shiftRight" | "bitwiseAnd" | "bitwiseOr" | "bitwiseXor" | "bitwiseNot">
  & { printExpr: typeof printExpr };

let table: ExprOperators | undefined;

/** Fills the table (expr.ts does, once). */
export function installExprOperators(operators: ExprOperators): void {
  table = operators;
}

/** The table; an InternalError if expr.ts has not filled it (a file imported expr_nodes.ts alone). */
export function exprOperators(): ExprOperators {
  if (table === undefined) throw new InternalError("PrimExpr's operators are not installed: import expressions from ir/expr.js, which installs them");
  return table;
}
