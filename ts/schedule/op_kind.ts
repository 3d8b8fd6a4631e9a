// What an op kind (placeholder, compute, extern, scan) does in scheduling and lowering, in one
// interface: how bounds flow through it (TVM's PropBoundToInputs / GatherBound), the statement
// and the storage it lowers to (BuildProvide / BuildRealize), the checks and arguments it needs,
// and how its bound is explained. Each kind implements it in one file of op_kinds/, registered
// in op_kinds/index.ts; bound inference, schedule-ops, lower() and explainBounds dispatch
// through it. (The te half of a kind — its outputs, inputTensors for the read graph,
// replaceInputs — is its Operation class in ts/te/.)

import type { Analyzer } from "../arith/analyzer.js";
import type { IntSet } from "../arith/int_set.js";
import type { Var } from "../ir/expr.js";
import type { IterVar, Range } from "../ir/iter_var.js";
import type { Stmt } from "../ir/stmt.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import type { TensorDom } from "./op_bounds.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

/** How a kind's stage is explained (explain.ts turns it into a StageExplanation). */
export interface OpKindExplanation {
  /** What computes it ("compute", "extern", "extern (tiled)", "scan"). */
  kind: string;
  /** The region stored for its output 0, one range a dimension. */
  ranges: Range[];
  /** Why the region is as it is, one sentence each. */
  reasons: string[];
}

/** A stage that another stage's statement places at one of its markers (a scan's init, its body). */
export interface PlacedStage {
  /** The stage placed. */
  stage: Stage;
  /** The marker's key (`attr [op] key`) in the placing stage's statement. */
  marker: string;
}

/** One op kind's scheduling behaviour; `T` is its Operation class. */
export interface OpKind<T extends Operation = Operation> {
  /** Its name, for messages. */
  readonly name: string;
  /** Whether `op` is of this kind. */
  matches(op: Operation): op is T;
  /**
   * An input of the program (a placeholder): no statement, its axes span their domain, and its
   * tensor must be an argument of lower() unless another op owns it ({@link ownedPlaceholders}).
   */
  readonly isInput?: boolean;
  /**
   * What lower() should warn about once bounds are inferred (an opaque extern under computeAt
   * runs on its whole tensor in every iteration); `strict` makes them errors.
   */
  warnings?(op: T, stage: Stage, sch: Schedule, bounds: ReadonlyMap<IterVar, Range>): string[];
  /** Checks made once the schedule is normalized, before bound inference (e.g. an extern's region map). */
  check?(op: T, stage: Stage, sch: Schedule): void;
  /** Placeholders whose storage is this op's output, which are therefore not arguments (a scan's states). */
  ownedPlaceholders?(op: T): Tensor[];
  /** Marks stages of `sch` that belong to this op's stage when the schedule is made (a scan's body). */
  onCreateSchedule?(stage: Stage, sch: Schedule): void;
  /**
   * What `op` reads of each input tensor in `tmap`, given the index sets of its root axes
   * (`domMap`), pushed onto the tensor's per-dimension request lists.
   */
  propBoundToInputs(op: T, ana: Analyzer, domMap: ReadonlyMap<Var, IntSet>, tmap: TensorDom): void;
  /** The ranges of `op`'s root axes from what its consumers requested of its outputs. */
  gatherBound(op: T, tmap: TensorDom, rmap: Map<IterVar, Range>): void;
  /**
   * Leaf axes of this kind's stage, as a consumer, that each execution spans whole (they are no
   * loop): a producer must supply all of them wherever it is attached (a tiled extern's tile).
   */
  spannedLeaves?(stage: Stage): ReadonlySet<IterVar>;
  /** The statement computing the stage (its loop nest and body). */
  buildProvide(op: T, stage: Stage, domMap: ReadonlyMap<IterVar, Range>): Stmt;
  /** `body` wrapped in the realization (storage) of the op's outputs. */
  buildRealize(op: T, stage: Stage, domMap: ReadonlyMap<IterVar, Range>, body: Stmt): Stmt;
  /** Stages this op's statement places at its markers instead of where they are attached (a scan's init and body). */
  placedStages?(op: T, stage: Stage, sch: Schedule): PlacedStage[];
  /** The marker keys its statement leaves for {@link placedStages}; schedule-ops drops them after placing. */
  readonly markers?: readonly string[];
  /**
   * Tensors that are this stage's outputs under another name (a scan's init, update and state):
   * each `from` is written and read as `to`; with `ownStorage: false` its own realization is dropped.
   */
  aliases?(op: T, originOp: Operation): { from: Tensor; to: Tensor; ownStorage: boolean }[];
  /** How its bound is explained. */
  explain(op: T, stage: Stage, bounds: ReadonlyMap<IterVar, Range>): OpKindExplanation;
}
