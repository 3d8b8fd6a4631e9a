// Operation: what produces tensors (placeholder, compute, extern). Ops are immutable; a
// schedule that rewrites the dataflow (inline, cache) makes new ops with `replaceInputs`.

import type { DataType } from "../ir/dtype.js";
import type { PrimExpr } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import { Tensor } from "./tensor.js";

export abstract class Operation {
  private outputsCache?: Tensor[];

  constructor(
    readonly name: string,
    readonly tag: string = "",
    readonly attrs: Readonly<Record<string, unknown>> = {},
  ) {}

  abstract get numOutputs(): number;
  abstract outputShape(i: number): PrimExpr[];
  abstract outputDType(i: number): DataType;
  /** The tensors this op reads. */
  abstract inputTensors(): Tensor[];
  /** The iteration variables of its output domain (and reductions), outermost first. */
  abstract rootIterVars(): IterVar[];
  /** This op with inputs replaced (tensors of `map`); itself when none is read. */
  abstract replaceInputs(map: ReadonlyMap<Tensor, Tensor>): Operation;

  /** Data-parallel axes (empty for placeholders and opaque externs). */
  get axis(): IterVar[] { return []; }
  get reduceAxis(): IterVar[] { return []; }

  get outputs(): Tensor[] {
    if (!this.outputsCache) {
      this.outputsCache = [];
      for (let i = 0; i < this.numOutputs; i++) {
        this.outputsCache.push(new Tensor(this, i, this.outputShape(i), this.outputDType(i)));
      }
    }
    return this.outputsCache;
  }

  output(i: number): Tensor {
    if (i < 0 || i >= this.numOutputs) {
      throw new Error(`op '${this.name}' has ${this.numOutputs} outputs; output ${i} does not exist`);
    }
    return this.outputs[i];
  }

  toString(): string { return `${this.constructor.name}(${this.name})`; }
}
