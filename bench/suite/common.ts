// Helpers the kernel files share: lazily made inputs, Runners for a tejit module and for plain
// JS, and the options every kernel file gets.
import type { Module } from "../../ts/runtime/module.js";
import type { NDArray } from "../../ts/runtime/ndarray.js";
import { setNumThreads } from "../../ts/runtime/threads.js";
import { inProcess } from "./inproc.js";
import type { Runner } from "./types.js";

/** What every kernel file's factory gets. */
export interface SuiteOptions {
  /** Smaller sizes where the full ones would take long (plain JS, build repeats). */
  quick: boolean;
  /** float32 lanes of the machine's vectors. */
  lanes: number;
}

/** `make()` called once, on first use. */
export function lazy<T>(make: () => T): () => T {
  let v: { value: T } | undefined;
  return () => (v ??= { value: make() }).value;
}

/** A Runner calling function `fn` of a tejit module on `args` (the last the output) on tejit's pool. */
export function tejitRunner(mod: Module, fn: string, args: NDArray[]): Runner {
  const f = mod.getFunction(fn);
  const out = args[args.length - 1];
  return { ...inProcess(() => f(...args), () => out.toTypedArray() as Float32Array, (t) => setNumThreads(t)), library: mod.libraryPath };
}

/** A Runner for a plain JS loop writing `out` (single-threaded). */
export function jsRunner(run: () => void, out: Float32Array): Runner {
  return inProcess(run, () => out);
}
