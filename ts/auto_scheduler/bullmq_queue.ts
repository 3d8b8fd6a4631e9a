// BullMQQueue: the MeasureQueue that hands candidates to workers on other machines (`npx tejit
// worker --redis URL`) through BullMQ on Redis. Each target key has its own queue; a job's
// BullMQ id is the MeasureJob's id, so a candidate is measured once however many tuning
// processes submit it: adding an id that exists attaches to the existing job and gets its
// result (a job that failed before is retried). Results come back as the jobs' return values,
// awaited through QueueEvents. Candidates' own failures (build, wrong, crash, timeout) are
// results the workers return; a job that fails on every attempt (its workers died, or its
// measurement failed for a reason not the candidate's) is a result of kind "lost" carrying
// BullMQ's reason. BullMQ is imported on first use, so tejit works without it and without Redis.
import { ArgumentError } from "../errors.js";
import type * as BullMQ from "bullmq";
import { checkMeasureJob } from "./measure.js";
import { assertReachable, connectionOptions, DEFAULT_PREFIX, loadBullMQ, queueName, type RedisConnection } from "./bullmq_connection.js";
import type { MeasureJob, MeasureQueue, MeasureResult } from "./measure_job.js";

/** Options of {@link BullMQQueue}. */
export interface BullMQQueueOptions {
  /** The Redis server: a URL (redis://host:port[/db]) or BullMQ's connection options. */
  connection: RedisConnection;
  /** Key prefix of the queues in Redis (default "tejit"); workers must use the same. */
  prefix?: string;
  /** Tries of a job whose measurement fails for a reason not the candidate's (default 3). */
  attempts?: number;
  /** How long to wait for Redis before `measure` fails (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** A job not finished this long after it was submitted is a "lost" result (default: no limit). */
  waitMs?: number;
  /**
   * How long, in seconds, a finished job (its result) stays in Redis so that later submitters of
   * the same id get it without a new measurement (default 7 days). Older results are removed
   * when a later job of the queue finishes (BullMQ removes lazily); the records file, not Redis,
   * is what keeps measurements for good.
   */
  keepResultsFor?: number;
}

/** Default of BullMQQueueOptions.keepResultsFor: 7 days, in seconds. */
export const DEFAULT_KEEP_RESULTS_FOR = 7 * 24 * 3600;

interface TargetQueue {
  queue: BullMQ.Queue;
  events: BullMQ.QueueEvents;
}

/**
 * The measure queue on BullMQ (Redis): jobs go to the queue of their target key, workers started
 * with `npx tejit worker --redis URL` on machines of that target measure them, each job id once.
 *
 * @example
 * ```ts
 * const queue = new autoScheduler.BullMQQueue({ connection: "redis://127.0.0.1:6379" });
 * const results = await queue.measure(jobs);
 * await queue.close();
 * ```
 */
export class BullMQQueue implements MeasureQueue {
  readonly #connection: RedisConnection;
  readonly #prefix: string;
  readonly #attempts: number;
  readonly #connectTimeoutMs: number;
  readonly #waitMs: number | undefined;
  readonly #keepResultsFor: number;
  readonly #targets = new Map<string, Promise<TargetQueue>>();
  readonly #results = new Map<string, Promise<MeasureResult>>();
  #closed = false;

  constructor(opts: BullMQQueueOptions) {
    if (typeof opts !== "object" || opts === null) throw new ArgumentError("BullMQQueue: expected options {connection, ...}");
    connectionOptions(opts.connection);
    const positive = (name: string, v: unknown, integer: boolean): void => {
      if (v !== undefined && !(typeof v === "number" && v > 0 && (!integer || Number.isInteger(v)))) throw new ArgumentError(`BullMQQueue: ${name} must be a positive ${integer ? "integer" : "number"}, got ${String(v)}`);
    };
    positive("attempts", opts.attempts, true);
    positive("connectTimeoutMs", opts.connectTimeoutMs, false);
    positive("waitMs", opts.waitMs, false);
    positive("keepResultsFor", opts.keepResultsFor, false);
    if (opts.prefix !== undefined && (typeof opts.prefix !== "string" || opts.prefix === "")) throw new ArgumentError(`BullMQQueue: prefix must be a non-empty string, got ${JSON.stringify(opts.prefix)}`);
    this.#connection = opts.connection;
    this.#prefix = opts.prefix ?? DEFAULT_PREFIX;
    this.#attempts = opts.attempts ?? 3;
    this.#connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.#waitMs = opts.waitMs;
    this.#keepResultsFor = opts.keepResultsFor ?? DEFAULT_KEEP_RESULTS_FOR;
  }

