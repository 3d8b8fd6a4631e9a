// Stage: how one operation is scheduled: its loop axes (split, fuse, reorder, tile), where it
// is computed (root, inline, or at a loop of a consumer), and loop annotations (vectorize,
// unroll, parallel, pragma, storage alignment). Mirrors TVM's te.Stage.

import { ArgumentError, DTypeError, ScheduleError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { type ExprLike, IntImm, PrimExpr, Reduce, Var } from "../ir/expr.js";
import { IterVar, Range, type IterVarType } from "../ir/iter_var.js";
import { describe, toExpr } from "../ir/op.js";
import { ComputeOp } from "../te/compute.js";
import type { Operation } from "../te/operation.js";
import { Tensor } from "../te/tensor.js";
import { TensorIntrin } from "../te/tensor_intrin.js";
import { FuseRelation, IterVarAttr, type IterVarRelation, SingletonRelation, SplitRelation } from "./relations.js";
import type { Schedule } from "./schedule.js";
import type { StageGroup } from "./group.js";
import { checkSameGroup } from "./group_membership.js";

/**
 * Where a stage is computed: at the root, inlined into its consumers (inlinedAlready once done),
 * or in the scope of a consumer's loop (computeAt).
 */
export type AttachType = "root" | "inline" | "inlinedAlready" | "scope";

/** TVM's IterVarType order, used when fusing (the fused axis takes the larger type). */
const ITER_TYPE_ORDER: IterVarType[] = [
  "DataPar", "ThreadIndex", "CommReduce", "Ordered", "Opaque", "Unrolled", "Vectorized", "Parallelized", "Tensorized",
];

/** How {@link Stage.split} splits: by an inner `factor`, or into `nparts` outer iterations. */
export type SplitSpec = { factor: ExprLike; nparts?: undefined } | { nparts: ExprLike; factor?: undefined };

/**
 * How one operation is scheduled (TVM's te.Stage): its loop axes (split, fuse, reorder, tile),
 * where it is computed (root, computeInline, computeAt) and loop annotations (vectorize, unroll,
 * parallel, pragma, storageAlign). Get it with `s.stage(tensor)`.
 */
export class Stage {
  /** The op it schedules now (cacheRead/cacheWrite/inline may replace the original). */
  op: Operation;
  /** The op it was created for. */
  readonly originOp: Operation;
  /** Every axis: the root axes and those made by split and fuse. */
  allIterVars: IterVar[];
  /** The loop axes of the loop nest, outermost first. */
  leafIterVars: IterVar[];
  /** The split and fuse relations between axes, in the order they were made. */
  relations: IterVarRelation[] = [];
  /** The annotations of each axis (vectorize, unroll, parallel, pragmas). */
  iterVarAttrs = new Map<IterVar, IterVarAttr>();
  /** Where it is computed. */
  attachType: AttachType = "root";
  /** The consumer's loop axis it is computed at (for attachType "scope"). */
  attachIvar?: IterVar;
  /** The consumer stage it is computed at (for attachType "scope"). */
  attachStage?: Stage;
  /** Storage scope of the stage's output ("" means global). */
  scope = "";
  /** Whether its op is one of the schedule's outputs. */
  isOutput = false;
  /** The group it belongs to (`s.createGroup`); computed at the root, it takes the group's place. */
  group?: StageGroup;
  /**
   * The scan whose update this stage computes (it is in the scan's body): computed at the root,
   * it runs inside the scan's time loop (TVM's kScanUpdate attachment).
   */
  scanStage?: Stage;

  /**
   * @param op The op it schedules.
   * @param schedule The schedule it belongs to.
   */
  constructor(op: Operation, readonly schedule: Schedule) {
    this.op = op;
    this.originOp = op;
    this.allIterVars = [...op.rootIterVars()];
    this.leafIterVars = this.allIterVars.filter((iv) => iv.iterType !== "Opaque");
  }

  /** Its op's name. */
  get name(): string { return this.op.name; }

  /** `stage(name)`. */
  toString(): string { return `stage(${this.op.name})`; }

  /** Copies the mutable scheduling state (attachStage is remapped by Schedule.copy). */
  cloneInto(schedule: Schedule): Stage {
    const s = new Stage(this.op, schedule);
    (s as { originOp: Operation }).originOp = this.originOp;
    s.allIterVars = [...this.allIterVars];
    s.leafIterVars = [...this.leafIterVars];
    s.relations = [...this.relations];
    s.iterVarAttrs = new Map([...this.iterVarAttrs].map(([k, v]) => [k, v.clone()]));
    s.attachType = this.attachType;
    s.attachIvar = this.attachIvar;
    s.attachStage = this.attachStage;
    s.scope = this.scope;
    s.isOutput = this.isOutput;
    s.group = this.group;
    s.scanStage = this.scanStage;
    return s;
  }

  private describeAxis(iv: unknown): string {
    return iv instanceof IterVar ? `axis '${iv.name}'` : describe(iv);
  }

  /** Position of `iv` among the leaf axes; a clear error when it is not one. */
  findLeaf(iv: IterVar, action: string): number {
    if (!(iv instanceof IterVar)) {
      throw new ArgumentError(`stage '${this.name}': ${action} expects an axis (IterVar) of this stage, got ${describe(iv)}`);
    }
    const pos = this.leafIterVars.indexOf(iv);
    if (pos >= 0) return pos;
    if (this.allIterVars.includes(iv)) {
      throw new ScheduleError(`stage '${this.name}': cannot ${action} axis '${iv.name}': it is no longer a leaf (it was already split or fused)`);
    }
    const leaves = this.leafIterVars.map((x) => x.name).join(", ");
    throw new ScheduleError(`stage '${this.name}': cannot ${action} axis '${iv.name}': it is not an axis of this stage (its axes: ${leaves || "none"})`);
  }

  private checkSchedulable(iv: IterVar, action: string, allowed: IterVarType[]): void {
    if (!allowed.includes(iv.iterType)) {
      throw new ScheduleError(`stage '${this.name}': cannot ${action} axis '${iv.name}' of type ${iv.iterType}`);
    }
  }

  /**
   * Splits loop `axis` in two (TVM's split): by `factor`, the inner loop's extent, or into
   * `nparts`, the outer loop's extent. The outer and inner axes replace it among the leaf axes;
   * when the factor does not divide the extent, lowering guards the tail with `likely`.
   * @param axis A leaf axis of this stage.
   * @param spec `{ factor }`, `{ nparts }`, or a factor alone.
   * @returns `[outer, inner]`.
   * @throws Error when the axis is not a leaf of this stage, or the factor or nparts is not a
   * positive integer (or an integer expression).
   * @example
   * ```ts
   * const [xo, xi] = s.stage(C).split(C.op.axis[0], { factor: 8 });
   * s.stage(C).vectorize(xi);
   * s.stage(C).parallel(xo);
   * ```
   */
  split(axis: IterVar, spec: SplitSpec | ExprLike): [IterVar, IterVar] {
    if (!(axis instanceof IterVar)) this.findLeaf(axis, "split");
    const s: SplitSpec = typeof spec === "object" && !(spec instanceof PrimExpr) && !(spec instanceof IterVar) ? spec : { factor: spec };
    if ((s.factor === undefined) === (s.nparts === undefined)) {
      throw new ScheduleError(`stage '${this.name}': split of axis '${axis?.name}' needs exactly one of {factor} or {nparts}`);
    }
    const key = s.factor !== undefined ? "factor" : "nparts";
    const raw = (s.factor ?? s.nparts)!;
    if (typeof raw === "number" && (!Number.isInteger(raw) || raw < 1)) {
      throw new ScheduleError(`stage '${this.name}': split of axis '${axis?.name}': ${key} must be a positive integer, got ${raw}`);
    }
    if (!(raw instanceof PrimExpr) && typeof raw !== "number") {
      throw new ArgumentError(`stage '${this.name}': split of axis '${axis?.name}': ${key} must be a positive integer or an expression, got ${describe(raw)}`);
    }
    const value = toExpr(raw, DataType.int32());
    if (!value.dtype.isIntegral()) throw new DTypeError(`stage '${this.name}': split of axis '${axis.name}': ${key} must be an integer expression, got ${value.dtype} (${value})`);
    if (value instanceof IntImm && value.value < 1) {
      throw new ScheduleError(`stage '${this.name}': split of axis '${axis.name}': ${key} must be positive, got ${value.value}`);
    }
    const pos = this.findLeaf(axis, "split");
    this.checkSchedulable(axis, "split", ["DataPar", "CommReduce", "Ordered"]);
    this.checkNotTensorized(axis, "split");
    const outer = new IterVar(undefined, new Var(`${axis.var.name}.outer`, axis.var.dtype), axis.iterType);
    const inner = new IterVar(undefined, new Var(`${axis.var.name}.inner`, axis.var.dtype), axis.iterType);
    this.relations.push(new SplitRelation(axis, outer, inner, s.factor !== undefined ? value : undefined, s.nparts !== undefined ? value : undefined));
    this.allIterVars.push(outer, inner);
    this.leafIterVars.splice(pos, 1, outer, inner);
    this.schedule.recordPrimitive("split");
    return [outer, inner];
  }

  /** Fuses consecutive axes (outermost first) into one; with no axes, adds a unit loop outside. */
  fuse(...axes: IterVar[]): IterVar {
    if (axes.length === 0) {
      const singleton = new IterVar(new Range(new IntImm("int32", 0), new IntImm("int32", 1)), new Var("singleton", "int32"), "DataPar");
      this.relations.push(new SingletonRelation(singleton));
      this.allIterVars.push(singleton);
      this.leafIterVars.unshift(singleton);
      this.schedule.recordPrimitive("fuse");
      return singleton;
    }
    const seen = new Set<IterVar>();
    for (const iv of axes) {
      if (seen.has(iv)) throw new ScheduleError(`stage '${this.name}': fuse lists axis '${iv.name}' twice`);
      seen.add(iv);
    }
    let fused = axes[0];
    for (let i = 1; i < axes.length; i++) fused = this.fusePair(fused, axes[i]);
    this.schedule.recordPrimitive("fuse");
    return fused;
  }

  private fusePair(outerIn: IterVar, innerIn: IterVar): IterVar {
    let outer = outerIn;
    let inner = innerIn;
    const allowed: IterVarType[] = ["DataPar", "CommReduce", "Ordered"];
    this.checkSchedulable(outer, "fuse", allowed);
    this.checkNotTensorized(outer, "fuse");
    this.checkNotTensorized(inner, "fuse");
    this.checkSchedulable(inner, "fuse", allowed);
    let posInner = this.findLeaf(inner, "fuse");
    let posOuter = this.findLeaf(outer, "fuse");
    if (posInner + 1 === posOuter) {
      [outer, inner] = [inner, outer];
      [posInner, posOuter] = [posOuter, posInner];
    }
    if (posInner !== posOuter + 1) {
      throw new ScheduleError(`stage '${this.name}': can only fuse consecutive axes; '${outer.name}' and '${inner.name}' are not adjacent in the loop order (${this.leafIterVars.map((x) => x.name).join(", ")})`);
    }
    const type = ITER_TYPE_ORDER[Math.max(ITER_TYPE_ORDER.indexOf(outer.iterType), ITER_TYPE_ORDER.indexOf(inner.iterType))];
    const fused = new IterVar(undefined, new Var(`${outer.var.name}.${inner.var.name}.fused`, outer.var.dtype), type);
    this.relations.push(new FuseRelation(outer, inner, fused));
    this.allIterVars.push(fused);
    this.leafIterVars.splice(posOuter, 2, fused);
    return fused;
  }

  /** Puts the listed axes in this order, in the positions they occupy together. */
  reorder(...order: IterVar[]): void {
    const seen = new Set<IterVar>();
    for (const iv of order) {
      if (!(iv instanceof IterVar)) throw new ArgumentError(`stage '${this.name}': reorder expects axes, got ${describe(iv)}`);
      if (seen.has(iv)) throw new ScheduleError(`stage '${this.name}': reorder lists axis '${iv.name}' more than once`);
      seen.add(iv);
      this.checkSchedulable(iv, "reorder", ["DataPar", "CommReduce", "ThreadIndex"]);
    }
    const pos = order.map((iv) => this.findLeaf(iv, "reorder"));
    const sorted = [...pos].sort((a, b) => a - b);
    sorted.forEach((p, i) => { this.leafIterVars[p] = order[i]; });
    this.schedule.recordPrimitive("reorder");
  }

  /** Tiles two axes: [xOuter, yOuter, xInner, yInner]. */
  tile(x: IterVar, y: IterVar, xFactor: ExprLike, yFactor: ExprLike): [IterVar, IterVar, IterVar, IterVar] {
    const [xo, xi] = this.split(x, { factor: xFactor });
    const [yo, yi] = this.split(y, { factor: yFactor });
    this.reorder(xo, yo, xi, yi);
    return [xo, yo, xi, yi];
  }

  /** Computes this stage inside loop `axis` of `parent` (a consumer, or a stage attached inside one). */
  computeAt(parent: Stage | Tensor, axis: IterVar): void {
    const target = parent instanceof Tensor ? this.schedule.stage(parent) : parent;
    if (!(target instanceof Stage)) throw new ArgumentError(`stage '${this.name}': computeAt expects a stage and one of its axes, got ${describe(parent)}`);
    if (target === this) throw new ScheduleError(`stage '${this.name}' cannot be computed at its own axis`);
    if (target.schedule !== this.schedule) throw new ScheduleError(`stage '${this.name}': computeAt target '${target.name}' belongs to another schedule`);
    if (!(axis instanceof IterVar)) throw new ArgumentError(`stage '${this.name}': computeAt expects an axis of '${target.name}', got ${describe(axis)}`);
    if (!target.leafIterVars.includes(axis)) {
      const leaves = target.leafIterVars.map((x) => x.name).join(", ");
      const why = target.allIterVars.includes(axis) ? "it was split or fused; use one of its leaves" : "it is not an axis of that stage";
      throw new ScheduleError(`stage '${this.name}': cannot compute at axis '${axis.name}' of '${target.name}': ${why} (leaf axes: ${leaves || "none"})`);
    }
    if (!this.schedule.readsTransitively(target.op, this.op)) {
      throw new ScheduleError(`stage '${this.name}': cannot compute at '${target.name}', which does not read '${this.name}' (directly or through other stages)`);
    }
    checkSameGroup(this.group, target, `stage '${this.name}'`);
    this.attachType = "scope";
    this.attachIvar = axis;
    this.attachStage = target;
    this.schedule.recordPrimitive("compute_at");
  }

  /** Substitutes this stage's expression into its consumers (no storage, no loops). */
  computeInline(): void {
    this.checkInlinable();
    this.attachType = "inline";
    this.attachIvar = undefined;
    this.attachStage = undefined;
    this.schedule.recordPrimitive("compute_inline");
  }

  /** Throws when this stage cannot be inlined (what computeInline refuses). */
  checkInlinable(): void {
    if (!(this.op instanceof ComputeOp)) {
      throw new ScheduleError(`stage '${this.name}': only compute stages can be inlined (this is a ${this.op.constructor.name})`);
    }
    if (this.op.numOutputs !== 1) throw new ScheduleError(`stage '${this.name}': a compute with ${this.op.numOutputs} outputs cannot be inlined`);
    // A reduction body (also one left with no reduce axes, as rfactor of a whole axis makes).
    if (this.op.body[0] instanceof Reduce) throw new ScheduleError(`stage '${this.name}': a reduction cannot be inlined into its consumers`);
    if (this.isOutput) throw new ScheduleError(`stage '${this.name}' is an output of the schedule and cannot be inlined`);
  }

  /** Computes this stage at the root, in its own loop nest (the default). */
  computeRoot(): void {
    this.attachType = "root";
    this.attachIvar = undefined;
    this.attachStage = undefined;
    this.schedule.recordPrimitive("compute_root");
  }

  private attrOf(iv: IterVar): IterVarAttr {
    let a = this.iterVarAttrs.get(iv);
    if (!a) {
      a = new IterVarAttr();
      this.iterVarAttrs.set(iv, a);
    }
    return a;
  }

  /** A tensorized axis is replaced by its intrinsic: splitting or annotating it would drop that. */
  private checkNotTensorized(iv: IterVar, action: string): void {
    if (this.iterVarAttrs.get(iv)?.iterType === "Tensorized") {
      throw new ScheduleError(`stage '${this.name}': cannot ${action} axis '${iv.name}': it is tensorized (schedule the loops before tensorize)`);
    }
  }

  private setIterType(iv: IterVar, type: "Unrolled" | "Vectorized" | "Parallelized", action: string): void {
    this.findLeaf(iv, action);
    this.checkNotTensorized(iv, action);
    this.attrOf(iv).iterType = type;
    this.schedule.recordPrimitive(action);
  }

  /**
   * Runs loop `axis` as vector lanes (TVM's vectorize): lowering turns its body into vector
   * operations of the axis's extent (split first to give a constant extent such as 8).
   * @param axis A leaf axis of this stage.
   * @throws Error when the axis is not a leaf of this stage, or is a reduction axis.
   */
  vectorize(axis: IterVar): void {
    this.findLeaf(axis, "vectorize");
    if (axis.iterType !== "DataPar" && axis.iterType !== "Opaque") {
      throw new ScheduleError(`stage '${this.name}': cannot vectorize axis '${axis.name}' of type ${axis.iterType}: only data-parallel axes can be vectorized`);
    }
    this.setIterType(axis, "Vectorized", "vectorize");
  }

  /**
   * Unrolls loop `axis` (TVM's unroll): its body is repeated once an iteration.
   * @param axis A leaf axis of this stage (with a constant extent).
   * @throws Error when the axis is not a leaf of this stage.
   */
  unroll(axis: IterVar): void { this.setIterType(axis, "Unrolled", "unroll"); }

  /**
   * Runs the iterations of loop `axis` on the thread pool (TVM's parallel).
   * @param axis A leaf axis of this stage.
   * @throws Error when the axis is not a leaf of this stage, or is a reduction axis (rfactor it first).
   */
  parallel(axis: IterVar): void {
    this.findLeaf(axis, "parallel");
    if (axis.iterType === "CommReduce") {
      throw new ScheduleError(`stage '${this.name}': cannot parallelize reduction axis '${axis.name}': its iterations update the same output (rfactor it first)`);
    }
    if (axis.iterType === "Ordered") {
      throw new ScheduleError(`stage '${this.name}': cannot parallelize ordered axis '${axis.name}': each iteration reads what the previous ones wrote (a scan's time axis)`);
    }
    this.setIterType(axis, "Parallelized", "parallel");
  }

  /** Annotates loop `axis` with `pragma_<key>` (and value); "unroll"/"vectorize" act as those primitives. */
  pragma(axis: IterVar, key: string, value?: ExprLike): void {
    if (typeof key !== "string" || key.length === 0) throw new ArgumentError(`stage '${this.name}': pragma key must be a non-empty string, got ${describe(key)}`);
    if (key === "unroll") return this.unroll(axis);
    if (key === "vectorize") return this.vectorize(axis);
    this.findLeaf(axis, "pragma");
    this.attrOf(axis).pragmas.push({ key, value: value === undefined ? undefined : toExpr(value, DataType.int32()) });
    this.schedule.recordPrimitive("pragma");
  }

  /**
   * Prefetches the part of `tensor` that iteration `axis + offset` of loop `axis` reads, at the
   * start of each iteration (TVM's prefetch): the lowering emits one `tir.prefetch` (C's
   * `__builtin_prefetch`) per cache line of that region (docs/schedule.md).
   * @param tensor A tensor this stage reads.
   * @param axis A leaf axis of this stage (a loop of more than one iteration, not vectorized).
   * @param offset How many iterations ahead (an integer, usually positive).
   * @throws Error when the tensor is not read by this stage, the axis is not a leaf, or the offset is not an integer.
   */
  prefetch(tensor: Tensor, axis: IterVar, offset: ExprLike): void {
    if (!(tensor instanceof Tensor)) throw new ArgumentError(`stage '${this.name}': prefetch expects a tensor, got ${describe(tensor)}`);
    if (!this.op.inputTensors().includes(tensor)) {
      throw new ScheduleError(`stage '${this.name}': cannot prefetch '${tensor.name}', which this stage does not read (it reads ${this.op.inputTensors().map((t) => `'${t.name}'`).join(", ") || "nothing"})`);
    }
    this.findLeaf(axis, "prefetch");
    const off = typeof offset === "number" && !Number.isInteger(offset) ? undefined : toExpr(offset, DataType.int32());
    if (!off || !off.dtype.isIntegral() || off.dtype.lanes !== 1) {
      throw new ArgumentError(`stage '${this.name}': prefetch offset must be an integer, got ${describe(offset)}`);
    }
    this.attrOf(axis).prefetches.push({ tensor, offset: off });
    this.schedule.recordPrimitive("prefetch");
  }

  /**
   * Replaces the loop nest under `axis` by the intrinsic (TVM's tensorize): lowering checks
   * that the nest computes what the intrinsic's op declares, binds the regions of the inputs
   * and outputs to its buffers and emits its body (or reset/update for a reduction split
   * outside `axis`). See docs/schedule.md, "Tensorize".
   * @param axis A leaf axis of this compute stage.
   * @param intrin A {@link TensorIntrin} from `te.declTensorIntrin`.
   * @throws Error when the stage is not a compute, the axis is not a leaf, another axis is
   * already tensorized, or `intrin` is not a TensorIntrin.
   */
  tensorize(axis: IterVar, intrin: TensorIntrin): void {
    if (!(this.op instanceof ComputeOp)) throw new ArgumentError(`stage '${this.name}': only compute stages can be tensorized (this is a ${this.op.constructor.name})`);
    if (!(intrin instanceof TensorIntrin)) throw new ArgumentError(`stage '${this.name}': tensorize expects a TensorIntrin (te.declTensorIntrin), got ${describe(intrin)}`);
    this.findLeaf(axis, "tensorize");
    for (const [iv, a] of this.iterVarAttrs) {
      if (a.iterType === "Tensorized" && iv !== axis) throw new ScheduleError(`stage '${this.name}': axis '${iv.name}' is already tensorized; a stage has one tensorized axis`);
    }
    const a = this.attrOf(axis);
    a.iterType = "Tensorized";
    a.tensorIntrin = intrin;
  }

  /** Pads the stride of dimension `axis` so that stride % factor == offset (TVM's storage_align). */
  storageAlign(axis: IterVar, factor: number, offset: number): void {
    if (!this.allIterVars.includes(axis) && !this.op.axis.includes(axis)) {
      throw new ScheduleError(`stage '${this.name}': storageAlign expects an axis of this stage, got ${this.describeAxis(axis)}`);
    }
    if (!Number.isInteger(factor) || factor < 1) throw new ScheduleError(`stage '${this.name}': storageAlign factor must be a positive integer, got ${factor}`);
    if (!Number.isInteger(offset) || offset < 0 || offset >= factor) {
      throw new ScheduleError(`stage '${this.name}': storageAlign offset must be an integer in [0, ${factor}), got ${offset}`);
    }
    const a = this.attrOf(axis);
    a.dimAlignFactor = factor;
    a.dimAlignOffset = offset;
    this.schedule.recordPrimitive("storage_align");
  }

  /**
   * Sets the storage scope of this stage's output (TVM's set_scope): a rank ("global", "local",
   * "shared", "warp") and an optional tag ("global:tag", "local.L0A"). Storage rewrite merges
   * the buffers of one tag into one allocation (docs/lowering.md).
   * @param scope The scope.
   * @throws Error when the scope is not a string of that form, or the stage is an output and
   * the scope is not "global" (an output's storage is the argument passed in).
   */
  setScope(scope: string): void {
    if (typeof scope !== "string" || !/^(global|local|shared|warp)([.:][\w.:]*)?$/.test(scope)) {
      throw new ScheduleError(`stage '${this.name}': setScope expects a storage scope such as "global", "local" or "global:tag" (a rank global, local, shared or warp, then an optional tag), got ${typeof scope === "string" ? JSON.stringify(scope) : describe(scope)}`);
    }
    // An output's storage is the argument passed in, which is global: "global" says just that.
    if (this.isOutput && scope !== "global") throw new ScheduleError(`stage '${this.name}' is an output of the schedule: its storage is the argument passed in, so it has no scope to set`);
    if (!this.isOutput) this.scope = scope;
    this.schedule.recordPrimitive("set_scope");
  }
}
