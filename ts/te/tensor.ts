// Tensor: one output of an operation; `at(...)` reads it inside an expression. A Tensor is
// identified by (op, valueIndex): every op creates its output tensors once.

import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { type ExprLike, PrimExpr, ProducerLoad, type DataProducer } from "../ir/expr.js";
import { toExpr, describe } from "../ir/op.js";
import { IterVar } from "../ir/iter_var.js";
import type { Operation } from "./operation.js";

/**
 * One output of an operation (TVM's te.Tensor): `placeholder`, `compute` and `extern` return
 * tensors. Read an element inside a compute body with {@link Tensor.at}; schedule it through
 * `s.stage(tensor)`; pass it in the argument list of `lower` and `build`.
 */
export class Tensor implements DataProducer {
  /**
   * @param op The operation that produces it.
   * @param valueIndex Which of the op's outputs it is (0 for single-output ops).
   * @param shape The extent of each dimension.
   * @param dtype The element dtype.
   */
  constructor(
    readonly op: Operation,
    readonly valueIndex: number,
    readonly shape: PrimExpr[],
    readonly dtype: DataType,
  ) {}

  /** The name this tensor prints under: its op's name (with `.v<i>` for multi-output ops). */
  get name(): string {
    return this.op.numOutputs === 1 ? this.op.name : `${this.op.name}.v${this.valueIndex}`;
  }

  /** The number of dimensions. */
  get ndim(): number { return this.shape.length; }

  /** Reads the element at `indices` (numbers or integer expressions). */
  at(...indices: ExprLike[]): PrimExpr {
    if (indices.length !== this.shape.length) {
      throw new ShapeError(`tensor '${this.name}' has ${this.shape.length} dimensions (shape [${this.shape.join(", ")}]) but was indexed with ${indices.length} indices`);
    }
    const idx = indices.map((v, d) => {
      if (!(v instanceof PrimExpr) && !(v instanceof IterVar) && typeof v !== "number") {
        throw new ArgumentError(`tensor '${this.name}': index ${d} must be a number, an expression or an axis, got ${describe(v)}`);
      }
      const e = toExpr(v, DataType.int32());
      if (!e.dtype.isIntegral() || e.dtype.lanes !== 1) {
        throw new DTypeError(`tensor '${this.name}': index ${d} must be a scalar integer, got ${e.dtype} (${e})`);
      }
      return e;
    });
    return new ProducerLoad(this, idx);
  }

  /** `Tensor(name, [shape], dtype)`. */
  toString(): string { return `Tensor(${this.name}, [${this.shape.join(", ")}], ${this.dtype})`; }
}