  /** Measures every job (each id once), calling `onResult` as results arrive. */
  async measure(jobs: readonly MeasureJob[], onResult?: (r: MeasureResult) => void): Promise<MeasureResult[]> {
    if (this.#closed) throw new ArgumentError("BullMQQueue.measure: the queue is closed");
    if (!Array.isArray(jobs)) throw new ArgumentError(`BullMQQueue.measure: jobs must be an array of MeasureJob, got ${typeof jobs}`);
    for (const j of jobs) checkMeasureJob(j);
    // Connect first, so that an unreachable Redis is an Error, not a round of "lost" results.
    await Promise.all([...new Set(jobs.map((j) => j.targetKey))].map((k) => this.#target(k)));
    for (const j of jobs) if (!this.#results.has(j.id)) this.#results.set(j.id, this.#submit(j));
    if (onResult) for (const id of new Set(jobs.map((j) => j.id))) void this.#results.get(id)!.then(onResult);
    return Promise.all(jobs.map((j) => this.#results.get(j.id)!));
  }

  #target(targetKey: string): Promise<TargetQueue> {
    let t = this.#targets.get(targetKey);
    if (t === undefined) {
      t = this.#open(targetKey);
      this.#targets.set(targetKey, t);
      t.catch(() => this.#targets.delete(targetKey));
    }
    return t;
  }

  async #open(targetKey: string): Promise<TargetQueue> {
    const { Queue, QueueEvents } = await loadBullMQ();
    await assertReachable(this.#connection, this.#connectTimeoutMs, "BullMQQueue");
    const name = queueName(targetKey);
    const connection = connectionOptions(this.#connection);
    const queue = new Queue(name, { connection, prefix: this.#prefix });
    const events = new QueueEvents(name, { connection, prefix: this.#prefix });
    // Without listeners, a connection error event would end the process.
    queue.on("error", () => undefined);
    // Each job awaited adds a listener to the queue (BullMQ's waitUntilFinished): a round has many.
    queue.setMaxListeners(0);
    events.on("error", () => undefined);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return { queue, events };
  }

  async #submit(job: MeasureJob): Promise<MeasureResult> {
    const lost = (message: string): MeasureResult => {
      this.#results.delete(job.id);
      return { id: job.id, error: { kind: "lost", message } };
    };
    try {
      const { queue, events } = await this.#target(job.targetKey);
      const added = await queue.add("measure", job, {
        jobId: job.id, attempts: this.#attempts,
        removeOnComplete: { age: this.#keepResultsFor }, removeOnFail: { age: this.#keepResultsFor },
      });
      if ((await queue.getJobState(job.id)) === "failed") {
        // Failed in an earlier round (every attempt lost): measure it again. Another submitter
        // may have done so first, which makes this retry fail harmlessly.
        await added.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => undefined);
      }
      const value = (await added.waitUntilFinished(events, this.#waitMs)) as MeasureResult | null;
      if (typeof value !== "object" || value === null || value.id !== job.id) return lost(`the worker returned ${JSON.stringify(value)}, not a result for job ${job.id}`);
      return value;
    } catch (e) {
      return lost(`not measured: ${(e as Error).message}`);
    }
  }

  /** Closes the Redis connections (results of jobs still running are then "lost"). */
  async close(): Promise<void> {
    this.#closed = true;
    const targets = await Promise.allSettled([...this.#targets.values()]);
    await Promise.allSettled(targets.flatMap((t) => (t.status === "fulfilled" ? [t.value.events.close(), t.value.queue.close()] : [])));
  }
}
