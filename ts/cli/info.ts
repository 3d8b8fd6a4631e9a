// `tejit info`: what this machine gives tejit — the C compiler and its identity, the flags added
// for compiler bugs the probes found, the CPU, its
// vector ISA and the vector width kernels are generated for, the thread pool, and the compile
// cache (where, how many libraries, how big).

import { existsSync, lstatSync, readdirSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { join } from "node:path";
import { nativeVectorBytes } from "../codegen/vector_width.js";
import { cacheDir, compilerFlags, compilerIdentity, findCompiler } from "../runtime/compile.js";
import { openCacheDir } from "../runtime/cache_dir.js";
import { guardedLoadFlags } from "../runtime/compiler_probe.js";
import { getNumThreads } from "../runtime/threads.js";
import { cpuFeatures } from "../runtime/cpu_features.js";
import { version } from "../version.js";

export interface Info {
  tejit: string;
  node: string;
  platform: string;
  compiler: { command: string; chosenBy: string; path: string; version: string } | { command: string; chosenBy: string; error: string };
  /** Flags added for compiler bugs found by the probes (compiler_probe.ts), or why none could be decided. */
  workarounds: string[] | string;
  cpu: { model: string; cores: number; isa: string[] };
  flags: string[];
  vectorBytes: number;
  threads: number | string;
  cache: { dir: string; libraries: number; bytes: number };
}

/** Files and bytes under the cache directory (not following links). */
function cacheUsage(dir: string): { libraries: number; bytes: number } {
  let libraries = 0;
  let bytes = 0;
  if (!existsSync(dir)) return { libraries, bytes };
  for (const f of readdirSync(dir)) {
    const st = lstatSync(join(dir, f));
    if (!st.isFile()) continue;
    bytes += st.size;
    if (f.endsWith(".so")) libraries++;
  }
  return { libraries, bytes };
}

export function collectInfo(): Info {
  const c = findCompiler();
  const flags = compilerFlags();
  let compiler: Info["compiler"];
  let workarounds: Info["workarounds"];
  try {
    const identity = compilerIdentity(c);
    const [, path, version] = identity.split("\n");
    compiler = { command: c.argv.join(" "), chosenBy: c.from, path, version };
    try {
      const dir = openCacheDir();
      workarounds = guardedLoadFlags(c, identity, flags, dir, dir);
    } catch (e) {
      workarounds = `not probed (${(e as Error).message})`;
    }
  } catch (e) {
    compiler = { command: c.argv.join(" "), chosenBy: c.from, error: (e as Error).message };
    workarounds = "not probed (no compiler)";
  }
  let threads: number | string;
  try {
    threads = getNumThreads();
  } catch (e) {
    threads = `unavailable (${(e as Error).message})`;
  }
  const dir = cacheDir();
  return {
    tejit: version,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    compiler,
    workarounds,
    cpu: { model: cpus()[0]?.model ?? "unknown", cores: cpus().length, isa: cpuFeatures() },
    flags,
    vectorBytes: nativeVectorBytes(flags),
    threads,
    cache: { dir, ...cacheUsage(dir) },
  };
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function renderInfo(i: Info): string {
  const cc = "error" in i.compiler ? `${i.compiler.command} (${i.compiler.chosenBy}): ${i.compiler.error}` : `${i.compiler.command} (${i.compiler.chosenBy}): ${i.compiler.path}, ${i.compiler.version}`;
  const fixes = typeof i.workarounds === "string" ? i.workarounds : i.workarounds.length === 0 ? "none needed" : i.workarounds.join(" ");
  return [
    `tejit       ${i.tejit} on Node ${i.node}, ${i.platform}`,
    `compiler    ${cc}`,
    `flags       ${i.flags.join(" ")}`,
    `workarounds ${fixes}`,
    `cpu         ${i.cpu.model}, ${i.cpu.cores} cores`,
    `isa         ${i.cpu.isa.join(" ") || "unknown"}`,
    `vectors     ${i.vectorBytes} bytes (${i.vectorBytes / 4} float32 lanes)`,
    `threads     ${i.threads}`,
    `cache       ${i.cache.dir}: ${i.cache.libraries} libraries, ${mib(i.cache.bytes)}`,
  ].join("\n");
}
