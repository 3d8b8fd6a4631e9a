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

// The measurement contract and its queues (in-process, or BullMQ workers on other machines).
export type { MeasureArg, MeasureJob, MeasureError, MeasureResult, MeasureQueue } from "./measure_job.js";
export { measureJob, checkMeasureJob } from "./measure.js";
export { LocalQueue } from "./local_queue.js";
export { BullMQQueue, type BullMQQueueOptions } from "./bullmq_queue.js";
export { startMeasureWorker, type MeasureWorker, type MeasureWorkerOptions, type WorkerEvent } from "./bullmq_worker.js";
export { queueName, type RedisConnection } from "./bullmq_connection.js";
