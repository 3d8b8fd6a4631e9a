// The JS half of the kernel-to-JS trampoline. The addon calls `dispatch(id, ...values)` on the JS
// thread for every packed call a kernel makes to a registered name: tensors arrive as external
// ArrayBuffers over the kernel's memory, described (dtype, byte offset, shape, strides) in a
// shared Float64Array; they become NDArray views, the registered function runs, and the views
// are released when it returns (the addon then detaches the buffers), so later use throws. An
// exception it throws is kept (callback_errors.ts) for the kernel's caller to get back.
import { KernelError } from "../errors.js";
import { markAsUntransferable } from "node:worker_threads";
import { NDArray, dtypeFromDL, dtypeInfo, releaseView } from "./ndarray.js";
import { getGlobalFunc } from "./registry.js";
import { keepCallbackError } from "./callback_errors.js";
import { markKernelView } from "./overlap.js";

/** Capacity, in doubles, of the tensor descriptors of one callback. */
export const CALLBACK_META_LENGTH = 4096;

export function makeDispatcher(names: readonly string[], meta: Float64Array): (id: number, ...values: unknown[]) => unknown {
  return function dispatch(id: number, ...args: unknown[]): unknown {
    const name = names[id];
    const fn = getGlobalFunc(name, { allowMissing: true });
    if (!fn) throw new KernelError(`packed function '${name}' is not registered`);
    let views: [number, NDArray][] | undefined;
    let pos = 0;
    // Read every descriptor before running JS: a nested kernel call may reuse the buffer.
    for (let i = 0; i < args.length; i++) {
      const buffer = args[i];
      if (!(buffer instanceof ArrayBuffer)) continue;
      // The buffer shows kernel memory: a transfer (structuredClone, postMessage) must copy it,
      // never move it out of the trampoline's reach (Node 20 copies, later versions throw).
      markAsUntransferable(buffer);
      markKernelView(buffer);
      const code = meta[pos], bits = meta[pos + 1], lanes = meta[pos + 2], byteOffset = meta[pos + 3], ndim = meta[pos + 4];
      const shape = new Array<number>(ndim);
      const strides = new Array<number>(ndim);
      for (let d = 0; d < ndim; d++) {
        shape[d] = meta[pos + 5 + d];
        strides[d] = meta[pos + 5 + ndim + d];
      }
      pos += 5 + 2 * ndim;
      const dtype = dtypeFromDL(code, bits, lanes);
      if (!dtype) {
        throw new KernelError(`argument ${i} of packed function '${name}' has DLPack dtype {code ${code}, bits ${bits}, lanes ${lanes}}, which an NDArray cannot hold`);
      }
      const view = NDArray.view(new (dtypeInfo(dtype).ctor)(buffer), shape, strides, byteOffset, dtype);
      (views ??= []).push([i, view]);
      args[i] = view;
    }
    try {
      let result: unknown;
      try {
        result = fn(...args);
      } catch (e) {
        keepCallbackError(name, e);
        throw e;
      }
      if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
        // Its rejection, if any, is reported through this error: unhandled, it would end the process.
        (result as Promise<unknown>).then(undefined, () => {});
        throw new KernelError(`packed function '${name}' returned a Promise: functions called from kernels must be synchronous`);
      }
      if (result instanceof NDArray) {
        throw new KernelError(`packed function '${name}' returned an NDArray: a callback writes its results into the arrays it receives (e.g. out.copyFrom(...)) and returns undefined, a number, a bigint, a boolean or a string`);
      }
      return result;
    } finally {
      if (views) {
        for (const [i, v] of views) releaseView(v, `this NDArray view (argument ${i} of packed function '${name}') was released when the callback returned; copy what you need (e.g. view.toTypedArray().slice()) before returning`);
      }
    }
  };
}
