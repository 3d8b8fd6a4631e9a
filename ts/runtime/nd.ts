// The `nd` namespace of the public API (TVM's tvm.nd): NDArray and its constructors.
export { NDArray, array, empty, compactStrides, dtypeInfo, dtypeFromDL, isTypedArray, dtypeOfTypedArray } from "./ndarray.js";
export type { DType, TypedArray, NumberTypedArray, BigIntTypedArray, AnyNDArray, Scalar, DTypeInfo, ElementOf, ArrayOf, DTypeOf, DefaultDTypeOf } from "./ndarray.js";
