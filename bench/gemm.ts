// Benchmark: GEMM 1024 (float32, C = A·B) built by tejit, against OpenBLAS in the same run.
// - tejit, the final schedule of TVM's "How to optimize GEMM on CPU" tutorial (examples/gemm.ts):
//   B packed into [N/32, K, 32], 32x32 blocks, k split by 4 and unrolled, the inner axis
//   vectorized, the outer axis parallel, and the block accumulated in a cache_write tile
//   computed at it;
// - tejit, the blocked TE schedule (examples/gemm_blocked.ts): k split into blocks with rfactor, an
//   mr x nr register tile of partial sums computed below the k-block loop, B packed per k block
//   (a kc x nc block), A packed per row block (mc x kc), the row-block loop parallel;
// - tejit, a hand-written TIR micro-kernel (irBuilder): B packed in panels two vectors wide, a
//   register tile of vector accumulators (8 x 32 floats as float32x16 with AVX-512, 4 x 16 as
//   float32x8 with AVX2), k blocked by 256: what the C backend's vector code reaches when the
//   TIR is good;
// - OpenBLAS: Debian's libopenblas (cblas_sgemm) compiled into a small packed function through
//   tejit's own compile driver and timed by the same timeEvaluator, and numpy (python3, its own
//   OpenBLAS) in a child process, when installed.
// Each result is checked against OpenBLAS (or, without it, the blocked kernel) before it is timed.
// GFLOP/s = 2·N³ / the best time over GEMM_ROUNDS (default 3) interleaved rounds (every kernel on
// every thread count once per round, 3 calls each), on 1 thread and on every core.
// A second table gives GFLOP per CPU-second of serial builds on 1 thread (robust on a loaded
// machine; GEMM_CPU_TIME=0 skips it).
// Run: npm run bench (or: node --import tsx bench/gemm.ts; GEMM_N=2048 or 512 for another size).
// `--disasm` also prints each tejit kernel's innermost loop from the library's machine code
// (bench/lib/disasm.ts): FMAs, vector instructions and stack loads/stores (spills).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { gemm } from "../examples/gemm.js";
import { blockedGemm } from "../examples/gemm_blocked.js";
import { build } from "../ts/build.js";
import { buildModule } from "../ts/codegen/build_module.js";
import { IRModule } from "../ts/ir/function.js";
import { handKernel } from "./suite/schedules/gemm_hand_tir.js";
import { createModuleFromSource, type Module } from "../ts/runtime/module.js";
import { type NDArray, array, empty } from "../ts/runtime/ndarray.js";
import { getNumThreads, setNumThreads } from "../ts/runtime/threads.js";
import { formatLoop, hotLoops } from "./lib/disasm.js";
import { gemmRegisterTile } from "./lib/gemm_te.js";

const N = Number(process.env.GEMM_N ?? 1024);
const FLOP = 2 * N ** 3;

/** The vector width the hand kernel uses: 16 floats with AVX-512, else 8 (AVX2). */
const VL = (() => {
  try {
    return /\bavx512f\b/.test(readFileSync("/proc/cpuinfo", "utf8")) ? 16 : 8;
  } catch {
    return 8;
  }
})();

const BLAS_SOURCE = `
#include <cblas.h>
#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
extern void openblas_set_num_threads(int);

/* blas_sgemm(A, B, C, threads): C = A B with cblas_sgemm, all square float32 compact. */
int32_t blas_sgemm(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  (void)ret; (void)ret_code; (void)h;
  if (n != 4 || codes[0] != kTVMDLTensorHandle || codes[1] != kTVMDLTensorHandle || codes[2] != kTVMDLTensorHandle) {
    __TVMAPISetLastError("blas_sgemm: expected A, B, C, threads");
    return -1;
  }
  TVMValue* v = (TVMValue*)args;
  DLTensor* A = (DLTensor*)v[0].v_handle;
  DLTensor* B = (DLTensor*)v[1].v_handle;
  DLTensor* C = (DLTensor*)v[2].v_handle;
  int m = (int)A->shape[0], k = (int)A->shape[1], nn = (int)B->shape[1];
  openblas_set_num_threads((int)v[3].v_int64);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, nn, k, 1.0f, (const float*)A->data, k,
              (const float*)B->data, nn, 0.0f, (float*)C->data, nn);
  return 0;
}
`;

