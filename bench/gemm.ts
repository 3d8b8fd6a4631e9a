// Benchmark: GEMM 1024 (float32, C = A·B) built by tejit, against OpenBLAS in the same run.
// - tejit, the final schedule of TVM's "How to optimize GEMM on CPU" tutorial (examples/gemm.ts):
//   B packed into [N/32, K, 32], 32x32 blocks, k split by 4 and unrolled, the inner axis
//   vectorized, the outer axis parallel, and the block accumulated in a cache_write tile
//   computed at it;
// - tejit, a hand-written TIR micro-kernel (irBuilder): B packed in panels two vectors wide, a
//   register tile of vector accumulators (8 x 32 floats as float32x16 with AVX-512, 4 x 16 as
//   float32x8 with AVX2), k blocked by 256: what the C backend's vector code reaches when the
//   TIR is good;
// - OpenBLAS: Debian's libopenblas (cblas_sgemm) compiled into a small packed function through
//   tejit's own compile driver and timed by the same timeEvaluator, and numpy (python3, its own
//   OpenBLAS) in a child process, when installed.
// GFLOP/s = 2·N³ / best time of 5 repeats of 3 calls, on 1 thread and on every core.
// Run: npm run bench (or: node --import tsx bench/gemm.ts; GEMM_N=512 for a smaller size).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { gemm } from "../examples/gemm.js";
import { build } from "../ts/build.js";
import { buildModule } from "../ts/codegen/build_module.js";
import { IRModule } from "../ts/ir/function.js";
import { handKernel } from "./suite/schedules/gemm_hand_tir.js";
import { createModuleFromSource, type Module } from "../ts/runtime/module.js";
import { type NDArray, array, empty } from "../ts/runtime/ndarray.js";
import { getNumThreads, setNumThreads } from "../ts/runtime/threads.js";

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

function gflops(run: () => number[]): number {
  const best = Math.min(...run());
  return FLOP / best / 1e9;
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

const rows: { name: string; g: (number | string)[]; err?: number }[] = [];
const ref = empty([N, N]);
if (typeof blas !== "string") blas.getFunction("blas_sgemm")(A, B, ref, 1);
for (const [name, mod] of [
  ["tejit, TVM tutorial schedule (packed B + cache_write tile)", tutorial],
  [`tejit, hand-written TIR micro-kernel (irBuilder, float32x${VL})`, hand],
] as const) {
  const C = empty([N, N]);
  const g = threadCounts.map((t) => {
    setNumThreads(t);
    return gflops(() => mod.timeEvaluator("gemm", { number: 3, repeat: 5 })(A, B, C).results);
  });
  rows.push({ name, g, err: typeof blas !== "string" ? maxRelError(C, ref) : undefined });
}
setNumThreads(0);
const blasRow = typeof blas === "string"
  ? { name: blas, g: threadCounts.map(() => "n/a") }
  : { name: "OpenBLAS cblas_sgemm (Debian libopenblas, same process)", g: threadCounts.map((t) => gflops(() => blas.timeEvaluator("blas_sgemm", { number: 3, repeat: 5 })(A, B, empty([N, N]), t).results)) };
rows.push(blasRow);
rows.push({ name: "numpy a @ b (python3 child process, its own OpenBLAS)", g: threadCounts.map((t) => numpyGflops(t)) });

const fmt = (x: number | string): string => (typeof x === "number" ? x.toFixed(1) : x);
const ratio = (x: number | string, base: number | string): string => (typeof x === "number" && typeof base === "number" ? `${(x / base).toFixed(2)}x` : "");
console.log(`GEMM ${N}x${N}x${N} float32, ${cpus()[0]?.model ?? "unknown CPU"}, ${cores} core(s), Node ${process.version}; tutorial schedule built in ${buildMs.toFixed(0)} ms (lower + C codegen + gcc, cache cold or warm)`);
console.log("");
console.log(`| what | ${threadCounts.map((t) => `${t} thread${t > 1 ? "s" : ""}, GFLOP/s`).join(" | ")} | ${threadCounts.map((t) => `vs OpenBLAS (${t}T)`).join(" | ")} | max rel. error vs OpenBLAS |`);
console.log(`|---|${threadCounts.map(() => "---:").join("|")}|${threadCounts.map(() => "---:").join("|")}|---:|`);
for (const r of rows) {
  console.log(`| ${r.name} | ${r.g.map(fmt).join(" | ")} | ${r.g.map((x, i) => ratio(x, blasRow.g[i])).join(" | ")} | ${r.err === undefined ? "" : r.err.toExponential(1)} |`);
}
