// The cost of a JS call of a compiled kernel, in ns a call: a tejit-built kernel with three
// one-element tensors (c = a + b: the argument checks and the DLTensor set-up are the cost), a
// kernel with no arguments, against a bare N-API no-op function of the addon measured in the
// same run. The target is at most 250 ns with three tensors.
import { te } from "../../ts/index.js";
import { build } from "../../ts/build.js";
import { getAddon } from "../../ts/runtime/addon.js";
import { createModuleFromSource } from "../../ts/runtime/module.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { checkClose } from "./check.js";
import type { SuiteOptions } from "./common.js";
import { inProcess } from "./inproc.js";
import type { Kernel } from "./types.js";

/**
 * The kernel the call is timed with: c = a + b on one element (at the merge of ops,
 * `ops.add` on shape [1]).
 */
export function tejitTinyAdd(): ReturnType<typeof build> {
  const A = te.placeholder([1], "float32", "A");
  const B = te.placeholder([1], "float32", "B");
  const C = te.compute([1], (i) => A.at(i).add(B.at(i)), "C");
  return build(te.createSchedule(C.op), [A, B, C], { name: "tiny_add" });
}

/** The call-overhead kernel. */
export function callKernels(_opts: SuiteOptions): Kernel[] {
  return [{
    id: "call", group: "call", title: "JS call of a kernel", unit: "ns", target: "a kernel with three tensors <= 250 ns",
    entries: [
      { name: "tejit", role: "tejit", singleThread: true, note: "three one-element Float32Array tensors, c = a + b", setup: async () => {
        const f = tejitTinyAdd().getFunction("tiny_add");
        const a = array(new Float32Array([1.5]), [1]);
        const b = array(new Float32Array([2.25]), [1]);
        const c = empty([1]);
        return inProcess(() => f(a, b, c), () => c.toTypedArray() as Float32Array);
      } },
      { name: "tejit, no arguments", role: "tejit", singleThread: true, note: "a C function of no arguments through the same path", setup: async () => {
        const f = createModuleFromSource(`#include "tejit_abi.h"\nTEJIT_DEFINE_RUNTIME_GLOBALS\nint32_t noop0(void* a, int32_t* c, int32_t n, void* r, int32_t* rc, void* h) { return 0; }\n`).getFunction("noop0");
        return { time: inProcess(() => f(), () => []).time };
      } },
      { name: "N-API no-op", role: "baseline", singleThread: true, note: "a bare N-API function of the addon", setup: async () => {
        const addon = getAddon();
        return { time: inProcess(() => addon.noop(), () => []).time };
      } },
    ],
    check: (c) => checkClose(c, [3.75], 0),
  }];
}
