// build(): a schedule, an IRModule or a PrimFunc to a loaded Module whose functions JS calls
// directly. A schedule is lowered first (lower(s, args, {name})); then every function goes through
// the host passes (packed API, builtin lowering, intrinsic lowering), the C code generator, the
// compile driver (cached by source, compiler and flags) and the loader. getSource() returns the C.

import { guardStack } from "./stack_guard.js";
import { ArgumentError } from "./errors.js";
import { IRModule, PrimFunc } from "./ir/function.js";
import { describe } from "./ir/op.js";
import { checkLowerOptions, lowerForBuild, LOWER_OPTION_KEYS, runChecks, type LowerOptions } from "./lower.js";
import type { Module } from "./runtime/module.js";
import type { LowerArg } from "./schedule/postproc_to_primfunc.js";
import { Schedule } from "./schedule/schedule.js";
import { type BuildOptions, generateC, targetFlags, withTirNames } from "./codegen/build_module.js";
import { createModuleFromSource, createModuleFromSourceAsync } from "./runtime/module.js";
import { flagList } from "./runtime/run_compiler.js";
import { findCompiler, prefetchCompilerIdentity } from "./runtime/compile.js";
import { emitOpaqueExternWarning, recordWarm, type WarmKey, warmHit, warmKey } from "./warm_build.js";

export type { BuildOptions } from "./codegen/build_module.js";

/** Options of build(): code generation and compilation, plus lower()'s when given a schedule. */
export type BuildAndLowerOptions = BuildOptions & Omit<LowerOptions, "name">;

/** The options build() itself reads (besides lower()'s, which it passes on). */
const BUILD_OPTION_KEYS = ["cc", "cflags", "target", "metadata", "maxStackBytes", "vectorBytes"];

/** Refuses unknown options and options of the wrong type. */
function checkBuildOptions(opts: BuildAndLowerOptions): void {
  checkLowerOptions(opts, "build", [...LOWER_OPTION_KEYS, ...BUILD_OPTION_KEYS]);
  if (opts.cc !== undefined && typeof opts.cc !== "string") throw new ArgumentError(`build: option cc must be a compiler command line (a string), got ${describe(opts.cc)}`);
  const flags: unknown = opts.cflags;
  if (flags !== undefined && typeof flags !== "string" && !(Array.isArray(flags) && flags.every((f) => typeof f === "string"))) {
    throw new ArgumentError(`build: option cflags must be a string or an array of strings, got ${Array.isArray(flags) ? `an array holding ${describe(flags.find((f) => typeof f !== "string"))}` : describe(flags)}`);
  }
  if (opts.metadata !== undefined && typeof opts.metadata !== "boolean") throw new ArgumentError(`build: option metadata must be true or false, got ${describe(opts.metadata)}`);
}

/** The IRModule build() compiles: a schedule lowered, an IRModule as is, a PrimFunc wrapped. */
function toModule(s: Schedule | IRModule | PrimFunc, args: LowerArg[] | undefined, opts: BuildAndLowerOptions): IRModule {
  checkBuildOptions(opts);
  const name = opts.name ?? "main";
  if (s instanceof Schedule) {
    if (!Array.isArray(args)) throw new ArgumentError(`build: building a schedule needs the argument list (tensors), got ${describe(args)}`);
    const lowerOpts = Object.fromEntries(Object.entries(opts).filter(([k]) => LOWER_OPTION_KEYS.includes(k)));
    return lowerForBuild(s, args, { ...lowerOpts, name });
  }
  // A module or function built directly gets lower()'s run-time checks too (idempotent).
  const checked = (m: IRModule) => runChecks(m, opts);
  if (s instanceof IRModule) return checked(s);
  if (s instanceof PrimFunc) {
    const f = s.name === undefined ? s.withAttr("global_symbol", name) : s;
    return checked(new IRModule(new Map([[f.name!, f]])));
  }
  throw new ArgumentError(`build: expects a schedule (te.createSchedule), an IRModule (lower) or a PrimFunc, got ${describe(s)}`);
}

