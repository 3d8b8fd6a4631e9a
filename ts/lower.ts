// lower(): a schedule to an IRModule, through TVM's lowering order: normalize, bound inference,
// schedule-ops, buffers for tensors, then the TIR passes in TVM's order (storage flatten,
// simplify, loop partition, vectorize, storage rewrite, unroll, simplify, remove no-ops), tuned
// by the options of TVM's build configuration (see docs/passes.md); then the division checks
// (an assert before each integer division that could trap, ts/transform/check_division.ts),
// after the bounds checks when asked for (ts/transform/instrument_bound_checks.ts).

import type { Buffer } from "./ir/buffer.js";
import { IRModule, type PrimFunc } from "./ir/function.js";
import { describe } from "./ir/op.js";
import { inferBound } from "./schedule/bound.js";
import { normalize } from "./schedule/normalize.js";
import { type LowerArg, schedulePostProcToPrimFunc } from "./schedule/postproc_to_primfunc.js";
import { Schedule } from "./schedule/schedule.js";
import { scheduleOps } from "./schedule/schedule_ops.js";
import type { Tensor } from "./te/tensor.js";
import { ExternOp } from "./te/extern.js";
import { checkRegionMap } from "./schedule/extern_region.js";
import { explainBounds } from "./schedule/explain.js";
import { findOpaqueExternsUnderComputeAt } from "./schedule/opaque_extern.js";
import { removeNoOp } from "./transform/remove_no_op.js";
import { simplifyPass } from "./transform/simplify.js";
import { storageFlatten } from "./transform/storage_flatten.js";
import { storageRewrite } from "./transform/storage_rewrite.js";
import { loopPartition } from "./transform/loop_partition.js";
import { vectorizeLoop } from "./transform/vectorize_loop.js";
import { unrollLoop } from "./transform/unroll_loop.js";
import { insertDivisionChecks } from "./transform/check_division.js";
import { boundsCheckWanted, instrumentBoundChecks } from "./transform/instrument_bound_checks.js";
import { assertSplitFactorsPositive } from "./schedule/split_factor_checks.js";

export interface LowerOptions {
  /** The function's name (its global symbol). */
  name?: string;
  /** Buffers to use for given tensors (instead of fresh compact ones). */
  binds?: Map<Tensor, Buffer>;
  /** Refuse (instead of warning about) an extern without regionMap computed at a loop. */
  strict?: boolean;
  /** Receives lowering warnings; by default they go to process.emitWarning. */
  onWarning?: (message: string) => void;
  /** Attach a bound explanation to the module (`module.explanation`), as explainBounds(s) gives. */
  explain?: boolean;
  /**
   * TVM's `simple_mode` (as its tutorials print): skip loop partitioning, so uneven splits keep
   * their `likely` guards. Default false.
   */
  simpleMode?: boolean;
  /** Partition loops with constant bounds at their `likely` guards too (TVM's partition_const_loop; default false). */
  partitionConstLoop?: boolean;
  /** Leave vectorized loops serial (TVM's disable_vectorize; default false). */
  disableVectorize?: boolean;
  /** Unroll inner loops of up to this many steps (TVM's auto_unroll_max_step; default 0). */
  autoUnrollMaxStep?: number;
  /** The deepest loop nest unrolled automatically (TVM's auto_unroll_max_depth; default 8). */
  autoUnrollMaxDepth?: number;
  /** Unroll every loop of at most this extent (TVM's auto_unroll_max_extent; default 0). */
  autoUnrollMaxExtent?: number;
  /** Expand unrolled loops (TVM's unroll_explicit; default true); false keeps `for ... "unroll"`. */
  unrollExplicit?: boolean;
  /**
   * Check every load and store against its buffer's extent at run time (TVM's
   * instrument_bound_checkers): the kernel returns an error naming the buffer, the index and the
   * shape. Default: TEJIT_BOUNDS_CHECK=1 in the environment, else false.
   */
  boundsCheck?: boolean;
}

