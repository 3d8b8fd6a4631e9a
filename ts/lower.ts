// lower(): a schedule to an IRModule, through TVM's lowering order: normalize, bound inference,
// schedule-ops, buffers for tensors, then the TIR passes of transform/pipeline.ts (storage
// flatten, simplify, loop partition, vectorize, storage rewrite, unroll, simplify, remove no-ops,
// and user passes by phase), under the current PassContext with lower()'s options over its
// config (see docs/passes.md).

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
import { lowerPipeline } from "./transform/pipeline.js";
import { PassContext, type PassContextConfig } from "./transform/pass_context.js";
import { DumpIR, type PassInstrument } from "./transform/instrument.js";
import { log, logLevel, PassLogInstrument, since } from "./log.js";

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
  /** Write the IR after schedule-ops and after each pass to this directory (DumpIR). */
  dumpIr?: string;
  /** More pass instruments, after the current PassContext's. */
  instruments?: readonly PassInstrument[];
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

/** The PassContext config lower()'s options set. */
export function passConfig(opts: LowerOptions): PassContextConfig {
  for (const k of ["autoUnrollMaxStep", "autoUnrollMaxDepth", "autoUnrollMaxExtent"] as const) checkOptionalCount(k, opts[k]);
  return {
    simpleMode: opts.simpleMode,
    partitionConstLoop: opts.partitionConstLoop,
    disableVectorize: opts.disableVectorize,
    autoUnrollMaxStep: opts.autoUnrollMaxStep,
    autoUnrollMaxDepth: opts.autoUnrollMaxDepth,
    autoUnrollMaxExtent: opts.autoUnrollMaxExtent,
    unrollExplicit: opts.unrollExplicit,
  };
}

/** The context lower() runs its passes under: the current one with `opts` over its config. */
export function lowerContext(opts: LowerOptions = {}, instruments: readonly PassInstrument[] = []): PassContext {
  const extra = [...(opts.instruments ?? []), ...instruments];
  if (logLevel() === "debug") extra.push(new PassLogInstrument());
  return PassContext.current().with(passConfig(opts), extra);
}

/** Runs lower()'s pipeline (transform/pipeline.ts) on `mod` under lowerContext(opts, instruments). */
export function runLowerPipeline(mod: IRModule, opts: LowerOptions = {}, instruments: readonly PassInstrument[] = []): IRModule {
  const ctx = lowerContext(opts, instruments);
  return lowerPipeline(ctx)(mod, ctx);
}

/** The TIR passes lower() runs after schedule-ops, in order, as PrimFunc functions (for tests). */
export function lowerPasses(opts: LowerOptions = {}): Pass[] {
  const ctx = lowerContext(opts);
  return lowerPipeline(ctx).passes.map((p) => (f: PrimFunc) => p(new IRModule(new Map([["f", f]])), ctx).get("f"));
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
  const stmt = scheduleOps(sch, bounds);
  return schedulePostProcToPrimFunc(args, stmt, name, opts.binds).func;
}

/** Lowers a schedule to an IRModule of one PrimFunc named `opts.name` (TVM's tvm.lower). */
export function lower(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): IRModule {
  const start = process.hrtime.bigint();
  const name = opts.name ?? "main";
  const dump = opts.dumpIr === undefined ? undefined : new DumpIR(opts.dumpIr);
  let mod = new IRModule(new Map([[name, scheduleToPrimFunc(s, args, opts)]]));
  log("debug", "lower", `schedule-ops of '${name}'`, since(start));
  dump?.dump("schedule_ops", mod);
  mod = runLowerPipeline(mod, opts, dump ? [dump] : []);
  log("info", "lower", `'${name}'`, since(start));
  return opts.explain ? mod.withExplanation(explainBounds(s)) : mod;
}
