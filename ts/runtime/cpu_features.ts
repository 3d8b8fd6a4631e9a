// The vector ISA extensions this CPU has, from /proc/cpuinfo (x86 "flags", Arm "Features"),
// among the ones kernels' speed depends on: what `tejit info` shows and what a target key
// (auto_scheduler/target_key.ts) records.
import { readFileSync } from "node:fs";

/** The extensions looked for, in the order they are reported. */
export const ISA_FLAGS: readonly string[] = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "neon", "asimd", "sve"];

/** The extensions of ISA_FLAGS this CPU reports (empty when /proc/cpuinfo cannot be read). */
export function cpuFeatures(): string[] {
  try {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    const line = /^(?:flags|Features)\s*:(.*)$/m.exec(text)?.[1] ?? "";
    const have = new Set(line.trim().split(/\s+/));
    return ISA_FLAGS.filter((f) => have.has(f));
  } catch {
    return [];
  }
}
