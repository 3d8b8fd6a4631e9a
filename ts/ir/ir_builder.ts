// irBuilder: builds TIR statements imperatively, as TVM's tvm.tir.ir_builder does. Scoped
// constructs take a callback for their body. `scopeAttr`, `let` and `allocate` wrap everything
// emitted after them in the current scope. `get()` returns the statement built.

import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { Buffer, declBuffer } from "./buffer.js";
import { DataType, type DTypeLike } from "./dtype.js";
import { type ExprLike, IntImm, Load, PrimExpr, Ramp, StringImm, Var, pointerVar } from "./expr.js";
import { add, describe, likely as likelyOp, mul, toExpr, sub } from "./op.js";
import {
  Allocate, AttrStmt, Evaluate, For, type ForKind, IfThenElse, LetStmt, SeqStmt, Stmt, Store, While, noOp,
} from "./stmt.js";

type Wrapper = (body: Stmt) => Stmt;
type Entry = Stmt | Wrapper;

/** Loop kinds as ir_builder names them. */
export type LoopKind = "serial" | "parallel" | "vectorize" | "unroll";
const KIND: Record<LoopKind, ForKind> = { serial: "serial", parallel: "parallel", vectorize: "vectorized", unroll: "unrolled" };

/** Indexed access to memory behind a pointer: `get(i)` loads, `set(i, v)` stores. */
export class BufferPtr {
  /**
   * @param builder The builder that `set` emits into.
   * @param data The pointer variable.
   * @param dtype The element dtype (a vector dtype loads and stores whole vectors).
   * @param buffer The buffer it views, for multi-dimensional indices.
   */
  constructor(
    private readonly builder: IRBuilder,
    readonly data: Var,
    readonly dtype: DataType,
    private readonly buffer?: Buffer,
  ) {}

  /**
   * The buffer this pointer views (TVM's `BufferVar.asobject()`).
   * @throws Error for a bare pointer (irBuilder.pointer), which has no buffer.
   */
  asObject(): Buffer {
    if (!this.buffer) throw new ArgumentError(`pointer '${this.data.name}' is a bare pointer with no buffer (use allocate or bufferPtr)`);
    return this.buffer;
  }

  /** The element offset of an index: a flat index (from the buffer's first element) or one index per dimension. */
  private offset(index: ExprLike | ExprLike[]): PrimExpr {
    if (Array.isArray(index)) {
      if (!this.buffer) throw new ArgumentError(`pointer '${this.data.name}': a multi-dimensional index needs a buffer (use bufferPtr)`);
      if (index.length !== this.buffer.ndim) {
        throw new ShapeError(`buffer '${this.buffer.name}' has ${this.buffer.ndim} dimensions, indexed with ${index.length}`);
      }
      return this.buffer.makeStrideView().elemOffsetOf(index.map((i) => toExpr(i, DataType.int32())));
    }
    const i = toExpr(index, DataType.int32());
    if (!i.dtype.isIntegral()) throw new DTypeError(`pointer '${this.data.name}': index must be an integer, got ${i.dtype}`);
    return this.buffer ? add(this.buffer.elemOffset, i) : i;
  }

  private vectorIndex(offset: PrimExpr): PrimExpr {
    if (this.dtype.lanes === 1) return offset;
    return new Ramp(mul(offset, this.dtype.lanes), new IntImm(offset.dtype, 1), this.dtype.lanes);
  }

  /**
   * Loads the element at `index`.
   * @param index A flat index (from the buffer's first element) or one index a dimension.
   * @returns The load expression.
   * @throws Error when the index is not an integer or has the wrong number of dimensions.
   */
  get(index: ExprLike | ExprLike[]): PrimExpr {
    return new Load(this.dtype, this.data, this.vectorIndex(this.offset(index)));
  }

