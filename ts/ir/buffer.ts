// Buffers: a typed, shaped view of memory behind a data pointer variable (TVM's tir.Buffer).
// Strides empty means compact row-major; elemOffset is the element offset of index 0.

import { ShapeError } from "../errors.js";
import { DataType, type DTypeLike } from "./dtype.js";
import { BufferLoad, type ExprLike, IntImm, PrimExpr, isConstInt, pointerVar, Var } from "./expr.js";
import { BufferStore } from "./stmt.js";
import { add, mul, sub, toExpr } from "./op.js";

export interface BufferOptions {
  data?: Var;
  strides?: ExprLike[];
  elemOffset?: ExprLike;
  scope?: string;
  dataAlignment?: number;
  offsetFactor?: number;
  bufferType?: "default" | "autoBroadcast";
}

/**
 * A typed, shaped view of memory behind a data pointer variable (TVM's tir.Buffer): the
 * arguments of a lowered function and the buffers an extern's body reads and writes. Empty
 * strides mean compact row-major; `elemOffset` is the element offset of index 0. Make one with
 * {@link declBuffer}.
 */
export class Buffer {
  /** The stride of each dimension in elements, or empty for compact row-major. */
  readonly strides: PrimExpr[];
  /** The element offset of index 0 from the data pointer. */
  readonly elemOffset: PrimExpr;
  /**
   * @param data The data pointer variable (a handle).
   * @param dtype The element dtype.
   * @param shape The extent of each dimension.
   * @param strides The stride of each dimension in elements, or empty for compact row-major.
   * @param elemOffset The element offset of index 0.
   * @param name The buffer's name.
   * @param scope The storage scope, "global" by default.
   * @param dataAlignment The alignment of the data pointer in bytes (128 by default).
   * @param offsetFactor The factor `elemOffset` is a multiple of (1 by default).
   * @param bufferType "autoBroadcast" for arguments with symbolic shapes (TVM prints type="auto").
   */
  constructor(
    readonly data: Var,
    readonly dtype: DataType,
    readonly shape: PrimExpr[],
    strides: PrimExpr[],
    elemOffset: PrimExpr,
    readonly name: string,
    readonly scope = "global",
    readonly dataAlignment = 128,
    readonly offsetFactor = 1,
    /** "autoBroadcast" for arguments with symbolic shapes (TVM prints type="auto"). */
    readonly bufferType: "default" | "autoBroadcast" = "default",
  ) {
    this.strides = strides;
    this.elemOffset = elemOffset;
  }

  /** The number of dimensions. */
  get ndim(): number { return this.shape.length; }

  /** Loads the element at `indices` (multi-dimensional, before flattening). */
  vload(indices: ExprLike[]): BufferLoad {
    this.checkRank(indices);
    return new BufferLoad(this, indices.map((i) => toExpr(i, DataType.int32())));
  }

  /** Stores `value` at `indices`. */
  vstore(indices: ExprLike[], value: ExprLike): BufferStore {
    this.checkRank(indices);
    return new BufferStore(this, toExpr(value, this.dtype), indices.map((i) => toExpr(i, DataType.int32())));
  }

  /** The flat element offset of `indices` relative to the data pointer (elemOffset included). */
  elemOffsetOf(indices: PrimExpr[]): PrimExpr {
    let offset: PrimExpr;
    if (this.strides.length === 0) {
      offset = indices.length === 0 ? new IntImm("int32", 0) : indices[0];
      for (let i = 1; i < indices.length; i++) offset = add(mul(offset, this.shape[i]), indices[i]);
    } else {
      offset = new IntImm("int32", 0);
      for (let i = 0; i < indices.length; i++) offset = add(offset, mul(indices[i], this.strides[i]));
    }
    return add(this.elemOffset, offset);
  }

  /** The same memory with explicit row-major strides (no-op when strides are already set). */
  makeStrideView(): Buffer {
    if (this.strides.length > 0 || this.shape.length === 0) return this;
    const strides: PrimExpr[] = [];
    let acc: PrimExpr = new IntImm("int32", 1);
    for (let i = this.shape.length - 1; i >= 0; i--) {
      strides.unshift(acc);
      acc = mul(acc, this.shape[i]);
    }
    return new Buffer(this.data, this.dtype, this.shape, strides, this.elemOffset, this.name, this.scope, this.dataAlignment, this.offsetFactor, this.bufferType);
  }

  /**
   * The sub-buffer starting at `begins` with `extents` (TVM's MakeSlice). `simplify` normalizes
   * the offset. A compact buffer stays compact when the slice is contiguous, else gets strides.
   */
  makeSlice(begins: PrimExpr[], extents: PrimExpr[], simplify: (e: PrimExpr) => PrimExpr): Buffer {
    const b = begins.map(simplify);
    if (this.strides.length === 0) {
      let canRelax = true;
      let needStride = false;
      for (let i = 0; i < extents.length; i++) {
        if (!canRelax) {
          const full = simplify(sub(extents[i], this.shape[i]));
          if (!isConstInt(b[i], 0) || !isConstInt(full, 0)) needStride = true;
        }
        if (!isConstInt(extents[i], 1)) canRelax = false;
      }
      if (needStride) return this.makeStrideView().makeSlice(begins, extents, simplify);
    }
    const offset = simplify(this.elemOffsetOf(b));
    return new Buffer(this.data, this.dtype, extents, this.strides, offset, this.name + "_slice", this.scope, this.dataAlignment, 1, this.bufferType);
  }

  private checkRank(indices: ExprLike[]): void {
    if (indices.length !== this.shape.length) {
      throw new ShapeError(`buffer '${this.name}' has ${this.shape.length} dimensions, indexed with ${indices.length}`);
    }
  }
}

/** Declares a buffer (TVM's decl_buffer). */
export function declBuffer(shape: ExprLike[], dtype: DTypeLike = "float32", name = "buffer", opts: BufferOptions = {}): Buffer {
  const t = DataType.parse(dtype);
  const shapeExprs = shape.map((s) => toExpr(s, DataType.int32()));
  const data = opts.data ?? pointerVar(name, t, opts.scope && opts.scope !== "global" ? opts.scope : "");
  const strides = (opts.strides ?? []).map((s) => toExpr(s, DataType.int32()));
  // As TVM's decl_buffer: an offset factor without an elem_offset makes the offset a variable
  // (bound when the buffer is bound to a region), which must be a multiple of the factor.
  const elemOffset = opts.elemOffset !== undefined
    ? toExpr(opts.elemOffset, DataType.int32())
    : opts.offsetFactor !== undefined && opts.offsetFactor !== 0 ? new Var(`${name}_elem_offset`, "int32") : new IntImm("int32", 0);
  return new Buffer(data, t, shapeExprs, strides, elemOffset, name, opts.scope ?? "global", opts.dataAlignment ?? 128, opts.offsetFactor ?? 1, opts.bufferType ?? "default");
}
