// Schedule groups (TVM's Schedule.create_group): a group stands for the stages between some
// inputs and outputs, so they can be placed together. `group.computeAt(s.stage(C), axis)` puts
// every member that is computed at its group's root inside that loop; `computeInline()` inlines
// them all. Groups nest: a member of a group can be a group. Normalization resolves each
// member's placement from its group chain (resolveGroupAttach), so bound inference and
// schedule-ops see ordinary stages.

import type { IterVar } from "../ir/iter_var.js";
import { describe } from "../ir/op.js";
import type { Operation } from "../te/operation.js";
import { PlaceholderOp } from "../te/placeholder.js";
import { Tensor } from "../te/tensor.js";
import type { Schedule } from "./schedule.js";
import { Stage } from "./stage.js";
import { checkSameGroup, isInGroup } from "./group_membership.js";
import { ArgumentError, ScheduleError } from "../errors.js";

/**
 * A group of stages (TVM's group stage): it has no op and no loops, only a placement, which
 * every member placed at the group's root takes. Made by `s.createGroup(outputs, inputs)`.
 */
export class StageGroup {
  /** Where the group is computed: at the root of its parent group, inlined, or at a loop. */
  attachType: "root" | "inline" | "scope" = "root";
  /** The loop it is computed at (attachType "scope"). */
  attachIvar?: IterVar;
  /** The stage owning that loop (attachType "scope"). */
  attachStage?: Stage;
  /** The group it belongs to, if it is nested. */
  group?: StageGroup;
  /** How many stages and groups belong to it directly. */
  numChildStages = 0;

  /**
   * @param schedule The schedule it belongs to.
   * @param name A name for messages: the names of its outputs.
   */
  constructor(readonly schedule: Schedule, readonly name: string) {}

  /** `group-stage(name)`. */
  toString(): string { return `group-stage(${this.name})`; }

  /** The stages in it, directly or through nested groups. */
  members(): Stage[] {
    return this.schedule.stages.filter((s) => isInGroup(s.group, this));
  }

  /**
   * Computes every member placed at the group's root inside loop `axis` of `parent`.
   * @param parent A stage outside the group that reads one of its members.
   * @param axis A leaf axis of `parent`.
   * @throws Error when `parent` is inside the group, reads none of its members, is outside the
   * group's own parent group, or `axis` is not one of its leaves.
   */
  computeAt(parent: Stage | Tensor, axis: IterVar): void {
    const target = parent instanceof Tensor ? this.schedule.stage(parent) : parent;
    if (!(target instanceof Stage)) throw new ScheduleError(`${this}: computeAt expects a stage and one of its axes, got ${describe(parent)}`);
    if (target.schedule !== this.schedule) throw new ScheduleError(`${this}: computeAt target '${target.name}' belongs to another schedule`);
    if (isInGroup(target.group, this)) throw new ScheduleError(`${this}: cannot be computed at '${target.name}', which is inside the group`);
    checkSameGroup(this.group, target, `${this}`);
    if (!target.leafIterVars.includes(axis)) {
      const leaves = target.leafIterVars.map((x) => x.name).join(", ");
      throw new ScheduleError(`${this}: cannot compute at axis ${describe(axis)} of '${target.name}': it is not a leaf axis of that stage (leaf axes: ${leaves || "none"})`);
    }
    if (!this.members().some((m) => this.schedule.readsTransitively(target.op, m.op))) {
      throw new ScheduleError(`${this}: cannot compute at '${target.name}', which reads none of the group's stages`);
    }
    this.attachType = "scope";
    this.attachIvar = axis;
    this.attachStage = target;
    this.schedule.recordPrimitive("compute_at");
  }

  /**
   * Inlines every member placed at the group's root into its consumers (placeholders stay).
   * @throws Error naming the first member that cannot be inlined (a reduction, an output, ...).
   */
  computeInline(): void {
    for (const m of this.members()) if (attachSpec(m) === this && !(m.op instanceof PlaceholderOp)) m.checkInlinable();
    this.attachType = "inline";
    this.attachIvar = undefined;
    this.attachStage = undefined;
    this.schedule.recordPrimitive("compute_inline");
  }

  /** Computes the group at the root of its parent group (the default). */
  computeRoot(): void {
    this.attachType = "root";
    this.attachIvar = undefined;
    this.attachStage = undefined;
    this.schedule.recordPrimitive("compute_root");
  }

  /** A copy with the same placement (Schedule.copy remaps stages and groups). */
  clone(schedule: Schedule): StageGroup {
    const g = new StageGroup(schedule, this.name);
    g.attachType = this.attachType;
    g.attachIvar = this.attachIvar;
    g.attachStage = this.attachStage;
    g.group = this.group;
    g.numChildStages = this.numChildStages;
    return g;
  }
}

/** The innermost group containing both (undefined: the schedule's root). */
function commonGroup(a: StageGroup | undefined, b: StageGroup | undefined): StageGroup | undefined {
  if (!a || !b) return undefined;
  for (let x: StageGroup | undefined = a; x; x = x.group) if (isInGroup(b, x)) return x;
  return undefined;
}