function defaultWarning(message: string): void {
  process.emitWarning(message, { code: "TEJIT_OPAQUE_EXTERN" });
}

export type Pass = (f: PrimFunc) => PrimFunc;

function checkOptionalCount(name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
    throw new Error(`lower: ${name} must be a non-negative integer, got ${describe(v)}`);
  }
}

/** The TIR passes lower() runs after schedule-ops, in order, configured by `opts`. */
export function lowerPasses(opts: LowerOptions = {}): Pass[] {
  for (const k of ["autoUnrollMaxStep", "autoUnrollMaxDepth", "autoUnrollMaxExtent"] as const) checkOptionalCount(k, opts[k]);
  const passes: Pass[] = [storageFlatten, simplifyPass];
  if (!opts.simpleMode) passes.push((f) => loopPartition(f, { partitionConstLoop: opts.partitionConstLoop }));
  passes.push(
    (f) => vectorizeLoop(f, { disableVectorize: opts.disableVectorize }),
    storageRewrite,
    (f) => unrollLoop(f, {
      autoUnrollMaxStep: opts.autoUnrollMaxStep,
      autoUnrollMaxDepth: opts.autoUnrollMaxDepth,
      autoUnrollMaxExtent: opts.autoUnrollMaxExtent,
      unrollExplicit: opts.unrollExplicit,
    }),
    simplifyPass,
    removeNoOp,
  );
  if (boundsCheckWanted(opts.boundsCheck)) passes.push(instrumentBoundChecks);
  passes.push(insertDivisionChecks);
  return passes;
}

/** The TIR passes lower() runs after schedule-ops with the default options, in order. */
export const LOWER_PASSES: readonly Pass[] = lowerPasses();

/** Refuses an output of the schedule that is not in `args`: its kernel would write nothing. */
function checkOutputsInArgs(s: Schedule, args: LowerArg[], binds?: Map<Tensor, Buffer>): void {
  for (const o of s.outputs) {
    for (const t of o.outputs) {
      const bound = binds?.get(t);
      if (args.includes(t) || (bound !== undefined && args.includes(bound))) continue;
      throw new Error(`lower: the output '${t.name}' of the schedule is not in the argument list, so the kernel would compute it ` +
        `and throw it away; add it to the arguments (e.g. lower(s, [...inputs, ${t.name}])), or leave its op out of te.createSchedule`);
    }
  }
}

/** The PrimFunc of a schedule before any TIR pass (for inspection and tests). */
export function scheduleToPrimFunc(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): PrimFunc {
  if (!(s instanceof Schedule)) throw new Error(`lower: expects a schedule (te.createSchedule), got ${describe(s)}`);
  if (!Array.isArray(args)) throw new Error(`lower: args must be an array of tensors, buffers or variables, got ${describe(args)}`);
  const name = opts.name ?? "main";
  const sch = normalize(s);
  for (const st of sch.stages) if (st.op instanceof ExternOp) checkRegionMap(st.op);
  const bounds = inferBound(sch);
  const opaque = findOpaqueExternsUnderComputeAt(sch, bounds);
  if (opaque.length > 0) {
    const message = opaque.map((u) => u.message).join("\n");
    if (opts.strict) throw new Error(`lower (strict): ${message}`);
    (opts.onWarning ?? defaultWarning)(message);
  }
  const stmt = assertSplitFactorsPositive(sch, scheduleOps(sch, bounds));
  const { func } = schedulePostProcToPrimFunc(args, stmt, name, opts.binds);
  checkOutputsInArgs(s, args, opts.binds);
  return func;
}

export function lower(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): IRModule {
  let f = scheduleToPrimFunc(s, args, opts);
  for (const pass of lowerPasses(opts)) f = pass(f);
  const mod = new IRModule(new Map([[opts.name ?? "main", f]]));
  return opts.explain ? mod.withExplanation(explainBounds(s)) : mod;
}
