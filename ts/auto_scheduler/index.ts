// The `autoScheduler` namespace of the public API (TVM's auto_scheduler): the measurement
// contract and its queues (in-process, or BullMQ workers on other machines), measureJob, the
// worker, and the target key.
export type { MeasureArg, MeasureJob, MeasureError, MeasureResult, MeasureQueue } from "./measure_job.js";
export { measureJob, checkMeasureJob } from "./measure.js";
export { LocalQueue } from "./local_queue.js";
export { BullMQQueue, type BullMQQueueOptions } from "./bullmq_queue.js";
export { startMeasureWorker, type MeasureWorker, type MeasureWorkerOptions, type WorkerEvent } from "./bullmq_worker.js";
export { queueName, type RedisConnection } from "./bullmq_connection.js";
export { targetKey } from "./target_key.js";
