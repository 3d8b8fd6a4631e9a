// Visitor and mutator bases every pass builds on (TVM's StmtExprVisitor / StmtExprMutator).
// Dispatch is by node `kind`. Mutators rebuild a node only when a child changed, so an
// unchanged tree comes back as the same object.

import {
  BinaryExpr, Broadcast, BufferLoad, Call, Cast, CompareExpr, FloatImm, IntImm, Let, Load,
  LogicalExpr, Not, PrimExpr, ProducerLoad, Ramp, Reduce, Select, Shuffle, StringImm, Var,
} from "./expr.js";
import {
  Allocate, AssertStmt, AttrStmt, BufferRealize, BufferStore, Evaluate, For, IfThenElse, LetStmt,
  ProducerRealize, ProducerStore, SeqStmt, Stmt, Store, While,
} from "./stmt.js";
import { IterVar, Range } from "./iter_var.js";
import { unhandledKind } from "./unhandled_kind.js";

/** Walks every expression node (children first visited in source order). */
export class ExprVisitor {
  /**
   * Dispatches `e` to the visit method of its kind; override it to see every expression.
   * @param e The node visited.
   */
  visitExpr(e: PrimExpr): void {
    switch (e.kind) {
      case "Var": return this.visitVar(e as Var);
      case "IntImm": case "FloatImm": case "StringImm": return this.visitConst(e as IntImm | FloatImm | StringImm);
      case "Cast": return this.visitCast(e as Cast);
      case "Add": case "Sub": case "Mul": case "Div": case "Mod": case "FloorDiv": case "FloorMod":
      case "Min": case "Max":
        return this.visitBinary(e as BinaryExpr);
      case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE":
        return this.visitCompare(e as CompareExpr);
      case "And": case "Or": return this.visitLogical(e as LogicalExpr);
      case "Not": return this.visitNot(e as Not);
      case "Select": return this.visitSelect(e as Select);
      case "Load": return this.visitLoad(e as Load);
      case "BufferLoad": return this.visitBufferLoad(e as BufferLoad);
      case "ProducerLoad": return this.visitProducerLoad(e as ProducerLoad);
      case "Ramp": return this.visitRamp(e as Ramp);
      case "Broadcast": return this.visitBroadcast(e as Broadcast);
      case "Shuffle": return this.visitShuffle(e as Shuffle);
      case "Let": return this.visitLet(e as Let);
      case "Call": return this.visitCall(e as Call);
      case "Reduce": return this.visitReduce(e as Reduce);
      default: return unhandledKind("the expression visitor", e.kind);
    }
  }
  /**
   * Visits a variable (a leaf: does nothing).
   * @param _e The node visited.
   */
  visitVar(_e: Var): void {}
  /**
   * Visits an IntImm, FloatImm or StringImm (a leaf: does nothing).
   * @param _e The node visited.
   */
  visitConst(_e: IntImm | FloatImm | StringImm): void {}
  /**
   * Visits a Cast: its value.
   * @param e The node visited.
   */
  visitCast(e: Cast): void { this.visitExpr(e.value); }
  /**
   * Visits an arithmetic binary node (Add ... Max): `a`, then `b`.
   * @param e The node visited.
   */
  visitBinary(e: BinaryExpr): void { this.visitExpr(e.a); this.visitExpr(e.b); }
  /**
   * Visits a comparison (EQ ... GE): `a`, then `b`.
   * @param e The node visited.
   */
  visitCompare(e: CompareExpr): void { this.visitExpr(e.a); this.visitExpr(e.b); }
  /**
   * Visits And or Or: `a`, then `b`.
   * @param e The node visited.
   */
  visitLogical(e: LogicalExpr): void { this.visitExpr(e.a); this.visitExpr(e.b); }
  /**
   * Visits a Not: its operand.
   * @param e The node visited.
   */
  visitNot(e: Not): void { this.visitExpr(e.a); }
  /**
   * Visits a Select: condition, true value, false value.
   * @param e The node visited.
   */
  visitSelect(e: Select): void {
    this.visitExpr(e.condition); this.visitExpr(e.trueValue); this.visitExpr(e.falseValue);
  }
  /**
   * Visits a flat Load: index and predicate.
   * @param e The node visited.
   */
  visitLoad(e: Load): void { this.visitExpr(e.index); this.visitExpr(e.predicate); }
  /**
   * Visits a BufferLoad: its indices.
   * @param e The node visited.
   */
  visitBufferLoad(e: BufferLoad): void { e.indices.forEach((i) => this.visitExpr(i)); }
  /**
   * Visits a ProducerLoad: its indices.
   * @param e The node visited.
   */
  visitProducerLoad(e: ProducerLoad): void { e.indices.forEach((i) => this.visitExpr(i)); }
  /**
   * Visits a Ramp: base and stride.
   * @param e The node visited.
   */
  visitRamp(e: Ramp): void { this.visitExpr(e.base); this.visitExpr(e.stride); }
  /**
   * Visits a Broadcast: its value.
   * @param e The node visited.
   */
  visitBroadcast(e: Broadcast): void { this.visitExpr(e.value); }
  /**
   * Visits a Shuffle: its vectors.
   * @param e The node visited.
   */
  visitShuffle(e: Shuffle): void { e.vectors.forEach((v) => this.visitExpr(v)); }
  /**
   * Visits a Let: value, then body.
   * @param e The node visited.
   */
  visitLet(e: Let): void { this.visitExpr(e.value); this.visitExpr(e.body); }
  /**
   * Visits a Call: its arguments.
   * @param e The node visited.
   */
  visitCall(e: Call): void { e.args.forEach((a) => this.visitExpr(a)); }
  /**
   * Visits a Reduce: the axes' ranges, the sources, the init values and the condition.
   * @param e The node visited.
   */
  visitReduce(e: Reduce): void {
    for (const iv of e.axis) {
      if (iv.dom) { this.visitExpr(iv.dom.min); this.visitExpr(iv.dom.extent); }
    }
    e.source.forEach((s) => this.visitExpr(s));
    e.init.forEach((s) => this.visitExpr(s));
    this.visitExpr(e.condition);
  }
}

