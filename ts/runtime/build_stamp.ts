// The build environment build()'s warm path keys its cache with, found without running anything:
// tejit's version and the stat records (path, size, modification time, inode) of every file of
// its own code (the ts/ or dist/ts/ tree this file is in, and native/tejit_abi.h, the header
// kernels include), and the C compiler as the command line, each word's resolved
// executable with its stat records (through symlinks: /usr/bin/gcc -> gcc-12 -> ...), and the
// environment variables gcc reads to find its parts and headers. The source-keyed path
// (compile.ts) identifies the compiler by running `--version`, which costs milliseconds; here
// the stat records of the executables stand for it, so an upgraded compiler (a new file) or an
// edited compiler pass (a new mtime) never finds a library built by the old one. What the stamp
// does not see is in docs/compile-cache.md. Both are computed once a process. The walk of
// tejit's code starts on a native thread when this file is imported (fileStampBegin), so it
// overlaps the program's own start (its imports, building its schedules) and build() only
// collects it; the stamp is then of the files as they were when tejit's code was loaded, which
// is the code the process runs.

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type FileStampJob, addonBinary } from "./addon_binary.js";
import { abiHeaderPath } from "./paths.js";
import { version } from "../version.js";

/** What the code stamp covers: the tree of tejit's code this file is in, and the ABI header. */
function codePaths(): string[] {
  return [resolve(dirname(fileURLToPath(import.meta.url)), ".."), abiHeaderPath()];
}

/** The walk of tejit's code started at import; undefined without an addon that can (codeStamp walks then). */
let pendingCode: FileStampJob | undefined = (() => {
  if (process.env.TEJIT_DISABLE_CACHE === "1" || process.env.TEJIT_SCHEDULE_CACHE === "0") return undefined;
  try {
    const a = addonBinary();
    return typeof a.fileStampBegin === "function" ? a.fileStampBegin(codePaths()) : undefined;
  } catch {
    return undefined; // no addon (NDArray works without one): build() says why when it needs it
  }
})();

let code: string | undefined;

/** tejit's version and the stat records of its code and headers. */
export function codeStamp(): string {
  if (code === undefined) {
    const job = pendingCode;
    pendingCode = undefined;
    const records = job !== undefined ? addonBinary().fileStampEnd(job) : addonBinary().fileStamp(codePaths());
    code = `tejit ${version}\n${records}`;
  }
  return code;
}

/** Environment variables that change what gcc or clang compile or link (and ccache's). */
const COMPILER_ENV = /^(GCC_|COMPILER_PATH$|CPATH$|C_INCLUDE_PATH$|LIBRARY_PATH$|CCACHE_|SOURCE_DATE_EPOCH$|DEPENDENCIES_OUTPUT$|SUNPRO_DEPENDENCIES$|TMPDIR$)/;

const compilers = new Map<string, string>();

/** The compiler command line `argv`: its words, their executables' stat records, gcc's environment. */
export function compilerStamp(argv: readonly string[]): string {
  const env = Object.keys(process.env).filter((k) => COMPILER_ENV.test(k)).sort().map((k) => `${k}=${process.env[k]}`);
  const key = `${argv.join("\0")}\0${process.env.PATH ?? ""}\0${process.cwd()}\0${env.join("\0")}`;
  let stamp = compilers.get(key);
  if (stamp === undefined) {
    stamp = `${argv.join(" ")}\n${env.join("\n")}\n${addonBinary().commandStamp(argv)}`;
    compilers.set(key, stamp);
  }
  return stamp;
}

let cpu: string | undefined;

/** The host CPU's identity and features (what -march=native compiles for), from CPUID. */
export function hostCpuStamp(): string {
  if (cpu === undefined) cpu = `${process.arch}\n${addonBinary().cpuStamp()}`;
  return cpu;
}
