// Buffers: a typed, shaped view of memory behind a data pointer variable (TVM's tir.Buffer).
// Strides empty means compact row-major; elemOffset is the element offset of index 0.

import { DataType, type DTypeLike } from "./dtype.js";
import { BufferLoad, type ExprLike, IntImm, PrimExpr, pointerVar, Var } from "./expr.js";
import { BufferStore } from "./stmt.js";
import { add, mul, toExpr } from "./op.js";

export interface BufferOptions {
  data?: Var;
  strides?: ExprLike[];
  elemOffset?: ExprLike;
  scope?: string;
  dataAlignment?: number;
  offsetFactor?: number;
}

export class Buffer {
  readonly strides: PrimExpr[];
  readonly elemOffset: PrimExpr;
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
  ) {
    this.strides = strides;
    this.elemOffset = elemOffset;
  }

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

  private checkRank(indices: ExprLike[]): void {
    if (indices.length !== this.shape.length) {
      throw new Error(`buffer '${this.name}' has ${this.shape.length} dimensions, indexed with ${indices.length}`);
    }
  }
}

/** Declares a buffer (TVM's decl_buffer). */
export function declBuffer(shape: ExprLike[], dtype: DTypeLike = "float32", name = "buffer", opts: BufferOptions = {}): Buffer {
  const t = DataType.parse(dtype);
  const shapeExprs = shape.map((s) => toExpr(s, DataType.int32()));
  const data = opts.data ?? pointerVar(name, t, opts.scope && opts.scope !== "global" ? opts.scope : "");
  const strides = (opts.strides ?? []).map((s) => toExpr(s, DataType.int32()));
  const elemOffset = opts.elemOffset === undefined ? new IntImm("int32", 0) : toExpr(opts.elemOffset, DataType.int32());
  return new Buffer(data, t, shapeExprs, strides, elemOffset, name, opts.scope ?? "global", opts.dataAlignment ?? 128, opts.offsetFactor ?? 1);
}
