// Split factors known only at call time: `split(axis, {factor: f})` with a symbolic f makes
// loops of extent ceildiv(n, f) and f. With f = 0 the division traps; with f < 0 both loops are
// empty and the stage's output is silently left unwritten. Lowering therefore asserts, at the
// start of the function, that every symbolic factor and nparts the analyzer cannot prove
// positive is at least 1; the kernel returns an error naming the stage, the axis and the value.

import { Analyzer } from "../arith/analyzer.js";
import { IntImm, type PrimExpr } from "../ir/expr.js";
import * as op from "../ir/op.js";
import { printExpr } from "../ir/printer.js";
import { AssertStmt, type Stmt } from "../ir/stmt.js";
import { format } from "../transform/host_builtins.js";
import type { Schedule } from "./schedule.js";
import { SplitRelation } from "./relations.js";

/** `body` behind an assert for each symbolic split factor (or nparts) of `sch` not provably positive. */
export function assertSplitFactorsPositive(sch: Schedule, body: Stmt): Stmt {
  const ana = new Analyzer();
  const checks: { cond: PrimExpr; message: PrimExpr }[] = [];
  const seen = new Set<string>();
  for (const stage of sch.stages) {
    if (stage.attachType === "inline" || stage.attachType === "inlinedAlready") continue;
    for (const rel of stage.relations) {
      if (!(rel instanceof SplitRelation)) continue;
      const key = rel.factor !== undefined ? "factor" : "nparts";
      const value = (rel.factor ?? rel.nparts)!;
      if (value instanceof IntImm || ana.canProveGreaterEqual(value, 1)) continue;
      const text = printExpr(value);
      if (seen.has(text)) continue;
      seen.add(text);
      checks.push({
        cond: op.ge(value, 1),
        message: format(`split of axis '${rel.parent.var.name}' of stage '${stage.op.name}': the ${key} ${text} must be positive, got `, value),
      });
    }
  }
  let out = body;
  for (let i = checks.length - 1; i >= 0; i--) out = new AssertStmt(checks[i].cond, checks[i].message, out);
  return out;
}
