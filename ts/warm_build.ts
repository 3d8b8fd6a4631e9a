// build()'s warm path: a key computed from the schedule before lowering, so that building the
// same program, schedule and options again (in a new process too) loads the library the first
// build made without lowering, printing or hashing C. The key is the SHA-256 of the structural
// text of the schedule, the argument list and every lower and build option
// (schedule/structural_text.ts), the current PassContext's resolved options, opt level and
// disabled or required passes, the compiler flags as the compile driver resolves them
// (defaults, TEJIT_CFLAGS, target, cflags), the vector width the host passes use, the host
// CPU, the compiler (runtime/build_stamp.ts: command line, executables' stat records, gcc's
// environment) and tejit's own version and code. A hit is a record of the cache
// (runtime/schedule_cache.ts) naming a library that still matches its manifest; a miss builds
// on the source-keyed path and records the key. Not keyed (always the source-keyed path): a
// cache turned off (TEJIT_DISABLE_CACHE=1), the warm path turned off (TEJIT_SCHEDULE_CACHE=0),
// IR dumps, pass instruments, user passes (tir.add_lower_pass), debug logging, and programs the
// structural text cannot see (a function or an NDArray inside the program).

import { ConfigError } from "./errors.js";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type { BuildAndLowerOptions } from "./build.js";
import { targetFlags, withTirNames } from "./codegen/build_module.js";
import { log, logLevel, since } from "./log.js";
import { openCacheDir, trustedCacheDir } from "./runtime/cache_dir.js";
import { readOwnFile } from "./runtime/cache_entry.js";
import { compilerFlags, findCompiler } from "./runtime/compile.js";
import { codeStamp, compilerStamp, hostCpuStamp } from "./runtime/build_stamp.js";
import { loadCachedModule, type Module } from "./runtime/module.js";
import { flagList } from "./runtime/run_compiler.js";
import { lookupSchedule, recordSchedule } from "./runtime/schedule_cache.js";
import type { LowerArg } from "./schedule/postproc_to_primfunc.js";
import type { Schedule } from "./schedule/schedule.js";
import { structuralText, UnkeyableError } from "./schedule/structural_text.js";
import { PassContext } from "./transform/pass_context.js";

const KEY_FORMAT = "tejit-schedule-key-1";

/** A build's schedule key. */
export interface WarmKey {
  key: string;
}

/** Why a build is not keyed, or undefined when it can be. */
function notKeyable(opts: BuildAndLowerOptions, ctx: PassContext): string | undefined {
  if (process.env.TEJIT_DISABLE_CACHE === "1") return "the cache is off";
  if (process.env.TEJIT_SCHEDULE_CACHE === "0") return "TEJIT_SCHEDULE_CACHE=0";
  if (opts.dumpIr !== undefined) return "dumpIr asks for the passes to run";
  if ((opts.instruments?.length ?? 0) > 0 || ctx.instruments.length > 0) return "pass instruments watch the passes";
  if ((ctx.config["tir.add_lower_pass"]?.length ?? 0) > 0) return "user passes (tir.add_lower_pass) are functions";
  if (logLevel() === "debug") return "debug logging traces the passes";
  return undefined;
}

/** The schedule key of building `s` with `args` and `opts`; undefined when it cannot be keyed. */
export function warmKey(s: Schedule, args: LowerArg[], opts: BuildAndLowerOptions): WarmKey | undefined {
  const start = process.hrtime.bigint();
  const ctx = PassContext.current();
  const why = notKeyable(opts, ctx);
  if (why !== undefined) {
    log("debug", "schedule-key", `not keyed: ${why}`);
    return undefined;
  }
  const { onWarning: _, ...keyed } = opts;
  // ctx.with() resolves the options again, as lower() and build() do (TEJIT_BOUNDS_CHECK is read then).
  const context = { optLevel: ctx.optLevel, options: ctx.with({}).options, disabledPass: ctx.disabledPass, requiredPass: ctx.requiredPass, boundsCheckEnv: process.env.TEJIT_BOUNDS_CHECK };
  let text: string;
  try {
    text = structuralText([KEY_FORMAT, s, args, keyed, context]);
  } catch (e) {
    if (!(e instanceof UnkeyableError) && !(e instanceof RangeError)) throw e;
    log("info", "schedule-key", `not keyed: ${(e as Error).message}`);
    return undefined;
  }
  const compiler = findCompiler(opts.cc);
  const flags = compilerFlags({ cflags: [...targetFlags(opts.target), ...flagList(opts.cflags)] });
  const key = createHash("sha256")
    .update(text).update("\0")
    .update(codeStamp()).update("\0")
    .update(compilerStamp(compiler.argv)).update("\0")
    .update(flags.join("\0")).update("\0")
    // The host passes' vector width follows from the flags and the CPU (-march=native), both keyed.
    .update(`workarounds=${process.env.TEJIT_NO_COMPILER_WORKAROUNDS === "1" ? "off" : "on"}\0`)
    .update(hostCpuStamp())
    .digest("hex");
  log("debug", "schedule-key", key, since(start));
  return { key };
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

/** The C source at `path` when it is the one recorded; an Error otherwise. */
function readSource(path: string, digest: string): string {
  const bytes = readOwnFile(path);
  const text = bytes?.toString("utf8");
  if (text === undefined || sha256(text) !== digest) {
    throw new ConfigError(`Module.getSource: the C source of this cached build, ${path}, is ${text === undefined ? "missing from" : "not the one recorded in"} the compile cache; ` +
      "build again with TEJIT_SCHEDULE_CACHE=0 (or after `tejit cache clear`) to get it");
  }
  return text;
}

/** The loaded module of a recorded build with key `k`, or undefined (a miss). */
export function warmHit(k: WarmKey, opts: BuildAndLowerOptions): Module | undefined {
  const start = process.hrtime.bigint();
  const dir = trustedCacheDir();
  const hit = dir === undefined ? undefined : lookupSchedule(dir, k.key);
  if (hit === undefined) return undefined;
  const { record } = hit;
  const m = loadCachedModule(hit.lib, () => readSource(join(dir!, `${record.library}.c`), record.sourceSha256));
  for (const w of record.warnings) (opts.onWarning ?? emitOpaqueExternWarning)(w);
  log("info", "schedule-key", `cache hit ${hit.lib}`, since(start));
  return withTirNames(m, new Map(record.symbols));
}

/** What lower() does with a warning when no onWarning is given. */
export function emitOpaqueExternWarning(message: string): void {
  process.emitWarning(message, { code: "TEJIT_OPAQUE_EXTERN" });
}

/** Records that key `k` built `m` from `source` (when the library is in the cache directory). */
export function recordWarm(k: WarmKey, m: Module, source: string, symbols: ReadonlyMap<string, string>, warnings: readonly string[]): void {
  const file = m.libraryPath;
  const dir = openCacheDir();
  if (dirname(file) !== dir || !/^[0-9a-f]{64}\.so$/.test(file.slice(dir.length + 1))) return;
  recordSchedule(dir, k.key, {
    library: file.slice(dir.length + 1, -3),
    sourceSha256: sha256(source),
    symbols: [...symbols],
    warnings: [...warnings],
  });
}
