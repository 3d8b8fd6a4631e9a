// The compile half of a measurement: the candidate's and the reference's C source through
// tejit's compile driver (runtime/compile.ts: asynchronous, at most one compiler a core, cached
// on disk). The reference is compiled once per process for each (source, flags), however many
// candidates of its workload arrive at once. A candidate that does not compile is a result
// (error kind "build"); a reference that does not compile is an Error, since no candidate of
// the workload can then be checked.
import { TuneError } from "../errors.js";
import { createHash } from "node:crypto";
import { compileSourceAsync } from "../runtime/compile.js";
import type { MeasureJob, MeasureResult } from "./measure_job.js";

/** A job whose two libraries are built, ready to run. */
export interface CompiledJob {
  job: MeasureJob;
  candidateLib: string;
  referenceLib: string;
}

const references = new Map<string, Promise<string>>();

function referenceLibrary(job: MeasureJob): Promise<string> {
  const key = createHash("sha256").update(job.cflags.join("\0")).update("\0").update(job.referenceSource).digest("hex");
  let lib = references.get(key);
  if (lib === undefined) {
    lib = compileSourceAsync(job.referenceSource, { cflags: job.cflags });
    references.set(key, lib);
    // A failure is not remembered: the next job of the workload tries again.
    lib.catch(() => references.delete(key));
  }
  return lib;
}

/** Builds the job's libraries; a candidate that fails to compile gives its "build" result instead. */
export async function compileJob(job: MeasureJob, worker: string): Promise<CompiledJob | MeasureResult> {
  const ref = referenceLibrary(job);
  let candidateLib: string;
  try {
    candidateLib = await compileSourceAsync(job.source, { cflags: job.cflags });
  } catch (e) {
    ref.catch(() => undefined);
    return { id: job.id, error: { kind: "build", message: (e as Error).message }, worker };
  }
  let referenceLib: string;
  try {
    referenceLib = await ref;
  } catch (e) {
    throw new TuneError(`measure: the reference of workload ${job.workloadKey} does not compile: ${(e as Error).message}`);
  }
  return { job, candidateLib, referenceLib };
}
