// The widest vector the target CPU handles natively, in bytes, from the compiler flags the
// build will use (the last -march wins; -march=native reads the host's CPU flags). Wider vector
// statements are split to this width before C generation (see transform/split_wide_vectors.ts):
// GCC lowers a 128-byte vector type on an AVX-512 machine through stack round trips.

import { readFileSync } from "node:fs";

function hostVectorBytes(): number {
  try {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "";
    if (/\bavx512f\b/.test(flags)) return 64;
    if (/\bavx\b/.test(flags)) return 32;
    return 16;
  } catch {
    return 16;
  }
}

const MARCH_BYTES: [RegExp, number][] = [
  [/avx512|skylake-avx512|icelake|sapphirerapids|cascadelake|cooperlake|tigerlake|znver4|znver5|x86-64-v4/, 64],
  [/haswell|broadwell|skylake|alderlake|raptorlake|znver[123]|x86-64-v3|sandybridge|ivybridge|bdver|btver2/, 32],
];

/** Native vector bytes for a compile with `flags` (16 when nothing says more). */
export function nativeVectorBytes(flags: readonly string[]): number {
  let bytes = 16;
  for (const f of flags) {
    const m = /^-march=(.+)$/.exec(f);
    if (!m) {
      if (f === "-mavx512f") bytes = Math.max(bytes, 64);
      else if (f === "-mavx" || f === "-mavx2") bytes = Math.max(bytes, 32);
      else if (f === "-mno-avx") bytes = 16;
      continue;
    }
    const arch = m[1];
    if (arch === "native") bytes = hostVectorBytes();
    else bytes = MARCH_BYTES.find(([re]) => re.test(arch))?.[1] ?? 16;
  }
  return bytes;
}
