// Schedule.cacheRead (TVM's cache_read): a new compute stage that copies a tensor into another
// storage scope ("A.shared", "A.local", …), and the given readers rewired to read the copy.
// The copy is a plain stage: it can be computed at a loop of a reader, so that only the tile
// the reader needs is copied (bound inference sizes it), split, vectorized, and so on.

import { ArgumentError, ScheduleError } from "../errors.js";
import { type PrimExpr, ProducerLoad, Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { describe, toExpr } from "../ir/op.js";
import { ComputeOp } from "../te/compute.js";
import { Operation } from "../te/operation.js";
import { Tensor } from "../te/tensor.js";
import { insertStage, replaceDataFlow, setStageOp, stageOfTensor } from "./replace_dataflow.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

export type Readers = Tensor | Operation | (Tensor | Operation)[];

/** Axes named ax0, ax1, … (as the stages TVM creates internally name them) over `shape`. */
export function freshAxes(shape: readonly PrimExpr[]): IterVar[] {
  return shape.map((d, i) => new IterVar(new Range(toExpr(0, d.dtype), d), new Var(`ax${i}`, d.dtype), "DataPar"));
}

/** A compute op that copies `src` elementwise (the body of a cache stage). */
export function copyOp(name: string, src: Tensor): ComputeOp {
  const axes = freshAxes(src.shape);
  return new ComputeOp(name, "", {}, axes, [new ProducerLoad(src, axes.map((iv) => iv.var))]);
}

export function checkScope(scope: unknown, action: string): string {
  if (typeof scope !== "string" || scope.length === 0) {
    throw new ArgumentError(`${action}: scope must be a non-empty storage scope name such as "global", "shared" or "local", got ${describe(scope)}`);
  }
  return scope;
}

/** A stage name not used yet: `<base>.<scope>`, with `.d` appended to base while taken. */
function uniqueCacheName(sch: Schedule, base: string, scope: string): string {
  const taken = new Set(sch.stages.map((s) => s.op.name));
  let b = base;
  while (taken.has(`${b}.${scope}`)) b += ".d";
  return `${b}.${scope}`;
}

export function cacheRead(sch: Schedule, tensor: Tensor, scope: string, readers: Readers): Tensor {
  const what = tensor instanceof Tensor ? `cacheRead of '${tensor.name}'` : "cacheRead";
  const producer = stageOfTensor(sch, tensor, what);
  checkScope(scope, what);
  const list = Array.isArray(readers) ? readers : [readers];
  if (list.length === 0) throw new ScheduleError(`${what}: needs at least one reader (a tensor or op that reads '${tensor.name}')`);
  const readerStages: Stage[] = [];
  for (const r of list) {
    const op = r instanceof Tensor ? r.op : r;
    if (!(op instanceof Operation)) throw new ArgumentError(`${what}: readers must be tensors or ops, got ${describe(r)}`);
    if (!sch.hasStage(op)) throw new ScheduleError(`${what}: reader '${op.name}' is not part of this schedule`);
    const st = sch.stage(op);
    if (readerStages.includes(st)) throw new ScheduleError(`${what}: reader '${st.name}' is listed twice`);
    readerStages.push(st);
  }

  const current = producer.op.output(tensor.valueIndex);
  const base = producer.op.numOutputs === 1 ? producer.op.name : `${producer.op.name}.v${tensor.valueIndex}`;
  const cache = copyOp(uniqueCacheName(sch, base, scope), current).output(0);

  // Check every reader before changing anything, so a refused call leaves the schedule as it was.
  const sub = new Map([[current, cache]]);
  const replaced = readerStages.map((st) => {
    const op = st.op.replaceInputs(sub);
    if (op === st.op) {
      const reads = st.op.inputTensors().map((t) => `'${t.name}'`).join(", ");
      throw new ScheduleError(`${what}: reader '${st.name}' does not read '${tensor.name}' (it reads ${reads || "nothing"})`);
    }
    return op;
  });
  const vmap = new Map<Tensor, Tensor>();
  const rvmap = new Map<Tensor, Tensor>();
  readerStages.forEach((st, k) => {
    const op = replaced[k];
    for (let i = 0; i < op.numOutputs; i++) {
      vmap.set(st.op.output(i), op.output(i));
      rvmap.set(op.output(i), st.op.output(i));
    }
    setStageOp(sch, st, op);
  });
  replaceDataFlow(sch, vmap, rvmap);
  insertStage(sch, cache.op, sch.stages.indexOf(producer) + 1, scope, producer);
  return cache;
}
