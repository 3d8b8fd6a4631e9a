// A measure worker: serves the BullMQ queue of one target key (by default this machine's), one
// job at a time unless told otherwise, measuring each with measureJob (which enforces the job's
// timeout by killing the measuring child). What `npx tejit worker` runs. Its job locks are short
// (renewed every lockDurationMs / 2 while it lives) and the stalled-job check frequent, so when a
// worker dies mid-job the job goes back to the queue within seconds and another worker measures
// it; a job that stalls more than maxStalledCount times, or whose measurement fails for a reason
// not the candidate's on every attempt, fails, and its submitter gets a "lost" result.
import { ArgumentError } from "../errors.js";
import type * as BullMQ from "bullmq";
import { checkMeasureJob, measureJob, workerName } from "./measure.js";
import { releaseIdleMeasuringProcesses } from "./measure_run.js";
import { assertReachable, connectionOptions, DEFAULT_PREFIX, loadBullMQ, queueName, type RedisConnection } from "./bullmq_connection.js";
import { targetKey as thisTargetKey } from "./target_key.js";
import type { MeasureJob, MeasureResult } from "./measure_job.js";

/** What a worker reports as it goes (the command line prints these). */
export type WorkerEvent =
  | { kind: "start"; id: string; attempt: number }
  | { kind: "done"; id: string; result: MeasureResult }
  | { kind: "failed"; id: string; message: string }
  | { kind: "error"; message: string };

/** Options of {@link startMeasureWorker}. */
export interface MeasureWorkerOptions {
  /** The Redis server: a URL (redis://host:port[/db]) or BullMQ's connection options. */
  connection: RedisConnection;
  /** The target key whose queue to serve (default: this machine's, autoScheduler's targetKey()). */
  targetKey?: string;
  /** Jobs measured at once (default 1: measurements do not share the machine). */
  concurrency?: number;
  /** Key prefix of the queues in Redis (default "tejit"), as the submitters'. */
  prefix?: string;
  /** A job's lock lasts this long unless renewed (default 4000 ms). */
  lockDurationMs?: number;
  /** How often to look for jobs whose worker died (default 2000 ms). */
  stalledIntervalMs?: number;
  /** Times a job may be recovered from a dead worker before it fails (default 2). */
  maxStalledCount?: number;
  /** How long to wait for Redis before failing (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** Called at each job's start and end, and on connection errors. */
  onEvent?: (e: WorkerEvent) => void;
}

/** A running measure worker. */
export interface MeasureWorker {
  /** The target key it serves. */
  readonly targetKey: string;
  /** The BullMQ queue it serves. */
  readonly queueName: string;
  /** Stops taking jobs, finishes the ones in progress, and disconnects. */
  close(): Promise<void>;
}

/**
 * Starts a worker measuring the jobs of one target key's queue.
 * @throws When Redis cannot be reached within `connectTimeoutMs`.
 */
export async function startMeasureWorker(opts: MeasureWorkerOptions): Promise<MeasureWorker> {
  const { Worker, UnrecoverableError } = await loadBullMQ();
  await assertReachable(opts.connection, opts.connectTimeoutMs ?? 10_000, "measure worker");
  const key = opts.targetKey ?? thisTargetKey();
  const name = queueName(key);
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ArgumentError(`measure worker: concurrency must be a positive integer, got ${String(opts.concurrency)}`);
  const emit = opts.onEvent ?? (() => undefined);
  const processor = async (job: BullMQ.Job<MeasureJob>): Promise<MeasureResult> => {
    const m = job.data;
    // Not retried: the job itself is wrong, another worker would not do better.
    if (m?.targetKey !== key) throw new UnrecoverableError(`job ${job.id} is for target '${m?.targetKey}', this worker serves '${key}'`);
    if (m.id !== job.id) throw new UnrecoverableError(`job ${job.id} carries the measure job id '${m.id}'`);
    try {
      checkMeasureJob(m);
    } catch (e) {
      throw new UnrecoverableError((e as Error).message);
    }
    emit({ kind: "start", id: m.id, attempt: job.attemptsMade + 1 });
    const result = await measureJob(m);
    emit({ kind: "done", id: m.id, result });
    return result;
  };
  const worker = new Worker<MeasureJob, MeasureResult>(name, processor, {
    connection: connectionOptions(opts.connection),
    prefix: opts.prefix ?? DEFAULT_PREFIX,
    concurrency,
    lockDuration: opts.lockDurationMs ?? 4000,
    stalledInterval: opts.stalledIntervalMs ?? 2000,
    maxStalledCount: opts.maxStalledCount ?? 2,
    name: workerName(),
    autorun: false,
  });
  worker.on("error", (e) => emit({ kind: "error", message: e.message }));
  worker.on("failed", (job, e) => { if (job) emit({ kind: "failed", id: String(job.id), message: e.message }); });
  await worker.waitUntilReady();
  const running = worker.run();
  running.catch((e: Error) => emit({ kind: "error", message: e.message }));
  return {
    targetKey: key,
    queueName: name,
    async close() {
      await worker.close();
      await running.catch(() => undefined);
      releaseIdleMeasuringProcesses();
    },
  };
}
