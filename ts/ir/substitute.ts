// Substitution of variables by expressions, and variable-use queries, over statements and
// expressions (TVM's Substitute / UsesVar).

import { PrimExpr, Var } from "./expr.js";
import { Stmt } from "./stmt.js";
import { StmtExprMutator, StmtExprVisitor } from "./functor.js";

class VarSubstituter extends StmtExprMutator {
  constructor(private readonly vmap: ReadonlyMap<Var, PrimExpr>) { super(); }
  override visitVar(v: Var): PrimExpr { return this.vmap.get(v) ?? v; }
}

/** Replaces each variable in `vmap`'s keys by its value. */
export function substitute<T extends PrimExpr | Stmt>(node: T, vmap: ReadonlyMap<Var, PrimExpr>): T {
  if (vmap.size === 0) return node;
  const m = new VarSubstituter(vmap);
  return (node instanceof Stmt ? m.visitStmt(node) : m.visitExpr(node as PrimExpr)) as T;
}

/** True when `node` reads a variable for which `pred` holds. */
export function usesVar(node: PrimExpr | Stmt, pred: (v: Var) => boolean): boolean {
  let found = false;
  class Finder extends StmtExprVisitor {
    override visitVar(v: Var): void { if (pred(v)) found = true; }
  }
  const f = new Finder();
  if (node instanceof Stmt) f.visitStmt(node);
  else f.visitExpr(node);
  return found;
}

/** The variables `node` reads, in order of first use. */
export function collectVars(node: PrimExpr | Stmt): Var[] {
  const seen = new Set<Var>();
  class Collector extends StmtExprVisitor {
    override visitVar(v: Var): void { seen.add(v); }
  }
  const c = new Collector();
  if (node instanceof Stmt) c.visitStmt(node);
  else c.visitExpr(node);
  return [...seen];
}
