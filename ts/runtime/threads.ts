// The size of the addon's thread pool (parallel loops): runtime.setNumThreads(n) sets it;
// otherwise TEJIT_NUM_THREADS, else the number of cores.
import { ArgumentError } from "../errors.js";
import { getAddon, MAX_NUM_THREADS } from "./addon.js";

/** Sets the pool size (n >= 1), or 0 to go back to TEJIT_NUM_THREADS / the number of cores. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`setNumThreads: expected a non-negative integer, got ${typeof n === "number" ? String(n) : `${typeof n} '${String(n)}'`}`);
  if (n > MAX_NUM_THREADS) throw new ArgumentError(`setNumThreads: expected at most ${MAX_NUM_THREADS} threads, got ${n}`);
  let count = n;
  if (n === 0) {
    const env = process.env.TEJIT_NUM_THREADS;
    count = env && Number.isInteger(Number(env)) && Number(env) > 0 && Number(env) <= MAX_NUM_THREADS ? Number(env) : 0;
  }
  if (!getAddon().setNumThreads(count)) throw new ArgumentError("setNumThreads: cannot resize the thread pool while a parallel region runs");
}

/** The pool size parallel regions use. */
export function getNumThreads(): number {
  return getAddon().getNumThreads();
}
