// Refuses a program that certainly reads or writes outside an argument buffer: a load or store
// of a parameter buffer, reached on every run (no enclosing if, select, if_then_else, && / ||
// right side, assert or while; every enclosing loop of constant, positive extent), whose index in
// some dimension is outside [0, extent) at a point the loops visit. build() runs it on the
// schedule-ops output, where indices are still per dimension and name the tensor, so that a
// compute such as B[i] = A[i + 1] over A's whole shape is an Error at build time instead of a
// silent read of memory the kernel does not own (a checked build, boundsCheck, would catch it at
// run time; without one the C would just read past the end). lower() does not run it, so such a
// program can still be printed and inspected.
//
// "Certainly" is what keeps it free of false alarms: the Analyzer's bound of the index over the
// loop ranges is only a candidate (it may over-approximate); the error needs a witness, an
// assignment of the loops' first or last values (at most 2^10 of them) at which the index
// evaluates to a constant out of range. Guarded accesses (padding, split tails) are never judged.
//
// An extern's body reaches its argument through a placeholder buffer bound by buffer_bind_scope;
// when the bound region is the whole argument (every min 0, every extent the argument's), the
// placeholder's flat loads and stores (the irBuilder's) are judged against the argument's size,
// with the placeholder's element offset 0. Tiled bindings are left to the run-time checks.

import { Analyzer } from "../arith/analyzer.js";
import { ScheduleError } from "../errors.js";
import type { Buffer } from "../ir/buffer.js";
import { type BufferLoad, type Call, type Load, IntImm, isConstInt, type Let, type LogicalExpr, type PrimExpr, type Select, Var } from "../ir/expr.js";
import { StmtExprVisitor } from "../ir/functor.js";
import type { PrimFunc } from "../ir/function.js";
import { Range } from "../ir/iter_var.js";
import { printExpr } from "../ir/printer.js";
import type { AssertStmt, AttrStmt, BufferStore, For, IfThenElse, LetStmt, Store, While } from "../ir/stmt.js";
import { substitute } from "../ir/substitute.js";
import { checkPrimFunc } from "./check_func.js";

/** Most loop variables an index may use for the witness search (2^n corner points). */
const MAX_WITNESS_VARS = 10;

interface LoopRange { min: number; max: number }

const constValue = (e: PrimExpr): number | undefined => (isConstInt(e) ? e.value : undefined);

class CertainAccessChecker extends StmtExprVisitor {
  private readonly ana = new Analyzer();
  /** Loops enclosing the current point, by variable: their first and last value. */
  private readonly loops = new Map<Var, LoopRange>();
  /** Let-bound variables in scope and their values (substituted into indices). */
  private readonly lets = new Map<Var, PrimExpr>();
  /** > 0 inside code that may not run on every execution (guards, symbolic loops). */
  private uncertain = 0;

  /** Data variables of buffers that are a whole argument (the argument itself, or an extern's placeholder bound to all of it). */
  private readonly flat = new Map<Var, { buffer: Buffer; offset: Var | undefined }>();

  constructor(private readonly params: ReadonlySet<Buffer>, private readonly funcName: string) {
    super();
    for (const b of params) this.flat.set(b.data, { buffer: b, offset: undefined });
  }

  private maybe(fn: () => void): void {
    this.uncertain++;
    try { fn(); } finally { this.uncertain--; }
  }

  override visitFor(s: For): void {
    const min = this.ana.simplify(s.min);
    const extent = this.ana.simplify(s.extent);
    this.visitExpr(s.min);
    this.visitExpr(s.extent);
    if (!isConstInt(min) || !isConstInt(extent) || extent.value <= 0) return this.maybe(() => this.visitStmt(s.body));
    this.loops.set(s.loopVar, { min: min.value, max: min.value + extent.value - 1 });
    this.ana.bind(s.loopVar, new Range(min, extent), true);
    try { this.visitStmt(s.body); } finally { this.loops.delete(s.loopVar); }
  }

  override visitLetStmt(s: LetStmt): void {
    this.visitExpr(s.value);
    this.lets.set(s.variable, s.value);
    try { this.visitStmt(s.body); } finally { this.lets.delete(s.variable); }
  }

  override visitLet(e: Let): void {
    this.visitExpr(e.value);
    this.lets.set(e.variable, e.value);
    try { this.visitExpr(e.body); } finally { this.lets.delete(e.variable); }
  }

  override visitIfThenElse(s: IfThenElse): void {
    this.visitExpr(s.condition);
    this.maybe(() => { this.visitStmt(s.thenCase); if (s.elseCase) this.visitStmt(s.elseCase); });
  }

  override visitAttrStmt(s: AttrStmt): void {
    if (s.key !== "buffer_bind_scope" || !Array.isArray(s.node)) return super.visitAttrStmt(s);
    this.visitExpr(s.value);
    const [placeholder, target] = s.node as [Buffer, Buffer];
    const whole = this.flat.get(target.data);
    const region = (s.value as Call).args.map((a) => this.ana.simplify(a));
    const all = whole !== undefined && whole.buffer === target && placeholder.strides.length === 0 && target.strides.length === 0 &&
      region.length === 2 * target.shape.length && placeholder.shape.length === target.shape.length &&
      target.shape.every((ext, d) => isConstInt(ext) && constValue(region[2 * d]) === 0 && constValue(region[2 * d + 1]) === ext.value);
    if (!all || this.flat.has(placeholder.data)) return this.visitStmt(s.body);
    this.flat.set(placeholder.data, { buffer: target, offset: placeholder.elemOffset instanceof Var ? placeholder.elemOffset : undefined });
    try { this.visitStmt(s.body); } finally { this.flat.delete(placeholder.data); }
  }

