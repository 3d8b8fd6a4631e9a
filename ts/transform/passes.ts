// The named passes of tir.transform, each a Pass over an IRModule made from one pure PrimFunc
// pass of this folder (TVM's tir.transform.* constructors): its name, the PassContext options it
// reads, and how it reads them. The pipelines that string them together are in pipeline.ts.

import { checkCertainBounds } from "./check_certain_bounds.js";
import { compilerFlags } from "../runtime/compile.js";
import { nativeVectorBytes } from "../codegen/vector_width.js";
import { createPrimFuncPass, type Pass } from "./pass.js";
import { legalizeVectorLanes } from "./legalize_vector_lanes.js";
import { loopPartition } from "./loop_partition.js";
import { lowerIntrin } from "./lower_intrin.js";
import { lowerTVMBuiltin } from "./lower_tvm_builtin.js";
import { makePackedAPI } from "./make_packed_api.js";
import { removeNoOp } from "./remove_no_op.js";
import { simplifyPass } from "./simplify.js";
import { splitWideVectors } from "./split_wide_vectors.js";
import { storageFlatten } from "./storage_flatten.js";
import { storageRewrite } from "./storage_rewrite.js";
import { unrollLoop } from "./unroll_loop.js";
import { vectorizeLoop } from "./vectorize_loop.js";
import { instrumentBoundChecks, instrumentIndirectBoundChecks } from "./instrument_bound_checks.js";
import { insertDivisionChecks } from "./check_division.js";
import { injectPrefetch } from "./inject_prefetch.js";

/** Turns Stage.prefetch's prefetch_scope attributes into prefetch calls over a cache line each. */
export const InjectPrefetch = (): Pass => createPrimFuncPass((f) => injectPrefetch(f), { name: "InjectPrefetch" });

/** Realizes to flat allocations, N-d accesses to flat offsets, extern placeholders bound. */
export const StorageFlatten = (): Pass => createPrimFuncPass((f) => storageFlatten(f), { name: "StorageFlatten" });

/** The rewrite and canonical simplifiers over every expression, with loop ranges known. */
export const Simplify = (): Pass => createPrimFuncPass((f) => simplifyPass(f), { name: "Simplify" });

/** Cuts loops at their `likely` guards and hinted conditions (reads partitionConstLoop, noUnrollLoopWithExtentOne, unrollLoopWithPartitionHintNoInterval). */
export const LoopPartition = (): Pass => createPrimFuncPass(
  (f, ctx) => loopPartition(f, {
    partitionConstLoop: ctx.options.partitionConstLoop,
    noUnrollLoopWithExtentOne: ctx.options.noUnrollLoopWithExtentOne,
    unrollLoopWithPartitionHintNoInterval: ctx.options.unrollLoopWithPartitionHintNoInterval,
  }),
  { name: "LoopPartition", options: ["partitionConstLoop", "noUnrollLoopWithExtentOne", "unrollLoopWithPartitionHintNoInterval"] },
);

/**
 * Vectorizes loops marked "vectorized" (reads disableVectorize); `enable: false` makes them serial
 * whatever the context says (TVM's VectorizeLoop(enable_vectorize)).
 */
export const VectorizeLoop = (enable = true): Pass => createPrimFuncPass(
  (f, ctx) => vectorizeLoop(f, { disableVectorize: !enable || ctx.options.disableVectorize }),
  { name: "VectorizeLoop", options: ["disableVectorize"] },
);

/** Plans allocations again: placement, reuse, merging. */
export const StorageRewrite = (): Pass => createPrimFuncPass((f) => storageRewrite(f), { name: "StorageRewrite" });

/** Unrolls "unroll" loops and, within the auto-unroll limits, small inner loops. */
export const UnrollLoop = (): Pass => createPrimFuncPass(
  (f, ctx) => unrollLoop(f, {
    autoUnrollMaxStep: ctx.options.autoUnrollMaxStep,
    autoUnrollMaxDepth: ctx.options.autoUnrollMaxDepth,
    autoUnrollMaxExtent: ctx.options.autoUnrollMaxExtent,
    unrollExplicit: ctx.options.unrollExplicit,
  }),
  { name: "UnrollLoop", options: ["autoUnrollMaxStep", "autoUnrollMaxDepth", "autoUnrollMaxExtent", "unrollExplicit"] },
);

/** Drops statements that do nothing. */
export const RemoveNoOp = (): Pass => createPrimFuncPass((f) => removeNoOp(f), { name: "RemoveNoOp" });

/** Vector statements of lane counts C vector types cannot express become lane loops. */
export const LegalizeVectorLanes = (): Pass => createPrimFuncPass((f) => legalizeVectorLanes(f), { name: "LegalizeVectorLanes" });

/** Splits vector stores wider than the target's vectors (reads vectorBytes; default from the compiler flags). */
export const SplitWideVectors = (): Pass => createPrimFuncPass(
  (f, ctx) => splitWideVectors(f, ctx.options.vectorBytes ?? nativeVectorBytes(compilerFlags())),
  { name: "SplitWideVectors", options: ["vectorBytes"] },
);

/** TVM's packed C signature and the argument checks. */
export const MakePackedAPI = (): Pass => createPrimFuncPass((f) => makePackedAPI(f), { name: "MakePackedAPI" });

/** Packed calls, stack arrays and workspaces to the runtime's calling convention (reads maxStackBytes). */
export const LowerTVMBuiltin = (): Pass => createPrimFuncPass(
  (f, ctx) => lowerTVMBuiltin(f, { maxStackBytes: ctx.options.maxStackBytes }),
  { name: "LowerTVMBuiltin", options: ["maxStackBytes"] },
);

/** Math intrinsics to the C library. */
export const LowerIntrin = (): Pass => createPrimFuncPass((f) => lowerIntrin(f), { name: "LowerIntrin" });

/** Asserts every load and store inside its buffer (TVM's InstrumentBoundCheckers; the pipeline runs it when boundsCheck is on). */
export const InstrumentBoundCheckers = (): Pass => createPrimFuncPass((f) => instrumentBoundChecks(f), { name: "InstrumentBoundCheckers" });

/** Asserts every load and store with a data-dependent index (a gather's) inside its buffer; the pipeline runs it when boundsCheck is off. */
export const InstrumentIndirectBoundCheckers = (): Pass => createPrimFuncPass((f) => instrumentIndirectBoundChecks(f), { name: "InstrumentIndirectBoundCheckers" });

/**
 * Refuses a function that certainly accesses a parameter buffer out of bounds (an Error at build
 * time naming the buffer, the index and a loop point); build() runs it on the schedule-ops output.
 */
export const CheckCertainBounds = (): Pass => createPrimFuncPass((f) => checkCertainBounds(f), { name: "CheckCertainBounds" });

/** An assert before every integer division that could trap (by zero, or INT_MIN / -1). */
export const InsertDivisionChecks = (): Pass => createPrimFuncPass((f) => insertDivisionChecks(f), { name: "InsertDivisionChecks" });
