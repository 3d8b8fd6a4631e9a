// The default schedule a search starts from and applyHistoryBest falls back to: the `ops`
// library's CPU schedule when one is registered (ops registers `ops.schedule` here, so the
// auto-scheduler does not import ops), else the unscheduled program. A tune or applyHistoryBest
// call can also pass its own.

import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import { createSchedule, type Schedule } from "../schedule/schedule.js";

/** Makes the default schedule of the program producing `outputs` (every output tensor), or undefined when it has none. */
export type DefaultScheduleHook = (outputs: Tensor[]) => Schedule | undefined;

let registered: DefaultScheduleHook | undefined;

/**
 * Registers the library's default schedule maker (the `ops` library calls this with its
 * `ops.schedule`), used by tune and applyHistoryBest when no `defaultSchedule` option is given.
 * @param hook The maker; undefined removes it.
 */
export function registerDefaultSchedule(hook: DefaultScheduleHook | undefined): void {
  registered = hook;
}

/** The default schedule: from `hook`, else the registered one, with where it came from. */
export function defaultSchedule(outputs: Operation[], hook?: DefaultScheduleHook): { schedule: Schedule; from: "hook" | "unscheduled" } {
  const made = (hook ?? registered)?.(outputs.flatMap((op) => op.outputs));
  return made ? { schedule: made, from: "hook" } : { schedule: createSchedule(outputs), from: "unscheduled" };
}

/** Whether a default schedule other than the unscheduled program is available. */
export function hasDefaultSchedule(hook?: DefaultScheduleHook): boolean {
  return (hook ?? registered) !== undefined;
}
