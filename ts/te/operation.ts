// Operation: what produces tensors (placeholder, compute, extern). Ops are immutable; a
// schedule that rewrites the dataflow (inline, cache) makes new ops with `replaceInputs`.

import { ArgumentError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import type { PrimExpr } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import { Tensor } from "./tensor.js";

/**
 * What produces tensors (TVM's te.Operation): {@link PlaceholderOp}, {@link ComputeOp} or
 * {@link ExternOp}. Operations are immutable; a schedule that rewrites the dataflow (inline,
 * cacheRead, cacheWrite, rfactor) makes new ones with {@link Operation.replaceInputs}.
 */
export abstract class Operation {
  private outputsCache?: Tensor[];

  /**
   * @param name The op's name (the tensor names it gives, and the buffer names in the TIR).
   * @param tag A free-form tag (TVM's tag), "" by default.
   * @param attrs Free-form attributes (TVM's attrs).
   */
  constructor(
    readonly name: string,
    readonly tag: string = "",
    readonly attrs: Readonly<Record<string, unknown>> = {},
  ) {}

  /** The number of output tensors. */
  abstract get numOutputs(): number;
  /**
   * The shape of output `i`.
   * @param i The output index.
   */
  abstract outputShape(i: number): PrimExpr[];
  /**
   * The dtype of output `i`.
   * @param i The output index.
   */
  abstract outputDType(i: number): DataType;
  /** The tensors this op reads. */
  abstract inputTensors(): Tensor[];
  /** The iteration variables of its output domain (and reductions), outermost first. */
  abstract rootIterVars(): IterVar[];
  /** This op with inputs replaced (tensors of `map`); itself when none is read. */
  abstract replaceInputs(map: ReadonlyMap<Tensor, Tensor>): Operation;

  /** Data-parallel axes (empty for placeholders and opaque externs). */
  get axis(): IterVar[] { return []; }
  /** The reduction axes (empty but for a reducing ComputeOp). */
  get reduceAxis(): IterVar[] { return []; }

  /** The output tensors, made once, so `op.outputs[0]` is always the same Tensor. */
  get outputs(): Tensor[] {
    if (!this.outputsCache) {
      this.outputsCache = [];
      for (let i = 0; i < this.numOutputs; i++) {
        this.outputsCache.push(new Tensor(this, i, this.outputShape(i), this.outputDType(i)));
      }
    }
    return this.outputsCache;
  }

  /**
   * Output tensor `i`.
   * @param i The output index.
   * @throws Error when the op has no output `i`.
   */
  output(i: number): Tensor {
    if (i < 0 || i >= this.numOutputs) {
      throw new ArgumentError(`op '${this.name}' has ${this.numOutputs} outputs; output ${i} does not exist`);
    }
    return this.outputs[i];
  }

  /** `ClassName(name)`. */
  toString(): string { return `${this.constructor.name}(${this.name})`; }
}
