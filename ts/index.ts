// Public entry of tejit: re-exports te, tir, schedule helpers, lower, build, nd and runtime.
export const version = "0.1.0";

// Runtime: NDArray (`nd`), modules and the compile driver (`runtime`), packed functions.
export * as nd from "./runtime/nd.js";
export * as runtime from "./runtime/index.js";
export { registerFunc, getGlobalFunc, listGlobalFuncNames } from "./runtime/registry.js";
