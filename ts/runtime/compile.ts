// The compile driver: C source -> shared library, with a content-addressed cache.
// The compiler is `opts.cc`, else TEJIT_CC, else CC, else `cc` (a command line: "ccache gcc" works);
// flags are -O3 -march=native -fPIC -shared, then TEJIT_CFLAGS, then `opts.cflags` (later flags
// win, e.g. -O1), with -I for tejit_abi.h and -lm. The cache (TEJIT_CACHE_DIR, else
// $XDG_CACHE_HOME/tejit, else ~/.cache/tejit) names each library by a SHA-256 of the source, the
// ABI header, the compiler's identity (its --version output) and the flags; every file is written
// to a unique temporary name and renamed into place, so processes building the same source at
// once are safe. TEJIT_DISABLE_CACHE=1 builds in a fresh temporary directory instead.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { abiHeaderPath, nativeIncludeDir } from "./paths.js";

export interface CompileOptions {
  /** Compiler command line; overrides TEJIT_CC / CC. */
  cc?: string;
  /** Extra flags, after the defaults and TEJIT_CFLAGS. */
  cflags?: string | readonly string[];
}

export const DEFAULT_CFLAGS: readonly string[] = ["-O3", "-march=native", "-fPIC", "-shared"];

export interface Compiler {
  /** Executable and its leading arguments. */
  argv: string[];
  /** Where it came from: "option", "TEJIT_CC", "CC" or "default". */
  from: string;
}

function splitWords(s: string): string[] {
  return s.split(/\s+/).filter((w) => w.length > 0);
}

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
  const extra = opts.cflags === undefined ? [] : typeof opts.cflags === "string" ? splitWords(opts.cflags) : [...opts.cflags];
  return [...DEFAULT_CFLAGS, ...splitWords(process.env.TEJIT_CFLAGS ?? ""), ...extra];
}

/** The cache directory (not created). */
export function cacheDir(): string {
  if (process.env.TEJIT_CACHE_DIR) return process.env.TEJIT_CACHE_DIR;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, "tejit");
  return join(homedir(), ".cache", "tejit");
}

function missingCompiler(c: Compiler): Error {
  return new Error(`C compiler '${c.argv[0]}' not found (chosen by ${c.from === "default" ? "default" : c.from === "option" ? "the cc option" : `$${c.from}`}): install gcc or clang, or set TEJIT_CC to a C compiler`);
}

const identities = new Map<string, string>();

/** The compiler's --version output (cached per command line); an Error if it cannot run. */
export function compilerIdentity(c: Compiler): string {
  const key = c.argv.join("\0");
  const known = identities.get(key);
  if (known !== undefined) return known;
  const r = spawnSync(c.argv[0], [...c.argv.slice(1), "--version"], { encoding: "utf8" });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === "ENOENT") throw missingCompiler(c);
    throw new Error(`cannot run C compiler '${c.argv.join(" ")}': ${r.error.message}`);
  }
  if (r.status !== 0) throw new Error(`C compiler '${c.argv.join(" ")}' failed to report its version (${r.status === null ? `killed by ${r.signal}` : `exit ${r.status}`}): ${r.stderr.trim()}`);
  const id = `${c.argv.join(" ")}\n${r.stdout}`;
  identities.set(key, id);
  return id;
}

let compilerRuns = 0;
/** How many times this process has run the compiler on a source (cache misses). */
export function compilerRunCount(): number {
  return compilerRuns;
}

function uniqueSuffix(): string {
  return `${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
}

/** Writes a file atomically: a unique temporary name, then rename. */
function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${uniqueSuffix()}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
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
 * source, compiler and flags were built before). Compiler errors become an Error naming the
 * source file and carrying the compiler's message.
 */
export function compileSource(cSource: string, opts: CompileOptions = {}): string {
  if (typeof cSource !== "string") throw new Error(`compileSource: cSource must be a string, got ${typeof cSource}`);
  const compiler = findCompiler(opts.cc);
  const flags = compilerFlags(opts);
  const identity = compilerIdentity(compiler);
  const hash = createHash("sha256")
    .update("tejit-abi-1\0")
    .update(readFileSync(abiHeaderPath()))
    .update("\0")
    .update(identity)
    .update("\0")
    .update(flags.join("\0"))
    .update("\0")
    .update(cSource)
    .digest("hex");
  const useCache = process.env.TEJIT_DISABLE_CACHE !== "1";
  const dir = useCache ? resolve(cacheDir()) : freshTempDir();
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`cannot create the tejit cache directory ${dir} (${(e as Error).message}): set TEJIT_CACHE_DIR to a writable directory, or TEJIT_DISABLE_CACHE=1`);
  }
  const lib = join(dir, `${hash}.so`);
  if (useCache && existsSync(lib)) return lib;

  const src = join(dir, `${hash}.c`);
  writeAtomic(src, cSource);
  const tmpLib = `${lib}.${uniqueSuffix()}`;
  const args = [...compiler.argv.slice(1), ...flags, "-I", nativeIncludeDir(), "-o", tmpLib, src, "-lm"];
  compilerRuns++;
  const r = spawnSync(compiler.argv[0], args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === "ENOENT") throw missingCompiler(compiler);
    throw new Error(`cannot run C compiler '${compiler.argv.join(" ")}' on ${src}: ${r.error.message}`);
  }
  if (r.status !== 0) {
    try { unlinkSync(tmpLib); } catch { /* the compiler wrote nothing */ }
    const msg = `${r.stderr}${r.stdout}`.trim();
    const err = new Error(`C compilation of ${src} failed (${compiler.argv.join(" ")} exited with ${r.status ?? r.signal}):\n${msg}`);
    Object.assign(err, { sourcePath: src, compilerOutput: msg });
    throw err;
  }
  if (!existsSync(tmpLib)) throw new Error(`C compiler '${compiler.argv.join(" ")}' exited with 0 but wrote no library ${lib} from ${src}`);
  renameSync(tmpLib, lib);
  return lib;
}

/** Removes every library, source and leftover temporary file from the cache; returns how many. */
export function clearCache(): number {
  const dir = cacheDir();
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (/^[0-9a-f]{64}\.(so|c)(\..*\.tmp)?$/.test(f)) {
      rmSync(join(dir, f), { force: true });
      n++;
    }
  }
  return n;
}
