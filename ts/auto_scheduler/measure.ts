// measureJob: one candidate measured on this machine, from its job alone. The two sources are
// compiled (measure_compile.ts), then run in a child process under a watchdog (measure_run.ts).
// The result is the candidate's times, or why it has none (build, wrong, crash, timeout); a
// failure that is not the candidate's (bad job, reference broken, child cannot start) throws.
import { ArgumentError } from "../errors.js";
import { hostname } from "node:os";
import { compileJob } from "./measure_compile.js";
import { runCompiledJob } from "./measure_run.js";
import type { MeasureJob, MeasureResult } from "./measure_job.js";

/** This process as a result's `worker`: host and pid. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

const DTYPES = new Set(["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]);

/** Throws an Error naming the first field of `job` that is missing or malformed. */
export function checkMeasureJob(job: MeasureJob): void {
  const bad = (field: string, expected: string, got: unknown): never => {
    const id = typeof job?.id === "string" ? ` ${job.id}` : "";
    throw new ArgumentError(`measure job${id}: ${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
  };
  if (typeof job !== "object" || job === null) bad("the job", "an object", job);
  for (const f of ["id", "workloadKey", "targetKey", "source", "referenceSource", "entry"] as const) {
    if (typeof job[f] !== "string" || job[f] === "") bad(f, "a non-empty string", job[f]);
  }
  if (!Array.isArray(job.cflags) || job.cflags.some((f) => typeof f !== "string")) bad("cflags", "a list of strings", job.cflags);
  if (!Array.isArray(job.args) || job.args.length === 0) bad("args", "a non-empty list of arguments", job.args);
  job.args.forEach((a, i) => {
    if (typeof a?.name !== "string") bad(`args[${i}].name`, "a string", a?.name);
    if (!DTYPES.has(a.dtype)) bad(`args[${i}].dtype ('${a.name}')`, `one of ${[...DTYPES].join(", ")}`, a.dtype);
    if (!Array.isArray(a.shape) || a.shape.some((d) => !Number.isInteger(d) || d < 0)) bad(`args[${i}].shape ('${a.name}')`, "a list of non-negative integers", a.shape);
    if (a.role !== "input" && a.role !== "output") bad(`args[${i}].role ('${a.name}')`, '"input" or "output"', a.role);
  });
  if (!job.args.some((a) => a.role === "output")) bad("args", "a list with at least one output", job.args.map((a) => a.role));
  if (!Number.isInteger(job.dataSeed)) bad("dataSeed", "an integer", job.dataSeed);
  if (!(typeof job.rtol === "number" && job.rtol >= 0)) bad("rtol", "a non-negative number", job.rtol);
  if (!(typeof job.timeoutMs === "number" && job.timeoutMs > 0)) bad("timeoutMs", "a positive number", job.timeoutMs);
  if (!(Number.isInteger(job.minRepeats) && job.minRepeats >= 1)) bad("minRepeats", "a positive integer", job.minRepeats);
  if (!(Number.isInteger(job.maxRepeats) && job.maxRepeats >= job.minRepeats)) bad("maxRepeats", `an integer >= minRepeats (${job.minRepeats})`, job.maxRepeats);
  if (!(typeof job.stableWithin === "number" && job.stableWithin >= 0)) bad("stableWithin", "a non-negative number", job.stableWithin);
  if (job.setupModule !== undefined && (typeof job.setupModule !== "string" || job.setupModule === "")) bad("setupModule", "a module path or name", job.setupModule);
  if (job.threads !== undefined && !(Number.isInteger(job.threads) && job.threads >= 1)) bad("threads", "a positive integer", job.threads);
}

/**
 * Measures one job on this machine: compiles the candidate and the reference (the reference once
 * per workload), runs the reference once and the candidate until its median is stable, in a
 * child process with the job's timeout, and checks the candidate's outputs.
 * @returns The times, or the error that keeps the candidate from being chosen.
 * @throws When the failure is not the candidate's: a malformed job, a reference that does not
 *   compile or run, a measuring process that cannot start.
 */
export async function measureJob(job: MeasureJob): Promise<MeasureResult> {
  checkMeasureJob(job);
  const worker = workerName();
  const compiled = await compileJob(job, worker);
  return "job" in compiled ? runCompiledJob(compiled, worker) : compiled;
}