function openBlas(): Module | string {
  try {
    return createModuleFromSource(BLAS_SOURCE, { cflags: ["-Wl,--no-as-needed", "-lopenblas"] });
  } catch (e) {
    return `OpenBLAS baseline unavailable (apt-get install libopenblas-dev): ${(e as Error).message.split("\n")[0]}`;
  }
}

function numpyGflops(threads: number): number | string {
  const script = `
import time, numpy as np
n = ${N}
a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
a @ b
best = 1e9
for _ in range(5):
    t = time.perf_counter()
    for _ in range(3): a @ b
    best = min(best, (time.perf_counter() - t) / 3)
print(2 * n ** 3 / best / 1e9)
`;
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const r = spawnSync("python3", ["-c", script], { encoding: "utf8", env });
  if (r.error || r.status !== 0) return "numpy unavailable";
  return Number(r.stdout.trim());
}

function maxRelError(x: NDArray, ref: NDArray): number {
  const a = x.toTypedArray() as Float32Array;
  const b = ref.toTypedArray() as Float32Array;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

const rand = (seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: N * N }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
};
const A = array(rand(1), [N, N]);
const B = array(rand(2), [N, N]);

const cores = getNumThreads();
const threadCounts = cores > 1 ? [1, cores] : [1];
const tut = gemm({ n: N });
const t0 = performance.now();
const tutorial = build(tut.s, tut.args, { name: "gemm" });
const buildMs = performance.now() - t0;
const hand = buildModule(new IRModule({ gemm: handKernel(N, VL) }));
const blas = openBlas();

const blk = blockedGemm({ m: N, n: N, k: N });
const blocked = build(blk.s, blk.args, { name: "gemm" });
const bestTE = gemmRegisterTile(N);
const registerTile = build(bestTE.s, bestTE.args, { name: "gemm" });
// --disasm: each tejit kernel's innermost loop read from its machine code (FMAs, vector
// instructions, stack loads and stores: spills).
if (process.argv.includes("--disasm")) {
  for (const [name, mod] of [["tutorial", tutorial], ["blocked", blocked], ["register tile", registerTile], ["hand TIR", hand]] as const) {
    const loops = hotLoops(mod.libraryPath, "gemm");
    console.log(`${name}: hot loop ${loops.length ? formatLoop(loops[0]) : "not found"}`);
  }
  console.log("");
}
const { mr, nr, kc, mc, nc, vectorLanes } = blk.sizes;
const ROUNDS = Number(process.env.GEMM_ROUNDS ?? 3);

interface Kernel { name: string; run: (C: NDArray, threads: number) => number[]; err?: number }
const kernels: Kernel[] = [];
for (const [name, mod] of [
  ["tejit, TVM tutorial schedule (packed B + cache_write tile)", tutorial],
  [`tejit, blocked TE schedule (examples/gemm_blocked.ts: tile ${mr}x${nr}, kc ${kc}, mc ${mc}, nc ${nc}, float32x${vectorLanes})`, blocked],
  ["tejit, packed B with an 8x32 cacheWrite register tile (bench/lib/gemm_te.ts)", registerTile],
  [`tejit, hand-written TIR micro-kernel (irBuilder, float32x${VL})`, hand],
] as const) {
  kernels.push({ name, run: (C, t) => { setNumThreads(t); return mod.timeEvaluator("gemm", { number: 3, repeat: 1 })(A, B, C).results; } });
}
if (typeof blas !== "string") {
  kernels.push({ name: "OpenBLAS cblas_sgemm (Debian libopenblas, same process)", run: (C, t) => blas.timeEvaluator("blas_sgemm", { number: 3, repeat: 1 })(A, B, C, t).results });
}
// Check every result before timing it.
const ref = empty([N, N]);
if (typeof blas !== "string") blas.getFunction("blas_sgemm")(A, B, ref, 1);
else blocked.getFunction("gemm")(A, B, ref);
const outs = kernels.map(() => empty([N, N]));
for (const [i, k] of kernels.entries()) {
  k.run(outs[i], 1);
  k.err = maxRelError(outs[i], ref);
  if (k.err > 1e-3) throw new Error(`${k.name}: max relative error ${k.err} against the reference`);
}
const best = kernels.map(() => threadCounts.map(() => Number.POSITIVE_INFINITY));
for (let round = 0; round < ROUNDS; round++) {
  for (const [ti, t] of threadCounts.entries()) {
    for (const [i, k] of kernels.entries()) best[i][ti] = Math.min(best[i][ti], ...k.run(outs[i], t));
  }
}
setNumThreads(0);
const rows: { name: string; g: (number | string)[]; err?: number }[] = kernels.map((k, i) => ({ name: k.name, g: best[i].map((b) => FLOP / b / 1e9), err: typeof blas !== "string" ? k.err : undefined }));
const blasRow = typeof blas === "string" ? { name: blas, g: threadCounts.map(() => "n/a") } : rows[rows.length - 1];
if (typeof blas === "string") rows.push(blasRow);
rows.push({ name: "numpy a @ b (python3 child process, its own OpenBLAS)", g: threadCounts.map((t) => numpyGflops(t)) });

