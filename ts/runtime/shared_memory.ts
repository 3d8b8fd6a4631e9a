// Buffers whose memory another buffer object may show too: a SharedArrayBuffer (a clone within
// the process, a shared WebAssembly memory) and the buffers the trampoline makes over kernel
// memory for a callback. An NDArray records at construction whether its buffer is one of them
// (NDLayout.sharedMemory), so the aliasing check of a call (overlap.ts) compares addresses only
// for such arrays and costs ordinary calls nothing.

/** Buffers the trampoline made over kernel memory. */
const kernelViews = new WeakSet<ArrayBufferLike>();

/** Marks a buffer that shows memory another buffer object may also show (a callback's view). */
export function markKernelView(buffer: ArrayBufferLike): void {
  kernelViews.add(buffer);
}

/** True when another buffer object may show the memory of `buffer`. */
export function mayShowSharedMemory(buffer: ArrayBufferLike): boolean {
  return (typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer) || kernelViews.has(buffer);
}
