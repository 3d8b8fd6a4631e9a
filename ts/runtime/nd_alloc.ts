// The memory of the arrays tejit allocates (nd.empty, nd.array of a plain array): zero-filled and
// 64-byte aligned, so every vector load of a row that starts on a vector boundary stays within one
// cache line (Node's own ArrayBuffers are only 16-byte aligned). The aligned ArrayBuffer comes
// from the native addon (allocAligned); without a built addon (NDArray works without one) it is
// an ordinary ArrayBuffer. Kernels never rely on this alignment: they assume of an argument only
// the element alignment the prologue checks.
import { type Addon, addonBinary } from "./addon_binary.js";

/** The alignment (bytes) of the memory `alignedBuffer` returns when the addon is built. */
export const ARRAY_ALIGN = 64;

let addon: Addon | null | undefined;

function aligner(): Addon | null {
  if (addon === undefined) {
    try {
      addon = typeof addonBinary().allocAligned === "function" ? addonBinary() : null;
    } catch {
      addon = null;
    }
  }
  return addon;
}

/** A new zero-filled ArrayBuffer of `bytes` bytes, ARRAY_ALIGN-aligned when the addon is built. */
export function alignedBuffer(bytes: number): ArrayBuffer {
  const a = bytes > 0 ? aligner() : null;
  return a ? a.allocAligned(bytes) : new ArrayBuffer(bytes);
}
