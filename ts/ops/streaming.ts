// Streaming stores for outputs too large to stay in the cache: an output of at least half the
// last-level cache is written with non-temporal stores (the `nontemporal_store` pragma on a loop
// around its stores: a row loop, or the vector loop; the C backend's streaming store and a store fence, c_memory.ts). Written
// through the cache, each of its lines is first read from memory and then evicts what the next
// call (or the next row) reads; streamed, it goes to memory once and the inputs keep the cache.
// A smaller output is left in the cache, where its consumer will find it.

import { IntImm } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import type { Stage } from "../schedule/stage.js";
import type { Tensor } from "../te/tensor.js";
import type { TargetInfo } from "./target.js";

/** Whether `T` is a float32/float64 output of constant shape of at least half `t`'s last-level cache. */
export function streamsOutput(T: Tensor, t: TargetInfo): boolean {
  const dt = T.dtype;
  if (!dt.isFloat() || (dt.bits !== 32 && dt.bits !== 64) || dt.lanes !== 1) return false;
  let n = 1;
  for (const d of T.shape) {
    if (!(d instanceof IntImm)) return false;
    n *= d.value;
  }
  return n * (dt.bits / 8) >= t.caches.l3 / 2;
}

/** Marks `loop` of `st` (the loop around `T`'s vector stores) for streaming stores when `T` is that large. */
export function streamStores(st: Stage, loop: IterVar | undefined, T: Tensor, t: TargetInfo): void {
  if (loop && streamsOutput(T, t)) st.pragma(loop, "nontemporal_store", 1);
}
