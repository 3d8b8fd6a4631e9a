// What the run's machine is: CPU model, vector ISA and width, cores, load, tool versions; for
// BENCHMARKS.md's header and for the kernels that pick a vector width.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { getNumThreads } from "../../ts/runtime/threads.js";

/** The machine a run measured. */
export interface Machine {
  cpu: string;
  isa: string;
  /** float32 lanes of the widest vector the kernels use (16 with AVX-512, 8 with AVX2, 4 otherwise). */
  lanes: number;
  cores: number;
  memoryGiB: number;
  node: string;
  cc: string;
  loadBefore: number[];
}

function cpuFlags(): string {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1] ?? "";
  } catch {
    return "";
  }
}

/** The float32 vector width for these /proc/cpuinfo flags. */
export function lanesFor(flags: string): number {
  if (/\bavx512f\b/.test(flags)) return 16;
  if (/\bavx2\b/.test(flags)) return 8;
  return 4;
}

/** The ISA line for these flags: the vector extensions present. */
export function isaFor(flags: string): string {
  const have = ["avx512f", "avx512bw", "avx512vl", "avx2", "fma", "avx", "sse4_2", "asimd"].filter((f) => new RegExp(`\\b${f}\\b`).test(flags));
  return have.length > 0 ? have.join(" ") : process.arch;
}

let cached: Machine | undefined;

/** This machine. */
export function machine(): Machine {
  if (cached) return cached;
  const flags = cpuFlags();
  const cc = spawnSync(process.env.TEJIT_CC ?? process.env.CC ?? "cc", ["--version"], { encoding: "utf8" });
  cached = {
    cpu: cpus()[0]?.model ?? "unknown CPU",
    isa: isaFor(flags),
    lanes: lanesFor(flags),
    cores: getNumThreads(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    cc: cc.status === 0 ? cc.stdout.split("\n")[0] : "unknown",
    loadBefore: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  return cached;
}
