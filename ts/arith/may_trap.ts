// Whether evaluating an expression could be undefined somewhere its guard does not hold: it
// loads memory (the index may leave the buffer) or divides integers by something other than a
// nonzero constant. A select evaluates both of its sides, so the simplifier keeps a side it
// simplified under the select's condition only when that side cannot trap (see
// rewrite_simplifier.ts visitSelect).

import { Broadcast, IntImm, type PrimExpr } from "../ir/expr.js";
import { postOrderVisit } from "../ir/functor.js";

const DIVISIONS = new Set(["Div", "Mod", "FloorDiv", "FloorMod"]);

function nonzeroConstant(e: PrimExpr): boolean {
  if (e instanceof IntImm) return e.value !== 0;
  if (e instanceof Broadcast) return nonzeroConstant(e.value);
  return false;
}

/** True when `e` loads memory or divides integers by a value that is not a nonzero constant. */
export function mayTrap(e: PrimExpr): boolean {
  let trap = false;
  postOrderVisit(e, (n) => {
    if (trap) return;
    const k = (n as { kind: string }).kind;
    if (k === "Load" || k === "BufferLoad" || k === "ProducerLoad") trap = true;
    else if (DIVISIONS.has(k)) {
      const d = n as unknown as { dtype: { isFloat(): boolean }; b: PrimExpr };
      if (!d.dtype.isFloat() && !nonzeroConstant(d.b)) trap = true;
    }
  });
  return trap;
}
