// Removes statements that do nothing (TVM's RemoveNoOp): loops, lets, attributes and
// allocations whose body does nothing, empty or zero-trip loops, evaluations of expressions
// without side effects, and no-op members of sequences.

import { Call, type PrimExpr, isConstInt } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator, ExprVisitor } from "../ir/functor.js";
import {
  Allocate, AttrStmt, Evaluate, For, IfThenElse, LetStmt, SeqStmt, type Stmt, isNoOp, noOp,
} from "../ir/stmt.js";
import { logicalNot } from "../ir/op.js";

/** Calls that only read state (no side effect worth keeping when their value is unused). */
const PURE_CALLS = new Set([
  "tir.exp", "tir.exp2", "tir.log", "tir.log2", "tir.log10", "tir.sqrt", "tir.rsqrt", "tir.tanh", "tir.sigmoid",
  "tir.sin", "tir.cos", "tir.erf", "tir.floor", "tir.ceil", "tir.round", "tir.trunc", "tir.fabs", "tir.pow",
  "tir.likely", "tir.if_then_else", "tir.tvm_stack_make_shape", "tir.tvm_stack_make_array",
]);

export function hasSideEffect(e: PrimExpr): boolean {
  let effect = false;
  class Finder extends ExprVisitor {
    override visitCall(c: Call): void {
      if (!PURE_CALLS.has(c.op)) effect = true;
      super.visitCall(c);
    }
  }
  new Finder().visitExpr(e);
  return effect;
}

function evaluateOrNoOp(e: PrimExpr): Stmt {
  return hasSideEffect(e) ? new Evaluate(e) : noOp();
}

class NoOpRemover extends StmtExprMutator {
  override visitLetStmt(s: LetStmt): Stmt {
    const base = super.visitLetStmt(s) as LetStmt;
    return isNoOp(base.body) ? evaluateOrNoOp(base.value) : base;
  }
  override visitAttrStmt(s: AttrStmt): Stmt {
    const base = super.visitAttrStmt(s) as AttrStmt;
    return isNoOp(base.body) ? evaluateOrNoOp(base.value) : base;
  }
  override visitIfThenElse(s: IfThenElse): Stmt {
    const base = super.visitIfThenElse(s) as IfThenElse;
    const elseNoOp = !base.elseCase || isNoOp(base.elseCase);
    if (isNoOp(base.thenCase)) {
      if (elseNoOp) return evaluateOrNoOp(base.condition);
      return new IfThenElse(logicalNot(base.condition), base.elseCase!);
    }
    if (base.elseCase && elseNoOp) return new IfThenElse(base.condition, base.thenCase);
    return base;
  }
  override visitFor(s: For): Stmt {
    const base = super.visitFor(s) as For;
    if (isConstInt(base.extent, 0) || isNoOp(base.body)) return noOp();
    return base;
  }
  override visitAllocate(s: Allocate): Stmt {
    const base = super.visitAllocate(s) as Allocate;
    return isNoOp(base.body) ? base.body : base;
  }
  override visitEvaluate(s: Evaluate): Stmt {
    const base = super.visitEvaluate(s) as Evaluate;
    return hasSideEffect(base.value) ? base : noOp();
  }
  override visitSeqStmt(s: SeqStmt): Stmt {
    const base = super.visitSeqStmt(s);
    if (!(base instanceof SeqStmt)) return base;
    const kept = base.seq.filter((x) => !isNoOp(x));
    if (kept.length === base.seq.length) return base;
    if (kept.length === 0) return noOp();
    return kept.length === 1 ? kept[0] : new SeqStmt(kept);
  }
}

export function removeNoOp(f: PrimFunc): PrimFunc {
  return f.withBody(new NoOpRemover().visitStmt(f.body));
}