/**
 * Lowers (for a schedule), generates C, compiles (cached) and loads: a Module of callable
 * kernels (TVM's tvm.build). The compile blocks the thread while the C compiler runs (a cache
 * hit does not compile); {@link buildAsync} does not.
 * @param s A schedule (lowered with `args` and the lower options in `opts`), or an IRModule
 * or PrimFunc already lowered.
 * @param args For a schedule, the kernel's parameters in order (as lower takes them).
 * @param opts The function's name ("main" by default), the lower options, and the compiler,
 * flags and target.
 * @returns The loaded module; `getFunction(name)` is the kernel.
 * @throws Error when lowering fails, or the compiler is missing, fails (with its output) or
 * times out.
 * @example
 * ```ts
 * const n = 1024;
 * const A = te.placeholder([n], "float32", "A");
 * const B = te.placeholder([n], "float32", "B");
 * const C = te.compute([n], (i) => A.at(i).add(B.at(i)), "C");
 * const s = te.createSchedule(C.op);
 * const vadd = build(s, [A, B, C], { name: "vadd" }).getFunction("vadd");
 * const a = nd.array(new Float32Array(n).fill(1)), b = nd.array(new Float32Array(n).fill(2));
 * const c = nd.empty([n]);
 * vadd(a, b, c); // c.get([0]) === 3
 * ```
 */
export function build(s: Schedule | IRModule | PrimFunc, args?: LowerArg[], opts: BuildAndLowerOptions = {}): Module {
  const p = guardStack("build", () => prepare(s, args, opts));
  if (p.hit) return p.hit;
  const { source, symbols } = guardStack("build", () => generateC(p.mod, opts));
  return p.done(createModuleFromSource(source, compileOptions(opts)), source, symbols);
}

/** The flags and compiler of the compile driver for build's options. */
function compileOptions(opts: BuildOptions) {
  return { cc: opts.cc, cflags: [...targetFlags(opts.target), ...flagList(opts.cflags)] };
}

type Prepared =
  | { hit: Module; mod?: undefined; done?: undefined }
  | { hit?: undefined; mod: IRModule; done: (m: Module, source: string, symbols: ReadonlyMap<string, string>) => Module };

/**
 * build's first half: the warm path's hit (a schedule whose key is recorded), or the IRModule to
 * generate C for and what to do with the loaded module (record the key, name the functions).
 */
function prepare(s: Schedule | IRModule | PrimFunc, args: LowerArg[] | undefined, opts: BuildAndLowerOptions): Prepared {
  checkBuildOptions(opts);
  let key: WarmKey | undefined;
  const warnings: string[] = [];
  let lowerOpts = opts;
  if (s instanceof Schedule && Array.isArray(args)) {
    key = warmKey(s, args, opts);
    if (key) {
      const hit = warmHit(key, opts);
      if (hit) return { hit };
      const forward = opts.onWarning ?? emitOpaqueExternWarning;
      lowerOpts = { ...opts, onWarning: (m: string) => { warnings.push(m); forward(m); } };
    }
  }
  // A cold build: the compiler's --version (its identity) runs while lowering and C generation do.
  prefetchCompilerIdentity(findCompiler(opts.cc));
  const mod = toModule(s, args, lowerOpts);
  return {
    mod,
    done: (m, source, symbols) => {
      if (key) recordWarm(key, m, source, symbols, warnings);
      return withTirNames(m, symbols);
    },
  };
}

/**
 * build() without blocking the event loop while the C compiler runs: the same arguments, a
 * Promise of the Module. Lowering and code generation still run on the calling thread (they
 * take milliseconds); the compiler runs as a child process that is awaited, and several
 * buildAsync calls compile at once, up to the number of cores.
 * @param s A schedule, or an IRModule or PrimFunc already lowered (as build takes them).
 * @param args For a schedule, the kernel's parameters in order.
 * @param opts As build's.
 * @returns A promise of the loaded module; it rejects with build()'s errors.
 * @example
 * ```ts
 * const [m1, m2] = await Promise.all([
 *   buildAsync(s1, [A, B], { name: "f1" }),
 *   buildAsync(s2, [A, C], { name: "f2" }),
 * ]);
 * m1.getFunction("f1")(a, b);
 * ```
 */
export function buildAsync(s: Schedule | IRModule | PrimFunc, args?: LowerArg[], opts: BuildAndLowerOptions = {}): Promise<Module> {
  try {
    const p = guardStack("buildAsync", () => prepare(s, args, opts));
    if (p.hit) return Promise.resolve(p.hit);
    const { source, symbols } = guardStack("buildAsync", () => generateC(p.mod, opts));
    return createModuleFromSourceAsync(source, compileOptions(opts)).then((m) => p.done(m, source, symbols));
  } catch (e) {
    return Promise.reject(e);
  }
}