/** Walks every statement and every expression in it. */
export class StmtExprVisitor extends ExprVisitor {
  /**
   * Dispatches `s` to the visit method of its kind; override it to see every statement.
   * @param s The node visited.
   */
  visitStmt(s: Stmt): void {
    switch (s.kind) {
      case "LetStmt": return this.visitLetStmt(s as LetStmt);
      case "AttrStmt": return this.visitAttrStmt(s as AttrStmt);
      case "AssertStmt": return this.visitAssertStmt(s as AssertStmt);
      case "Store": return this.visitStore(s as Store);
      case "BufferStore": return this.visitBufferStore(s as BufferStore);
      case "BufferRealize": return this.visitBufferRealize(s as BufferRealize);
      case "ProducerStore": return this.visitProducerStore(s as ProducerStore);
      case "ProducerRealize": return this.visitProducerRealize(s as ProducerRealize);
      case "Allocate": return this.visitAllocate(s as Allocate);
      case "For": return this.visitFor(s as For);
      case "While": return this.visitWhile(s as While);
      case "SeqStmt": return this.visitSeqStmt(s as SeqStmt);
      case "IfThenElse": return this.visitIfThenElse(s as IfThenElse);
      case "Evaluate": return this.visitEvaluate(s as Evaluate);
      default: return unhandledKind("the statement visitor", s.kind);
    }
  }
  /**
   * Visits a LetStmt: value, then body.
   * @param s The node visited.
   */
  visitLetStmt(s: LetStmt): void { this.visitExpr(s.value); this.visitStmt(s.body); }
  /**
   * Visits an AttrStmt: value, then body (not the annotated node).
   * @param s The node visited.
   */
  visitAttrStmt(s: AttrStmt): void { this.visitExpr(s.value); this.visitStmt(s.body); }
  /**
   * Visits an AssertStmt: condition, message, body.
   * @param s The node visited.
   */
  visitAssertStmt(s: AssertStmt): void {
    this.visitExpr(s.condition); this.visitExpr(s.message); this.visitStmt(s.body);
  }
  /**
   * Visits a flat Store: value, index, predicate.
   * @param s The node visited.
   */
  visitStore(s: Store): void { this.visitExpr(s.value); this.visitExpr(s.index); this.visitExpr(s.predicate); }
  /**
   * Visits a BufferStore: value, then indices.
   * @param s The node visited.
   */
  visitBufferStore(s: BufferStore): void { this.visitExpr(s.value); s.indices.forEach((i) => this.visitExpr(i)); }
  /**
   * Visits a BufferRealize: the bounds, the condition, the body.
   * @param s The node visited.
   */
  visitBufferRealize(s: BufferRealize): void {
    this.visitRanges(s.bounds); this.visitExpr(s.condition); this.visitStmt(s.body);
  }
  /**
   * Visits a ProducerStore: value, then indices.
   * @param s The node visited.
   */
  visitProducerStore(s: ProducerStore): void { this.visitExpr(s.value); s.indices.forEach((i) => this.visitExpr(i)); }
  /**
   * Visits a ProducerRealize: the bounds, the condition, the body.
   * @param s The node visited.
   */
  visitProducerRealize(s: ProducerRealize): void {
    this.visitRanges(s.bounds); this.visitExpr(s.condition); this.visitStmt(s.body);
  }
  /**
   * Visits an Allocate: extents, condition, body.
   * @param s The node visited.
   */
  visitAllocate(s: Allocate): void {
    s.extents.forEach((e) => this.visitExpr(e)); this.visitExpr(s.condition); this.visitStmt(s.body);
  }
  /**
   * Visits a For: min, extent, body.
   * @param s The node visited.
   */
  visitFor(s: For): void { this.visitExpr(s.min); this.visitExpr(s.extent); this.visitStmt(s.body); }
  /**
   * Visits a While: condition, then body.
   * @param s The node visited.
   */
  visitWhile(s: While): void { this.visitExpr(s.condition); this.visitStmt(s.body); }
  /**
   * Visits each statement of a SeqStmt in order.
   * @param s The node visited.
   */
  visitSeqStmt(s: SeqStmt): void { s.seq.forEach((x) => this.visitStmt(x)); }
  /**
   * Visits an IfThenElse: condition, then case, else case.
   * @param s The node visited.
   */
  visitIfThenElse(s: IfThenElse): void {
    this.visitExpr(s.condition); this.visitStmt(s.thenCase);
    if (s.elseCase) this.visitStmt(s.elseCase);
  }
  /**
   * Visits an Evaluate: its value.
   * @param s The node visited.
   */
  visitEvaluate(s: Evaluate): void { this.visitExpr(s.value); }
  protected visitRanges(rs: Range[]): void {
    for (const r of rs) { this.visitExpr(r.min); this.visitExpr(r.extent); }
  }
}

