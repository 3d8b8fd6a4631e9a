// What the search rules need to know about a TE program: each op's kind (input, elementwise
// compute, reduction, tileable or opaque extern), its consumers, its constant axis extents, and
// whether a consumer reads it elementwise (at exactly its own axes), which decides what can be
// inlined and which consumer a reduction's tile can be fused into.

import { IntImm, ProducerLoad, Reduce, Var } from "../ir/expr.js";
import { postOrderVisit } from "../ir/functor.js";
import type { IterVar } from "../ir/iter_var.js";
import { ComputeOp } from "../te/compute.js";
import { ExternOp } from "../te/extern.js";
import type { Operation } from "../te/operation.js";
import { PlaceholderOp } from "../te/placeholder.js";
import { Tensor } from "../te/tensor.js";
import { programOps } from "./workload_key.js";

/** One op of the program, as the rules see it. */
export interface OpInfo {
  op: Operation;
  kind: "input" | "elementwise" | "reduction" | "extern" | "opaqueExtern" | "other";
  isOutput: boolean;
  /** Ops that read this one's outputs. */
  consumers: Operation[];
  /** Constant extents of its data-parallel axes (undefined for a symbolic one). */
  extents: (number | undefined)[];
  /** Constant extents of its reduction axes. */
  reduceExtents: (number | undefined)[];
}

/** The constant extent of an axis, if it has one. */
export function constExtent(iv: IterVar): number | undefined {
  const e = iv.dom?.extent;
  return e instanceof IntImm ? e.value : undefined;
}

function kindOf(op: Operation): OpInfo["kind"] {
  if (op instanceof PlaceholderOp) return "input";
  if (op instanceof ExternOp) return op.axis.length > 0 ? "extern" : "opaqueExtern";
  if (op instanceof ComputeOp) return op.body[0] instanceof Reduce ? "reduction" : "elementwise";
  return "other";
}

/** The program's ops in schedule order (inputs first), with what the rules need. */
export function analyzeProgram(outputs: readonly Operation[]): OpInfo[] {
  const ops = programOps(outputs);
  const consumers = new Map<Operation, Operation[]>(ops.map((op) => [op, []]));
  for (const op of ops) {
    for (const t of new Set(op.inputTensors().map((x) => x.op))) consumers.get(t)?.push(op);
  }
  return ops.map((op) => ({
    op,
    kind: kindOf(op),
    isOutput: outputs.includes(op),
    consumers: consumers.get(op) ?? [],
    extents: op.axis.map(constExtent),
    reduceExtents: op.reduceAxis.map(constExtent),
  }));
}

/**
 * Whether `consumer` (a compute) reads `producer` only at exactly its own axes, in order (so a
 * tile of the consumer needs the same tile of the producer).
 */
export function readsElementwise(consumer: Operation, producer: Operation): boolean {
  if (!(consumer instanceof ComputeOp) || consumer.body[0] instanceof Reduce) return false;
  const axes = consumer.axis.map((a) => a.var);
  let reads = 0;
  let ok = true;
  for (const b of consumer.body) {
    postOrderVisit(b, (n) => {
      if (!(n instanceof ProducerLoad) || !(n.producer instanceof Tensor) || n.producer.op !== producer) return;
      reads++;
      if (n.indices.length !== axes.length || n.indices.some((x, i) => !(x instanceof Var) || x !== axes[i])) ok = false;
    });
  }
  return ok && reads > 0;
}
