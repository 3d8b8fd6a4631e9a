// Schedule: the stages of every op reachable from the outputs, in post-DFS order (inputs
// first), and the lookup from a tensor or op to its stage. `copy()` gives an independent
// schedule, so lowering never changes what the user built.

import { ArgumentError, ScheduleError } from "../errors.js";
import { Operation } from "../te/operation.js";
import { Tensor } from "../te/tensor.js";
import { describe } from "../ir/op.js";
import { createReadGraph, postDFSOrder } from "./graph.js";
import { Stage } from "./stage.js";
import { normalize } from "./normalize.js";
import type { IterVar } from "../ir/iter_var.js";
import { cacheRead, type Readers } from "./cache_read.js";
import { cacheWrite } from "./cache_write.js";
import { rfactor } from "./rfactor.js";
import { StageGroup, createGroup } from "./group.js";
import { opKindOf } from "./op_kinds/index.js";
import { PassContext } from "../transform/pass_context.js";

/**
 * A schedule (TVM's te.Schedule): one {@link Stage} for every op reachable from the outputs,
 * inputs first. Make one with `te.createSchedule(outputs)`, change stages with their primitives,
 * then `lower` or `build` it. Lowering works on a copy, so the schedule can be lowered again.
 *
 * @example
 * ```ts
 * const s = te.createSchedule(C.op);
 * const [xo, xi] = s.stage(C).split(C.op.axis[0], { factor: 8 });
 * s.stage(C).vectorize(xi);
 * ```
 */
export class Schedule {
  /** The output ops it was created for. */
  outputs: Operation[];
  /** Every stage, producers before their consumers. */
  stages: Stage[] = [];
  /** The groups made by {@link createGroup}, in the order they were made. */
  groups: StageGroup[] = [];
  /**
   * With the PassContext config "te.keep_schedule_record" set when the schedule was made, a copy
   * of the schedule as first made ("vanilla") and after each stage primitive (TVM's
   * schedule_record); empty otherwise.
   */
  scheduleRecord: Schedule[] = [];
  /** The primitive that made each entry of {@link scheduleRecord}, by TVM's name ("split", "compute_at", …). */
  primitiveRecord: string[] = [];
  private keepRecord = false;
  /** Stage of each op, by original op and by current op (inline/cache replace ops). */
  private readonly stageMap = new Map<Operation, Stage>();

  /** @param ops The output ops. */
  constructor(ops: Operation[]) {
    this.outputs = ops;
    const g = createReadGraph(ops);
    for (const op of postDFSOrder(ops, g)) {
      const st = new Stage(op, this);
      st.isOutput = ops.includes(op);
      this.stages.push(st);
      this.stageMap.set(op, st);
    }
    for (const st of this.stages) opKindOf(st.op).onCreateSchedule?.(st, this);
    this.keepRecord = PassContext.current().options.keepScheduleRecord;
    this.recordPrimitive("vanilla");
  }

  /** Appends a copy after primitive `name` when the schedule keeps a record (called by the stages). */
  recordPrimitive(name: string): void {
    if (!this.keepRecord) return;
    this.scheduleRecord.push(this.copy());
    this.primitiveRecord.push(name);
  }

  /** The stage of a tensor or op. */
  stage(t: Tensor | Operation): Stage {
    const op = t instanceof Tensor ? t.op : t;
    if (!(op instanceof Operation)) throw new ArgumentError(`schedule.stage expects a tensor or an op, got ${describe(t)}`);
    const st = this.stageMap.get(op);
    if (!st) throw new ScheduleError(`'${op.name}' is not part of this schedule (it is not an input of its outputs ${this.outputs.map((o) => `'${o.name}'`).join(", ")})`);
    return st;
  }

  /**
   * Whether `op` has a stage in this schedule.
   * @param op An operation.
   */
  hasStage(op: Operation): boolean { return this.stageMap.has(op); }

  /** Registers `st` under `op` too (after its op was replaced, or for a new stage). */
  mapStage(op: Operation, st: Stage): void { this.stageMap.set(op, st); }

  /** True when `consumer` reads `producer`'s outputs, directly or through other ops. */
  readsTransitively(consumer: Operation, producer: Operation): boolean {
    const seen = new Set<Operation>();
    const stack = [consumer];
    while (stack.length > 0) {
      const op = stack.pop()!;
      for (const t of op.inputTensors()) {
        if (t.op === producer) return true;
        if (!seen.has(t.op)) {
          seen.add(t.op);
          stack.push(t.op);
        }
      }
    }
    return false;
  }

