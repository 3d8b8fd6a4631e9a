// Benchmark: the default schedules of `ops` (ops.schedule) on three kernels, on 1 thread and on
// every core: GEMM 1024² float32 (ops.matmul; against OpenBLAS cblas_sgemm in the same run when
// Debian's libopenblas-dev is installed), conv2d 1x64x56x56, 64 filters 3x3, pad 1 (ops.conv2d,
// NCHW, and the same in NCHW16c), and softmax 4096x1024 by rows (ops.softmax, te.exp and the fastExp option). Each
// kernel is checked against a plain JS reference before it is timed. Figures: GFLOP/s (GEMM,
// conv: 2 flops a multiply-add) and GB/s (softmax: one read and one write an element), from the
// best of `repeat` runs of `number` calls; on 1 thread also by the process's CPU time, which
// other processes on a shared machine do not inflate. A short run (seconds).
// Run: node --import tsx bench/ops.ts
import { cpus } from "node:os";
import { build, ops, te } from "../ts/index.js";
import { createModuleFromSource, type Module } from "../ts/runtime/module.js";
import { type NDArray, array, empty } from "../ts/runtime/ndarray.js";
import { getNumThreads, setNumThreads } from "../ts/runtime/threads.js";

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
};

function maxRelError(got: NDArray, want: Float32Array | Float64Array, scale = 1): number {
  const a = got.toTypedArray() as Float32Array;
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - want[i]) / Math.max(scale, Math.abs(want[i])));
  return w;
}

/** Best seconds a call on `threads` threads. */
function time(mod: Module, args: NDArray[], threads: number, number = 3, repeat = 5): number {
  setNumThreads(threads);
  const r = mod.timeEvaluator("main", { number, repeat })(...args).results;
  setNumThreads(0);
  return Math.min(...r);
}

/**
 * Best CPU seconds a call on 1 thread (process.cpuUsage around the calls): other processes on a
 * shared machine do not inflate it as they inflate wall time.
 */
function cpuTime(call: () => void, number = 3, repeat = 5): number {
  setNumThreads(1);
  let best = Infinity;
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < number; i++) call();
    const d = process.cpuUsage(c0);
    best = Math.min(best, (d.user + d.system) / 1e6 / number);
  }
  setNumThreads(0);
  return best;
}

const cores = getNumThreads();
const threadCounts = cores > 1 ? [1, cores] : [1];
const rows: { name: string; unit: string; cpu: number; v: number[]; err: number; buildMs: number }[] = [];

function bench(name: string, unit: string, work: number, outputs: te.Tensor, inputs: te.Tensor[], data: NDArray[], check: (out: NDArray) => number): void {
  const s = ops.schedule(outputs);
  const t0 = performance.now();
  const mod = build(s, [...inputs, outputs]);
  const buildMs = performance.now() - t0;
  const out = empty(outputs.shape.map((d) => Number(String(d))));
  mod.getFunction("main")(...data, out);
  const err = check(out);
  const f = mod.getFunction("main");
  const cpu = work / cpuTime(() => f(...data, out)) / 1e9;
  const v = threadCounts.map((t) => work / time(mod, [...data, out], t) / 1e9);
  rows.push({ name, unit, cpu, v, err, buildMs });
}

// GEMM 1024.
const N = 1024;
const A = te.placeholder([N, N], "float32", "A");
const B = te.placeholder([N, N], "float32", "B");
const a = array(rand(N * N, 1), [N, N]);
const b = array(rand(N * N, 2), [N, N]);
const BLAS = `
#include <cblas.h>
#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
extern void openblas_set_num_threads(int);
int32_t blas_sgemm(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  (void)codes; (void)n; (void)ret; (void)ret_code; (void)h;
  TVMValue* v = (TVMValue*)args;
  DLTensor* A = (DLTensor*)v[0].v_handle; DLTensor* B = (DLTensor*)v[1].v_handle; DLTensor* C = (DLTensor*)v[2].v_handle;
  int m = (int)A->shape[0], k = (int)A->shape[1], nn = (int)B->shape[1];
  openblas_set_num_threads((int)v[3].v_int64);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, nn, k, 1.0f, (const float*)A->data, k, (const float*)B->data, nn, 0.0f, (float*)C->data, nn);
  return 0;
}`;
let blas: Module | undefined;
try {
  blas = createModuleFromSource(BLAS, { cflags: ["-Wl,--no-as-needed", "-lopenblas"] });
} catch {
  console.log("OpenBLAS baseline skipped (apt-get install libopenblas-dev)");
}
const gemmRef = (() => {
  if (blas) {
    const c = empty([N, N]);
    blas.getFunction("blas_sgemm")(a, b, c, 1);
    return c.toTypedArray() as Float32Array;
  }
  const x = a.toTypedArray() as Float32Array, y = b.toTypedArray() as Float32Array;
  const c = new Float32Array(N * N);
  for (let i = 0; i < N; i++) for (let k = 0; k < N; k++) { const v = x[i * N + k]; for (let j = 0; j < N; j++) c[i * N + j] += v * y[k * N + j]; }
  return c;
})();
bench(`ops.matmul ${N}² (GEMM)`, "GFLOP/s", 2 * N ** 3, ops.matmul(A, B), [A, B], [a, b], (o) => maxRelError(o, gemmRef));
if (blas) {
  const c = empty([N, N]);
  const v = threadCounts.map((t) => {
    const r = blas!.timeEvaluator("blas_sgemm", { number: 3, repeat: 5 })(a, b, c, t).results;
    return 2 * N ** 3 / Math.min(...r) / 1e9;
  });
  const g = blas.getFunction("blas_sgemm");
  const cpu = 2 * N ** 3 / cpuTime(() => g(a, b, c, 1)) / 1e9;
  rows.push({ name: "OpenBLAS cblas_sgemm (same run)", unit: "GFLOP/s", cpu, v, err: 0, buildMs: 0 });
}