  /**
   * Emits a store of `value` at `index` into the builder.
   * @param index A flat index (from the buffer's first element) or one index a dimension.
   * @param value The value; a number becomes a constant of the element dtype.
   * @throws Error when the value's dtype is not the pointer's (cast it) or the index is wrong.
   */
  set(index: ExprLike | ExprLike[], value: ExprLike): void {
    const v = toExpr(value, this.dtype.element());
    if (v.dtype !== this.dtype) {
      throw new DTypeError(`pointer '${this.data.name}' holds ${this.dtype}, cannot store a ${v.dtype} (${v}); cast it`);
    }
    this.builder.emit(new Store(this.data, v, this.vectorIndex(this.offset(index))));
  }
}

/**
 * Builds TIR statements imperatively (TVM's tvm.tir.ir_builder): each method emits a statement
 * into the current scope, scoped constructs take a callback for their body, and `get()` returns
 * what was built. Used in extern bodies.
 *
 * @example
 * ```ts
 * const ib = tir.irBuilder();
 * const a = ib.bufferPtr(ins[0]);
 * const c = ib.bufferPtr(outs[0]);
 * ib.forRange(0, n, "i", (i) => c.set(i, a.get(i).add(1)));
 * return ib.get();
 * ```
 */
export class IRBuilder {
  private readonly seqStack: Entry[][] = [[]];
  private loopCount = 0;

  /** Appends a statement; a call (or other expression) is evaluated for its effect. */
  emit(stmt: Stmt | PrimExpr | Wrapper): void {
    let s: Entry;
    if (stmt instanceof PrimExpr) s = new Evaluate(stmt);
    else if (stmt instanceof Stmt || typeof stmt === "function") s = stmt;
    else throw new ArgumentError(`irBuilder.emit expects a statement or a call, got ${describe(stmt)}`);
    this.seqStack[this.seqStack.length - 1].push(s);
  }

  private popSeq(): Stmt {
    const seq = this.seqStack.pop()!;
    if (seq.length === 0 || typeof seq[seq.length - 1] === "function") seq.push(noOp());
    const wrap = (xs: Stmt[]): Stmt => (xs.length === 1 ? xs[0] : new SeqStmt([...xs].reverse()));
    let ret: Stmt[] = [seq[seq.length - 1] as Stmt];
    for (let i = seq.length - 2; i >= 0; i--) {
      const s = seq[i];
      if (typeof s === "function") ret = [s(wrap(ret))];
      else ret.push(s);
    }
    return wrap(ret);
  }

  private scoped(body: () => void): Stmt {
    this.seqStack.push([]);
    body();
    return this.popSeq();
  }

  /** Wraps everything emitted after this in the current scope in `attr [node] key = value`. */
  scopeAttr(node: unknown, key: string, value: ExprLike | string): void {
    const n = typeof node === "string" ? new StringImm(node) : typeof node === "number" ? toExpr(node) : node;
    const v = typeof value === "string" ? new StringImm(value) : toExpr(value);
    this.emit((body: Stmt) => new AttrStmt(n, key, v, body));
  }

  /** A loop over [begin, end); the callback gets the loop variable. Default names: i, j, k, i_0, … */
  forRange(begin: ExprLike, end: ExprLike, name: string | undefined, body: (i: Var) => void, kind: LoopKind = "serial"): void {
    let loopName = name ?? "i";
    if (loopName === "i") {
      loopName = this.loopCount < 3 ? String.fromCharCode("i".charCodeAt(0) + this.loopCount) : `i_${this.loopCount - 3}`;
      this.loopCount += 1;
    }
    if (!(kind in KIND)) throw new ArgumentError(`irBuilder.forRange: kind must be one of ${Object.keys(KIND).join(", ")}, got ${describe(kind)}`);
    const b = toExpr(begin, DataType.int32());
    const e = toExpr(end, DataType.int32());
    const loopVar = new Var(loopName, b.dtype);
    const extent = b instanceof IntImm && b.value === 0 ? e : sub(e, b);
    const s = this.scoped(() => body(loopVar));
    this.emit(new For(loopVar, b, extent, KIND[kind], s));
  }

