// Relations between a stage's iteration variables, recorded by the schedule primitives:
// split (parent = outer * factor + inner), fuse (fused = outer * |inner| + inner), rebase
// (parent = rebased + min) and singleton (an extra loop of extent 1).

import type { PrimExpr } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import type { Tensor } from "../te/tensor.js";
import type { TensorIntrin } from "../te/tensor_intrin.js";

export class SplitRelation {
  readonly kind = "split";
  constructor(
    readonly parent: IterVar,
    readonly outer: IterVar,
    readonly inner: IterVar,
    readonly factor: PrimExpr | undefined,
    readonly nparts: PrimExpr | undefined,
  ) {}
}

export class FuseRelation {
  readonly kind = "fuse";
  constructor(readonly outer: IterVar, readonly inner: IterVar, readonly fused: IterVar) {}
}

export class RebaseRelation {
  readonly kind = "rebase";
  constructor(readonly parent: IterVar, readonly rebased: IterVar) {}
}

export class SingletonRelation {
  readonly kind = "singleton";
  constructor(readonly iter: IterVar) {}
}

export type IterVarRelation = SplitRelation | FuseRelation | RebaseRelation | SingletonRelation;

/** Per-axis annotations of a stage: loop kind, pragmas, storage alignment. */
export class IterVarAttr {
  iterType?: "Unrolled" | "Vectorized" | "Parallelized" | "Tensorized";
  pragmas: { key: string; value?: PrimExpr }[] = [];
  /** Tensors to prefetch in this loop, `offset` iterations ahead (TVM's prefetch_data / prefetch_offset). */
  prefetches: { tensor: Tensor; offset: PrimExpr }[] = [];
  /** The intrinsic that replaces the loop nest under this axis (iterType "Tensorized"). */
  tensorIntrin?: TensorIntrin;
  dimAlignFactor = 0;
  dimAlignOffset = 0;

  clone(): IterVarAttr {
    const c = new IterVarAttr();
    c.iterType = this.iterType;
    c.pragmas = [...this.pragmas];
    c.prefetches = [...this.prefetches];
    c.tensorIntrin = this.tensorIntrin;
    c.dimAlignFactor = this.dimAlignFactor;
    c.dimAlignOffset = this.dimAlignOffset;
    return c;
  }
}
