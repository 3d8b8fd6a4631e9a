// The compile driver: C source -> shared library, with a content-addressed cache.
// The compiler is `opts.cc`, else TEJIT_CC, else CC, else `cc` (a command line: "ccache gcc" works);
// flags are -O3 -march=native -ffp-contract=fast -fPIC -shared, then TEJIT_CFLAGS, then `opts.cflags` (later flags
// win, e.g. -O1), then any workaround the compiler probe finds necessary, with -I for tejit_abi.h
// and -lm. The cache (cache_dir.ts: private to the user, checked) names each library by a SHA-256
// of the source, the ABI header, the compiler's identity (path and --version output), the
// flags and, with -march=native, the host CPU (library_key.ts); a hit is used only when the library matches the digest recorded when it was built
// (cache_entry.ts), else it is rebuilt. Every file is written to a unique temporary name and
// renamed into place, so processes building the same source at once are safe.
// TEJIT_DISABLE_CACHE=1 builds in a fresh temporary directory instead. build()'s warm path
// (ts/warm_build.ts) adds `<schedule key>.sched.json` records naming these libraries.
import { ArgumentError, CompileError } from "../errors.js";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheDir, openCacheDir } from "./cache_dir.js";
import { manifestPath, storeLibrary, uniqueSuffix, verifyLibrary, writeFileAtomic } from "./cache_entry.js";
import { enforceCacheLimit, markUsed, startCacheUsage } from "./cache_index.js";
import { log, since } from "../log.js";
import { guardedLoadFlagSteps } from "./compiler_probe.js";
import { hostCpuStamp } from "./build_stamp.js";
import { type Addon, type RunJob, addonBinary } from "./addon_binary.js";
import { libraryKey } from "./library_key.js";
import { abiHeaderPath, nativeIncludeDir } from "./paths.js";
import {
  type Compiler, type CompilerRun, type Steps, chosenBy, compilerStep, compilerTimeoutMs, flagList, resolveExecutable, runStepsAsync, runStepsSync, splitWords,
} from "./run_compiler.js";

export { cacheDir } from "./cache_dir.js";
export type { Compiler } from "./run_compiler.js";

/** How the C compiler is chosen and what flags it gets. */
export interface CompileOptions {
  /** Compiler command line; overrides TEJIT_CC / CC. */
  cc?: string;
  /** Extra flags, after the defaults and TEJIT_CFLAGS (a string is split on whitespace). */
  cflags?: string | readonly string[];
}

/**
 * The flags every compile starts with, before TEJIT_CFLAGS and the options' cflags.
 * `-ffp-contract=fast` lets the compiler fuse a multiply and an add into one FMA across
 * statements (an accumulator updated by `acc = acc + a * b`): gcc does so by default in GNU C,
 * clang only within one expression; spelled out so every compiler does what the kernels are
 * written for (a later `-ffp-contract=off` in the cflags switches it off).
 */
export const DEFAULT_CFLAGS: readonly string[] = ["-O3", "-march=native", "-ffp-contract=fast", "-fPIC", "-shared"];

/** The C compiler to use. */
export function findCompiler(cc?: string): Compiler {
  const pick = (v: string | undefined, from: string): Compiler | undefined => {
    const argv = v === undefined ? [] : splitWords(v);
    return argv.length > 0 ? { argv, from } : undefined;
  };
  return pick(cc, "option") ?? pick(process.env.TEJIT_CC, "TEJIT_CC") ?? pick(process.env.CC, "CC") ?? { argv: ["cc"], from: "default" };
}

/** The flags a compile uses (without -I, -o and the source). */
export function compilerFlags(opts: CompileOptions = {}): string[] {
  return [...DEFAULT_CFLAGS, ...splitWords(process.env.TEJIT_CFLAGS ?? ""), ...flagList(opts.cflags)];
}

const identities = new Map<string, string>();

/**
 * The compiler's identity: its command line, the executable's path and its --version output
 * (cached per command line and path); an Error if it cannot run.
 */
export function compilerIdentity(c: Compiler): string {
  return runStepsSync(compilerIdentitySteps(c));
}

function identityKey(c: Compiler): { path: string; key: string } {
  const path = resolveExecutable(c.argv[0]) ?? c.argv[0];
  return { path, key: `${path}\0${c.argv.join("\0")}` };
}

/** What a `--version` run started early sees besides its command line: the environment and directory. */
function runContext(): string {
  return `${process.cwd()}\0${Object.entries(process.env).map(([k, v]) => `${k}=${v}`).join("\0")}`;
}

/** `--version` runs started by prefetchCompilerIdentity, by identity key. */
const prefetched = new Map<string, { job: RunJob; addon: Addon; context: string }>();

/**
 * Starts `<compiler> --version` on a thread of the addon's own when the compiler's identity is
 * not known in this process yet, so that the compile finds it done: build() calls this before
 * lowering, and the run overlaps lowering and C generation. Only a clean exit in the same
 * environment is used; anything else runs the command again on the ordinary path, which reports it.
 */
export function prefetchCompilerIdentity(c: Compiler): void {
  try {
    const { key } = identityKey(c);
    if (identities.has(key) || prefetched.has(key)) return;
    const addon = addonBinary();
    if (typeof addon.runBegin !== "function") return;
    prefetched.set(key, { job: addon.runBegin([...c.argv, "--version"], compilerTimeoutMs()), addon, context: runContext() });
  } catch {
    // no addon, a bad TEJIT_CC_TIMEOUT: the compile says so
  }
}

