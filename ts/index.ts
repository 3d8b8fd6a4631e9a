// Public entry of tejit: re-exports te, tir, schedule helpers, lower, build, nd and runtime; arith
// (the analyzer, interval sets) and codegen (C without compiling), as tvm.arith and tvm.target.codegen.
export { version } from "./version.js";

export * as te from "./te/index.js";
export * as tir from "./tir.js";
export { lower, scheduleToPrimFunc, type LowerOptions } from "./lower.js";
export { build, buildAsync, type BuildOptions } from "./build.js";
export { explainBounds } from "./schedule/explain.js";
export { DataType } from "./ir/dtype.js";
export * as schedule from "./schedule/index.js";
export * as arith from "./arith/index.js";
export * as codegen from "./codegen/index.js";

// Runtime: NDArray (`nd`), modules and the compile driver (`runtime`), packed functions.
export * as nd from "./runtime/nd.js";
export * as runtime from "./runtime/index.js";
export { registerFunc, getGlobalFunc, listGlobalFuncNames } from "./runtime/registry.js";
export { interpret } from "./interp/index.js";
export * as ops from "./ops/index.js";
export * as autoScheduler from "./auto_scheduler/index.js";

// Errors: TejitError (with a stable `code`) and one subclass a kind of failure (docs/errors.md).
export {
  TejitError, ArgumentError, ShapeError, DTypeError, ScheduleError, IRError, UnsupportedError,
  CompileError, KernelError, ConfigError, TuneError, InternalError,
  type TejitErrorCode, type TejitErrorOptions, type InternalErrorOptions,
} from "./errors.js";
