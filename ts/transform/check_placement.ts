// Where run-time checks go (shared by the division checks and the bounds checks): a check
// collector walks each statement's expressions, knowing under which guards each part is evaluated
// (`if_then_else(c, ...)`, a scalar `select` — C's `?:` —, `&&`, `||`: a check found there becomes
// `!c || check`, and is skipped when the guard already says it), and what the Analyzer knows
// there (loop ranges, enclosing `if`s and asserts). A check that reads no memory rises to where
// its variables are defined (so a symbolic divisor's check lands at the function's start); it
// stops at the loop, let or thread scope binding a variable it reads, at an `if` branch and at an
// assert (an earlier, better message fires first). Rising out of a loop whose extent may be 0
// keeps it exact: the check becomes `extent <= 0 || check`. A check that reads memory stays right
// before its statement. Checks become AssertStmts (the kernel returns the message as an error);
// a function that needs no check comes back unchanged (the same object).

import { Analyzer } from "../arith/analyzer.js";
import { And, Broadcast, Call, IntImm, isConstInt, LE, Let, Load, Or, type LogicalExpr, Not, type PrimExpr, Ramp, type Select, Shuffle, type Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { ExprVisitor } from "../ir/functor.js";
import { IterVar, Range } from "../ir/iter_var.js";
import * as op from "../ir/op.js";
import { printExpr } from "../ir/printer.js";
import {
  Allocate, AssertStmt, AttrStmt, BufferRealize, BufferStore, Evaluate, For, IfThenElse, LetStmt,
  ProducerRealize, ProducerStore, SeqStmt, type Stmt, Store, While,
} from "../ir/stmt.js";
import { structuralEqual } from "../ir/structural_equal.js";
import { usesVar } from "../ir/substitute.js";

/** A condition that must hold, and the message the kernel returns when it does not. */
interface Check {
  readonly cond: PrimExpr;
  readonly message: PrimExpr;
  /** True when evaluating the condition reads no memory (it may then move up). */
  readonly pure: boolean;
}

/** True when `e` reads memory or calls something. */
function readsMemory(e: PrimExpr): boolean {
  let reads = false;
  class Finder extends ExprVisitor {
    override visitLoad(): void { reads = true; }
    override visitBufferLoad(): void { reads = true; }
    override visitProducerLoad(): void { reads = true; }
    override visitCall(c: Call): void {
      if (c.op !== "tir.if_then_else" && c.op !== "tir.likely") reads = true;
      super.visitCall(c);
    }
  }
  new Finder().visitExpr(e);
  return reads;
}

/** The terms of a conjunction. */
function conjuncts(e: PrimExpr): PrimExpr[] {
  return e instanceof And ? [...conjuncts(e.a), ...conjuncts(e.b)] : [e];
}

/** Lane k of `e` as a scalar expression. */
export function lane(e: PrimExpr, k: number): PrimExpr {
  if (e.dtype.lanes === 1) return e;
  if (e instanceof Broadcast) return e.value;
  if (e instanceof Ramp) return op.add(e.base, op.mul(e.stride, k));
  // A lane of an unpredicated vector load is a scalar load.
  const unpredicated = (l: Load): boolean => {
    const p = l.predicate instanceof Broadcast ? l.predicate.value : l.predicate;
    return p instanceof IntImm && p.value !== 0;
  };
  if (e instanceof Load && e.index.dtype.lanes === e.dtype.lanes && unpredicated(e)) return new Load(e.dtype.element(), e.bufferVar, lane(e.index, k));
  return new Shuffle([e], [k]);
}

/** The conjunction of `f(lane k)` over the lanes of `es` (one term when all are scalars or broadcasts). */
export function allLanes(es: readonly PrimExpr[], f: (k: number) => PrimExpr): PrimExpr {
  const lanes = Math.max(...es.map((e) => (e instanceof Broadcast ? 1 : e.dtype.lanes)));
  let cond = f(0);
  for (let k = 1; k < lanes; k++) cond = op.logicalAnd(cond, f(k));
  return cond;
}

/**
 * Collects the checks the expressions of one statement need, knowing the guards under which each
 * part is evaluated; subclasses say what to check (calling `add`) by overriding visit methods.
 */
export abstract class CheckCollector extends ExprVisitor {
  readonly out: Check[] = [];
  private guards: PrimExpr[] = [];
  /** Conditions known where the statement runs (loop bounds, enclosing ifs and asserts), simplified. */
  facts: readonly PrimExpr[] = [];

  constructor(protected readonly ana: Analyzer) { super(); }

  /** Checks for the location a store writes (its value and index are visited as expressions). */
  visitStoreTarget(_s: Store): void {}

  protected guarded<T>(g: PrimExpr, fn: () => T): T {
    this.guards.push(g);
    try {
      return this.ana.withConstraint(g, fn);
    } finally {
      this.guards.pop();
    }
  }

  override visitLogical(e: LogicalExpr): void {
    if (e.dtype.lanes !== 1) return super.visitLogical(e);
    // C's && and || evaluate their right side only when the left does not decide.
    this.visitExpr(e.a);
    this.guarded(e.kind === "And" ? e.a : op.logicalNot(e.a), () => this.visitExpr(e.b));
  }

  override visitSelect(e: Select): void {
    if (e.condition.dtype.lanes !== 1) return super.visitSelect(e);
    this.branches(e.condition, e.trueValue, e.falseValue);
  }

  override visitCall(e: Call): void {
    if (e.op === "tir.if_then_else" && e.args.length === 3 && e.args[0].dtype.lanes === 1) {
      return this.branches(e.args[0], e.args[1], e.args[2]);
    }
    super.visitCall(e);
  }

  override visitLet(e: Let): void {
    this.visitExpr(e.value);
    const before = this.out.length;
    this.visitExpr(e.body);
    // Checks inside the body may read the let's variable: they bind it too.
    for (let i = before; i < this.out.length; i++) {
      const c = this.out[i];
      if (usesVar(c.cond, (v) => v === e.variable)) this.out[i] = { ...c, cond: new Let(e.variable, e.value, c.cond) };
    }
  }

  private branches(cond: PrimExpr, t: PrimExpr, f: PrimExpr): void {
    this.visitExpr(cond);
    this.guarded(cond, () => this.visitExpr(t));
    this.guarded(op.logicalNot(cond), () => this.visitExpr(f));
  }

  /**
   * Requires `cond` where the current expression is evaluated; the kernel fails with `message`
   * otherwise. With `prove` false the Analyzer is not asked to prove it (the caller decided).
   */
  protected add(cond: PrimExpr, message: PrimExpr, prove = true): void {
    // Terms the Analyzer proves, or a guard states (if_then_else(C[i] != 0, A[i] / C[i], 0)), go.
    const known = [...this.facts, ...this.guards.flatMap(conjuncts).flatMap((g) => [g, this.ana.rewriteSimplify(g)])];
    const stated = (x: PrimExpr): boolean => {
      const y = this.ana.rewriteSimplify(x);
      return known.some((k) => structuralEqual(k, x) || (!(y instanceof IntImm) && structuralEqual(k, y)));
    };
    const left = conjuncts(cond).filter((x) => !(prove && this.ana.canProve(x)) && !stated(x));
    if (left.length === 0) return;
    let c = left.length === conjuncts(cond).length ? cond : left.reduce((a, b) => op.logicalAnd(a, b));
    for (let i = this.guards.length - 1; i >= 0; i--) c = op.logicalOr(op.logicalNot(this.guards[i]), c);
    this.out.push({ cond: c, message, pure: !readsMemory(c) });
  }
}

/** The statement with `checks` asserted before it (first check outermost), duplicates dropped. */
function wrap(s: Stmt, checks: readonly Check[]): Stmt {
  const seen = new Set<string>();
  const unique = checks.filter((c) => {
    const key = `${printExpr(c.cond)}\u0000${printExpr(c.message)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  let out = s;
  for (let i = unique.length - 1; i >= 0; i--) out = new AssertStmt(unique[i].cond, unique[i].message, out);
  return out;
}

type Placed = [Stmt, Check[]];

class CheckPlacer {
  private readonly ana = new Analyzer();
  private facts: PrimExpr[] = [];

  constructor(private readonly collector: (ana: Analyzer) => CheckCollector) {}

  /** Runs `fn` knowing `cond` (for the Analyzer, and as literal facts for the collectors). */
  private knowing<T>(cond: PrimExpr, fn: () => T): T {
    const saved = this.facts;
    // Kept as written too: the rewrite rules may fold a fact into a constant.
    this.facts = [...saved, ...conjuncts(cond).flatMap((c) => [c, this.ana.rewriteSimplify(c)])];
    try {
      return this.ana.withConstraint(cond, fn);
    } finally {
      this.facts = saved;
    }
  }

  /** Checks of the header expressions of a statement: impure ones wrap it, pure ones rise. */
  private header(s: Stmt, exprs: readonly PrimExpr[], inner: Stmt | undefined, rebuild: (inner: Stmt) => Stmt, pending: Check[]): Placed {
    const found = this.exprChecks(exprs, s instanceof Store ? s : undefined);
    const node = inner === undefined ? s : rebuild(inner);
    return [wrap(node, found.filter((c) => !c.pure)), [...found.filter((c) => c.pure), ...pending]];
  }

  private exprChecks(exprs: readonly PrimExpr[], store?: Store): Check[] {
    const c = this.collector(this.ana);
    c.facts = this.facts;
    for (const e of exprs) c.visitExpr(e);
    if (store) c.visitStoreTarget(store);
    return c.out;
  }

  /** Places the checks that read `vars` inside (wrapping `body`); the others rise. */
  private bindSite(body: Placed, binds: (v: Var) => boolean): [Stmt, Check[]] {
    const [b, pending] = body;
    const here = pending.filter((c) => usesVar(c.cond, binds));
    const up = pending.filter((c) => !usesVar(c.cond, binds));
    return [wrap(b, here), up];
  }

  visit(s: Stmt): Placed {
    switch (s.kind) {
      case "SeqStmt": {
        const seq = s as SeqStmt;
        const parts = seq.seq.map((x) => this.visit(x));
        const changed = parts.some(([x], i) => x !== seq.seq[i]);
        return [changed ? new SeqStmt(parts.map(([x]) => x)) : s, parts.flatMap(([, p]) => p)];
      }
      case "For": return this.visitFor(s as For);
      case "LetStmt": {
        const l = s as LetStmt;
        const [body, up] = this.bindSite(this.withLet(l), (v) => v === l.variable);
        return this.header(s, [l.value], body === l.body ? undefined : body, (b) => new LetStmt(l.variable, l.value, b), up);
      }
      case "AttrStmt": {
        const a = s as AttrStmt;
        const iv = (a.key === "thread_extent" || a.key === "virtual_thread") && a.node instanceof IterVar ? a.node : undefined;
        if (iv) this.ana.bind(iv.var, new Range(new IntImm(a.value.dtype, 0), a.value), true);
        const [body, up] = this.bindSite(this.visit(a.body), (v) => v === iv?.var);
        return this.header(s, [a.value], body === a.body ? undefined : body, (b) => new AttrStmt(a.node, a.key, a.value, b), up);
      }
      case "AssertStmt": {
        const a = s as AssertStmt;
        const body = wrap(...this.knowing(a.condition, () => this.visit(a.body)));
        return this.header(s, [a.condition], body === a.body ? undefined : body, (b) => new AssertStmt(a.condition, a.message, b), []);
      }
      case "IfThenElse": {
        const i = s as IfThenElse;
        const real = i.condition instanceof Call && i.condition.op === "tir.likely" ? i.condition.args[0] : i.condition;
        const thenCase = wrap(...this.knowing(real, () => this.visit(i.thenCase)));
        const elseCase = i.elseCase ? wrap(...this.knowing(new Not(real), () => this.visit(i.elseCase!))) : undefined;
        const same = thenCase === i.thenCase && elseCase === i.elseCase;
        return this.header(s, [i.condition], same ? undefined : thenCase, () => new IfThenElse(i.condition, thenCase, elseCase), []);
      }
      case "While": {
        const w = s as While;
        const body = wrap(...this.visit(w.body));
        return this.header(s, [w.condition], body === w.body ? undefined : body, (b) => new While(w.condition, b), []);
      }
      case "Allocate": {
        const a = s as Allocate;
        const [body, up] = this.visit(a.body);
        return this.header(s, [...a.extents, a.condition], body === a.body ? undefined : body,
          (b) => new Allocate(a.bufferVar, a.dtype, a.extents, a.condition, b), up);
      }
      case "BufferRealize": {
        const r = s as BufferRealize;
        const [body, up] = this.visit(r.body);
        return this.header(s, [...r.bounds.flatMap((x) => [x.min, x.extent]), r.condition], body === r.body ? undefined : body,
          (b) => new BufferRealize(r.buffer, r.bounds, r.condition, b), up);
      }
      case "ProducerRealize": {
        const r = s as ProducerRealize;
        const [body, up] = this.visit(r.body);
        return this.header(s, [...r.bounds.flatMap((x) => [x.min, x.extent]), r.condition], body === r.body ? undefined : body,
          (b) => new ProducerRealize(r.producer, r.bounds, r.condition, b), up);
      }
      case "Store": {
        const x = s as Store;
        return this.header(s, [x.value, x.index, x.predicate], undefined, () => s, []);
      }
      case "BufferStore": {
        const x = s as BufferStore;
        return this.header(s, [x.value, ...x.indices], undefined, () => s, []);
      }
      case "ProducerStore": {
        const x = s as ProducerStore;
        return this.header(s, [x.value, ...x.indices], undefined, () => s, []);
      }
      case "Evaluate": return this.header(s, [(s as Evaluate).value], undefined, () => s, []);
    }
  }

  private withLet(l: LetStmt): Placed {
    if (!l.variable.dtype.isHandle() && l.variable.dtype.lanes === 1) this.ana.bind(l.variable, l.value, true);
    return this.visit(l.body);
  }

  private visitFor(s: For): Placed {
    this.ana.bind(s.loopVar, new Range(s.min, s.extent), true);
    // Inside the loop it runs: a fact `extent <= 0 || x` (a check hoisted out of it before) is x.
    const hoisted = this.facts.filter((f) => f instanceof Or && f.a instanceof LE && structuralEqual(f.a.a, s.extent) && isConstInt(f.a.b, 0));
    const running = hoisted.reduce<PrimExpr>((acc, f) => op.logicalAnd(acc, (f as Or).b), op.lt(s.loopVar, op.add(s.min, s.extent)));
    const inner = this.knowing(op.ge(s.loopVar, s.min), () => this.knowing(running, () => this.visit(s.body)));
    const [body, up] = this.bindSite(inner, (v) => v === s.loopVar);
    // A check leaving a loop that may not run holds only when it runs.
    const runs = this.ana.canProveGreaterEqual(s.extent, 1);
    const risen = runs ? up : up.map((c) => ({ ...c, cond: op.logicalOr(op.le(s.extent, 0), c.cond) }));
    return this.header(s, [s.min, s.extent], body === s.body ? undefined : body,
      (b) => new For(s.loopVar, s.min, s.extent, s.forKind, b), risen);
  }
}

/** `f` with the checks `collector` asks for asserted where they belong (see the header). */
export function placeChecks(f: PrimFunc, collector: (ana: Analyzer) => CheckCollector): PrimFunc {
  const [body, pending] = new CheckPlacer(collector).visit(f.body);
  return f.withBody(wrap(body, pending));
}

