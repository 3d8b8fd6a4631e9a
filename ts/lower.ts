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
import { removeNoOp } from "./transform/remove_no_op.js";
import { simplifyPass } from "./transform/simplify.js";
import { storageFlatten } from "./transform/storage_flatten.js";
import { storageRewrite } from "./transform/storage_rewrite.js";

export interface LowerOptions {
  /** The function's name (its global symbol). */
  name?: string;
  /** Buffers to use for given tensors (instead of fresh compact ones). */
  binds?: Map<Tensor, Buffer>;
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
  const bounds = inferBound(sch);
  const stmt = scheduleOps(sch, bounds);
  return schedulePostProcToPrimFunc(args, stmt, name, opts.binds).func;
}

export function lower(s: Schedule, args: LowerArg[], opts: LowerOptions = {}): IRModule {
  let f = scheduleToPrimFunc(s, args, opts);
  for (const pass of LOWER_PASSES) f = pass(f);
  return new IRModule(new Map([[opts.name ?? "main", f]]));
}
