// build(): a schedule, an IRModule or a PrimFunc to a loaded Module whose functions JS calls
// directly. A schedule is lowered first (lower(s, args, {name})); then every function goes through
// the host passes (packed API, builtin lowering, intrinsic lowering), the C code generator, the
// compile driver (cached by source, compiler and flags) and the loader. getSource() returns the C.

import { IRModule, PrimFunc } from "./ir/function.js";
import { describe } from "./ir/op.js";
import { lower, type LowerOptions } from "./lower.js";
import type { Module } from "./runtime/module.js";
import type { LowerArg } from "./schedule/postproc_to_primfunc.js";
import { Schedule } from "./schedule/schedule.js";
import { type BuildOptions, buildModule, buildModuleAsync } from "./codegen/build_module.js";

export type { BuildOptions } from "./codegen/build_module.js";

/** Options of build(): code generation and compilation, plus lower()'s when given a schedule. */
export type BuildAndLowerOptions = BuildOptions & Omit<LowerOptions, "name">;

/** The IRModule build() compiles: a schedule lowered, an IRModule as is, a PrimFunc wrapped. */
function toModule(s: Schedule | IRModule | PrimFunc, args: LowerArg[] | undefined, opts: BuildAndLowerOptions): IRModule {
  if (opts === null || typeof opts !== "object") throw new Error(`build: options must be an object, got ${describe(opts)}`);
  const name = opts.name ?? "main";
  if (typeof name !== "string" || name === "") throw new Error(`build: name must be a non-empty string, got ${describe(name)}`);
  if (s instanceof Schedule) {
    if (!Array.isArray(args)) throw new Error(`build: building a schedule needs the argument list (tensors), got ${describe(args)}`);
    return lower(s, args, { ...opts, name });
  }
  if (s instanceof IRModule) return s;
  if (s instanceof PrimFunc) {
    const f = s.name === undefined ? s.withAttr("global_symbol", name) : s;
    return new IRModule(new Map([[f.name!, f]]));
  }
  throw new Error(`build: expects a schedule (te.createSchedule), an IRModule (lower) or a PrimFunc, got ${describe(s)}`);
}

/** Lowers (for a schedule), generates C, compiles (cached) and loads: a Module of callable kernels. */
export function build(s: Schedule | IRModule | PrimFunc, args?: LowerArg[], opts: BuildAndLowerOptions = {}): Module {
  return buildModule(toModule(s, args, opts), opts);
}

/**
 * build() without blocking the event loop while the C compiler runs: the same arguments, a
 * Promise of the Module. Lowering and code generation still run on the calling thread (they
 * take milliseconds); the compiler runs as a child process that is awaited, and several
 * buildAsync calls compile at once, up to the number of cores.
 */
export function buildAsync(s: Schedule | IRModule | PrimFunc, args?: LowerArg[], opts: BuildAndLowerOptions = {}): Promise<Module> {
  try {
    return buildModuleAsync(toModule(s, args, opts), opts);
  } catch (e) {
    return Promise.reject(e);
  }
}
