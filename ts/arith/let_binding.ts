// How the bound analyses (const_int_bound.ts, modular_set.ts) see through a `let`: the body is
// analysed with the variable bound to what the analysis found for the value, and the binding is
// dropped afterwards. A variable the caller already bound (Analyzer.bind) keeps that binding.

import type { Let, PrimExpr, Var } from "../ir/expr.js";

/** Analyses `l.body` by `visit`, with `l.variable` bound in `varMap` to the analysis of its value. */
export function visitLetBody<T>(varMap: Map<Var, T>, l: Let, visit: (e: PrimExpr) => T): T {
  if (varMap.has(l.variable)) return visit(l.body);
  varMap.set(l.variable, visit(l.value));
  try {
    return visit(l.body);
  } finally {
    varMap.delete(l.variable);
  }
}
