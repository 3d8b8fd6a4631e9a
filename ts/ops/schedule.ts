// ops.schedule: the default CPU schedule of the graph that produces `outputs`. Every op of the
// library is tagged with its family (family.ts). The dispatcher
// 1. inlines every elementwise, broadcast and pad op that is not an output (TVM's default for
//    injective ops: no buffer, no loop nest; a pad becomes a guarded read in its consumer);
// 2. gives each "anchor" (matmul, conv2d, depthwise conv, pool, softmax, layer norm, reduction)
//    its family's schedule; when the anchor's one consumer (through the inlined ops) is an
//    elementwise op of the same shape, that consumer is the stage the family tiles and the
//    anchor is computed inside its tiles: a bias add and a relu after a matmul or conv become the
//    copy-out of the register tile (fused, as TVM's schedules fuse an injective tail);
// 3. schedules what is left (injective outputs computed on their own) with injective.ts.
// The result is an ordinary Schedule: the user may keep changing it before lower / build.

import { ArgumentError, UnsupportedError } from "../errors.js";
import { IntImm } from "../ir/expr.js";
import { describe } from "../ir/op.js";
import { ComputeOp } from "../te/compute.js";
import type { Operation } from "../te/operation.js";
import { Tensor } from "../te/tensor.js";
import { createSchedule, type Schedule } from "../schedule/schedule.js";
import { scheduleConv2d, scheduleDepthwiseConv2d } from "./conv2d.js";
import { familyOf, isInjective, type OpFamily } from "./family.js";
import { scheduleInjective } from "./injective.js";
import { scheduleLayerNorm } from "./layer_norm.js";
import { scheduleMatmul } from "./matmul.js";
import { schedulePool2d } from "./pool.js";
import { scheduleReduce } from "./reduce.js";
import { scheduleSoftmax } from "./softmax.js";
import { type OpsScheduleOptions, type TargetInfo, targetInfo } from "./target.js";

/** A family's schedule: `anchor` is the family's last op, `out` the stage its values end in (itself or a fused consumer). */
type FamilySchedule = (s: Schedule, anchor: Tensor, out: Tensor, t: TargetInfo) => void;

const SCHEDULES: Partial<Record<OpFamily, FamilySchedule>> = {
  matmul: scheduleMatmul,
  conv2d: scheduleConv2d,
  depthwise_conv2d: scheduleDepthwiseConv2d,
  pool2d: schedulePool2d,
  softmax: scheduleSoftmax,
  layer_norm: scheduleLayerNorm,
  reduce: scheduleReduce,
};

/** Whether `op` is the op a family schedule starts from (a multi-op family marks its last op `part: "out"`). */
function isAnchor(op: Operation): boolean {
  const f = familyOf(op);
  if (f === undefined || SCHEDULES[f] === undefined) return false;
  return op.attrs.part === undefined || op.attrs.part === "out";
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.ndim === b.ndim && a.shape.every((d, i) => String(d) === String(b.shape[i]) && (d as IntImm).value === (b.shape[i] as IntImm).value);
}

/**
 * The default CPU schedule for the graph producing `outputs` (TVM's topi schedules, chosen for
 * the target): elementwise ops inlined or fused into the matmul / conv / reduction producing
 * them, each family scheduled for the shapes, the target's vector width and the thread count.
 * The returned schedule can be changed further before lower or build.
 * @param outputs The graph's output tensors (made by `ops`, or any TE tensors: ops not made by
 * `ops` are left with TE's default schedule).
 * @param opts The target (as build's `target` / `cflags`, or `vectorBytes`) and `numThreads`.
 * @returns A new Schedule for the outputs.
 * @throws Error when an output is not a Tensor, or an option is wrong.
 * @example
 * ```ts
 * const X = te.placeholder([64, 128], "float32", "X");
 * const W = te.placeholder([32, 128], "float32", "W");
 * const b = te.placeholder([32], "float32", "b");
 * const Y = ops.relu(ops.dense(X, W, b));
 * const s = ops.schedule(Y);
 * const f = build(s, [X, W, b, Y]).getFunction("main");
 * ```
 */
export function schedule(outputs: Tensor | Tensor[], opts: OpsScheduleOptions = {}): Schedule {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  if (list.length === 0) throw new ArgumentError("ops.schedule: needs at least one output tensor");
  list.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(`ops.schedule: output ${i} must be a Tensor, got ${describe(x)}`);
  });
  const t = targetInfo(opts);
  const s = createSchedule(list);
  const outOps = new Set(list.map((x) => x.op));
  const readers = new Map<Operation, Operation[]>();
  for (const st of s.stages) {
    for (const input of st.op.inputTensors()) readers.set(input.op, [...(readers.get(input.op) ?? []), st.op]);
  }
  for (const st of s.stages) {
    if (st.op instanceof ComputeOp && isInjective(st.op) && !outOps.has(st.op)) st.computeInline();
  }
  // The stages reading `op`'s values, through inlined ones.
  const consumers = (op: Operation): Operation[] => {
    const found = new Set<Operation>();
    for (const r of readers.get(op) ?? []) {
      if (s.stage(r).attachType === "inline") consumers(r).forEach((c) => found.add(c));
      else found.add(r);
    }
    return [...found];
  };
  const done = new Set<Operation>();
  for (const st of [...s.stages]) {
    const op = st.originOp;
    if (!isAnchor(op)) continue;
    const anchor = op.output(0);
    if (!anchor.shape.every((d) => d instanceof IntImm)) {
      throw new UnsupportedError(`ops.schedule: '${op.name}' has the symbolic shape [${anchor.shape.join(", ")}]; the default ${familyOf(op)} schedule needs constant shapes (schedule it with te's primitives instead)`);
    }
    const cons = consumers(op);
    let out = anchor;
    if (!outOps.has(op) && cons.length === 1 && isInjective(cons[0]) && !done.has(cons[0]) && sameShape(cons[0].output(0), anchor)) {
      out = cons[0].output(0);
    }
    SCHEDULES[familyOf(op)!]!(s, anchor, out, t);
    done.add(op);
    done.add(out.op);
  }
  for (const st of [...s.stages]) {
    const op = st.originOp;
    // Left: injective stages at the root that no family schedule has touched.
    if (isInjective(op) && st.attachType === "root" && !done.has(op) && st.relations.length === 0) scheduleInjective(s, op.output(0), t);
  }
  return s;
}
