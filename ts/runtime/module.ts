// Module: a loaded kernel library and the JS functions over its packed-ABI entry points.
// createModuleFromSource compiles C (through the cache) and loads it, which is what build() calls;
// loadModule loads a library exported earlier. Optional per-function parameter descriptions are
// embedded in the library as `const char __tejit_metadata[]` (JSON) so a loaded library keeps them.
import { ArgumentError } from "../errors.js";
import { copyFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { getAddon, callMeta, type KernelHandle, type LibraryHandle } from "./addon.js";
import { compileSource, compileSourceAsync, type CompileOptions } from "./compile.js";
import { argEncoder, encodeArgs, type FunctionInfo } from "./marshal.js";
import type { NDArray, TypedArray } from "./ndarray.js";
import { callbackErrorMark, callbackOrigin } from "./callback_errors.js";
import { log, since } from "../log.js";

export type { FunctionInfo, ParamInfo } from "./marshal.js";

/**
 * What a kernel takes: an NDArray for a tensor (or handle) parameter; a number, bigint or
 * boolean for a scalar; a string or null where a hand-written library's function takes one.
 */
export type KernelArg = NDArray<TypedArray> | number | bigint | boolean | string | null;

/**
 * A kernel as a JS function: call it with its arguments in the order of `build`'s argument list
 * (an NDArray a tensor, a number or bigint a scalar). It checks each argument against the
 * parameter descriptions (dtype, rank, shape) and throws an Error naming the argument when one
 * does not fit. It returns undefined for a kernel built by tejit (a hand-written library's
 * function may return a number, bigint or string). `callAsync` runs it off the JS thread.
 */
export interface PackedKernel {
  (...args: KernelArg[]): unknown;
  /**
   * Runs the kernel on a worker thread without blocking the event loop; same arguments and
   * checks as calling it.
   * @returns A promise of the kernel's return value.
   */
  callAsync(...args: KernelArg[]): Promise<unknown>;
  /** The function's name in the library. */
  readonly name: string;
}

/** Seconds per call of each repeat (each the mean of `number` calls), as TVM's ProfileResult. */
export interface TimeResult {
  /** Seconds a call, one entry a repeat (each the mean of `number` calls). */
  results: number[];
  /** The mean of `results`. */
  mean: number;
}

/** Options of {@link Module.timeEvaluator}. */
export interface TimeEvaluatorOptions {
  /** Calls per repeat (default 10). */
  number?: number;
  /** Repeats (default 1). */
  repeat?: number;
}

/** Metadata embedded in a library. */
export interface ModuleMetadata {
  /** Parameter descriptions by function name. */
  functions: Record<string, FunctionInfo>;
}

/** Options of createModuleFromSource: the compile options and the parameter descriptions to embed. */
export interface ModuleOptions extends CompileOptions {
  /** Parameter descriptions by function name (embedded in the library). */
  functions?: Record<string, FunctionInfo>;
}

/**
 * A loaded kernel library (TVM's runtime.Module): what `build` returns and `runtime.loadModule`
 * loads. `getFunction(name)` gives a kernel as a JS function, `exportLibrary(path)` saves the
 * shared library, `timeEvaluator(name)` times a kernel.
 *
 * @example
 * ```ts
 * const mod = build(s, [A, B, C], { name: "vadd" });
 * mod.getFunction("vadd")(a, b, c);
 * mod.exportLibrary("/tmp/vadd.so");
 * ```
 */
export class Module {
  readonly #lib: LibraryHandle;
  #source: string | (() => string);
  readonly #kernels = new Map<string, KernelHandle>();
  /** Path of the loaded shared library. */
  readonly libraryPath: string;
  /** The parameter descriptions embedded in the library (empty when it has none). */
  readonly metadata: ModuleMetadata;

  /** @internal Use createModuleFromSource or loadModule (`source` may be read when first asked for). */
  constructor(lib: LibraryHandle, libraryPath: string, source: string | (() => string), metadata: ModuleMetadata) {
    this.#lib = lib;
    this.libraryPath = libraryPath;
    this.#source = source;
    this.metadata = metadata;
  }

  #kernel(name: string): KernelHandle {
    if (typeof name !== "string" || name === "") throw new ArgumentError(`Module.getFunction: name must be a non-empty string, got ${describeValue(name)}`);
    if (name.includes("\0")) throw new ArgumentError(`Module.getFunction: the name ${JSON.stringify(name)} contains a NUL character, which would end it early in C (dlsym): remove the NUL`);
    let k = this.#kernels.get(name);
    if (!k) {
      try {
        k = getAddon().getFunction(this.#lib, name);
      } catch (e) {
        if (!/has no function/.test((e as Error).message)) throw e;
        const known = Object.keys(this.metadata.functions);
        throw new ArgumentError(`Module.getFunction: the module has no function '${name}'${known.length > 0 ? ` (its functions: ${known.join(", ")})` : ` (library ${this.libraryPath})`}`);
      }
      this.#kernels.set(name, k);
    }
    return k;
  }

  /** The packed function `name` as a JS function (an Error if the library has none). */
  getFunction(name: string): PackedKernel {
    const kernel = this.#kernel(name);
    const params = this.metadata.functions[name]?.params;
    const addon = getAddon();
    // The values handed to the addon, one array reused by every call of this kernel (a nested
    // call from a callback reuses it too: the outer call's values are already in native hands).
    // Emptied after each call so that it keeps no TypedArray alive.
    const values: unknown[] = [];
    const encode = argEncoder(name, params);
    // Imports read once (under tsx's CommonJS modules each use of an import is a getter call).
    const meta = callMeta;
    const errorMark = callbackErrorMark;
    const origin = callbackOrigin;
    const f = (...args: unknown[]): unknown => {
      const mark = errorMark();
      const n = args.length;
      try {
        const v = encode(args, meta, values);
        switch (n) {
          case 0: return addon.call(kernel);
          case 1: return addon.call(kernel, v[0]);
          case 2: return addon.call(kernel, v[0], v[1]);
          case 3: return addon.call(kernel, v[0], v[1], v[2]);
          case 4: return addon.call(kernel, v[0], v[1], v[2], v[3]);
          case 5: return addon.call(kernel, v[0], v[1], v[2], v[3], v[4]);
          case 6: return addon.call(kernel, v[0], v[1], v[2], v[3], v[4], v[5]);
          default: return addon.call(kernel, ...v.slice(0, n));
        }
      } catch (e) {
        throw origin(e, mark);
      } finally {
        for (let i = 0; i < n; i++) values[i] = undefined;
      }
    };
    const callAsync = (...args: unknown[]): Promise<unknown> => {
      const mark = callbackErrorMark();
      try {
        return addon.callAsync(kernel, ...encodeArgs(name, args, params, callMeta)).catch((e: unknown) => { throw callbackOrigin(e, mark); });
      } catch (e) {
        return Promise.reject(e);
      }
    };
    Object.defineProperty(f, "name", { value: name });
    return Object.assign(f, { callAsync }) as PackedKernel;
  }

  /** The C source the library was built from ("" for a library loaded from a file). */
  getSource(): string {
    if (typeof this.#source === "function") this.#source = this.#source();
    return this.#source;
  }

  /** Copies the shared library to `path`, for runtime.loadModule(path) later. */
  exportLibrary(path: string): void {
    if (typeof path !== "string" || path === "") throw new ArgumentError(`Module.exportLibrary: path must be a non-empty string, got ${describeValue(path)}`);
    const dir = dirname(resolve(path));
    if (!existsSync(dir)) throw new ArgumentError(`Module.exportLibrary: cannot write ${path}: its directory ${dir} does not exist`);
    copyFileSync(this.libraryPath, path);
  }

  /**
   * A function that runs `name` (after one warm-up call) `repeat` times `number` times and
   * returns the seconds per call of each repeat. The timing is done natively, around the kernel.
   */
  timeEvaluator(name: string, opts: TimeEvaluatorOptions = {}): (...args: KernelArg[]) => TimeResult {
    const number = opts.number ?? 10;
    const repeat = opts.repeat ?? 1;
    for (const [k, v] of [["number", number], ["repeat", repeat]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`timeEvaluator: ${k} must be a positive integer, got ${String(v)}`);
    }
    const kernel = this.#kernel(name);
    const params = this.metadata.functions[name]?.params;
    return (...args: unknown[]): TimeResult => {
      const results = getAddon().timeCall(kernel, number, repeat, ...encodeArgs(name, args, params, callMeta));
      return { results, mean: results.reduce((a, b) => a + b, 0) / results.length };
    };
  }
}

/** A wrong value as messages show it: '' for the empty string, else its type and value. */
function describeValue(v: unknown): string {
  return v === "" ? "''" : `${typeof v} ${String(v)}`;
}

function parseMetadata(json: string | null, path: string): ModuleMetadata {
  if (json === null) return { functions: {} };
  try {
    const m = JSON.parse(json) as Partial<ModuleMetadata>;
    return { functions: m.functions ?? {} };
  } catch (e) {
    throw new ArgumentError(`library ${path} has malformed __tejit_metadata: ${(e as Error).message}`);
  }
}

function open(path: string, source: string | (() => string)): Module {
  const start = process.hrtime.bigint();
  const addon = getAddon();
  const lib = addon.loadLibrary(path);
  log("info", "load", path, since(start));
  return new Module(lib, path, source, parseMetadata(addon.libraryMetadata(lib), path));
}

/** A C string literal for `s` (UTF-8; quotes, backslashes and non-printable bytes in octal). */
function cStringLiteral(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, "utf8")) {
    out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, "0")}`;
  }
  return out + '"';
}

/** The C definition of the metadata symbol for `functions`. */
export function metadataDefinition(functions: Record<string, FunctionInfo>): string {
  const json = JSON.stringify({ functions });
  return `\n/* tejit: parameter descriptions, read back by runtime.loadModule */\nconst char __tejit_metadata[] = ${cStringLiteral(json)};\n`;
}

/** The source with the metadata of `opts.functions` appended. */
function withMetadata(cSource: string, opts: ModuleOptions): string {
  if (!opts.functions) return cSource;
  if (cSource.includes("__tejit_metadata")) throw new ArgumentError("createModuleFromSource: the source already defines __tejit_metadata; do not pass `functions` too");
  return cSource + metadataDefinition(opts.functions);
}

/** Loads a library of the compile cache whose C source `source` gives when asked (build's warm path). */
export function loadCachedModule(path: string, source: () => string): Module {
  return open(path, source);
}

/** Compiles C source (cached) and loads it: what build() calls. */
export function createModuleFromSource(cSource: string, opts: ModuleOptions = {}): Module {
  return open(compileSource(withMetadata(cSource, opts), opts), cSource);
}

/** createModuleFromSource compiling without blocking the event loop: what buildAsync() calls. */
export async function createModuleFromSourceAsync(cSource: string, opts: ModuleOptions = {}): Promise<Module> {
  return open(await compileSourceAsync(withMetadata(cSource, opts), opts), cSource);
}

/** Loads a library written by Module.exportLibrary (or any library following the ABI). */
export function loadModule(path: string): Module {
  if (typeof path !== "string" || path === "") throw new ArgumentError(`loadModule: path must be a non-empty string, got ${describeValue(path)}`);
  if (path.includes("\0")) throw new ArgumentError(`loadModule: the path ${JSON.stringify(path)} contains a NUL character, which would end it early in C (dlopen): remove the NUL`);
  const abs = resolve(path);
  if (!existsSync(abs)) throw new ArgumentError(`loadModule: no such file ${abs}`);
  return open(abs, "");
}