/** The outcome of a prefetched `--version` run of identity `key`, when it ended cleanly in the same environment. */
function takePrefetched(key: string): CompilerRun | undefined {
  const p = prefetched.get(key);
  if (p === undefined) return undefined;
  prefetched.delete(key);
  const o = p.addon.runEnd(p.job);
  if (o.error !== undefined || o.status !== 0 || o.signal !== null || o.timedOut || p.context !== runContext()) return undefined;
  return { status: 0, signal: null, output: `${o.stderr}${o.stdout}`.trim(), stdout: o.stdout };
}

function* compilerIdentitySteps(c: Compiler): Steps<string> {
  const { path, key } = identityKey(c);
  const known = identities.get(key);
  if (known !== undefined) return known;
  const r = takePrefetched(key) ?? (yield* compilerStep(c, ["--version"], "reporting its version"));
  if (r.status !== 0) throw new CompileError(`C compiler '${c.argv.join(" ")}' (chosen by ${chosenBy(c)}) failed to report its version (${r.status === null ? `killed by ${r.signal}` : `exit ${r.status}`}): ${r.output}`);
  const id = `${c.argv.join(" ")}\n${path}\n${r.stdout}`;
  identities.set(key, id);
  return id;
}

let compilerRuns = 0;
/** How many times this process has run the compiler on a source (cache misses). */
export function compilerRunCount(): number {
  return compilerRuns;
}

const tempDirs: string[] = [];
let cleanupHooked = false;
function freshTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tejit-"));
  tempDirs.push(dir);
  if (!cleanupHooked) {
    cleanupHooked = true;
    process.on("exit", () => {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/**
 * Compiles C source to a shared library and returns its path (from the cache when the same
 * source, compiler and flags were built before and the library still matches the digest recorded
 * when it was built). Compiler errors become an Error naming the source file and carrying the
 * compiler's message. Flags the compiler probe finds necessary (compiler_probe.ts) are appended.
 */
export function compileSource(cSource: string, opts: CompileOptions = {}): string {
  return runStepsSync(compileSteps(cSource, opts));
}

/**
 * compileSource without blocking the event loop: the compiler (and, the first time, its probe)
 * run as child processes awaited asynchronously, at most as many at once as there are cores.
 */
export function compileSourceAsync(cSource: string, opts: CompileOptions = {}): Promise<string> {
  return runStepsAsync(compileSteps(cSource, opts));
}

function* compileSteps(cSource: string, opts: CompileOptions): Steps<string> {
  if (typeof cSource !== "string") throw new ArgumentError(`compileSource: cSource must be a string, got ${typeof cSource}`);
  const compiler = findCompiler(opts.cc);
  const requested = compilerFlags(opts);
  const identity = yield* compilerIdentitySteps(compiler);
  const useCache = process.env.TEJIT_DISABLE_CACHE !== "1";
  const dir = useCache ? openCacheDir() : freshTempDir();
  const flags = [...requested, ...(yield* guardedLoadFlagSteps(compiler, identity, requested, useCache ? dir : undefined, dir))];
  const hash = libraryKey({
    abiHeader: readFileSync(abiHeaderPath()), compilerIdentity: identity, flags, cSource, hostCpu: hostCpuStamp,
  });
  const lib = join(dir, `${hash}.so`);
  if (useCache && verifyLibrary(lib)) {
    markUsed(manifestPath(lib));
    log("info", "compile", `cache hit ${lib}`);
    return lib;
  }
  const start = process.hrtime.bigint();

  const src = join(dir, `${hash}.c`);
  writeFileAtomic(src, cSource, 0o600);
  const tmpLib = `${lib}.${uniqueSuffix()}`;
  const usage = useCache ? startCacheUsage(dir) : undefined;
  compilerRuns++;
  const r = yield* compilerStep(compiler, [...flags, "-I", nativeIncludeDir(), "-o", tmpLib, src, "-lm"], `on ${src}`);
  const failed = (what: string, output: string): Error => {
    rmSync(tmpLib, { force: true });
    const err = new CompileError(`C compilation of ${src} failed (${compiler.argv.join(" ")} ${what}):\n${output}`);
    Object.assign(err, { sourcePath: src, compilerOutput: output });
    return err;
  };
  if (r.status !== 0) throw failed(r.status === null ? `was killed by ${r.signal}` : `exited with ${r.status}`, r.output);
  if (!storeLibrary(tmpLib, lib)) throw failed(`exited with 0 but wrote no library to ${tmpLib}`, r.output);
  log("info", "compile", `cache miss: ${compiler.argv.join(" ")} ${flags.join(" ")} ${src}`, since(start));
  if (useCache) enforceCacheLimit(dir, hash, usage);
  return lib;
}

/**
 * Removes every library, source, manifest, schedule-key record, probe verdict and leftover
 * temporary file from the cache; returns how many.
 */
export function clearCache(): number {
  const dir = cacheDir();
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) {
    // probe-XXXXXX: a probe's scratch directory left by a process killed while probing.
    if (/^(probe-)?[0-9a-f]{64}\.(so|c|json|sched\.json)(\..*\.tmp)?$/.test(f) || /^probe-[A-Za-z0-9]{6}$/.test(f)) {
      rmSync(join(dir, f), { force: true, recursive: true });
      n++;
    }
  }
  return n;
}
