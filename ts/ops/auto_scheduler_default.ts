// Registers ops.schedule as the auto-scheduler's default schedule (the seed of its search and
// applyHistoryBest's fallback), for graphs that contain an op of the library: a program written
// with te.compute alone has no default (ops.schedule would only give it TE's), so the search does
// not measure the unscheduled program twice. The auto-scheduler does not import ops; ops tells it.

import { registerDefaultSchedule } from "../auto_scheduler/default_schedule.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import { familyOf } from "./family.js";
import { schedule } from "./schedule.js";

/** Whether an op of the graph producing `outputs` was made by `ops`. */
export function hasOpsOp(outputs: readonly Tensor[]): boolean {
  const seen = new Set<Operation>();
  const stack = outputs.map((t) => t.op);
  while (stack.length > 0) {
    const op = stack.pop()!;
    if (seen.has(op)) continue;
    seen.add(op);
    if (familyOf(op) !== undefined) return true;
    for (const t of op.inputTensors()) stack.push(t.op);
  }
  return false;
}

registerDefaultSchedule((outputs) => (hasOpsOp(outputs) ? schedule(outputs) : undefined));
