// The `te` namespace: tensor expressions as TVM's tvm.te names them (camelCase).

import { DTypeError } from "../errors.js";
import { DataType, type DTypeLike } from "../ir/dtype.js";
import { SizeVar, Var } from "../ir/expr.js";
import { userConstant } from "../ir/op.js";
import { checkName } from "./name.js";

export { Tensor } from "./tensor.js";
export { Operation } from "./operation.js";
export { PlaceholderOp, placeholder } from "./placeholder.js";
export { ComputeOp, compute } from "./compute.js";
export { ExternOp, extern, type ExternOptions, type Region, type RegionMap } from "./extern.js";
export { TensorIntrin, declTensorIntrin, type TensorIntrinOptions, type IntrinStmt } from "./tensor_intrin.js";
export { ScanOp, scan, type ScanOptions } from "./scan.js";
export { TensorComputeOp, TensorSlice, TensorIntrinCall, slice, type TensorIntrinCallOptions } from "./tensor_compute.js";
export { reduceAxis, commReducer, sum, max, min, type Reducer } from "./reduce.js";
export { Schedule, createSchedule } from "../schedule/schedule.js";
export { Stage } from "../schedule/stage.js";
export {
  exp, exp2, log, log2, log10, sqrt, rsqrt, tanh, sigmoid, sin, cos, erf, floor, ceil, round, trunc, abs,
  pow, ifThenElse, select, likely, floordiv, floormod, minValue, maxValue,
} from "../ir/op.js";
export { shiftLeft, shiftRight, bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseNot, reinterpret } from "../ir/bit_ops.js";
export { fastExp } from "./fast_math.js";

/** A scalar variable: `te.var("n")` (int32 by default). */
export function variable(name = "tindex", dtype: DTypeLike = "int32"): Var {
  checkName("var", name);
  return new Var(name, DataType.parse(dtype));
}

/** A non-negative size variable (for symbolic shapes). */
export function sizeVar(name = "size", dtype: DTypeLike = "int32"): SizeVar {
  checkName("sizeVar", name);
  const t = DataType.parse(dtype);
  if (!t.isIntegral()) throw new DTypeError(`sizeVar '${name}': a size must have an integer dtype, got ${t}`);
  return new SizeVar(name, t);
}

export { variable as var, userConstant as const };
