// `tejit worker --redis URL [--concurrency N] [--target-key KEY]`: a measure worker on this
// machine (auto_scheduler/bullmq_worker.ts) serving the queue of this machine's target key (or
// the one given), printing a line as each job starts and ends, until SIGINT or SIGTERM: then it
// stops taking jobs, finishes the ones in progress, disconnects and exits with status 0.
import { ArgumentError } from "../errors.js";
import { startMeasureWorker, type WorkerEvent } from "../auto_scheduler/bullmq_worker.js";
import { describeConnection } from "../auto_scheduler/bullmq_connection.js";
import type { MeasureResult } from "../auto_scheduler/measure_job.js";

export interface WorkerFlags {
  redis?: string;
  concurrency?: number;
  targetKey?: string;
}

function outcome(r: MeasureResult): string {
  if (r.error) return `${r.error.kind}: ${r.error.message.split("\n")[0]}`;
  return `median ${((r.median ?? Number.NaN) * 1e3).toPrecision(4)} ms (${r.seconds?.length ?? 0} repeats)`;
}

/** Runs the worker until a signal stops it; returns the exit status. */
export async function workerCommand(flags: WorkerFlags, out: (s: string) => void): Promise<number> {
  if (flags.redis === undefined || flags.redis === "") throw new ArgumentError("worker: --redis URL is required (for example --redis redis://127.0.0.1:6379)");
  const onEvent = (e: WorkerEvent): void => {
    if (e.kind === "start") out(`measuring ${e.id} (attempt ${e.attempt})\n`);
    else if (e.kind === "done") out(`measured ${e.id}: ${outcome(e.result)}\n`);
    else if (e.kind === "failed") out(`failed ${e.id}: ${e.message}\n`);
    else out(`error: ${e.message}\n`);
  };
  const w = await startMeasureWorker({ connection: flags.redis, concurrency: flags.concurrency, targetKey: flags.targetKey, onEvent });
  const signal = await new Promise<string>((resolve) => {
    out(`tejit worker ${process.pid}: serving ${w.queueName} on ${describeConnection(flags.redis!)}, ${flags.concurrency ?? 1} at a time; target key: ${w.targetKey}\n`);
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  out(`${signal}: finishing the jobs in progress\n`);
  await w.close();
  out("stopped\n");
  return 0;
}
