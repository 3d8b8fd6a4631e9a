// lower(): a schedule to an IRModule, through TVM's lowering order: normalize, bound inference,
// schedule-ops, buffers for tensors, then the TIR passes (flatten, simplify, storage rewrite,
// simplify, remove no-ops).

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
}

function defaultWarning(message: string): void {
  process.emitWarning(message, { code: "TEJIT_OPAQUE_EXTERN" });
}

export type Pass = (f: PrimFunc) => PrimFunc;

/** The TIR passes lower() runs after schedule-ops, in order. */
export const LOWER_PASSES: readonly Pass[] = [storageFlatten, simplifyPass, storageRewrite, simplifyPass, removeNoOp];

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

export function lower(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): IRModule {
  let f = scheduleToPrimFunc(s, args, opts);
  for (const pass of LOWER_PASSES) f = pass(f);
  const mod = new IRModule(new Map([[opts.name ?? "main", f]]));
  return opts.explain ? mod.withExplanation(explainBounds(s)) : mod;
}
