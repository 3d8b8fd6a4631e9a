// The `runtime` namespace of the public API (TVM's tvm.runtime): modules, the compile driver and
// its cache, the thread pool, the packed-function registry, and NDArray.
export { Module, createModuleFromSource, createModuleFromSourceAsync, loadModule, metadataDefinition } from "./module.js";
export type { PackedKernel, KernelArg, TimeResult, TimeEvaluatorOptions, ModuleOptions, ModuleMetadata, FunctionInfo, ParamInfo } from "./module.js";
export { compileSource, compileSourceAsync, clearCache, cacheDir, findCompiler, compilerFlags, DEFAULT_CFLAGS } from "./compile.js";
export type { CompileOptions, Compiler } from "./compile.js";
export { setNumThreads, getNumThreads } from "./threads.js";
export { registerFunc, getGlobalFunc, listGlobalFuncNames, removeGlobalFunc } from "./registry.js";
export type { PackedFunc, RegisterOptions } from "./registry.js";
export { abiHeaderPath } from "./paths.js";
export { NDArray } from "./ndarray.js";
