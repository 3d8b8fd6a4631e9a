// Build times of the tejit GEMM 1024 kernel, each in a new process as a user's program would
// build it: cold (a function name never built, so not in the cache: lowering, C generation,
// gcc, dlopen) against a bare gcc of the same C source with the same flags (the compile alone),
// and warm (the same program again: a cache hit in a new process). In ms; the targets are cold
// <= 1.1x the bare gcc and warm <= 2 ms. The kernel itself is checked by the GEMM kernels.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../ts/build.js";
import { compilerFlags, findCompiler } from "../../ts/runtime/compile.js";
import { nativeIncludeDir } from "../../ts/runtime/paths.js";
import type { SuiteOptions } from "./common.js";
import { gemmPanel } from "./schedules/gemm_panel.js";
import type { Kernel, Runner } from "./types.js";

const CHILD = join(import.meta.dirname, "build_child.ts");

function childBuildMs(name: string, lanes: number): number {
  const r = spawnSync(process.execPath, ["--import", "tsx", CHILD, name, String(lanes)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build child failed: ${r.stderr.split("\n").slice(0, 3).join(" ")}`);
  return (JSON.parse(r.stdout.trim().split("\n").pop()!) as { ms: number }).ms;
}

/** A Runner whose call returns its own duration in ms (a child's report, or a timed spawn). */
function msRunner(once: () => number): Runner {
  return {
    async time(reps) {
      let total = 0;
      for (let i = 0; i < reps; i++) total += once();
      return total / reps / 1e3;
    },
  };
}

/** The build-time kernel. */
export function buildKernels(opts: SuiteOptions): Kernel[] {
  const warmName = `gemm_warm_${opts.lanes}`;
  return [{
    id: "build", group: "build", title: "JIT build of the GEMM 1024 kernel", unit: "ms", target: "cold <= 1.1x a bare gcc of the same source; warm <= 2 ms",
    entries: [
      { name: "tejit", role: "tejit", singleThread: true, note: "cold: new process, a function name never built (lower + C + gcc + dlopen)", setup: async () => msRunner(() => childBuildMs(`gemm_cold_${randomBytes(6).toString("hex")}`, opts.lanes)) },
      { name: "tejit warm", role: "tejit", singleThread: true, note: "new process, the same program again (cache hit)", setup: async () => {
        childBuildMs(warmName, opts.lanes);
        return msRunner(() => childBuildMs(warmName, opts.lanes));
      } },
      { name: "bare gcc", role: "baseline", singleThread: true, note: "gcc of the kernel's C with tejit's flags, timed around the process", setup: async () => {
        const g = gemmPanel(1024, 1024, 1024, opts.lanes);
        const mod = build(g.s, g.args, { name: "gemm_bare", maxStackBytes: g.maxStackBytes });
        const src = mod.libraryPath.replace(/\.so$/, ".c");
        if (!existsSync(src)) return { skip: `the cached C source ${src} is not there (TEJIT_DISABLE_CACHE set?)` };
        const cc = findCompiler();
        const dir = mkdtempSync(join(tmpdir(), "tejit-bench-gcc-"));
        const r = msRunner(() => {
          const t0 = process.hrtime.bigint();
          const p = spawnSync(cc.argv[0], [...cc.argv.slice(1), ...compilerFlags(), "-I", nativeIncludeDir(), "-o", join(dir, "k.so"), src, "-lm"], { encoding: "utf8" });
          if (p.status !== 0) throw new Error(`gcc failed: ${p.stderr.slice(0, 300)}`);
          return Number(process.hrtime.bigint() - t0) / 1e6;
        });
        return { ...r, close: () => rmSync(dir, { recursive: true, force: true }) };
      } },
    ],
  }];
}
