// Random schedules as a list of steps. Each step names its stage and indexes its current leaf
// loops, so the same list replays on a fresh schedule of the same program (and a shrunk list
// still replays: a step whose stage or loop no longer exists is skipped). Every primitive is
// drawn: split (factor or nparts, uneven), fuse, reorder, tile, computeAt (also nested, into
// any consumer), computeInline, computeRoot, cacheRead and cacheWrite (then often computeAt),
// rfactor, vectorize (often of a split's inner loop, split just before), unroll, parallel, pragma
// and storageAlign. A primitive's Error is a refusal, never a failure.

import { te } from "../ts/index.js";
import type { Schedule } from "../ts/schedule/schedule.js";
import type { Stage } from "../ts/schedule/stage.js";
import { ComputeOp } from "../ts/te/compute.js";
import { ExternOp } from "../ts/te/extern.js";
import type { Step } from "./spec.js";

const FACTORS = [1, 2, 3, 4, 5, 7, 8, 16];
/** Split factors for a loop about to be vectorized: vector widths, and one that is not a power of two. */
const VECTOR_FACTORS = [3, 4, 8, 16];

const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const schedulable = (st: Stage): boolean => (st.op instanceof ComputeOp || st.op instanceof ExternOp) && st.attachType !== "inline";
const readsDirectly = (reader: Stage, producer: Stage): boolean => reader.op.inputTensors().some((t) => t.op === producer.op);

function stageNamed(s: Schedule, name: string): Stage | undefined {
  return s.stages.find((x) => x.name === name);
}

/** Applies one step; false when it does not apply to this schedule (skipped). Throws a primitive's refusal. */
export function applyStep(s: Schedule, step: Step): boolean {
  const st = stageNamed(s, step.stage);
  if (!st) return false;
  const leaves = st.leafIterVars;
  const leaf = step.leaf === undefined ? undefined : leaves[step.leaf];
  if (step.leaf !== undefined && !leaf) return false;
  switch (step.kind) {
    case "split": st.split(leaf!, step.nparts ? { nparts: step.factor! } : { factor: step.factor! }); return true;
    case "fuse": {
      const b = leaves[step.leaf! + 1];
      if (!b) return false;
      st.fuse(leaf!, b);
      return true;
    }
    case "reorder": {
      const order = step.order!.map((i) => leaves[i]);
      if (order.some((x) => !x)) return false;
      st.reorder(...order);
      return true;
    }
    case "tile": {
      const b = leaves[step.leaf! + 1];
      if (!b) return false;
      st.tile(leaf!, b, step.factor!, step.factor2!);
      return true;
    }
    case "computeAt": {
      const target = stageNamed(s, step.target!);
      const iv = target?.leafIterVars[step.leaf2!];
      if (!target || !iv) return false;
      st.computeAt(target, iv);
      return true;
    }
    case "computeInline": st.computeInline(); return true;
    case "computeRoot": st.computeRoot(); return true;
    case "cacheRead": {
      const tensor = st.op.output(step.tensor!);
      const readers = step.readers!.map((n) => stageNamed(s, n)).filter((x): x is Stage => x !== undefined && x.op.inputTensors().includes(tensor));
      if (readers.length === 0) return false;
      s.cacheRead(tensor, step.scope!, readers.map((x) => x.op));
      return true;
    }
    case "cacheWrite": {
      const outs = st.op.outputs;
      if (outs.length === 1) s.cacheWrite(outs[0], step.scope!);
      else s.cacheWrite(outs, step.scope!);
      return true;
    }
    case "rfactor": {
      if (leaf!.iterType !== "CommReduce") return false;
      if (st.op.outputs.length === 1) s.rfactor(st.op.outputs[0], leaf!, step.factor!);
      else s.rfactor(st.op.outputs, leaf!, step.factor!);
      return true;
    }
    case "vectorize": st.vectorize(leaf!); return true;
    case "unroll": st.unroll(leaf!); return true;
    case "parallel": st.parallel(leaf!); return true;
    case "pragma":
      if (step.scope === "auto_unroll_max_step") st.pragma(leaf!, step.scope, step.factor!);
      else st.pragma(leaf!, step.scope!);
      return true;
    case "storageAlign": {
      const axis = st.op.axis[step.factor2!];
      if (!axis) return false;
      st.storageAlign(axis, step.factor!, step.tensor!);
      return true;
    }
  }
}

