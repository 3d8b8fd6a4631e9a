// The `tir.transform` namespace (TVM's tvm.tir.transform and tvm.transform): the named passes,
// Sequential, PassContext with its config and instruments, pass constructors for user passes,
// and the two pipelines lower() and build() run.

export {
  InjectPrefetch, StorageFlatten, Simplify, LoopPartition, VectorizeLoop, StorageRewrite, UnrollLoop, RemoveNoOp,
  LegalizeVectorLanes, SplitWideVectors, MakePackedAPI, LowerTVMBuiltin, LowerIntrin, InstrumentBoundCheckers,
  InsertDivisionChecks, CheckCertainBounds, InstrumentIndirectBoundCheckers,
} from "./passes.js";
export { Sequential, createPrimFuncPass, createModulePass, type Pass, type PassInfo, type PassSpec } from "./pass.js";
export {
  PassContext, CONFIG_KEYS, DEFAULT_PASS_OPTIONS, type PassContextConfig, type PassContextInit, type PassOptions, type LowerPhase,
} from "./pass_context.js";
export { DumpIR, PassTimingInstrument, type PassInstrument, type PassTiming } from "./instrument.js";
export { lowerPipeline, hostPipeline, checkPipeline } from "./pipeline.js";
