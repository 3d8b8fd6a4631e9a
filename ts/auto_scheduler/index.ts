// The `autoScheduler` namespace (TVM's auto_scheduler): tune a program by measuring candidate
// schedules, keep the measurements as records, and apply the best recorded schedule later.

export { tune, type TuneOptions, type TuneResult, type Trial } from "./tune.js";
export { applyHistoryBest, type ApplyHistoryBestOptions, type HistoryBest } from "./apply_history_best.js";
export { replayTrace, traceText, type Trace, type TraceStep } from "./trace.js";
export { workloadKey } from "./workload_key.js";
export { targetKey, describeTarget, type TargetDescription, type TargetOptions } from "./target_key.js";
export { loadRecords, appendRecords, bestRecord, type TuningRecord } from "./records.js";
export { registerDefaultSchedule, type DefaultScheduleHook } from "./default_schedule.js";
export type { TuneProgress } from "./progress.js";
