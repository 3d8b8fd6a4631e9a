// The registry of op kinds: one entry a kind of Operation, each in its own file (op_kind.ts
// says what a kind provides). A new op kind is its Operation class in ts/te/, one file here,
// and one line in OP_KINDS.

import type { Operation } from "../../te/operation.js";
import type { OpKind } from "../op_kind.js";
import { computeKind } from "./compute.js";
import { externKind } from "./extern.js";
import { placeholderKind } from "./placeholder.js";
import { scanKind } from "./scan.js";
import { UnsupportedError } from "../../errors.js";
import { tensorComputeKind } from "./tensor_compute.js";

/** Every op kind, looked up in order by {@link opKindOf}. */
export const OP_KINDS: readonly OpKind[] = [placeholderKind, computeKind, externKind, scanKind, tensorComputeKind] as readonly OpKind[];

/**
 * The kind of `op`.
 * @throws Error naming the op's class when no kind is registered for it.
 */
export function opKindOf(op: Operation): OpKind {
  for (const k of OP_KINDS) if (k.matches(op)) return k;
  throw new UnsupportedError(`op '${op.name}' is a ${op.constructor.name}, which no op kind handles; register one in ts/schedule/op_kinds/index.ts`);
}
