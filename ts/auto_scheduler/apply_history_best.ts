// autoScheduler.applyHistoryBest: the schedule the records say is fastest for this program on
// this machine (TVM's ApplyHistoryBest), replayed on a fresh schedule of the program. Records of
// other targets are used only when asked (`anyTarget`); with no usable record the default
// schedule is returned, and `message` says why.

import type { LowerArg } from "../schedule/postproc_to_primfunc.js";
import type { Schedule } from "../schedule/schedule.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import { defaultSchedule, type DefaultScheduleHook } from "./default_schedule.js";
import { bestRecord, recordsOf, translateTrace, type TuningRecord } from "./records.js";
import { type TargetOptions, targetKey } from "./target_key.js";
import { outputOps, replayTrace } from "./trace.js";
import { workloadKey, workloadNames } from "./workload_key.js";

/** Options of {@link applyHistoryBest}. */
export interface ApplyHistoryBestOptions extends TargetOptions {
  /** Use the best record of any target when this one has none (default false). */
  anyTarget?: boolean;
  /** The default schedule when no record applies (default: the one `ops` registers, else unscheduled). */
  defaultSchedule?: DefaultScheduleHook;
}

/** What {@link applyHistoryBest} returns. */
export interface HistoryBest {
  /** The schedule (a fresh one). */
  schedule: Schedule;
  /** The kernel's arguments (as given). */
  args: LowerArg[];
  /** Whether it came from a record (else it is the default). */
  fromRecords: boolean;
  /** Which record, when one was used. */
  record?: TuningRecord;
  /** What was chosen and why. */
  message: string;
}

/**
 * The best recorded schedule of the program producing `outputs` on this target (a record of
 * another target only with `anyTarget`), else the default schedule, saying so.
 * @param outputs The program's output tensors (or ops).
 * @param args The kernel's arguments, returned with the schedule.
 * @param records A JSON-lines file of records, or the records.
 * @param opts The compiler and flags the target key is computed for; `anyTarget`; the default.
 * @returns `{schedule, args, fromRecords, record, message}`.
 * @throws Error when the records cannot be read, or the chosen record does not replay.
 */
export function applyHistoryBest(outputs: Tensor | Operation | readonly (Tensor | Operation)[], args: LowerArg[], records: string | readonly TuningRecord[], opts: ApplyHistoryBestOptions = {}): HistoryBest {
  const ops = outputOps(outputs);
  const all = recordsOf(records);
  const wkey = workloadKey(ops);
  const tkey = targetKey(opts);
  const here = bestRecord(all, wkey, tkey);
  const chosen = here ?? (opts.anyTarget ? bestRecord(all, wkey) : undefined);
  if (!chosen) {
    const d = defaultSchedule(ops, opts.defaultSchedule);
    const elsewhere = all.filter((r) => r.workloadKey === wkey && r.targetKey !== tkey && r.error === undefined).length;
    const why = elsewhere > 0
      ? `only records of other targets (${elsewhere}; pass {anyTarget: true} to use them)`
      : `no record of workload ${wkey} on target ${tkey}`;
    return { schedule: d.schedule, args, fromRecords: false, message: `${why}: using the ${d.from === "hook" ? "default (ops) schedule" : "unscheduled program"}` };
  }
  const names = workloadNames(ops);
  const isDefault = chosen.meta?.schedule === "default";
  const schedule = isDefault ? defaultSchedule(ops, opts.defaultSchedule).schedule : replayTrace(ops, chosen.names ? translateTrace(chosen.trace, chosen.names, names) : chosen.trace);
  const where = chosen.targetKey === tkey ? "this target" : `another target (${chosen.targetKey}${chosen.target ? `: ${chosen.target.cpu}` : ""})`;
  return { schedule, args, fromRecords: true, record: chosen, message: `the best record of workload ${wkey} on ${where}: ${chosen.median} s` };
}
