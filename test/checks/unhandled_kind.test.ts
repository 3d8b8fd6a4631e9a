// Every switch over node kinds is exhaustive (TypeScript checks it: the kind that reaches the
// default has type `never`) and ends in one loud default (ts/ir/unhandled_kind.ts). A node of a
// kind no switch knows (here a foreign PrimExpr and Stmt) makes the visitor and mutator bases,
// the printer, structural equality and hashing, the bound analyses, the interpreter and the C
// emitter fail naming themselves and the kind, instead of skipping the node or printing nothing.
import test from "ava";
import { tir, build, interpret } from "../../ts/index.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { evalSet } from "../../ts/arith/int_set.js";
import { DataType } from "../../ts/ir/dtype.js";
import { PrimExpr } from "../../ts/ir/expr.js";
import { ExprMutator, ExprVisitor, StmtExprMutator, StmtExprVisitor } from "../../ts/ir/functor.js";
import { IRModule } from "../../ts/ir/function.js";
import { printExpr, printStmt } from "../../ts/ir/printer.js";
import { Stmt, Evaluate, SeqStmt } from "../../ts/ir/stmt.js";
import { structuralEqual, structuralHash } from "../../ts/ir/structural_equal.js";
import { primFunc } from "../helpers/prim_func.js";

class BogusExpr extends PrimExpr {
  readonly kind = "Bogus" as never;
  constructor() { super(DataType.int32()); }
}
class BogusStmt extends Stmt {
  readonly kind = "BogusStmt" as never;
}

const noCase = (where: string, kind: string): RegExp => new RegExp(`^internal error: ${where} has no case for the node kind '${kind}'[\\s\\S]*please report it`);

test("visitor and mutator bases, printer, structural equality and hashing name themselves and the unknown kind", (t) => {
  const e = new BogusExpr();
  const s = new BogusStmt();
  t.throws(() => new ExprVisitor().visitExpr(e), { message: noCase("the expression visitor", "Bogus") });
  t.throws(() => new ExprMutator().visitExpr(e), { message: noCase("the expression mutator", "Bogus") });
  t.throws(() => new StmtExprVisitor().visitStmt(s), { message: noCase("the statement visitor", "BogusStmt") });
  t.throws(() => new StmtExprMutator().visitStmt(s), { message: noCase("the statement mutator", "BogusStmt") });
  t.throws(() => printExpr(tir.add(e, 1)), { message: noCase("the TIR printer", "Bogus") });
  t.throws(() => printStmt(s), { message: noCase("the TIR printer", "BogusStmt") });
  t.throws(() => structuralEqual(e, new BogusExpr()), { message: noCase("structural equality", "Bogus") });
  t.throws(() => structuralHash(e), { message: noCase("structural equality", "Bogus") });
});

test("the bound analyses fail on an unknown kind instead of answering 'everything'", (t) => {
  const e = new BogusExpr();
  const ana = new Analyzer();
  t.throws(() => ana.constIntBound(e), { message: noCase("the constant-bound analysis", "Bogus") });
  t.throws(() => ana.modularSetAnalyzer.analyze(e), { message: noCase("the modular-set analysis", "Bogus") });
  t.throws(() => evalSet(e, new Map()), { message: noCase("the integer-set analysis", "Bogus") });
});

test("the interpreter and the C emitter refuse a function holding an unknown kind", (t) => {
  const A = tir.declBuffer([4], "int32", "A");
  const f = primFunc([A], SeqStmt.flatten([new Evaluate(new BogusExpr())]));
  t.throws(() => interpret(f, [new Int32Array(4)]), { message: /has no case for the node kind 'Bogus'/ });
  t.throws(() => build(new IRModule({ main: f }), [A]), { message: /has no case for the node kind 'Bogus'/ });
});