/**
 * Where a stage's placement comes from (TVM's GetAttachSpec): the stage itself, or, when it is
 * computed at its group's root, the first enclosing group that is not.
 */
export function attachSpec(stage: Stage): Stage | StageGroup {
  let spec: Stage | StageGroup = stage;
  while (spec.attachType === "root" && spec.group) spec = spec.group;
  return spec;
}

/** Ops between `outputs` and `inputs`: those that reach an input (TVM's GetSubGraph). */
function subGraph(sch: Schedule, outputs: Tensor[], inputs: Tensor[], includeInputs: boolean): Operation[] {
  const boundary = new Set(inputs.map((t) => sch.stage(t).op));
  const inside = new Map<Operation, boolean>();
  const result: Operation[] = [];
  const visit = (op: Operation): boolean => {
    const known = inside.get(op);
    if (known !== undefined) return known;
    if (boundary.has(op)) {
      inside.set(op, true);
      if (includeInputs) result.push(op);
      return true;
    }
    inside.set(op, false);
    let reaches = false;
    for (const t of op.inputTensors()) if (visit(t.op)) reaches = true;
    inside.set(op, reaches);
    if (reaches) result.push(op);
    return reaches;
  };
  for (const t of outputs) visit(sch.stage(t).op);
  return result;
}

function tensorList(x: Tensor | Tensor[], what: string): Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`createGroup: ${what} ${i} must be a tensor, got ${describe(t)}`);
  });
  return list;
}

/**
 * Groups the stages between `inputs` and `outputs` (the outputs included, the inputs only with
 * `includeInputs`), as TVM's create_group. A stage already in a group moves with its whole
 * group, which becomes nested in the new one; a group cut in part is refused. A member computed
 * at a stage outside the new group is moved back to the group's root.
 */
export function createGroup(sch: Schedule, outputsIn: Tensor | Tensor[], inputsIn: Tensor | Tensor[], includeInputs: boolean): StageGroup {
  const outputs = tensorList(outputsIn, "output");
  const inputs = tensorList(inputsIn, "input");
  if (outputs.length === 0) throw new ArgumentError("createGroup: needs at least one output tensor");
  const stages = subGraph(sch, outputs, inputs, includeInputs).map((op) => sch.stage(op));
  if (stages.length === 0) {
    throw new ScheduleError(`createGroup: no stage lies between the inputs (${inputs.map((t) => `'${t.name}'`).join(", ") || "none"}) and the outputs (${outputs.map((t) => `'${t.name}'`).join(", ")}): the outputs do not read the inputs`);
  }
  // The innermost group holding every stage becomes the new group's parent; the groups met
  // directly are counted, to tell whole subgroups (nested) from cut ones (refused).
  let parent = stages[0].group;
  const count = new Map<StageGroup, number>();
  stages.forEach((s, i) => {
    if (i > 0) parent = commonGroup(parent, s.group);
    if (s.group) count.set(s.group, (count.get(s.group) ?? 0) + 1);
  });
  const full = [...count].filter(([g, n]) => g !== parent && g.numChildStages === n).map(([g]) => g);
  while (full.length > 0) {
    const g = full.pop()!;
    if (!g.group || g.group === parent) continue;
    const n = (count.get(g.group) ?? 0) + 1;
    count.set(g.group, n);
    if (n === g.group.numChildStages) full.push(g.group);
  }
  for (const [g, n] of count) {
    if (g !== parent && g.numChildStages !== n) {
      throw new ScheduleError(`createGroup: the stages between the inputs and outputs cut ${g} in part (${n} of its ${g.numChildStages} members): a new group must hold whole groups`);
    }
  }
  const group = new StageGroup(sch, outputs.map((t) => t.name).join(", "));
  group.group = parent;
  if (parent) parent.numChildStages++;
  const adopt = (x: Stage | StageGroup): void => {
    x.group = group;
    group.numChildStages++;
    if (parent) parent.numChildStages--;
  };
  for (const g of count.keys()) if (g !== parent && g.group === parent) adopt(g);
  for (const s of stages) if (s.group === parent) adopt(s);
  // Keep every member computed inside the group.
  for (const s of stages) {
    if (s.attachType === "scope" && commonGroup(s.attachStage!.group, group) !== group) s.computeRoot();
  }
  sch.groups.push(group);
  return group;
}

/**
 * Gives each stage computed at its group's root the placement of its group chain (on a
 * normalized copy): the group's loop, or inlining; placeholders are left alone.
 */
export function resolveGroupAttach(sch: Schedule): void {
  for (const s of sch.stages) {
    if (s.attachType !== "root" || !s.group || s.op instanceof PlaceholderOp) continue;
    const spec = attachSpec(s);
    if (spec.attachType === "scope") {
      s.attachType = "scope";
      s.attachIvar = spec.attachIvar;
      s.attachStage = spec.attachStage;
    } else if (spec.attachType === "inline") {
      s.computeInline();
    }
  }
}