  override visitLoad(e: Load): void {
    super.visitLoad(e);
    this.flatAccess("reads", e.bufferVar, e.index);
  }

  override visitStore(s: Store): void {
    super.visitStore(s);
    this.flatAccess("writes", s.bufferVar, s.index);
  }

  /** A flat load or store of a whole argument's data: judged against its element count. */
  private flatAccess(verb: string, data: Var, index: PrimExpr): void {
    const whole = this.flat.get(data);
    if (whole === undefined || this.uncertain > 0 || index.dtype.lanes !== 1) return;
    const size = whole.buffer.shape.reduce((n, ext) => (n !== undefined && isConstInt(ext) ? n * ext.value : undefined), 1 as number | undefined);
    if (size === undefined) return;
    const offsetZero = whole.offset ? substitute(index, new Map([[whole.offset, new IntImm(whole.offset.dtype, 0)]])) : index;
    this.judge(verb, whole.buffer, this.resolveLets(offsetZero), new Analyzer().simplify(offsetZero), size, "element");
  }

  override visitWhile(s: While): void { this.maybe(() => super.visitWhile(s)); }
  override visitAssertStmt(s: AssertStmt): void { this.maybe(() => super.visitAssertStmt(s)); }

  override visitSelect(e: Select): void {
    this.visitExpr(e.condition);
    this.maybe(() => { this.visitExpr(e.trueValue); this.visitExpr(e.falseValue); });
  }

  override visitLogical(e: LogicalExpr): void {
    this.visitExpr(e.a);
    this.maybe(() => this.visitExpr(e.b));
  }

  override visitCall(e: Call): void {
    if (e.op === "tir.if_then_else" && e.args.length === 3) {
      this.visitExpr(e.args[0]);
      this.maybe(() => { this.visitExpr(e.args[1]); this.visitExpr(e.args[2]); });
      return;
    }
    super.visitCall(e);
  }

  override visitBufferLoad(e: BufferLoad): void {
    super.visitBufferLoad(e);
    this.access("reads", e.buffer, e.indices);
  }

  override visitBufferStore(s: BufferStore): void {
    super.visitBufferStore(s);
    this.access("writes", s.buffer, s.indices);
  }

  private access(verb: string, buffer: Buffer, indices: readonly PrimExpr[]): void {
    if (this.uncertain > 0 || !this.params.has(buffer) || indices.length !== buffer.shape.length) return;
    indices.forEach((raw, d) => {
      const extent = buffer.shape[d];
      if (!isConstInt(extent) || raw.dtype.lanes !== 1) return;
      this.judge(verb, buffer, this.resolveLets(raw), raw, extent.value, `dimension ${d}`);
    });
  }

  /** Throws when `index` (`raw` as written) is certainly outside [0, extent) of `buffer`'s `where`. */
  private judge(verb: string, buffer: Buffer, index: PrimExpr, raw: PrimExpr, extent: number, where: string): void {
    const bound = this.ana.constIntBound(index);
    if (bound.minValue >= 0 && bound.maxValue < extent) return;
    const witness = this.witness(index, extent);
    if (!witness) return;
    const at = witness.point.length > 0 ? ` at ${witness.point.join(", ")}` : "";
    const range = where === "element" ? `outside its ${extent} elements` : `outside [0, ${extent})`;
    throw new ScheduleError(`build: '${this.funcName}' certainly ${verb} '${buffer.name}' out of bounds: index ${printExpr(raw)} of ${where === "element" ? "its data" : where} is ${witness.value}${at}, ${range} (shape [${buffer.shape.map((x) => printExpr(x)).join(", ")}]); fix the index or guard it (te.ifThenElse), or lower() to inspect the program`);
  }

  /** `e` with the let-bound variables in scope replaced by their values (innermost last). */
  private resolveLets(e: PrimExpr): PrimExpr {
    let out = e;
    for (let i = 0; i < 8 && this.lets.size > 0; i++) {
      const next = substitute(out, this.lets);
      if (next === out) break;
      out = next;
    }
    return out;
  }

  /** A corner of the loop ranges where `index` is a constant outside [0, extent), if one exists. */
  private witness(index: PrimExpr, extent: number): { value: number; point: string[] } | undefined {
    const vars: Var[] = [];
    let free = false;
    const collect = new (class extends StmtExprVisitor {
      override visitVar(v: Var): void {
        if (vars.includes(v)) return;
        vars.push(v);
      }
    })();
    collect.visitExpr(index);
    for (const v of vars) if (!this.loops.has(v)) free = true;
    if (free || vars.length > MAX_WITNESS_VARS) return undefined;
    const ana = new Analyzer();
    for (let mask = 0; mask < 1 << vars.length; mask++) {
      const values = vars.map((v, k) => ((mask >> k) & 1 ? this.loops.get(v)!.max : this.loops.get(v)!.min));
      const value = ana.simplify(substitute(index, new Map(vars.map((v, k) => [v, new IntImm(v.dtype, values[k])]))));
      if (isConstInt(value) && (value.value < 0 || value.value >= extent)) {
        return { value: value.value, point: vars.map((v, k) => `${v.name} = ${values[k]}`) };
      }
    }
    return undefined;
  }
}

/**
 * Throws a ScheduleError naming the buffer, the dimension, the index and a loop point when `f`
 * certainly accesses one of its parameter buffers out of bounds; returns `f` otherwise.
 */
export function checkCertainBounds(f: PrimFunc): PrimFunc {
  checkPrimFunc(f, "CheckCertainBounds");
  const name = typeof f.attrs.global_symbol === "string" ? f.attrs.global_symbol : "main";
  new CertainAccessChecker(new Set(f.bufferMap.values()), name).visitStmt(f.body);
  return f;
}
