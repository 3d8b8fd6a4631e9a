// The target key: what decides how fast a schedule runs besides the program: the CPU model, the
// ISA flags that change code generation (SIMD widths, FMA), the core count, the C compiler's
// identity (its path and --version) and the flags it is given. Two machines with the same key
// can share records; records of another key are not applied unless asked (applyHistoryBest).

import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { compilerFlags, compilerIdentity, findCompiler } from "../runtime/compile.js";
import { targetFlags } from "../codegen/build_module.js";
import { nativeVectorBytes } from "../codegen/vector_width.js";
import { flagList } from "../runtime/run_compiler.js";
import { shortHash } from "./workload_key.js";

/** What the target key hashes: the measuring machine and compiler. */
export interface TargetDescription {
  /** The CPU model name (/proc/cpuinfo, or os.cpus()). */
  cpu: string;
  /** The ISA flags that matter for generated code, sorted. */
  isa: string[];
  /** Logical cores. */
  cores: number;
  /** The compiler's command line and the first line of its --version. */
  compiler: string;
  /** Hash of the compiler's full identity (path and --version output). */
  compilerHash: string;
  /** Every flag a compile gets (tejit's defaults, TEJIT_CFLAGS, the build's own). */
  cflags: string[];
  /** The vector width code generation assumes, in bytes. */
  vectorBytes: number;
}

/** Compiler and flags of the builds measured (as build() takes them). */
export interface TargetOptions {
  /** The C compiler command line (as build's `cc`). */
  cc?: string;
  /** Extra compiler flags (as build's `cflags`). */
  cflags?: string | readonly string[];
  /** The target string (as build's `target`, e.g. "c -mcpu=znver3"). */
  target?: string;
}

const ISA_FLAGS = /^(sse4_1|sse4_2|avx|avx2|fma|f16c|avx512f|avx512bw|avx512dq|avx512vl|avx512_vnni|avx512_bf16|amx_tile|asimd|sve|sve2|neon)$/;

function cpuInfo(): { model: string; isa: string[] } {
  let text = "";
  try {
    text = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    // Not Linux: os.cpus() still names the model.
  }
  const model = /^model name\s*:\s*(.*)$/m.exec(text)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown CPU";
  const flags = (/^(?:flags|Features)\s*:(.*)$/m.exec(text)?.[1] ?? "").trim().split(/\s+/);
  return { model, isa: [...new Set(flags.filter((f) => ISA_FLAGS.test(f)))].sort() };
}

/** This machine and compiler, as the target key describes them. */
export function describeTarget(opts: TargetOptions = {}): TargetDescription {
  const { model, isa } = cpuInfo();
  const compiler = findCompiler(opts.cc);
  const identity = compilerIdentity(compiler);
  const extra = [...targetFlags(opts.target), ...flagList(opts.cflags)];
  const cflags = compilerFlags({ cflags: extra });
  const version = identity.split("\n")[2] ?? "";
  return {
    cpu: model,
    isa,
    cores: cpus().length,
    compiler: `${compiler.argv.join(" ")} (${version.trim()})`,
    compilerHash: shortHash(identity),
    cflags,
    vectorBytes: nativeVectorBytes(cflags),
  };
}

/** The key of a target description: a hash of all of it. */
export function targetKeyOf(desc: TargetDescription): string {
  return shortHash(JSON.stringify([desc.cpu, desc.isa, desc.cores, desc.compilerHash, desc.cflags, desc.vectorBytes]));
}

/** The target key of this machine with the given compiler and flags. */
export function targetKey(opts: TargetOptions = {}): string {
  return targetKeyOf(describeTarget(opts));
}