/** Draws and applies `count` random steps on `s`; returns them (the last one may have thrown: see `refused`). */
export function randomSchedule(s: Schedule, r: () => number, count: number): { steps: Step[]; refused?: Error } {
  const steps: Step[] = [];
  for (let k = 0; k < count; k++) {
    let step = drawStep(s, r);
    if (!step) continue;
    let vectorizeInner = false;
    if (step.kind === "split") {
      vectorizeInner = r() < 0.6;
    } else if (step.kind === "vectorize" && r() < 0.75) {
      step = { kind: "split", stage: step.stage, leaf: step.leaf, factor: pick(r, VECTOR_FACTORS), nparts: false };
      vectorizeInner = true;
    }
    steps.push(step);
    const before = s.stages.map((x) => x.name);
    try {
      applyStep(s, step);
    } catch (e) {
      return { steps, refused: e as Error };
    }
    // A data-parallel split is often vectorized right away on its inner loop, and a vectorized
    // loop is often split first: a likely guard inside a vectorized loop (an uneven split of a
    // vectorized axis: vector tails, issue 10 item 2) is in about one case of twelve (one of a
    // hundred without this).
    if (step.kind === "split" && vectorizeInner) {
      const inner = stageNamed(s, step.stage)?.leafIterVars[step.leaf! + 1];
      if (inner && inner.iterType === "DataPar") {
        const vec: Step = { kind: "vectorize", stage: step.stage, leaf: step.leaf! + 1 };
        steps.push(vec);
        try {
          applyStep(s, vec);
        } catch (e) {
          return { steps, refused: e as Error };
        }
      }
    }
    // A cache stage is usually attached right away, somewhere inside a reader.
    if ((step.kind === "cacheRead" || step.kind === "cacheWrite") && r() < 0.6) {
      const cst = s.stages.filter((x) => !before.includes(x.name) && x.name.endsWith(`.${step.scope}`))[0];
      const readers = cst ? s.stages.filter((x) => schedulable(x) && x !== cst && readsDirectly(x, cst) && x.leafIterVars.length > 0) : [];
      if (cst && readers.length > 0) {
        const target = pick(r, readers);
        const at: Step = { kind: "computeAt", stage: cst.name, target: target.name, leaf2: int(r, 0, target.leafIterVars.length - 1) };
        steps.push(at);
        try {
          applyStep(s, at);
        } catch (e) {
          return { steps, refused: e as Error };
        }
      }
    }
  }
  return { steps };
}

