// Schedule traces: a schedule written down as the list of primitives that made it (split, fuse,
// reorder, tile, computeAt, computeInline, computeRoot, cacheRead, cacheWrite, rfactor,
// vectorize, unroll, parallel, pragma, storageAlign), plain JSON that refers to stages and loops
// by name, so it can be stored in a record and replayed on a fresh build of the same program:
// replayTrace(outputs, trace) gives a schedule that lowers to the same text as the one the trace
// was taken from. Stage names are op names ("C", "C.global", "C.rf"); loop names are the leaf
// loops' names ("i.outer", "i.inner.j.outer.fused"); a name shared by several stages or leaves
// takes "#k" (the k-th of that name, from 0).

import { ArgumentError, TuneError } from "../errors.js";
import { Operation } from "../te/operation.js";
import { Tensor } from "../te/tensor.js";
import type { IterVar } from "../ir/iter_var.js";
import { createSchedule, type Schedule } from "../schedule/schedule.js";
import type { Stage } from "../schedule/stage.js";

/** One schedule primitive with its operands by name (see the file header for the naming). */
export type TraceStep =
  | { p: "split"; stage: string; loop: string; factor?: number; nparts?: number }
  | { p: "fuse"; stage: string; loops: string[] }
  | { p: "reorder"; stage: string; loops: string[] }
  | { p: "tile"; stage: string; x: string; y: string; xFactor: number; yFactor: number }
  | { p: "computeAt"; stage: string; target: string; loop: string }
  | { p: "computeInline"; stage: string }
  | { p: "computeRoot"; stage: string }
  | { p: "cacheRead"; tensor: string; scope: string; readers: string[] }
  | { p: "cacheWrite"; stage: string; scope: string }
  | { p: "rfactor"; stage: string; loop: string; factorAxis?: number }
  | { p: "vectorize" | "unroll" | "parallel"; stage: string; loop: string }
  | { p: "pragma"; stage: string; loop: string; key: string; value?: number }
  | { p: "storageAlign"; stage: string; axis: number; factor: number; offset: number };

/** A schedule as the primitives that make it from the unscheduled program, in order. */
export type Trace = TraceStep[];

/** The program's output ops, from tensors or ops. */
export function outputOps(outputs: Tensor | Operation | readonly (Tensor | Operation)[]): Operation[] {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  return list.map((x, i) => {
    if (x instanceof Tensor) return x.op;
    if (x instanceof Operation) return x;
    throw new ArgumentError(`autoScheduler: output ${i} must be a tensor or an op, got ${typeof x}`);
  });
}

/** The name a trace uses for `st` in `s`: its op's name, with "#k" when several stages share it. */
export function stageRef(s: Schedule, st: Stage): string {
  const same = s.stages.filter((x) => x.op.name === st.op.name);
  return same.length === 1 ? st.op.name : `${st.op.name}#${same.indexOf(st)}`;
}

/** The name a trace uses for leaf loop `iv` of `st`. */
export function loopRef(st: Stage, iv: IterVar): string {
  const same = st.leafIterVars.filter((x) => x.name === iv.name);
  return same.length <= 1 ? iv.name : `${iv.name}#${same.indexOf(iv)}`;
}

function splitRef(ref: string): [string, number | undefined] {
  const m = /^(.*)#(\d+)$/.exec(ref);
  return m ? [m[1], Number(m[2])] : [ref, undefined];
}

/** The stage `ref` names in `s`. */
export function findStage(s: Schedule, ref: string): Stage {
  const [name, k] = splitRef(ref);
  const same = s.stages.filter((x) => x.op.name === name);
  const st = k === undefined ? (same.length === 1 ? same[0] : undefined) : same[k];
  if (!st) {
    const why = same.length > 1 ? `${same.length} stages are named '${name}'; name one as '${name}#k'` : "no such stage";
    throw new ArgumentError(`trace: stage '${ref}': ${why} (stages: ${s.stages.map((x) => stageRef(s, x)).join(", ")})`);
  }
  return st;
}

/** The leaf loop `ref` names in `st`. */
export function findLoop(st: Stage, ref: string): IterVar {
  const [name, k] = splitRef(ref);
  const same = st.leafIterVars.filter((x) => x.name === name);
  const iv = k === undefined ? (same.length === 1 ? same[0] : undefined) : same[k];
  if (!iv) {
    throw new ArgumentError(`trace: stage '${st.name}' has ${same.length > 1 ? `${same.length} leaf loops named '${name}'` : `no leaf loop '${ref}'`} (its leaf loops: ${st.leafIterVars.map((x) => loopRef(st, x)).join(", ") || "none"})`);
  }
  return iv;
}

function findTensor(s: Schedule, ref: string): Tensor {
  const m = /^(.*?)(?::(\d+))?$/.exec(ref)!;
  const st = findStage(s, m[1]);
  const index = m[2] === undefined ? 0 : Number(m[2]);
  const t = st.op.outputs[index];
  if (!t) throw new ArgumentError(`trace: tensor '${ref}': stage '${st.name}' has ${st.op.numOutputs} output(s)`);
  return t;
}

