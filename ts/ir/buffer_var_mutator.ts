// A mutator that renames the buffer variable of every flat Load and Store, for the passes that
// give a buffer another variable: SSA repair (a rebound allocation), storage rewrite (merged
// allocations) and storage flattening (a placeholder bound to another buffer's data). Subclasses
// say how a variable is renamed; a Load or Store whose variable stays keeps its node.

import { Load, type PrimExpr, type Var } from "./expr.js";
import { StmtExprMutator } from "./functor.js";
import { type Stmt, Store } from "./stmt.js";

export abstract class BufferVarMutator extends StmtExprMutator {
  /** The variable that replaces the buffer variable `v` (`v` itself to keep it). */
  protected abstract renameBufferVar(v: Var): Var;

  override visitLoad(e: Load): PrimExpr {
    const base = super.visitLoad(e) as Load;
    const v = this.renameBufferVar(base.bufferVar);
    return v === base.bufferVar ? base : new Load(base.dtype, v, base.index, base.predicate);
  }

  override visitStore(s: Store): Stmt {
    const base = super.visitStore(s) as Store;
    const v = this.renameBufferVar(base.bufferVar);
    return v === base.bufferVar ? base : new Store(v, base.value, base.index, base.predicate);
  }
}
