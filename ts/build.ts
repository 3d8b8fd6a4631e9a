// build(): a schedule, an IRModule or a PrimFunc to a loaded Module whose functions JS calls
// directly. A schedule is lowered first (lower(s, args, {name})); then every function goes through
// the host passes (packed API, builtin lowering, intrinsic lowering), the C code generator, the
// compile driver (cached by source, compiler and flags) and the loader. getSource() returns the C.

import { IRModule, PrimFunc } from "./ir/function.js";
import { describe } from "./ir/op.js";
import { checkLowerOptions, lower, LOWER_OPTION_KEYS, type LowerOptions } from "./lower.js";
import type { Module } from "./runtime/module.js";
import type { LowerArg } from "./schedule/postproc_to_primfunc.js";
import { Schedule } from "./schedule/schedule.js";
import { type BuildOptions, buildModule } from "./codegen/build_module.js";

export type { BuildOptions } from "./codegen/build_module.js";

/** Options of build(): code generation and compilation, plus lower()'s when given a schedule. */
export type BuildAndLowerOptions = BuildOptions & Omit<LowerOptions, "name">;

/** The options build() itself reads (besides lower()'s, which it passes on). */
const BUILD_OPTION_KEYS = ["cc", "cflags", "target", "metadata", "maxStackBytes", "vectorBytes"];

export function build(s: Schedule | IRModule | PrimFunc, args?: LowerArg[], opts: BuildAndLowerOptions = {}): Module {
  checkLowerOptions(opts, "build", [...LOWER_OPTION_KEYS, ...BUILD_OPTION_KEYS]);
  const name = opts.name ?? "main";
  if (opts.cc !== undefined && typeof opts.cc !== "string") throw new Error(`build: option cc must be a compiler command line (a string), got ${describe(opts.cc)}`);
  const flags: unknown = opts.cflags;
  if (flags !== undefined && typeof flags !== "string" && !(Array.isArray(flags) && flags.every((f) => typeof f === "string"))) {
    throw new Error(`build: option cflags must be a string or an array of strings, got ${Array.isArray(flags) ? `an array holding ${describe(flags.find((f) => typeof f !== "string"))}` : describe(flags)}`);
  }
  if (opts.metadata !== undefined && typeof opts.metadata !== "boolean") throw new Error(`build: option metadata must be true or false, got ${describe(opts.metadata)}`);
  let mod: IRModule;
  if (s instanceof Schedule) {
    if (!Array.isArray(args)) throw new Error(`build: building a schedule needs the argument list (tensors), got ${describe(args)}`);
    const lowerOpts = Object.fromEntries(Object.entries(opts).filter(([k]) => LOWER_OPTION_KEYS.includes(k)));
    mod = lower(s, args, { ...lowerOpts, name });
  } else if (s instanceof IRModule) {
    mod = s;
  } else if (s instanceof PrimFunc) {
    const f = s.name === undefined ? s.withAttr("global_symbol", name) : s;
    mod = new IRModule(new Map([[f.name!, f]]));
  } else {
    throw new Error(`build: expects a schedule (te.createSchedule), an IRModule (lower) or a PrimFunc, got ${describe(s)}`);
  }
  return buildModule(mod, opts);
}
