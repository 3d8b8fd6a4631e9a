// The `codegen` namespace of the public API (TVM's tvm.target.codegen): C source without compiling
// it. generateC runs build()'s host passes and prints an IRModule's functions (what build() then
// compiles); codegenC prints functions that already went through tir.transform.hostPipeline().

export { generateC, type GeneratedC } from "./build_module.js";
export { codegenC, type CodegenResult } from "./codegen_c.js";
export { nativeVectorBytes } from "./vector_width.js";
