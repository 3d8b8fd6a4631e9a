// Placeholder: an input tensor of the program (a function argument once lowered).

import { DataType, type DTypeLike } from "../ir/dtype.js";
import type { ExprLike, PrimExpr } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import { Operation } from "./operation.js";
import type { Tensor } from "./tensor.js";
import { toShape } from "./shape.js";
import { checkName } from "./name.js";

/** The op of an input tensor (TVM's PlaceholderOp); made by {@link placeholder}. */
export class PlaceholderOp extends Operation {
  /**
   * @param name The tensor's name.
   * @param shape The extent of each dimension.
   * @param dtype The element dtype.
   */
  constructor(name: string, readonly shape: PrimExpr[], readonly dtype: DataType) { super(name); }
  get numOutputs(): number { return 1; }
  outputShape(): PrimExpr[] { return this.shape; }
  outputDType(): DataType { return this.dtype; }
  inputTensors(): Tensor[] { return []; }
  rootIterVars(): IterVar[] { return []; }
  replaceInputs(): Operation { return this; }
}

/** An input tensor: `placeholder(shape, dtype = "float32", name = "placeholder")`. */
export function placeholder(shape: ExprLike[] | number | PrimExpr, dtype: DTypeLike = "float32", name = "placeholder"): Tensor {
  checkName("placeholder", name);
  const t = DataType.parse(dtype);
  return new PlaceholderOp(name, toShape(shape, `placeholder '${name}'`), t).output(0);
}
