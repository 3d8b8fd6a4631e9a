// The two pipelines, defined once (as Halide's Lower.cpp lists its passes in one place), for
// lower(), build() and the tests:
//  - lowering (after schedule-ops), TVM's order: [phase 0 user passes] InjectPrefetch,
//    StorageFlatten, Simplify
//    [phase 1] LoopPartition (not in simple mode), VectorizeLoop, StorageRewrite, UnrollLoop
//    [phase 2] Simplify, RemoveNoOp [phase 3], then the run-time checks: InstrumentBoundCheckers
//    when boundsCheck is on, else InstrumentIndirectBoundCheckers (data-dependent indices only),
//    and InsertDivisionChecks;
//  - host (build, before C generation): LegalizeVectorLanes, SplitWideVectors, MakePackedAPI,
//    LowerTVMBuiltin, LowerIntrin.
// The user passes of each phase come from the context's "tir.add_lower_pass".

import { Sequential, type Pass } from "./pass.js";
import type { PassContext } from "./pass_context.js";
import {
  InjectPrefetch, InsertDivisionChecks, InstrumentBoundCheckers, InstrumentIndirectBoundCheckers, LegalizeVectorLanes, LoopPartition, LowerIntrin, LowerTVMBuiltin, MakePackedAPI, RemoveNoOp, Simplify,
  SplitWideVectors, StorageFlatten, StorageRewrite, UnrollLoop, VectorizeLoop,
} from "./passes.js";

/** The passes lower() runs on the schedule-ops output, under `ctx`. */
export function lowerPipeline(ctx: PassContext): Pass {
  return Sequential([
    ...ctx.lowerPhasePasses(0),
    InjectPrefetch(),
    StorageFlatten(),
    Simplify(),
    ...ctx.lowerPhasePasses(1),
    ...(ctx.options.simpleMode ? [] : [LoopPartition()]),
    VectorizeLoop(),
    StorageRewrite(),
    UnrollLoop(),
    ...ctx.lowerPhasePasses(2),
    Simplify(),
    RemoveNoOp(),
    ...ctx.lowerPhasePasses(3),
    checkPipeline(ctx),
  ], "tir.lower");
}

/** The run-time checks at the end of lowering (also run by build() on a module it is given). */
export function checkPipeline(ctx: PassContext): Pass {
  return Sequential([ctx.options.boundsCheck ? InstrumentBoundCheckers() : InstrumentIndirectBoundCheckers(), InsertDivisionChecks()], "tir.checks");
}

/** The passes build() runs on every function before generating C. */
export function hostPipeline(): Pass {
  return Sequential([
    LegalizeVectorLanes(),
    SplitWideVectors(),
    MakePackedAPI(),
    LowerTVMBuiltin(),
    LowerIntrin(),
  ], "tir.host");
}
