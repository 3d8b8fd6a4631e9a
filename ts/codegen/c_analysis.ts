// What the C generator asks of the IR before printing it: which variables a statement reads
// without binding them (the parameters of an outlined function, and whether a let's variable is
// used at all), and whether an expression is free of side effects (so an unused let of it can be
// dropped, and `x < x` can be printed as a constant).

import type { Buffer } from "../ir/buffer.js";
import type { BufferLoad, Call, Let, Load, PrimExpr, Var } from "../ir/expr.js";
import { StmtExprVisitor } from "../ir/functor.js";
import { hasCallSideEffect } from "../ir/intrinsics.js";
import type { Allocate, BufferStore, For, LetStmt, Stmt, Store } from "../ir/stmt.js";

/** True when evaluating `e` has no side effect (it calls only pure intrinsics). */
export function isPure(e: PrimExpr): boolean {
  let pure = true;
  class V extends StmtExprVisitor {
    override visitCall(c: Call): void {
      if (hasCallSideEffect(c.op)) pure = false;
      super.visitCall(c);
    }
  }
  new V().visitExpr(e);
  return pure;
}

/** Variables a statement reads that it does not define itself, in order of first use. */
export function freeVars(s: Stmt, extra: PrimExpr[] = []): Var[] {
  const defined = new Set<Var>();
  const used = new Set<Var>();
  class V extends StmtExprVisitor {
    override visitVar(v: Var): void { used.add(v); }
    override visitLetStmt(x: LetStmt): void { defined.add(x.variable); super.visitLetStmt(x); }
    override visitLet(x: Let): void { defined.add(x.variable); super.visitLet(x); }
    override visitFor(x: For): void { defined.add(x.loopVar); super.visitFor(x); }
    override visitAllocate(x: Allocate): void { defined.add(x.bufferVar); super.visitAllocate(x); }
    override visitLoad(x: Load): void { used.add(x.bufferVar); super.visitLoad(x); }
    override visitStore(x: Store): void { used.add(x.bufferVar); super.visitStore(x); }
    override visitBufferLoad(x: BufferLoad): void { this.buffer(x.buffer); super.visitBufferLoad(x); }
    override visitBufferStore(x: BufferStore): void { this.buffer(x.buffer); super.visitBufferStore(x); }
    private buffer(b: Buffer): void {
      used.add(b.data);
      [...b.shape, ...b.strides, b.elemOffset].forEach((e) => this.visitExpr(e));
    }
  }
  const v = new V();
  extra.forEach((e) => v.visitExpr(e));
  v.visitStmt(s);
  return [...used].filter((x) => !defined.has(x));
}
