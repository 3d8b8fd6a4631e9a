// The measurement contract between the auto-scheduler's search and whatever measures its
// candidates (the in-process LocalQueue, or BullMQ workers on other machines). A job is plain
// JSON and self-contained: a worker that has tejit installed, and nothing of the tuning
// process, can compile, run, check and time it. Its id is a hash of (workload, schedule,
// target), so a candidate submitted twice is measured once.

/** How one kernel argument is made on the measuring side. */
export interface MeasureArg {
  /** The tensor's name in the program (for messages). */
  name: string;
  /** Its dtype ("float32", "int32", …). */
  dtype: string;
  /** Its constant shape. */
  shape: number[];
  /** Inputs are filled from `MeasureJob.dataSeed`; outputs are checked against the reference. */
  role: "input" | "output";
}

/** One candidate schedule of one workload on one target, ready to measure. */
export interface MeasureJob {
  /** Hash of (workloadKey, schedule, targetKey). */
  id: string;
  /** Structural hash of the TE program (the same for every schedule of it). */
  workloadKey: string;
  /** CPU model, ISA flags, core count, compiler identity and flags. */
  targetKey: string;
  /** The candidate's C source, as tejit emits it for the target. */
  source: string;
  /** The untuned program's C source: the reference every candidate's outputs are checked against. */
  referenceSource: string;
  /** Exported symbol of the kernel in both sources. */
  entry: string;
  /** Compiler flags for both sources (tejit's defaults plus the build's own). */
  cflags: string[];
  /** The kernel's arguments in call order. */
  args: MeasureArg[];
  /** Seed of the input data (the same inputs for candidate and reference). */
  dataSeed: number;
  /** Relative tolerance of the output check (floating point sums reorder under a schedule). */
  rtol: number;
  /** A run (compile excluded) longer than this is killed and recorded as a timeout. */
  timeoutMs: number;
  /** Repeat until the median is stable within `stableWithin` (relative), between these counts. */
  minRepeats: number;
  /** At most this many repeats, stable or not. */
  maxRepeats: number;
  /** Relative change of the median after a repeat under which it counts as stable. */
  stableWithin: number;
  /** A module the measuring process imports first (it registers the JS functions the kernel calls). */
  setupModule?: string;
  /** Thread count to measure with (runtime.setNumThreads); default: all cores. */
  threads?: number;
}

/** Why a candidate has no time: it is recorded, and never chosen. */
export interface MeasureError {
  /** build: did not compile; wrong: outputs differ; crash: died or failed; timeout: killed; lost: not measured. */
  kind: "build" | "wrong" | "crash" | "timeout" | "lost";
  /** What happened, for the records and the user. */
  message: string;
}

/** The outcome of one job. */
export interface MeasureResult {
  /** The job's id. */
  id: string;
  /** Seconds of each timed run, when it ran and was right. */
  seconds?: number[];
  /** Median of `seconds`. */
  median?: number;
  /** Why there are no times (never chosen). */
  error?: MeasureError;
  /** Which worker measured it (host and pid), for the records. */
  worker?: string;
}

/** Where candidates are measured: in this process's children, or by workers over a queue. */
export interface MeasureQueue {
  /** Measures every job (each id once), calling `onResult` as results arrive, in any order. */
  measure(jobs: readonly MeasureJob[], onResult?: (r: MeasureResult) => void): Promise<MeasureResult[]>;
  /** Releases connections and child processes. */
  close(): Promise<void>;
}
