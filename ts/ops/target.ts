// What the default schedules read from the target: the native vector width (from the compiler
// flags a build with the same target / cflags would use, ts/codegen/vector_width.ts: never a
// width assumed here) and the number of threads parallel loops get (the runtime's pool size).

import { ArgumentError, UnsupportedError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { describe } from "../ir/op.js";
import { compilerFlags } from "../runtime/compile.js";
import { flagList } from "../runtime/run_compiler.js";
import { getNumThreads } from "../runtime/threads.js";
import { nativeVectorBytes } from "../codegen/vector_width.js";
import { targetFlags } from "../codegen/build_module.js";
import { checkOptions } from "./checks.js";

/** Options of ops.schedule: the target the schedule is for (the same as build's). */
export interface OpsScheduleOptions {
  /** build's target ("c", "c -mcpu=haswell", ...); the vector width is read from it. */
  target?: string;
  /** build's extra compiler flags (a later -march=... changes the vector width). */
  cflags?: string | readonly string[];
  /** The native vector width in bytes, instead of reading it from target and cflags. */
  vectorBytes?: number;
  /** Threads the parallel loops are cut for (default: the runtime's pool size). */
  numThreads?: number;
}

/** The target as the schedules see it. */
export class TargetInfo {
  /**
   * @param vectorBytes The native vector width in bytes.
   * @param numThreads The threads parallel loops are cut for.
   */
  constructor(readonly vectorBytes: number, readonly numThreads: number) {}

  /** Lanes of `dtype` in one native vector (at least 1). */
  lanes(dtype: DataType | string): number {
    const t = typeof dtype === "string" ? DataType.parse(dtype) : dtype;
    return Math.max(1, Math.floor(this.vectorBytes / Math.max(1, t.bits / 8)));
  }
}

/** The target described by `opts`. */
export function targetInfo(opts: OpsScheduleOptions = {}): TargetInfo {
  checkOptions("schedule", opts, ["target", "cflags", "vectorBytes", "numThreads"]);
  const { vectorBytes, numThreads } = opts;
  if (vectorBytes !== undefined && (!Number.isInteger(vectorBytes) || vectorBytes < 4 || (vectorBytes & (vectorBytes - 1)) !== 0)) {
    throw new ArgumentError(`ops.schedule: option vectorBytes must be a power of two >= 4, got ${describe(vectorBytes)}`);
  }
  if (numThreads !== undefined && (!Number.isInteger(numThreads) || numThreads < 1)) {
    throw new ArgumentError(`ops.schedule: option numThreads must be a positive integer, got ${describe(numThreads)}`);
  }
  let flags: string[];
  try {
    flags = [...targetFlags(opts.target), ...flagList(opts.cflags)];
  } catch (e) {
    // The build's message with ops.schedule's name, of the build error's class (an unsupported
    // target stays an UnsupportedError).
    const message = `ops.schedule: ${(e as Error).message.replace(/^build: /, "")}`;
    throw e instanceof UnsupportedError ? new UnsupportedError(message, { cause: e }) : new ArgumentError(message, { cause: e });
  }
  const bytes = vectorBytes ?? nativeVectorBytes(compilerFlags({ cflags: flags }));
  return new TargetInfo(bytes, numThreads ?? getNumThreads());
}