const fmt = (x: number | string): string => (typeof x === "number" ? x.toFixed(1) : x);
const ratio = (x: number | string, base: number | string): string => (typeof x === "number" && typeof base === "number" ? `${(x / base).toFixed(2)}x` : "");
console.log(`GEMM ${N}x${N}x${N} float32, ${cpus()[0]?.model ?? "unknown CPU"}, ${cores} core(s), Node ${process.version}; best of ${ROUNDS} interleaved rounds; tutorial schedule built in ${buildMs.toFixed(0)} ms (lower + C codegen + gcc, cache cold or warm)`);
console.log("");
console.log(`| what | ${threadCounts.map((t) => `${t} thread${t > 1 ? "s" : ""}, GFLOP/s`).join(" | ")} | ${threadCounts.map((t) => `vs OpenBLAS (${t}T)`).join(" | ")} | max rel. error vs OpenBLAS |`);
console.log(`|---|${threadCounts.map(() => "---:").join("|")}|${threadCounts.map(() => "---:").join("|")}|---:|`);
for (const r of rows) {
  console.log(`| ${r.name} | ${r.g.map(fmt).join(" | ")} | ${r.g.map((x, i) => ratio(x, blasRow.g[i])).join(" | ")} | ${r.err === undefined ? "" : r.err.toExponential(1)} |`);
}

// On a loaded machine wall-clock time mostly measures how often the scheduler runs us. Single-
// threaded kernels built without parallel loops run on the JS thread alone, so the process's CPU
// time of a call is their cost whatever the load: report GFLOP per CPU-second too (best of rounds).
if (process.env.GEMM_CPU_TIME !== "0") {
  const serialTut = gemm({ n: N, parallel: false });
  const serialBlk = blockedGemm({ m: N, n: N, k: N, parallel: false });
  const cpuKernels: [string, (C: NDArray) => void][] = [
    ["tejit, TVM tutorial schedule (serial build)", ((f) => (C: NDArray) => f(A, B, C))(build(serialTut.s, serialTut.args, { name: "gemm" }).getFunction("gemm"))],
    ["tejit, blocked TE schedule (serial build)", ((f) => (C: NDArray) => f(A, B, C))(build(serialBlk.s, serialBlk.args, { name: "gemm" }).getFunction("gemm"))],
  ];
  if (typeof blas !== "string") cpuKernels.push(["OpenBLAS cblas_sgemm, 1 thread", (C) => blas.getFunction("blas_sgemm")(A, B, C, 1)]);
  const C = empty([N, N]);
  const bestCpu = cpuKernels.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < ROUNDS + 2; round++) {
    for (const [i, [, run]] of cpuKernels.entries()) {
      run(C);
      const u0 = process.cpuUsage();
      run(C);
      const u = process.cpuUsage(u0);
      bestCpu[i] = Math.min(bestCpu[i], (u.user + u.system) / 1e6);
    }
  }
  const base = bestCpu[bestCpu.length - 1];
  console.log("");
  console.log("| what (1 thread, process CPU time of a call) | GFLOP per CPU-second | vs OpenBLAS |");
  console.log("|---|---:|---:|");
  for (const [i, [name]] of cpuKernels.entries()) {
    console.log(`| ${name} | ${(FLOP / bestCpu[i] / 1e9).toFixed(1)} | ${typeof blas !== "string" ? `${(base / bestCpu[i]).toFixed(2)}x` : ""} |`);
  }
}
