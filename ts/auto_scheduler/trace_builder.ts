// A schedule that writes down its own trace: the search rules schedule a live Schedule through
// it (with stages and IterVars, as a user does) and get back the replayable Trace of what they did.
// Every primitive is recorded by name before it is applied, so the trace names the loops as they
// were at that step.

import type { IterVar } from "../ir/iter_var.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import { createSchedule, type Schedule } from "../schedule/schedule.js";
import type { Stage } from "../schedule/stage.js";
import { applyStep, loopRef, stageRef, type Trace, type TraceStep } from "./trace.js";

/** A live schedule of the program and the trace of the primitives applied to it. */
export class TraceBuilder {
  readonly s: Schedule;
  readonly steps: Trace = [];

  constructor(outputs: readonly Operation[]) {
    this.s = createSchedule([...outputs]);
  }

  private apply(step: TraceStep): void {
    applyStep(this.s, step);
    this.steps.push(step);
  }

  private ref(st: Stage): string { return stageRef(this.s, st); }

  /** The stage of an op or tensor. */
  stage(t: Operation | Tensor): Stage { return this.s.stage(t); }

  split(st: Stage, iv: IterVar, factor: number): [IterVar, IterVar] {
    const at = st.leafIterVars.indexOf(iv);
    this.apply({ p: "split", stage: this.ref(st), loop: loopRef(st, iv), factor });
    return [st.leafIterVars[at], st.leafIterVars[at + 1]];
  }

  splitParts(st: Stage, iv: IterVar, nparts: number): [IterVar, IterVar] {
    const at = st.leafIterVars.indexOf(iv);
    this.apply({ p: "split", stage: this.ref(st), loop: loopRef(st, iv), nparts });
    return [st.leafIterVars[at], st.leafIterVars[at + 1]];
  }

  fuse(st: Stage, ivs: IterVar[]): IterVar {
    if (ivs.length === 1) return ivs[0];
    const at = Math.min(...ivs.map((iv) => st.leafIterVars.indexOf(iv)));
    this.apply({ p: "fuse", stage: this.ref(st), loops: ivs.map((iv) => loopRef(st, iv)) });
    return st.leafIterVars[at];
  }

  reorder(st: Stage, ivs: IterVar[]): void {
    this.apply({ p: "reorder", stage: this.ref(st), loops: ivs.map((iv) => loopRef(st, iv)) });
  }

  computeAt(st: Stage, target: Stage, iv: IterVar): void {
    this.apply({ p: "computeAt", stage: this.ref(st), target: this.ref(target), loop: loopRef(target, iv) });
  }

  computeInline(st: Stage): void { this.apply({ p: "computeInline", stage: this.ref(st) }); }

  /** Caches the stage's outputs in a new stage; returns the cache stage. */
  cacheWrite(st: Stage, scope: string): Stage {
    const before = new Set(this.s.stages);
    this.apply({ p: "cacheWrite", stage: this.ref(st), scope });
    return this.s.stages.find((x) => !before.has(x))!;
  }

  /** Factors the reduction over `iv`; returns the new partial-result stage. */
  rfactor(st: Stage, iv: IterVar, factorAxis = 0): Stage {
    const before = new Set(this.s.stages);
    this.apply({ p: "rfactor", stage: this.ref(st), loop: loopRef(st, iv), factorAxis });
    return this.s.stages.find((x) => !before.has(x))!;
  }

  annotate(st: Stage, iv: IterVar, p: "vectorize" | "unroll" | "parallel"): void {
    this.apply({ p, stage: this.ref(st), loop: loopRef(st, iv) });
  }

  pragma(st: Stage, iv: IterVar, key: string, value?: number): void {
    this.apply({ p: "pragma", stage: this.ref(st), loop: loopRef(st, iv), key, value });
  }
}
