// The suite's vocabulary: a kernel (one benchmarked computation, e.g. GEMM 1024) has entries
// (tejit, each baseline, plain JS); an entry's setup either gives a Runner or a Skip saying why
// and how to install what is missing. A Runner times its own calls (in this process, or in a
// child process timing its own loop) and hands back its output for the reference check.

/** What a rate is measured in: work / seconds, or seconds per call shown as a time. */
export type Unit = "GFLOP/s" | "GB/s" | "ms" | "ns";

/** Who an entry is: the tejit side, a library to compare with, or a machine limit. */
export type Role = "tejit" | "baseline" | "limit";

/** An entry that could not run, with the reason and, where it applies, how to install it. */
export interface Skip {
  skip: string;
}

/** A ready entry: runs and times itself. */
export interface Runner {
  /** Seconds per call, over `reps` back-to-back calls, on `threads` threads. */
  time(reps: number, threads: number): Promise<number>;
  /** Runs once on `threads` threads and returns the output, for the reference check. */
  result?(threads: number): Promise<ArrayLike<number>>;
  /** Releases child processes and the like (called once, at the end of the kernel). */
  close?(): void;
  /** The shared library of a tejit entry (for `--disasm`: its hot loop, hot_loop.ts). */
  library?: string;
}

/** One entry of a kernel. */
export interface Entry {
  name: string;
  role: Role;
  /** Runs on one thread only (plain JS, a single-threaded harness): absent from multi-thread rows. */
  singleThread?: boolean;
  /** A note shown in BENCHMARKS.md (the schedule, what is included in the time). */
  note?: string;
  /** The work of one call when it differs from the kernel's (a machine limit timed among the kernel's entries). */
  work?: number;
  setup(): Promise<Runner | Skip>;
}

/** One benchmarked computation and its entries. */
export interface Kernel {
  /** Short id used on the command line (`npm run bench -- gemm`). */
  id: string;
  /** Group the id belongs to (several kernels share one: gemm 1024, gemm 2048, ...). */
  group: string;
  title: string;
  unit: Unit;
  /** The work of one call, in the unit's numerator (GFLOP, GB); absent for time units. */
  work?: number;
  /** Which machine limit the rates are compared with. */
  limit?: "fma" | "stream";
  /** The target from issue 10, shown next to the ratios. */
  target?: string;
  entries: Entry[];
  /** Checks an entry's output; returns a description of the error (e.g. "max rel. error 3e-7") or throws. */
  check?(out: ArrayLike<number>): string;
}

/** The timing of one entry at one thread count. */
export interface Measurement {
  kernel: string;
  entry: string;
  role: Role;
  threads: number;
  /** Seconds per call, one a round. */
  seconds: number[];
  /** Calls per round. */
  reps: number;
  /** The entry's own work a call, when it differs from the kernel's. */
  work?: number;
  /** The reference check's verdict. */
  check?: string;
}

/** An entry that was skipped or failed its check, with why. */
export interface Skipped {
  kernel: string;
  entry: string;
  reason: string;
}

/** True when a setup result is a Skip. */
export function isSkip(r: Runner | Skip): r is Skip {
  return typeof (r as Skip).skip === "string";
}