/** Applies one step to `s` (a clear Error naming the step when it does not apply). */
export function applyStep(s: Schedule, step: TraceStep): void {
  try {
    applyStepUnchecked(s, step);
  } catch (e) {
    throw new TuneError(`trace step ${stepText(step)}: ${(e as Error).message}`, { cause: e });
  }
}

function applyStepUnchecked(s: Schedule, step: TraceStep): void {
  switch (step.p) {
    case "cacheRead": {
      const readers = step.readers.map((r) => findStage(s, r).op);
      s.cacheRead(findTensor(s, step.tensor), step.scope, readers);
      return;
    }
    case "cacheWrite": {
      const st = findStage(s, step.stage);
      if (st.op.outputs.length === 1) s.cacheWrite(st.op.outputs[0], step.scope);
      else s.cacheWrite([...st.op.outputs], step.scope);
      return;
    }
    default:
      break;
  }
  const st = findStage(s, step.stage);
  const loop = (ref: string) => findLoop(st, ref);
  switch (step.p) {
    case "split":
      if ((step.factor === undefined) === (step.nparts === undefined)) throw new ArgumentError("a split needs exactly one of factor and nparts");
      st.split(loop(step.loop), step.factor !== undefined ? { factor: step.factor } : { nparts: step.nparts! });
      return;
    case "fuse":
      st.fuse(...step.loops.map(loop));
      return;
    case "reorder":
      st.reorder(...step.loops.map(loop));
      return;
    case "tile":
      st.tile(loop(step.x), loop(step.y), step.xFactor, step.yFactor);
      return;
    case "computeAt": {
      const target = findStage(s, step.target);
      st.computeAt(target, findLoop(target, step.loop));
      return;
    }
    case "computeInline":
      st.computeInline();
      return;
    case "computeRoot":
      st.computeRoot();
      return;
    case "rfactor": {
      const t = st.op.outputs.length === 1 ? st.op.outputs[0] : [...st.op.outputs];
      if (Array.isArray(t)) s.rfactor(t, loop(step.loop), step.factorAxis ?? 0);
      else s.rfactor(t, loop(step.loop), step.factorAxis ?? 0);
      return;
    }
    case "vectorize":
      st.vectorize(loop(step.loop));
      return;
    case "unroll":
      st.unroll(loop(step.loop));
      return;
    case "parallel":
      st.parallel(loop(step.loop));
      return;
    case "pragma":
      st.pragma(loop(step.loop), step.key, step.value);
      return;
    case "storageAlign": {
      const axis = st.op.axis[step.axis];
      if (!axis) throw new ArgumentError(`storageAlign: stage '${st.name}' has no axis ${step.axis}`);
      st.storageAlign(axis, step.factor, step.offset);
      return;
    }
  }
}

/** A fresh schedule of the program that produces `outputs`, with `trace` applied. */
export function replayTrace(outputs: Tensor | Operation | readonly (Tensor | Operation)[], trace: readonly TraceStep[]): Schedule {
  const s = createSchedule(outputOps(outputs));
  for (const step of trace) applyStep(s, step);
  return s;
}

/** One step as a line of TE code (`s[C].split(i, factor=8)`), for messages and the command line. */
export function stepText(step: TraceStep): string {
  const st = "stage" in step ? `s[${step.stage}]` : "s";
  switch (step.p) {
    case "split": return `${st}.split(${step.loop}, ${step.factor !== undefined ? `factor=${step.factor}` : `nparts=${step.nparts}`})`;
    case "fuse": case "reorder": return `${st}.${step.p}(${step.loops.join(", ")})`;
    case "tile": return `${st}.tile(${step.x}, ${step.y}, ${step.xFactor}, ${step.yFactor})`;
    case "computeAt": return `${st}.computeAt(s[${step.target}], ${step.loop})`;
    case "computeInline": case "computeRoot": return `${st}.${step.p}()`;
    case "cacheRead": return `s.cacheRead(${step.tensor}, "${step.scope}", [${step.readers.join(", ")}])`;
    case "cacheWrite": return `s.cacheWrite(${step.stage}, "${step.scope}")`;
    case "rfactor": return `s.rfactor(${step.stage}, ${step.loop}${step.factorAxis ? `, ${step.factorAxis}` : ""})`;
    case "vectorize": case "unroll": case "parallel": return `${st}.${step.p}(${step.loop})`;
    case "pragma": return `${st}.pragma(${step.loop}, "${step.key}"${step.value !== undefined ? `, ${step.value}` : ""})`;
    case "storageAlign": return `${st}.storageAlign(axis ${step.axis}, ${step.factor}, ${step.offset})`;
  }
}

/** The trace as TE code, a step a line ("(no steps: the unscheduled program)" when empty). */
export function traceText(trace: readonly TraceStep[]): string {
  return trace.length === 0 ? "(no steps: the unscheduled program)" : trace.map(stepText).join("\n");
}