function sameArray<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

type BinaryCtor = new (a: PrimExpr, b: PrimExpr) => PrimExpr;

/** Rewrites expressions bottom-up; returns the same node when nothing changed. */
export class ExprMutator {
  /**
   * Dispatches `e` to the rewrite method of its kind.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitExpr(e: PrimExpr): PrimExpr {
    switch (e.kind) {
      case "Var": return this.visitVar(e as Var);
      case "IntImm": case "FloatImm": case "StringImm": return this.visitConst(e as IntImm | FloatImm | StringImm);
      case "Cast": return this.visitCast(e as Cast);
      case "Add": case "Sub": case "Mul": case "Div": case "Mod": case "FloorDiv": case "FloorMod":
      case "Min": case "Max":
        return this.visitBinary(e as BinaryExpr);
      case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE":
        return this.visitCompare(e as CompareExpr);
      case "And": case "Or": return this.visitLogical(e as LogicalExpr);
      case "Not": return this.visitNot(e as Not);
      case "Select": return this.visitSelect(e as Select);
      case "Load": return this.visitLoad(e as Load);
      case "BufferLoad": return this.visitBufferLoad(e as BufferLoad);
      case "ProducerLoad": return this.visitProducerLoad(e as ProducerLoad);
      case "Ramp": return this.visitRamp(e as Ramp);
      case "Broadcast": return this.visitBroadcast(e as Broadcast);
      case "Shuffle": return this.visitShuffle(e as Shuffle);
      case "Let": return this.visitLet(e as Let);
      case "Call": return this.visitCall(e as Call);
      case "Reduce": return this.visitReduce(e as Reduce);
      default: return unhandledKind("the expression mutator", e.kind);
    }
  }
  /**
   * Rewrites each expression of a list.
   * @param es The expressions.
   * @returns The rewritten list, or `es` itself when none changed.
   */
  visitExprs(es: PrimExpr[]): PrimExpr[] {
    const out = es.map((x) => this.visitExpr(x));
    return sameArray(out, es) ? es : out;
  }
  /**
   * Rewrites a variable (a leaf: returned as is).
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitVar(e: Var): PrimExpr { return e; }
  /**
   * Rewrites an IntImm, FloatImm or StringImm (a leaf: returned as is).
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitConst(e: IntImm | FloatImm | StringImm): PrimExpr { return e; }
  /**
   * Rewrites a Cast: its value. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitCast(e: Cast): PrimExpr {
    const v = this.visitExpr(e.value);
    return v === e.value ? e : new Cast(e.dtype, v);
  }
  private rebuildBinary(e: PrimExpr & { a: PrimExpr; b: PrimExpr }): PrimExpr {
    const a = this.visitExpr(e.a);
    const b = this.visitExpr(e.b);
    if (a === e.a && b === e.b) return e;
    return new (e.constructor as BinaryCtor)(a, b);
  }
  /**
   * Rewrites an arithmetic binary node (Add ... Max): `a`, then `b`. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitBinary(e: BinaryExpr): PrimExpr { return this.rebuildBinary(e); }
  /**
   * Rewrites a comparison (EQ ... GE): `a`, then `b`. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitCompare(e: CompareExpr): PrimExpr { return this.rebuildBinary(e); }
  /**
   * Rewrites And or Or: `a`, then `b`. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitLogical(e: LogicalExpr): PrimExpr { return this.rebuildBinary(e); }
  /**
   * Rewrites a Not: its operand. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitNot(e: Not): PrimExpr {
    const a = this.visitExpr(e.a);
    return a === e.a ? e : new Not(a);
  }
  /**
   * Rewrites a Select: condition, true value, false value. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitSelect(e: Select): PrimExpr {
    const c = this.visitExpr(e.condition);
    const t = this.visitExpr(e.trueValue);
    const f = this.visitExpr(e.falseValue);
    return c === e.condition && t === e.trueValue && f === e.falseValue ? e : new Select(c, t, f);
  }
  /**
   * Rewrites a flat Load: index and predicate. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitLoad(e: Load): PrimExpr {
    const i = this.visitExpr(e.index);
    const p = this.visitExpr(e.predicate);
    return i === e.index && p === e.predicate ? e : new Load(e.dtype, e.bufferVar, i, p);
  }
  /**
   * Rewrites a BufferLoad: its indices. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitBufferLoad(e: BufferLoad): PrimExpr {
    const idx = this.visitExprs(e.indices);
    return idx === e.indices ? e : new BufferLoad(e.buffer, idx);
  }
  /**
   * Rewrites a ProducerLoad: its indices. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitProducerLoad(e: ProducerLoad): PrimExpr {
    const idx = this.visitExprs(e.indices);
    return idx === e.indices ? e : new ProducerLoad(e.producer, idx);
  }
  /**
   * Rewrites a Ramp: base and stride. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitRamp(e: Ramp): PrimExpr {
    const b = this.visitExpr(e.base);
    const s = this.visitExpr(e.stride);
    return b === e.base && s === e.stride ? e : new Ramp(b, s, e.lanes);
  }
  /**
   * Rewrites a Broadcast: its value. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitBroadcast(e: Broadcast): PrimExpr {
    const v = this.visitExpr(e.value);
    return v === e.value ? e : new Broadcast(v, e.lanes);
  }
  /**
   * Rewrites a Shuffle: its vectors. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitShuffle(e: Shuffle): PrimExpr {
    const vs = this.visitExprs(e.vectors);
    return vs === e.vectors ? e : new Shuffle(vs, e.indices);
  }
  /**
   * Rewrites a Let: value, then body. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitLet(e: Let): PrimExpr {
    const v = this.visitExpr(e.value);
    const b = this.visitExpr(e.body);
    return v === e.value && b === e.body ? e : new Let(e.variable, v, b);
  }
  /**
   * Rewrites a Call: its arguments. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitCall(e: Call): PrimExpr {
    const args = this.visitExprs(e.args);
    return args === e.args ? e : new Call(e.dtype, e.op, args);
  }
  /**
   * Rewrites a Reduce: the axes' ranges, the sources, the init values and the condition. Returns the same node when no child changed.
   * @param e The node rewritten.
   * @returns The rewritten node.
   */
  visitReduce(e: Reduce): PrimExpr {
    let axisChanged = false;
    const axis = e.axis.map((iv) => {
      if (!iv.dom) return iv;
      const min = this.visitExpr(iv.dom.min);
      const ext = this.visitExpr(iv.dom.extent);
      if (min === iv.dom.min && ext === iv.dom.extent) return iv;
      axisChanged = true;
      return new IterVar(new Range(min, ext), iv.var, iv.iterType, iv.threadTag);
    });
    const source = this.visitExprs(e.source);
    const init = this.visitExprs(e.init);
    const cond = this.visitExpr(e.condition);
    if (!axisChanged && source === e.source && init === e.init && cond === e.condition) return e;
    return new Reduce(e.combiner, source, axis, cond, e.valueIndex, init);
  }
}

