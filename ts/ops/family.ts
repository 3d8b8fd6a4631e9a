// The tag every op of the library puts on the op of the tensor it returns, so that ops.schedule
// (schedule.ts) knows which family's schedule applies: the compute's `tag` is the family name
// (as TOPI tags its ops) and its attrs carry what the schedule needs to know of the op
// (`ops.family`, plus the family's own parameters, e.g. conv2d's layout).

import type { Operation } from "../te/operation.js";

/**
 * The op families of `ops`. Injective families (elementwise, broadcast, pad) are inlined into
 * their consumers or fused into a producer's loop nest; the others have a schedule of their own.
 */
export type OpFamily =
  | "elementwise" | "broadcast" | "pad" | "pack"
  | "matmul" | "conv2d" | "depthwise_conv2d" | "pool2d" | "softmax" | "layer_norm" | "reduce";

/** The attribute key holding an op's family. */
export const FAMILY_ATTR = "ops.family";

const INJECTIVE: ReadonlySet<OpFamily> = new Set(["elementwise", "broadcast", "pad"]);

/** The compute options that tag an op as `family` (with the family's parameters). */
export function familyTag(family: OpFamily, params: Record<string, unknown> = {}): { tag: string; attrs: Record<string, unknown> } {
  return { tag: family, attrs: { ...params, [FAMILY_ATTR]: family } };
}

/** The family of `op`, when an op of this library made it. */
export function familyOf(op: Operation): OpFamily | undefined {
  const f = op.attrs[FAMILY_ATTR];
  return typeof f === "string" ? (f as OpFamily) : undefined;
}

/** Whether `op` is elementwise, a broadcast or a pad: each output element reads O(1) inputs. */
export function isInjective(op: Operation): boolean {
  const f = familyOf(op);
  return f !== undefined && INJECTIVE.has(f);
}