  /**
   * Emits `while (cond) body`.
   * @param cond A bool expression, tested before each iteration.
   * @param body Emits the loop body.
   */
  whileLoop(cond: ExprLike, body: () => void): void {
    const c = toExpr(cond);
    this.emit(new While(c, this.scoped(body)));
  }

  /**
   * Emits `if (cond) body`; an {@link IRBuilder.elseScope} right after adds the else branch.
   * @param cond A bool expression.
   * @param body Emits the then branch.
   * @throws Error when the condition is not bool.
   */
  ifScope(cond: ExprLike, body: () => void): void {
    const c = toExpr(cond);
    if (!c.dtype.isBool()) throw new DTypeError(`irBuilder.ifScope: condition must be bool, got ${c.dtype} (${c})`);
    this.emit(new IfThenElse(c, this.scoped(body)));
  }

  /** The else branch of the `ifScope` emitted just before. */
  elseScope(body: () => void): void {
    const seq = this.seqStack[this.seqStack.length - 1];
    const prev = seq[seq.length - 1];
    if (!(prev instanceof IfThenElse) || prev.elseCase) throw new ArgumentError("irBuilder.elseScope can only follow an ifScope");
    seq.pop();
    this.emit(new IfThenElse(prev.condition, prev.thenCase, this.scoped(body)));
  }

  /** A nested sequence (its statements stay together as one). */
  newScope(body: () => void): void {
    this.emit(this.scoped(body));
  }

  /** Binds `name` to `value` for everything emitted after it in this scope. */
  let(name: string, value: ExprLike): Var {
    const v = toExpr(value);
    const variable = new Var(name, v.dtype);
    this.emit((body: Stmt) => new LetStmt(variable, v, body));
    return variable;
  }

  /**
   * Allocates `shape` elements of `dtype` for everything emitted after it in this scope. As in
   * TVM 0.10, the result views a buffer declared over the allocation: it takes flat or
   * multi-dimensional indices, and `asObject()` gives the buffer (to pass to a call).
   */
  allocate(dtype: DTypeLike, shape: ExprLike | ExprLike[], name = "buf", scope?: string): BufferPtr {
    const t = DataType.parse(dtype);
    const data = pointerVar(name, t);
    const extents = (Array.isArray(shape) ? shape : [shape]).map((s) => toExpr(s, DataType.int32()));
    const buffer = declBuffer(extents, t, name, { data, scope: scope || "global" });
    if (scope) this.scopeAttr(data, "storage_scope", scope);
    this.emit((body: Stmt) => new Allocate(data, t, extents, undefined, body));
    return new BufferPtr(this, data, t, buffer);
  }

  /** A pointer variable of `dtype` elements. */
  pointer(dtype: DTypeLike, name = "ptr"): BufferPtr {
    const t = DataType.parse(dtype);
    return new BufferPtr(this, pointerVar(name, t), t);
  }

  /** Indexed access to a buffer's memory: flat indices from its first element, or one per dimension. */
  bufferPtr(buf: Buffer, dtype?: DTypeLike): BufferPtr {
    if (!(buf instanceof Buffer)) throw new ArgumentError(`irBuilder.bufferPtr expects a buffer, got ${describe(buf)}`);
    return new BufferPtr(this, buf.data, dtype ? DataType.parse(dtype) : buf.dtype, buf);
  }

  /**
   * `tir.likely(e)`: a hint that `e` is usually true.
   * @param e A bool expression.
   */
  likely(e: ExprLike): PrimExpr { return likelyOp(e); }

  /** The statement built so far; an error while a scope callback is still running. */
  get(): Stmt {
    if (this.seqStack.length !== 1) throw new ArgumentError("irBuilder.get cannot be called inside a scope callback");
    const s = this.popSeq();
    this.seqStack.push([]);
    return s;
  }
}

/** A new, empty {@link IRBuilder}. */
export function irBuilder(): IRBuilder {
  return new IRBuilder();
}
