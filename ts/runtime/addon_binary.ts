// The native addon's binary (build/Release/tejit.node) as loaded, before the runtime is wired to
// it: what it exports, and loading it once per thread. Its pure functions (aligned allocation, a
// typed array's address, build stamps) are usable from here; calling kernels needs the wired
// addon of addon.ts (the trampoline's dispatcher, the registry's names). The split keeps the
// files the trampoline imports (ndarray, overlap) from importing the trampoline back.
import { ConfigError } from "../errors.js";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { addonBinaryPath, packageRoot } from "./paths.js";

/** Opaque handles owned by the addon. */
export type LibraryHandle = { readonly __tejitLibrary: unique symbol };
export type KernelHandle = { readonly __tejitKernel: unique symbol };
export type FileStampJob = { readonly __tejitFileStampJob: unique symbol };
export type CacheBytesJob = { readonly __tejitCacheBytesJob: unique symbol };
export type RunJob = { readonly __tejitRunJob: unique symbol };
/** How a command run by runBegin ended: its exit status or signal and output, or why it did not start. */
export type RunOutcome =
  | { error: string }
  | { error?: undefined; status: number | null; signal: number | null; timedOut: boolean; stdout: string; stderr: string };

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
  /** fileStamp(paths) started on a thread of its own; {@link Addon.fileStampEnd} waits for it. */
  fileStampBegin(paths: readonly string[]): FileStampJob;
  /** The stamp a {@link Addon.fileStampBegin} job computed (once a job). */
  fileStampEnd(job: FileStampJob): string;
  /** The bytes of a regular file of this user, not through a symlink; undefined otherwise (cache_entry.ts). */
  readOwnFile(path: string): Buffer | undefined;
  /** Sets a file's access and modification times to now; false when it cannot. */
  touchFile(path: string): boolean;
  /** The total size of the cache entries' files in a directory (what listCacheEntries counts); -1 when unreadable. */
  cacheBytes(dir: string): number;
  /** cacheBytes(dir) started on a thread of its own; {@link Addon.cacheBytesEnd} waits for it. */
  cacheBytesBegin(dir: string): CacheBytesJob;
  /** The size a {@link Addon.cacheBytesBegin} job found (once a job). */
  cacheBytesEnd(job: CacheBytesJob): number;
  /** Runs a command on a thread of its own (native/prefetch_run.cc); {@link Addon.runEnd} waits for it. */
  runBegin(argv: readonly string[], timeoutMs: number): RunJob;
  /** The outcome of a {@link Addon.runBegin} job (once a job). */
  runEnd(job: RunJob): RunOutcome;
  /** The CPU's identity and features as -march=native sees them (native/stamp.cc). */
  cpuStamp(): string;
  /** The executables a command line runs (found in PATH) with their stat records (native/stamp.cc). */
  commandStamp(argv: readonly string[]): string;
  readonly abiVersion: number;
}

/** Loads an addon binary (not wired to the runtime); a ConfigError explaining how to build it otherwise. */
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

let binary: Addon | undefined;

/** This thread's addon binary, loaded on first use and not wired (see getAddon in addon.ts). */
export function addonBinary(): Addon {
  binary ??= loadAddonFrom(addonBinaryPath());
  return binary;
}