// conv2d 1x64x56x56, 64x64x3x3, pad 1.
const [C, H, K] = [64, 56, 3];
const X = te.placeholder([1, C, H, H], "float32", "X");
const W = te.placeholder([C, C, K, K], "float32", "W");
const x = array(rand(C * H * H, 3), [1, C, H, H]);
const w = array(rand(C * C * K * K, 4), [C, C, K, K]);
const convRef = (() => {
  const xi = x.toTypedArray() as Float32Array, wi = w.toTypedArray() as Float32Array;
  const o = new Float32Array(C * H * H);
  for (let co = 0; co < C; co++) for (let ci = 0; ci < C; ci++) for (let ky = 0; ky < K; ky++) for (let kx = 0; kx < K; kx++) {
    const wv = wi[((co * C + ci) * K + ky) * K + kx];
    for (let yy = 0; yy < H; yy++) {
      const sy = yy + ky - 1;
      if (sy < 0 || sy >= H) continue;
      for (let xx = 0; xx < H; xx++) {
        const sx = xx + kx - 1;
        if (sx >= 0 && sx < H) o[(co * H + yy) * H + xx] += wv * xi[(ci * H + sy) * H + sx];
      }
    }
  }
  return o;
})();
bench(`ops.conv2d 1x${C}x${H}², ${C} filters ${K}x${K}, pad 1`, "GFLOP/s", 2 * C * C * K * K * H * H, ops.conv2d(X, W, { padding: 1 }), [X, W], [x, w], (o) => maxRelError(o, convRef));

// The same conv in NCHWc (channel blocks of 16: NCHW16c, OIHW16i16o), the same values.
const cbk = 16;
const Xc = te.placeholder([1, C / cbk, H, H, cbk], "float32", "Xc");
const Wc = te.placeholder([C / cbk, C / cbk, K, K, cbk, cbk], "float32", "Wc");
const xc = new Float32Array(C * H * H), wc = new Float32Array(C * C * K * K);
{
  const xi = x.toTypedArray() as Float32Array, wi = w.toTypedArray() as Float32Array;
  for (let c = 0; c < C; c++) for (let p = 0; p < H * H; p++) xc[(Math.floor(c / cbk) * H * H + p) * cbk + (c % cbk)] = xi[c * H * H + p];
  for (let co = 0; co < C; co++) for (let ci = 0; ci < C; ci++) for (let t = 0; t < K * K; t++) {
    wc[((((Math.floor(co / cbk) * (C / cbk) + Math.floor(ci / cbk)) * K * K + t) * cbk + (ci % cbk)) * cbk) + (co % cbk)] = wi[(co * C + ci) * K * K + t];
  }
}
const convRefC = new Float32Array(C * H * H);
for (let c = 0; c < C; c++) for (let p = 0; p < H * H; p++) convRefC[(Math.floor(c / cbk) * H * H + p) * cbk + (c % cbk)] = convRef[c * H * H + p];
bench(`ops.conv2d the same, NCHW${cbk}c`, "GFLOP/s", 2 * C * C * K * K * H * H, ops.conv2d(Xc, Wc, { padding: 1, layout: "NCHWc" }), [Xc, Wc],
  [array(xc, [1, C / cbk, H, H, cbk]), array(wc, [C / cbk, C / cbk, K, K, cbk, cbk])], (o) => maxRelError(o, convRefC));

// softmax 4096x1024.
const [R, L] = [4096, 1024];
const S = te.placeholder([R, L], "float32", "S");
const sm = array(rand(R * L, 5).map((v) => v * 8), [R, L]);
const smRef = (() => {
  const v = sm.toTypedArray() as Float32Array;
  const y = new Float64Array(R * L);
  for (let i = 0; i < R; i++) {
    let m = -Infinity, t = 0;
    for (let j = 0; j < L; j++) m = Math.max(m, v[i * L + j]);
    for (let j = 0; j < L; j++) t += (y[i * L + j] = Math.exp(v[i * L + j] - m));
    for (let j = 0; j < L; j++) y[i * L + j] /= t;
  }
  return y;
})();
bench(`ops.softmax ${R}x${L}, exact exp`, "GB/s", R * L * 8, ops.softmax(S), [S], [sm], (o) => maxRelError(o, smRef, 1e-30));
bench(`ops.softmax ${R}x${L}, fastExp`, "GB/s", R * L * 8, ops.softmax(S, -1, { fastExp: true }), [S], [sm], (o) => maxRelError(o, smRef, 1e-30));

console.log(`ops default schedules, ${cpus()[0]?.model ?? "unknown CPU"}, ${cores} core(s), Node ${process.version}`);
console.log("");
console.log(`| kernel | 1 thread, by CPU time | ${threadCounts.map((t) => `${t} thread${t > 1 ? "s" : ""}, wall`).join(" | ")} | max rel. error | build ms |`);
console.log(`|---|---:|${threadCounts.map(() => "---:").join("|")}|---:|---:|`);
for (const r of rows) console.log(`| ${r.name} | ${r.cpu.toFixed(1)} ${r.unit} | ${r.v.map((v) => `${v.toFixed(1)} ${r.unit}`).join(" | ")} | ${r.err.toExponential(1)} | ${r.buildMs.toFixed(0)} |`);
