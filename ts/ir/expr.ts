// Expressions of TIR: the node classes of expr_nodes.ts with their methods working. Loading this
// file fills the operator table those methods call (expr_operators.ts) with op.ts's and
// bit_ops.ts's operators and printer.ts's printExpr. Every file but those four (and
// const_fold.ts) imports expressions from here.

import * as op from "./op.js";
import * as bits from "./bit_ops.js";
import { printExpr } from "./printer.js";
import { installExprOperators } from "./expr_operators.js";

export * from "./expr_nodes.js";

installExprOperators({
  add: op.add, sub: op.sub, mul: op.mul, div: op.div, floordiv: op.floordiv, floormod: op.floormod,
  truncmod: op.truncmod, max: op.max, min: op.min, lt: op.lt, le: op.le, gt: op.gt, ge: op.ge, eq: op.eq,
  ne: op.ne, logicalAnd: op.logicalAnd, logicalOr: op.logicalOr, logicalNot: op.logicalNot, neg: op.neg,
  cast: op.cast,
  shiftLeft: bits.shiftLeft, shiftRight: bits.shiftRight, bitwiseAnd: bits.bitwiseAnd,
  bitwiseOr: bits.bitwiseOr, bitwiseXor: bits.bitwiseXor, bitwiseNot: bits.bitwiseNot,
  printExpr,
});