  /**
   * A stage copying `tensor` into storage `scope` ("shared", "local", …), read by `readers`
   * instead of `tensor`: returns the copy ("A.shared"), a tensor that can be scheduled.
   */
  cacheRead(tensor: Tensor, scope: string, readers: Readers): Tensor {
    return cacheRead(this, tensor, scope, readers);
  }

  /**
   * Moves the computation of `tensor`'s op into a new stage writing storage `scope`; the
   * original stage becomes a copy from it, its loops reset. Returns the cache tensor ("C.local"),
   * or, given the tensors of a multi-output op, one cache tensor each.
   */
  cacheWrite(tensor: Tensor, scope: string): Tensor;
  cacheWrite(tensors: Tensor[], scope: string): Tensor[];
  cacheWrite(tensors: Tensor | Tensor[], scope: string): Tensor | Tensor[] {
    const out = cacheWrite(this, tensors, scope);
    return Array.isArray(tensors) ? out : out[0];
  }

  /**
   * Factors the reduction computing `tensor` over reduction loop `axis`: a new stage ("C.rf")
   * computes partial results indexed by that loop (a new data-parallel axis at position
   * `factorAxis`), and `tensor`'s stage reduces them. Returns the partial-result tensor; for a
   * multi-output reduction, the one matching `tensor` (all are `result.op.outputs`), or all of
   * them when given all the op's tensors.
   */
  rfactor(tensor: Tensor, axis: IterVar, factorAxis?: number): Tensor;
  rfactor(tensors: Tensor[], axis: IterVar, factorAxis?: number): Tensor[];
  rfactor(tensors: Tensor | Tensor[], axis: IterVar, factorAxis = 0): Tensor | Tensor[] {
    if (Array.isArray(tensors)) {
      if (tensors.length === 0) throw new ScheduleError("rfactor: needs the tensor of a reduction");
      const ops = new Set(tensors.map((t) => (t instanceof Tensor ? t.op : t)));
      if (ops.size !== 1) throw new ScheduleError(`rfactor: all tensors must be outputs of one op (got ${tensors.map((t) => (t instanceof Tensor ? `'${t.name}'` : describe(t))).join(", ")})`);
      return rfactor(this, tensors[0], axis, factorAxis);
    }
    const out = rfactor(this, tensors, axis, factorAxis);
    return out[tensors.valueIndex];
  }

  /**
   * Groups the stages between `inputs` and `outputs` (TVM's create_group): the outputs' stages
   * and every stage they read that reads an input; the inputs' own stages with `includeInputs`.
   * Returns the group: `group.computeAt(s.stage(D), axis)` computes all of them in that loop,
   * `group.computeInline()` inlines them. Stages already grouped nest.
   */
  createGroup(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], includeInputs = false): StageGroup {
    return createGroup(this, outputs, inputs, includeInputs);
  }

  /** A normalized copy, as bound inference and schedule-ops need it (TVM's normalize). */
  normalize(): Schedule { return normalize(this); }

  /** An independent copy: stages are cloned, attach targets remapped to the clones. */
  copy(): Schedule {
    const c = Object.create(Schedule.prototype) as Schedule;
    (c as unknown as { stageMap: Map<Operation, Stage> }).stageMap = new Map();
    c.outputs = [...this.outputs];
    c.scheduleRecord = [];
    c.primitiveRecord = [];
    const remap = new Map<Stage, Stage>();
    c.stages = this.stages.map((s) => {
      const n = s.cloneInto(c);
      remap.set(s, n);
      return n;
    });
    const groups = new Map(this.groups.map((g) => [g, g.clone(c)]));
    c.groups = [...groups.values()];
    for (const n of [...c.stages, ...c.groups]) {
      if (n.attachStage) n.attachStage = remap.get(n.attachStage);
      if (n.group) n.group = groups.get(n.group);
      if ("scanStage" in n && n.scanStage) n.scanStage = remap.get(n.scanStage);
    }
    for (const [op, s] of this.stageMap) c.stageMap.set(op, remap.get(s)!);
    return c;
  }
}

/** A schedule for the ops (or tensors) that are the program's outputs. */
export function createSchedule(outputs: Operation | Tensor | (Operation | Tensor)[]): Schedule {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  if (list.length === 0) throw new ScheduleError("createSchedule needs at least one output op");
  const ops = list.map((x, i) => {
    if (x instanceof Tensor) return x.op;
    if (x instanceof Operation) return x;
    throw new ArgumentError(`createSchedule: output ${i} must be an op or a tensor, got ${describe(x)}`);
  });
  return new Schedule([...new Set(ops)]);
}
