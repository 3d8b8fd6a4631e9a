// Loads the native addon (build/Release/tejit.node) on first use and wires it to the TypeScript
// runtime: the trampoline's dispatcher, the shared descriptor buffers, the registry's names
// (mirrored natively so kernels can look them up from any thread), and TEJIT_NUM_THREADS.
// A missing or broken build is a clear Error saying how to build it; nothing here is needed by
// NDArray or the registry, which work without the addon.
import { ConfigError } from "../errors.js";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { addonBinaryPath, packageRoot } from "./paths.js";
import { listGlobalFuncNames, onRegistryChange } from "./registry.js";
import { CALLBACK_META_LENGTH, makeDispatcher } from "./trampoline.js";

/** Opaque handles owned by the addon. */
export type LibraryHandle = { readonly __tejitLibrary: unique symbol };
export type KernelHandle = { readonly __tejitKernel: unique symbol };

export interface Addon {
  init(dispatch: (id: number, ...values: unknown[]) => unknown, callbackMeta: Float64Array, callMeta: Float64Array): void;
  declareFunc(name: string): number;
  setRegistered(name: string, registered: boolean): void;
  loadLibrary(path: string): LibraryHandle;
  libraryMetadata(lib: LibraryHandle): string | null;
  getFunction(lib: LibraryHandle, name: string): KernelHandle;
  call(kernel: KernelHandle, ...values: unknown[]): unknown;
  callAsync(kernel: KernelHandle, ...values: unknown[]): Promise<unknown>;
  timeCall(kernel: KernelHandle, number: number, repeat: number, ...values: unknown[]): number[];
  setNumThreads(n: number): boolean;
  getNumThreads(): number;
  noop(): void;
  callJsLoop(fn: (...a: unknown[]) => unknown, n: number, withArg: boolean): void;
  /** The address of a typed array's first byte (0 when it has none), for the overlap check. */
  dataAddress(data: ArrayBufferView): number;
  /** A zero-filled ArrayBuffer of `bytes` bytes whose memory is 64-byte aligned. */
  allocAligned(bytes: number): ArrayBuffer;
  /** The sorted stat records of the files at and under `paths` (native/stamp.cc). */
  fileStamp(paths: readonly string[]): string;
  /** The CPU's identity and features as -march=native sees them (native/stamp.cc). */
  cpuStamp(): string;
  /** The executables a command line runs (found in PATH) with their stat records (native/stamp.cc). */
  commandStamp(argv: readonly string[]): string;
  readonly abiVersion: number;
}

/** Capacity, in doubles, of the argument descriptors of one kernel call. */
export const CALL_META_LENGTH = 8192;
/** Argument descriptors of the current JS->kernel call, read by the addon. */
export const callMeta = new Float64Array(CALL_META_LENGTH);

let addon: Addon | undefined;

/** Loads an addon binary and initialises it; an Error explaining how to build it otherwise. */
export function loadAddonFrom(path: string): Addon {
  if (!existsSync(path)) {
    throw new ConfigError(`tejit's native addon is not built (no ${path}): run \`npm install\` or \`npx cmake-js compile\` in ${packageRoot()} (needs cmake and a C++ compiler)`);
  }
  let a: Addon;
  try {
    a = createRequire(import.meta.url)(path) as Addon;
  } catch (e) {
    throw new ConfigError(`tejit's native addon at ${path} failed to load (${(e as Error).message}): rebuild it with \`npx cmake-js rebuild\` in ${packageRoot()}`);
  }
  if (a.abiVersion !== 1 || typeof a.call !== "function") {
    throw new ConfigError(`tejit's native addon at ${path} is out of date: rebuild it with \`npx cmake-js rebuild\` in ${packageRoot()}`);
  }
  return a;
}

function numThreadsFromEnv(): number | undefined {
  const v = process.env.TEJIT_NUM_THREADS;
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`TEJIT_NUM_THREADS must be a positive integer, got '${v}'`);
  return n;
}

/** The initialised addon of this thread, loaded on first use. */
export function getAddon(): Addon {
  if (addon) return addon;
  const a = loadAddonFrom(addonBinaryPath());
  const names: string[] = [];
  const sync = (name: string, registered: boolean): void => {
    names[a.declareFunc(name)] = name;
    a.setRegistered(name, registered);
  };
  const callbackMeta = new Float64Array(CALLBACK_META_LENGTH);
  a.init(makeDispatcher(names, callbackMeta), callbackMeta, callMeta);
  const threads = numThreadsFromEnv();
  if (threads !== undefined) a.setNumThreads(threads);
  for (const name of listGlobalFuncNames()) sync(name, true);
  onRegistryChange((name, event) => sync(name, event === "register"));
  addon = a;
  return a;
}
