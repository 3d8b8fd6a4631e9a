// What the default schedules read from the target: the native vector width (from the compiler
// flags a build with the same target / cflags would use, ts/codegen/vector_width.ts: never a
// width assumed here), the vector registers that width comes with (32 with AVX-512's 64-byte
// vectors, 16 below), the data cache sizes (this machine's, from Linux's
// /sys/devices/system/cpu/cpu0/cache, unless given) and the number of threads parallel loops
// get (the runtime's pool size).

import { readFileSync, readdirSync } from "node:fs";
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
  /** Data cache sizes in bytes a core (default: this machine's, else 32 KiB / 1 MiB / 8 MiB). */
  cacheBytes?: Partial<CacheSizes>;
}

/** Data cache sizes in bytes (L1 and L2 a core, L3 shared). */
export interface CacheSizes {
  l1: number;
  l2: number;
  l3: number;
}

const DEFAULT_CACHES: CacheSizes = { l1: 32 << 10, l2: 1 << 20, l3: 8 << 20 };
let hostCaches: CacheSizes | undefined;

/** "48K" / "2048K" / "32M" as bytes. */
function sizeBytes(text: string): number | undefined {
  const m = /^(\d+)([KMG]?)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * ({ "": 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 } as Record<string, number>)[m[2]];
}

/** This machine's data caches, read once from sysfs (the defaults where it is not Linux). */
export function hostCacheSizes(): CacheSizes {
  if (hostCaches) return hostCaches;
  const found: Partial<CacheSizes> = {};
  const dir = "/sys/devices/system/cpu/cpu0/cache";
  try {
    for (const e of readdirSync(dir)) {
      if (!e.startsWith("index")) continue;
      const read = (f: string) => readFileSync(`${dir}/${e}/${f}`, "utf8").trim();
      if (read("type") === "Instruction") continue;
      const level = Number(read("level"));
      const bytes = sizeBytes(read("size"));
      if (bytes !== undefined && level >= 1 && level <= 3) found[`l${level}` as keyof CacheSizes] = bytes;
    }
  } catch {
    // Not Linux, or no cache information: the defaults.
  }
  hostCaches = { ...DEFAULT_CACHES, ...found };
  return hostCaches;
}

/** The target as the schedules see it. */
export class TargetInfo {
  /**
   * @param vectorBytes The native vector width in bytes.
   * @param numThreads The threads parallel loops are cut for.
   * @param caches Data cache sizes in bytes.
   */
  constructor(readonly vectorBytes: number, readonly numThreads: number, readonly caches: CacheSizes = DEFAULT_CACHES) {}

  /** Vector registers: 32 with 64-byte (AVX-512) vectors, 16 with AVX2 / SSE / NEON widths. */
  get vectorRegisters(): number {
    return this.vectorBytes >= 64 ? 32 : 16;
  }

  /** Lanes of `dtype` in one native vector (at least 1). */
  lanes(dtype: DataType | string): number {
    const t = typeof dtype === "string" ? DataType.parse(dtype) : dtype;
    return Math.max(1, Math.floor(this.vectorBytes / Math.max(1, t.bits / 8)));
  }
}

/** The target described by `opts`. */
export function targetInfo(opts: OpsScheduleOptions = {}): TargetInfo {
  checkOptions("schedule", opts, ["target", "cflags", "vectorBytes", "numThreads", "cacheBytes"]);
  const { vectorBytes, numThreads } = opts;
  if (vectorBytes !== undefined && (!Number.isInteger(vectorBytes) || vectorBytes < 4 || (vectorBytes & (vectorBytes - 1)) !== 0)) {
    throw new ArgumentError(`ops.schedule: option vectorBytes must be a power of two >= 4, got ${describe(vectorBytes)}`);
  }
  if (numThreads !== undefined && (!Number.isInteger(numThreads) || numThreads < 1)) {
    throw new ArgumentError(`ops.schedule: option numThreads must be a positive integer, got ${describe(numThreads)}`);
  }
  const caches = { ...hostCacheSizes() };
  if (opts.cacheBytes !== undefined) {
    if (typeof opts.cacheBytes !== "object" || opts.cacheBytes === null) throw new ArgumentError(`ops.schedule: option cacheBytes must be an object {l1, l2, l3}, got ${describe(opts.cacheBytes)}`);
    checkOptions("schedule", opts.cacheBytes, ["l1", "l2", "l3"]);
    for (const [k, v] of Object.entries(opts.cacheBytes)) {
      if (!Number.isInteger(v) || (v as number) < 1024) throw new ArgumentError(`ops.schedule: option cacheBytes.${k} must be an integer number of bytes >= 1024, got ${describe(v)}`);
      caches[k as keyof CacheSizes] = v as number;
    }
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
  return new TargetInfo(bytes, numThreads ?? getNumThreads(), caches);
}