function drawStep(s: Schedule, r: () => number): Step | undefined {
  const stages = s.stages.filter(schedulable);
  if (stages.length === 0) return undefined;
  const st = pick(r, stages);
  const leaves = st.leafIterVars;
  const n = leaves.length;
  const anyLeaf = (): number => int(r, 0, n - 1);
  const kind = pick(r, ["split", "split", "split", "fuse", "reorder", "tile", "tile", "computeAt", "computeAt", "computeAt", "computeInline",
    "computeRoot", "cacheRead", "cacheWrite", "rfactor", "vectorize", "vectorize", "unroll", "parallel", "pragma", "storageAlign"] as const);
  const base = { stage: st.name };
  switch (kind) {
    case "split":
      if (n === 0) return undefined;
      return { kind, ...base, leaf: anyLeaf(), factor: pick(r, FACTORS), nparts: r() < 0.3 };
    case "fuse":
      if (n < 2) return undefined;
      return { kind, ...base, leaf: int(r, 0, n - 2) };
    case "reorder": {
      if (n < 2) return undefined;
      const subset = leaves.map((_, i) => i).filter(() => r() < 0.7);
      if (subset.length < 2) return undefined;
      for (let i = subset.length - 1; i > 0; i--) {
        const j = int(r, 0, i);
        [subset[i], subset[j]] = [subset[j], subset[i]];
      }
      return { kind, ...base, order: subset };
    }
    case "tile":
      if (n < 2) return undefined;
      return { kind, ...base, leaf: int(r, 0, n - 2), factor: pick(r, FACTORS), factor2: pick(r, FACTORS) };
    case "computeAt": {
      if (st.isOutput) return undefined;
      const direct = stages.filter((x) => x !== st && readsDirectly(x, st));
      const any = stages.filter((x) => x !== st && s.readsTransitively(x.op, st.op));
      const pool = r() < 0.75 && direct.length > 0 ? direct : any;
      if (pool.length === 0) return undefined;
      const target = pick(r, pool);
      if (target.leafIterVars.length === 0) return undefined;
      return { kind, ...base, target: target.name, leaf2: int(r, 0, target.leafIterVars.length - 1) };
    }
    case "computeInline":
      if (st.isOutput || !(st.op instanceof ComputeOp) || st.op.reduceAxis.length > 0 || st.op.numOutputs !== 1) return undefined;
      if (s.stages.some((y) => y.attachStage === st)) return undefined;
      return { kind, ...base };
    case "computeRoot":
      if (st.attachType !== "scope") return undefined;
      return { kind, ...base };
    case "cacheRead": {
      const producers = s.stages.filter((x) => x.attachType !== "inline" && stages.some((y) => readsDirectly(y, x)));
      if (producers.length === 0) return undefined;
      const prod = pick(r, producers);
      const tensor = int(r, 0, prod.op.numOutputs - 1);
      const t = prod.op.output(tensor);
      const readers = stages.filter((y) => y.op.inputTensors().includes(t));
      if (readers.length === 0) return undefined;
      const chosen = readers.filter(() => r() < 0.6);
      return { kind, stage: prod.name, tensor, readers: (chosen.length > 0 ? chosen : [pick(r, readers)]).map((y) => y.name), scope: pick(r, ["local", "global"]) };
    }
    case "cacheWrite":
      if (!(st.op instanceof ComputeOp)) return undefined;
      return { kind, ...base, scope: pick(r, ["local", "global"]) };
    case "rfactor": {
      const reds = leaves.map((iv, i) => [iv, i] as const).filter(([iv]) => iv.iterType === "CommReduce");
      if (reds.length === 0) return undefined;
      const ndim = st.op.axis.length;
      return { kind, ...base, leaf: pick(r, reds)[1], factor: r() < 0.7 ? 0 : int(r, 0, ndim) };
    }
    case "vectorize": {
      const data = leaves.map((iv, i) => [iv, i] as const).filter(([iv]) => iv.iterType === "DataPar").map(([, i]) => i);
      if (data.length === 0) return undefined;
      return { kind, ...base, leaf: r() < 0.8 ? data[data.length - 1] : pick(r, data) };
    }
    case "unroll":
      if (n === 0) return undefined;
      return { kind, ...base, leaf: anyLeaf() };
    case "parallel":
      if (n === 0) return undefined;
      return { kind, ...base, leaf: r() < 0.8 ? 0 : anyLeaf() };
    case "pragma":
      if (n === 0) return undefined;
      return { kind, ...base, leaf: anyLeaf(), scope: pick(r, ["auto_unroll_max_step", "unroll_explicit", "fuzz_note"]), factor: pick(r, [0, 4, 16]) };
    case "storageAlign": {
      const nd = st.op.axis.length;
      if (nd < 2 || !(st.op instanceof ComputeOp)) return undefined;
      const factor = pick(r, [2, 4, 8, 16]);
      return { kind, ...base, factor2: int(r, 0, nd - 2), factor, tensor: int(r, 0, factor - 1) };
    }
  }
}

/** A fresh schedule of the program's outputs. */
export function freshSchedule(outputs: te.Tensor[]): Schedule {
  return te.createSchedule([...new Set(outputs.map((t) => t.op))]);
}
