// The TIR interpreter's public surface: interpret() runs a PrimFunc or an IRModule function on
// NDArrays and numbers with C semantics and bounds-checked memory; it is the reference that
// compiled kernels and schedules are checked against.

export { interpret, clearCompiled, type Arg, type InterpretOptions, type ParallelOrder } from "./interpreter.js";
export { f16round, roundHalfEven } from "./values.js";
export { erf } from "./libm.js";
