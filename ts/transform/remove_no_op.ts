// Removes statements that do nothing (TVM's RemoveNoOp): evaluations of expressions without side
// effects; loops with a zero (or negative) constant extent; loops, lets, attributes and
// allocations whose body does nothing (keeping any side effect of their own expressions); `if`s
// with empty branches (an empty then-branch with a non-empty else becomes `if !cond`); stores of
// a location's own value (`x[i] = x[i]`); `pragma_debug_skip_region` regions; and no-op members
// of sequences, a sequence of one statement becoming that statement.

import { BufferLoad, Call, IntImm, Load, type PrimExpr } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator, ExprVisitor } from "../ir/functor.js";
import {
  Allocate, AttrStmt, BufferStore, Evaluate, For, IfThenElse, LetStmt, SeqStmt, type Stmt, Store, isNoOp, noOp,
} from "../ir/stmt.js";
import { hasCallSideEffect } from "../ir/intrinsics.js";
import { logicalNot } from "../ir/op.js";
import { structuralEqual } from "../ir/structural_equal.js";
import { checkPrimFunc } from "./check_func.js";

/** True when evaluating `e` may change state (a call not known to be pure); loads do not. */
export function hasSideEffect(e: PrimExpr): boolean {
  let effect = false;
  class Finder extends ExprVisitor {
    override visitCall(c: Call): void {
      if (hasCallSideEffect(c.op)) effect = true;
      super.visitCall(c);
    }
  }
  new Finder().visitExpr(e);
  return effect;
}

/** Evaluations of the expressions with side effects, or a no-op. */
function evaluateEffects(values: readonly PrimExpr[]): Stmt {
  const kept = values.filter(hasSideEffect).map((v) => new Evaluate(v));
  if (kept.length === 0) return noOp();
  return kept.length === 1 ? kept[0] : new SeqStmt(kept);
}

class NoOpRemover extends StmtExprMutator {
  override visitLetStmt(s: LetStmt): Stmt {
    const base = super.visitLetStmt(s) as LetStmt;
    return isNoOp(base.body) ? evaluateEffects([base.value]) : base;
  }
  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key === "pragma_debug_skip_region") return noOp();
    const base = super.visitAttrStmt(s) as AttrStmt;
    return isNoOp(base.body) ? evaluateEffects([base.value]) : base;
  }
  override visitIfThenElse(s: IfThenElse): Stmt {
    const base = super.visitIfThenElse(s) as IfThenElse;
    const elseNoOp = !base.elseCase || isNoOp(base.elseCase);
    if (isNoOp(base.thenCase)) {
      if (elseNoOp) return evaluateEffects([base.condition]);
      return new IfThenElse(logicalNot(base.condition), base.elseCase!);
    }
    if (base.elseCase && elseNoOp) return new IfThenElse(base.condition, base.thenCase);
    return base;
  }
  override visitFor(s: For): Stmt {
    const base = super.visitFor(s) as For;
    if (base.extent instanceof IntImm && base.extent.value <= 0) return noOp();
    return isNoOp(base.body) ? evaluateEffects([base.min, base.extent]) : base;
  }
  override visitAllocate(s: Allocate): Stmt {
    const base = super.visitAllocate(s) as Allocate;
    return isNoOp(base.body) ? evaluateEffects(base.extents) : base;
  }
  override visitEvaluate(s: Evaluate): Stmt {
    const base = super.visitEvaluate(s) as Evaluate;
    return hasSideEffect(base.value) ? base : noOp();
  }
  override visitStore(s: Store): Stmt {
    const base = super.visitStore(s) as Store;
    const v = base.value;
    if (v instanceof Load && v.bufferVar === base.bufferVar && structuralEqual(v.index, base.index)) {
      return noOp();
    }
    return base;
  }
  override visitBufferStore(s: BufferStore): Stmt {
    const base = super.visitBufferStore(s) as BufferStore;
    const v = base.value;
    if (v instanceof BufferLoad && v.buffer === base.buffer && v.indices.length === base.indices.length &&
        v.indices.every((x, i) => structuralEqual(x, base.indices[i]))) {
      return noOp();
    }
    return base;
  }
  override visitSeqStmt(s: SeqStmt): Stmt {
    const base = super.visitSeqStmt(s);
    if (!(base instanceof SeqStmt)) return base;
    const kept = base.seq.filter((x) => !isNoOp(x));
    if (kept.length === base.seq.length) return kept.length === 1 ? kept[0] : base;
    if (kept.length === 0) return noOp();
    return kept.length === 1 ? kept[0] : new SeqStmt(kept);
  }
}

/** Removes no-op statements (see the header). */
export function removeNoOp(f: PrimFunc): PrimFunc {
  checkPrimFunc(f, "removeNoOp");
  return f.withBody(new NoOpRemover().visitStmt(f.body));
}

/** Removes no-op statements from a statement. */
export function removeNoOpStmt(s: Stmt): Stmt {
  return new NoOpRemover().visitStmt(s);
}
