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
import { type BuildOptions, buildModule } from "./codegen/build_module.js";
import { boundsCheckWanted, instrumentBoundChecks } from "./transform/instrument_bound_checks.js";
import { insertDivisionChecks } from "./transform/check_division.js";

export type { BuildOptions } from "./codegen/build_module.js";

/** Options of build(): code generation and compilation, plus lower()'s when given a schedule. */
export type BuildAndLowerOptions = BuildOptions & Omit<LowerOptions, "name">;

export function build(s: Schedule | IRModule | PrimFunc, args?: LowerArg[], opts: BuildAndLowerOptions = {}): Module {
  if (opts === null || typeof opts !== "object") throw new Error(`build: options must be an object, got ${describe(opts)}`);
  const name = opts.name ?? "main";
  if (typeof name !== "string" || name === "") throw new Error(`build: name must be a non-empty string, got ${describe(name)}`);
  let mod: IRModule;
  if (s instanceof Schedule) {
    if (!Array.isArray(args)) throw new Error(`build: building a schedule needs the argument list (tensors), got ${describe(args)}`);
    mod = lower(s, args, { ...opts, name });
  } else if (s instanceof IRModule) {
    mod = s.map((f) => insertDivisionChecks(boundsCheckWanted(opts.boundsCheck) ? instrumentBoundChecks(f) : f));
  } else if (s instanceof PrimFunc) {
    const f = s.name === undefined ? s.withAttr("global_symbol", name) : s;
    mod = new IRModule(new Map([[f.name!, insertDivisionChecks(boundsCheckWanted(opts.boundsCheck) ? instrumentBoundChecks(f) : f)]]));
  } else {
    throw new Error(`build: expects a schedule (te.createSchedule), an IRModule (lower) or a PrimFunc, got ${describe(s)}`);
  }
  return buildModule(mod, opts);
}