/** Rewrites statements and the expressions in them; unchanged subtrees are kept. */
export class StmtExprMutator extends ExprMutator {
  /**
   * Dispatches `s` to the rewrite method of its kind.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitStmt(s: Stmt): Stmt {
    switch (s.kind) {
      case "LetStmt": return this.visitLetStmt(s as LetStmt);
      case "AttrStmt": return this.visitAttrStmt(s as AttrStmt);
      case "AssertStmt": return this.visitAssertStmt(s as AssertStmt);
      case "Store": return this.visitStore(s as Store);
      case "BufferStore": return this.visitBufferStore(s as BufferStore);
      case "BufferRealize": return this.visitBufferRealize(s as BufferRealize);
      case "ProducerStore": return this.visitProducerStore(s as ProducerStore);
      case "ProducerRealize": return this.visitProducerRealize(s as ProducerRealize);
      case "Allocate": return this.visitAllocate(s as Allocate);
      case "For": return this.visitFor(s as For);
      case "While": return this.visitWhile(s as While);
      case "SeqStmt": return this.visitSeqStmt(s as SeqStmt);
      case "IfThenElse": return this.visitIfThenElse(s as IfThenElse);
      case "Evaluate": return this.visitEvaluate(s as Evaluate);
      default: return unhandledKind("the statement mutator", s.kind);
    }
  }
  /**
   * Rewrites a LetStmt: value, then body. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitLetStmt(s: LetStmt): Stmt {
    const v = this.visitExpr(s.value);
    const b = this.visitStmt(s.body);
    return v === s.value && b === s.body ? s : new LetStmt(s.variable, v, b);
  }
  /**
   * Rewrites an AttrStmt: value, then body (not the annotated node). Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitAttrStmt(s: AttrStmt): Stmt {
    const v = this.visitExpr(s.value);
    const b = this.visitStmt(s.body);
    return v === s.value && b === s.body ? s : new AttrStmt(s.node, s.key, v, b);
  }
  /**
   * Rewrites an AssertStmt: condition, message, body. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitAssertStmt(s: AssertStmt): Stmt {
    const c = this.visitExpr(s.condition);
    const m = this.visitExpr(s.message);
    const b = this.visitStmt(s.body);
    return c === s.condition && m === s.message && b === s.body ? s : new AssertStmt(c, m, b);
  }
  /**
   * Rewrites a flat Store: value, index, predicate. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitStore(s: Store): Stmt {
    const v = this.visitExpr(s.value);
    const i = this.visitExpr(s.index);
    const p = this.visitExpr(s.predicate);
    return v === s.value && i === s.index && p === s.predicate ? s : new Store(s.bufferVar, v, i, p);
  }
  /**
   * Rewrites a BufferStore: value, then indices. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitBufferStore(s: BufferStore): Stmt {
    const v = this.visitExpr(s.value);
    const idx = this.visitExprs(s.indices);
    return v === s.value && idx === s.indices ? s : new BufferStore(s.buffer, v, idx);
  }
  protected visitRanges(rs: Range[]): Range[] {
    let changed = false;
    const out = rs.map((r) => {
      const min = this.visitExpr(r.min);
      const ext = this.visitExpr(r.extent);
      if (min === r.min && ext === r.extent) return r;
      changed = true;
      return new Range(min, ext);
    });
    return changed ? out : rs;
  }
  /**
   * Rewrites a BufferRealize: the bounds, the condition, the body. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitBufferRealize(s: BufferRealize): Stmt {
    const bounds = this.visitRanges(s.bounds);
    const c = this.visitExpr(s.condition);
    const b = this.visitStmt(s.body);
    return bounds === s.bounds && c === s.condition && b === s.body ? s : new BufferRealize(s.buffer, bounds, c, b);
  }
  /**
   * Rewrites a ProducerStore: value, then indices. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitProducerStore(s: ProducerStore): Stmt {
    const v = this.visitExpr(s.value);
    const idx = this.visitExprs(s.indices);
    return v === s.value && idx === s.indices ? s : new ProducerStore(s.producer, v, idx);
  }
  /**
   * Rewrites a ProducerRealize: the bounds, the condition, the body. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitProducerRealize(s: ProducerRealize): Stmt {
    const bounds = this.visitRanges(s.bounds);
    const c = this.visitExpr(s.condition);
    const b = this.visitStmt(s.body);
    return bounds === s.bounds && c === s.condition && b === s.body ? s : new ProducerRealize(s.producer, bounds, c, b);
  }
  /**
   * Rewrites an Allocate: extents, condition, body. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitAllocate(s: Allocate): Stmt {
    const ext = this.visitExprs(s.extents);
    const c = this.visitExpr(s.condition);
    const b = this.visitStmt(s.body);
    return ext === s.extents && c === s.condition && b === s.body ? s : new Allocate(s.bufferVar, s.dtype, ext, c, b);
  }
  /**
   * Rewrites a For: min, extent, body. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitFor(s: For): Stmt {
    const min = this.visitExpr(s.min);
    const ext = this.visitExpr(s.extent);
    const b = this.visitStmt(s.body);
    return min === s.min && ext === s.extent && b === s.body ? s : new For(s.loopVar, min, ext, s.forKind, b);
  }
  /**
   * Rewrites a While: condition, then body. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitWhile(s: While): Stmt {
    const c = this.visitExpr(s.condition);
    const b = this.visitStmt(s.body);
    return c === s.condition && b === s.body ? s : new While(c, b);
  }
  /**
   * Rewrites each statement of a SeqStmt in order. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitSeqStmt(s: SeqStmt): Stmt {
    const out = s.seq.map((x) => this.visitStmt(x));
    if (sameArray(out, s.seq)) return s;
    const flat: Stmt[] = [];
    for (const x of out) {
      if (x instanceof SeqStmt) flat.push(...x.seq);
      else flat.push(x);
    }
    return flat.length === 1 ? flat[0] : new SeqStmt(flat);
  }
  /**
   * Rewrites an IfThenElse: condition, then case, else case. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitIfThenElse(s: IfThenElse): Stmt {
    const c = this.visitExpr(s.condition);
    const t = this.visitStmt(s.thenCase);
    const e = s.elseCase ? this.visitStmt(s.elseCase) : undefined;
    return c === s.condition && t === s.thenCase && e === s.elseCase ? s : new IfThenElse(c, t, e);
  }
  /**
   * Rewrites an Evaluate: its value. Returns the same node when no child changed.
   * @param s The node rewritten.
   * @returns The rewritten statement.
   */
  visitEvaluate(s: Evaluate): Stmt {
    const v = this.visitExpr(s.value);
    return v === s.value ? s : new Evaluate(v);
  }
}

/** Calls `fn` on every expression and statement node, children before parents. */
export function postOrderVisit(node: Stmt | PrimExpr, fn: (n: Stmt | PrimExpr) => void): void {
  class V extends StmtExprVisitor {
    override visitExpr(e: PrimExpr): void { super.visitExpr(e); fn(e); }
    override visitStmt(s: Stmt): void { super.visitStmt(s); fn(s); }
  }
  const v = new V();
  if (node instanceof Stmt) v.visitStmt(node);
  else v.visitExpr(node);
}
