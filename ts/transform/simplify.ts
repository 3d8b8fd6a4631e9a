// The Simplify pass (TVM's tir.transform.Simplify): walks a function's body with one Analyzer,
// binding each loop variable to its range and assuming min <= var < min + extent inside the
// loop, and simplifies every expression with Analyzer.simplify. An `if` whose condition (with
// or without `likely`) is proved true or false is replaced by the branch taken; branches are
// simplified under their condition. Let statements with pure values are inlined and dropped,
// and a store of a location's own value is removed. String arguments (packed-call names) pass
// through unchanged.

import { ArgumentError } from "../errors.js";
import { Analyzer } from "../arith/analyzer.js";
import {
  Call, IntImm, Load, Not, PrimExpr, Var, type BufferLoad, type ProducerLoad,
} from "../ir/expr.js";
import { ExprVisitor, StmtExprMutator } from "../ir/functor.js";
import type { PrimFunc } from "../ir/function.js";
import { IterVar, Range } from "../ir/iter_var.js";
import * as op from "../ir/op.js";
import {
  AssertStmt, AttrStmt, Evaluate, type For, IfThenElse, LetStmt, Stmt, Store,
} from "../ir/stmt.js";
import { structuralEqual } from "../ir/structural_equal.js";
import { isPureCall } from "../ir/intrinsics.js";

/** True when evaluating `e` reads no memory and has no side effect. */
function isPure(e: PrimExpr): boolean {
  let pure = true;
  class Checker extends ExprVisitor {
    override visitCall(c: Call): void {
      if (!isPureCall(c.op)) pure = false;
      super.visitCall(c);
    }
    override visitLoad(l: Load): void { pure = false; super.visitLoad(l); }
    override visitBufferLoad(l: BufferLoad): void { pure = false; super.visitBufferLoad(l); }
    override visitProducerLoad(l: ProducerLoad): void { pure = false; super.visitProducerLoad(l); }
  }
  new Checker().visitExpr(e);
  return pure;
}

function isOne(e: PrimExpr): boolean { return e instanceof IntImm && e.value === 1; }
function isZero(e: PrimExpr): boolean { return e instanceof IntImm && e.value === 0; }

class StmtSimplifier extends StmtExprMutator {
  constructor(private readonly ana: Analyzer) { super(); }

  override visitExpr(e: PrimExpr): PrimExpr {
    return this.ana.simplify(e);
  }

  override visitFor(s: For): Stmt {
    this.ana.bind(s.loopVar, new Range(s.min, s.extent), true);
    return this.ana.withConstraint(op.ge(s.loopVar, s.min), () =>
      this.ana.withConstraint(op.lt(s.loopVar, op.add(s.min, s.extent)), () => super.visitFor(s)));
  }

  override visitLetStmt(s: LetStmt): Stmt {
    const value = this.visitExpr(s.value);
    if (isPure(value)) {
      // Every use is replaced by the value, so the binding can go.
      this.ana.bind(s.variable, value, true);
      return this.visitStmt(s.body);
    }
    const body = this.visitStmt(s.body);
    return value === s.value && body === s.body ? s : new LetStmt(s.variable, value, body);
  }

  override visitIfThenElse(s: IfThenElse): Stmt {
    const cond = this.visitExpr(s.condition);
    const real = cond instanceof Call && cond.op === "tir.likely" && cond.args.length === 1 ? cond.args[0] : cond;
    const thenCase = this.ana.withConstraint(real, () => this.visitStmt(s.thenCase));
    const elseCase = s.elseCase
      ? this.ana.withConstraint(this.ana.rewriteSimplify(new Not(real)), () => this.visitStmt(s.elseCase!))
      : undefined;
    if (isOne(real)) return thenCase;
    if (isZero(real)) return elseCase ?? new Evaluate(new IntImm("int32", 0));
    if (cond === s.condition && thenCase === s.thenCase && elseCase === s.elseCase) return s;
    return new IfThenElse(cond, thenCase, elseCase);
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    if ((s.key === "thread_extent" || s.key === "virtual_thread") && s.node instanceof IterVar) {
      this.ana.bind(s.node.var, new Range(new IntImm(s.value.dtype, 0), s.value), true);
    }
    return super.visitAttrStmt(s);
  }

  override visitAssertStmt(s: AssertStmt): Stmt {
    const cond = this.visitExpr(s.condition);
    const message = this.visitExpr(s.message);
    const body = this.ana.withConstraint(cond, () => this.visitStmt(s.body));
    if (cond === s.condition && message === s.message && body === s.body) return s;
    return new AssertStmt(cond, message, body);
  }

  override visitStore(s: Store): Stmt {
    const ret = super.visitStore(s);
    if (ret instanceof Store && ret.value instanceof Load && ret.value.bufferVar === ret.bufferVar &&
        structuralEqual(ret.value.index, ret.index)) {
      return new Evaluate(new IntImm("int32", 0));
    }
    return ret;
  }
}

/** Simplifies a statement (a fresh Analyzer; `vrange` gives known variable ranges). */
export function simplifyStmt(s: Stmt, vrange?: ReadonlyMap<Var, Range>): Stmt {
  if (!(s instanceof Stmt)) throw new ArgumentError(`simplifyStmt: expected a statement, got ${op.describe(s)}`);
  const ana = new Analyzer();
  if (vrange) for (const [v, r] of vrange) ana.bind(v, r);
  return new StmtSimplifier(ana).visitStmt(s);
}

/** The Simplify pass: the function with its body simplified. */
export function simplifyPass(f: PrimFunc): PrimFunc {
  if (!f || typeof f !== "object" || !("body" in f) || !(f.body instanceof Stmt)) {
    throw new ArgumentError(`simplifyPass: expected a PrimFunc, got ${op.describe(f)}`);
  }
  return f.withBody(simplifyStmt(f.body));
}
