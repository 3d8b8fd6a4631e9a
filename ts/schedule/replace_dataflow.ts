// Dataflow rewriting shared by cacheRead, cacheWrite and rfactor: when a stage's op is replaced
// by a new op, every stage reading the old op's tensors must read the new ones instead, and so
// on transitively (a rewired reader is itself a new op). Ops are immutable, so each affected
// stage gets a new op; the stage keeps its loops because the new op shares the old one's axes.
// Also: replacing a stage's own op, inserting a new stage, and refusing a rewrite that would leave another stage attached
// to a loop that no longer exists.

import { ArgumentError, ScheduleError } from "../errors.js";
import type { IterVar } from "../ir/iter_var.js";
import type { Operation } from "../te/operation.js";
import { Tensor } from "../te/tensor.js";
import { describe } from "../ir/op.js";
import type { Schedule } from "./schedule.js";
import { Stage } from "./stage.js";

/**
 * Rewires every stage of `sch` to read `vmap`'s values instead of its keys. `vmap` grows as
 * stages are rewired (their old outputs map to their new outputs); `rvmap` maps each new tensor
 * back to the tensor the user holds, so a stage rewired twice still maps the user's tensor to
 * its newest version.
 */
export function replaceDataFlow(sch: Schedule, vmap: Map<Tensor, Tensor>, rvmap: Map<Tensor, Tensor>): void {
  for (const s of sch.stages) {
    const op = s.op.replaceInputs(vmap);
    if (op === s.op) continue;
    for (let i = 0; i < op.numOutputs; i++) {
      const old = s.op.output(i);
      const original = rvmap.get(old);
      if (original) {
        vmap.set(original, op.output(i));
        rvmap.set(op.output(i), original);
      } else {
        vmap.set(old, op.output(i));
        rvmap.set(op.output(i), old);
      }
    }
    setStageOp(sch, s, op);
  }
}

/**
 * Replaces the op of `stage` by `replacement` (same outputs, its own axes), as cacheWrite and
 * rfactor do: every reader is rewired to the new outputs, and the stage's loops start again from
 * the new op's root loops.
 */
export function replaceStageOp(sch: Schedule, stage: Stage, replacement: Operation): void {
  const op = stage.op;
  const vmap = new Map<Tensor, Tensor>();
  const rvmap = new Map<Tensor, Tensor>();
  for (let i = 0; i < op.numOutputs; i++) {
    vmap.set(op.output(i), replacement.output(i));
    rvmap.set(replacement.output(i), op.output(i));
  }
  replaceDataFlow(sch, vmap, rvmap);
  setStageOp(sch, stage, replacement);
  stage.allIterVars = [...replacement.rootIterVars()];
  stage.leafIterVars = [...stage.allIterVars];
  stage.relations = [];
}

/** Gives `stage` a new op (same axes) and registers it under that op too. */
export function setStageOp(sch: Schedule, stage: Stage, op: Operation): void {
  stage.op = op;
  sch.mapStage(op, stage);
}

/**
 * A new root stage for `op`, inserted at position `pos` of the schedule's stage list; in the
 * group of `groupOf` when given (as TVM's cache stages join their stage's group).
 */
export function insertStage(sch: Schedule, op: Operation, pos: number, scope = "", groupOf?: Stage): Stage {
  const st = new Stage(op, sch);
  st.scope = scope;
  st.group = groupOf?.group;
  if (st.group) st.group.numChildStages++;
  sch.stages.splice(pos, 0, st);
  sch.mapStage(op, st);
  return st;
}

/**
 * Refuses to reset the loops of `target` while another stage is computed at one of the loops
 * that would disappear (`kept` are the loops that survive). TVM accepts the rewrite and then
 * fails to find the attach point when lowering; refusing here names what to change.
 */
export function refuseLostAttachPoints(sch: Schedule, target: Stage, kept: readonly IterVar[], action: string): void {
  for (const s of sch.stages) {
    if (s.attachType !== "scope" || s.attachStage !== target || !s.attachIvar) continue;
    if (kept.includes(s.attachIvar)) continue;
    throw new ScheduleError(`${action}: stage '${s.name}' is computed at loop '${s.attachIvar.name}' of '${target.name}', which this rewrite removes (it resets the loops of '${target.name}'); call ${action.split(" ")[0]} before computeAt, or compute '${s.name}' at a loop that remains`);
  }
}

/** The stage of `t` with a clear error when `t` is not a tensor of this schedule. */
export function stageOfTensor(sch: Schedule, t: unknown, action: string): Stage {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${action}: expects a tensor of this schedule, got ${describe(t)}`);
  const tensor = t;
  if (!sch.hasStage(tensor.op)) {
    throw new ScheduleError(`${action}: tensor '${tensor.name}' is not part of this schedule (it is not an input of its outputs ${sch.outputs.map((o) => `'${o.name}'`).join(", ")})`);
  }
  return sch.stage(tensor.op);
}
