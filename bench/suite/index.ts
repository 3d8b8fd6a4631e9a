// Every kernel of the suite, in the order they run (the machine limits first: the kernels'
// ratios to the FMA peak and the STREAM add use them), and the selection by id or group.
import { addKernels } from "./add.js";
import { buildKernels } from "./build.js";
import { callKernels } from "./call.js";
import { conv2dKernels } from "./conv2d.js";
import { gemmKernels } from "./gemm.js";
import type { SuiteOptions } from "./common.js";
import { layerNormKernels } from "./layernorm.js";
import { limitEntry, limitKernels } from "./limits.js";
import { softmaxKernels } from "./softmax.js";
import type { Kernel } from "./types.js";

/** All kernels; each one compared with a machine limit times that limit among its own entries, last. */
export function allKernels(opts: SuiteOptions): Kernel[] {
  const kernels = [...gemmKernels(opts), ...conv2dKernels(opts), ...softmaxKernels(opts), ...layerNormKernels(opts), ...addKernels(opts), ...buildKernels(opts), ...callKernels(opts)];
  for (const k of kernels) if (k.limit) k.entries.push(limitEntry(k.limit, opts.quick));
  return [...limitKernels(opts.quick), ...kernels];
}

/** The kernels named by id or group (the limits always come along); all when `names` is empty. */
export function selectKernels(kernels: Kernel[], names: string[]): Kernel[] {
  if (names.length === 0) return kernels;
  const known = new Set(kernels.flatMap((k) => [k.id, k.group]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`bench: unknown kernel ${unknown.join(", ")} (known: ${[...new Set(kernels.map((k) => k.group))].join(", ")}, or an id: ${kernels.map((k) => k.id).join(", ")})`);
  return kernels.filter((k) => k.group === "limits" || names.includes(k.id) || names.includes(k.group));
}
