// The native addon wired to the TypeScript runtime on first use (addon_binary.ts loads the
// binary): the trampoline's dispatcher, the shared descriptor buffers, the registry's names
// (mirrored natively so kernels can look them up from any thread), and TEJIT_NUM_THREADS.
// A missing or broken build is a clear ConfigError saying how to build it; nothing here is needed
// by NDArray or the registry, which work without the addon.
import { ConfigError } from "../errors.js";
import { type Addon, addonBinary } from "./addon_binary.js";
import { listGlobalFuncNames, onRegistryChange } from "./registry.js";
import { CALLBACK_META_LENGTH, makeDispatcher } from "./trampoline.js";

/** Capacity, in doubles, of the argument descriptors of one kernel call. */
export const CALL_META_LENGTH = 8192;
/** Argument descriptors of the current JS->kernel call, read by the addon. */
export const callMeta = new Float64Array(CALL_META_LENGTH);

export { type Addon, type KernelHandle, type LibraryHandle, loadAddonFrom } from "./addon_binary.js";

let addon: Addon | undefined;

/** The largest thread pool tejit starts: far above any core count, far below what exhausts the process. */
export const MAX_NUM_THREADS = 1024;

function numThreadsFromEnv(): number | undefined {
  const v = process.env.TEJIT_NUM_THREADS;
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`TEJIT_NUM_THREADS must be a positive integer, got '${v}'`);
  if (n > MAX_NUM_THREADS) throw new ConfigError(`TEJIT_NUM_THREADS must be at most ${MAX_NUM_THREADS}, got '${v}'`);
  return n;
}

/** The initialised addon of this thread, loaded on first use. */
export function getAddon(): Addon {
  if (addon) return addon;
  const threads = numThreadsFromEnv(); // before init: a bad value must fail the same way on every use
  const a = addonBinary();
  const names: string[] = [];
  const sync = (name: string, registered: boolean): void => {
    names[a.declareFunc(name)] = name;
    a.setRegistered(name, registered);
  };
  const callbackMeta = new Float64Array(CALLBACK_META_LENGTH);
  a.init(makeDispatcher(names, callbackMeta), callbackMeta, callMeta);
  if (threads !== undefined) a.setNumThreads(threads);
  for (const name of listGlobalFuncNames()) sync(name, true);
  onRegistryChange((name, event) => sync(name, event === "register"));
  addon = a;
  return a;
}
