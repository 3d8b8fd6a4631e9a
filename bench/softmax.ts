// Benchmark: softmax of a 4096x1024 float32 matrix by rows, in GB/s (8 bytes an element: one read
// of X, one write of Y), on 1 thread and on all cores. In the same run, in interleaved rounds
// (the machine may be shared: the rounds alternate the variants so that load hits them alike):
// - tejit, a row schedule: max and sum rfactored into 16-lane partial results, exp vectorized,
//   the row's exp kept in a 4 KB stack buffer (maxStackBytes), rows parallel; with te.exp (the C backend's vector exp),
//   with te.fastExp, and "before": the same generated C with exp applied lane by lane through
//   libm's expf, as the code generator emitted it before the vector math;
// - hand C: the same three passes a row, with libm's expf (-O3 -march=native), and with
//   -ffast-math (gcc may then call glibc's vector expf, libmvec);
// - plain JS loops (Math.exp on Float32Arrays).
// Every result is checked against a float64 reference before it is timed. The disassembly of the
// tejit library is scanned for the hot loop's vector FMAs and for calls to expf.
// Run: node --import tsx bench/softmax.ts (or npm run bench).
import { spawnSync } from "node:child_process";
import { te, build } from "../ts/index.js";
import type { Module } from "../ts/runtime/module.js";
import { createModuleFromSource } from "../ts/runtime/module.js";
import { type NDArray, array, empty } from "../ts/runtime/ndarray.js";
import { getNumThreads, setNumThreads } from "../ts/runtime/threads.js";
import { handSoftmaxSource } from "./suite/schedules/softmax_hand_c.js";
import { softmaxRows } from "./suite/schedules/softmax_rows.js";

const R = 4096;
const C = 1024;
const BYTES = R * C * 8;
const VL = /avx512f/.test(spawnSync("grep", ["-m1", "-o", "avx512f", "/proc/cpuinfo"], { encoding: "utf8" }).stdout) ? 16 : 8;

function softmaxSchedule(fast: boolean): Module {
  const g = softmaxRows(R, C, VL, fast);
  // The row's exp (4 KB) on the stack rather than a workspace allocation a row.
  return build(g.s, g.args, { maxStackBytes: 8192 });
}

/** The same generated C with the vector exp replaced by libm's expf lane by lane (the old code generation). */
function laneWiseBefore(mod: Module): Module {
  const src = mod.getSource();
  const name = `__tejit_vexp_float32x${VL}`;
  if (!src.includes(name)) throw new Error(`softmax: the generated C has no ${name}`);
  const lanes = Array.from({ length: VL }, (_, k) => `__builtin_expf(a0[${k}])`).join(", ");
  const def = `static inline float32x${VL} __bench_lanes_expf(float32x${VL} a0) {\n  return (float32x${VL}){${lanes}};\n}\n`;
  const at = src.indexOf("static inline");
  const out = src.slice(0, at) + def + src.slice(at).replaceAll(`${name}(`, "__bench_lanes_expf(")
    .replace(`__bench_lanes_expf(float32x${VL} x)`, `${name}(float32x${VL} x)`);
  return createModuleFromSource(out);
}

const HAND = handSoftmaxSource(R, C);

function hand(fastMath: boolean): Module | string {
  try {
    return createModuleFromSource(HAND, {
      cflags: fastMath ? ["-ffast-math"] : [],
      functions: { softmax: { params: [{ kind: "tensor", name: "X", dtype: "float32", ndim: 2 }, { kind: "tensor", name: "Y", dtype: "float32", ndim: 2 }] } },
    } as never);
  } catch (e) {
    return `skipped: ${(e as Error).message.split("\n")[0]}`;
  }
}

function jsSoftmax(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < R; i++) {
    const o = i * C;
    let m = -Infinity;
    for (let j = 0; j < C; j++) if (x[o + j] > m) m = x[o + j];
    let s = 0;
    for (let j = 0; j < C; j++) {
      const e = Math.exp(x[o + j] - m);
      y[o + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < C; j++) y[o + j] *= inv;
  }
}

function reference(x: Float32Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < R; i++) {
    const o = i * C;
    let m = -Infinity;
    for (let j = 0; j < C; j++) m = Math.max(m, x[o + j]);
    let s = 0;
    for (let j = 0; j < C; j++) s += (y[o + j] = Math.exp(x[o + j] - m));
    for (let j = 0; j < C; j++) y[o + j] /= s;
  }
  return y;
}

function maxRelError(got: Float32Array, want: Float64Array): number {
  let w = 0;
  for (let i = 0; i < got.length; i++) w = Math.max(w, Math.abs(got[i] - want[i]) / Math.max(want[i], 1e-30));
  return w;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Counts vector FMAs on zmm/ymm registers and calls of expf in the library's disassembly. */
function disassembly(path: string): string {
  const r = spawnSync("objdump", ["-d", "--no-show-raw-insn", path], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) return "objdump not available";
  const lines = r.stdout.split("\n");
  const count = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
  return `${count(/vfn?madd\w*ps\s+.*%[yz]mm/)} vector FMAs (ps, ymm/zmm), ${count(/call.*expf/)} calls of expf`;
}

const x = new Float32Array(R * C);
let seed = 12345;
for (let i = 0; i < x.length; i++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  x[i] = (seed / 2 ** 32) * 20 - 10;
}
const want = reference(x);
const X = array(x, [R, C]);

type Variant = { name: string; run: () => void; out: NDArray; threads: "pool" | 1 };
const variants: Variant[] = [];
const tejit = softmaxSchedule(false);
const tejitFast = softmaxSchedule(true);
const before = laneWiseBefore(tejit);
for (const [name, mod] of [["tejit, te.exp (vector exp)", tejit], ["tejit, te.fastExp", tejitFast], ["tejit before (expf lane by lane)", before]] as const) {
  const out = empty([R, C], "float32");
  const f = mod.getFunction("main");
  variants.push({ name, run: () => f(X, out), out, threads: "pool" });
}
for (const fastMath of [false, true]) {
  const m = hand(fastMath);
  const name = `hand C, expf${fastMath ? ", -ffast-math" : ""}`;
  if (typeof m === "string") {
    console.log(`${name}: ${m}`);
    continue;
  }
  const out = empty([R, C], "float32");
  const f = m.getFunction("softmax");
  variants.push({ name, run: () => f(X, out), out, threads: 1 });
}
{
  const out = empty([R, C], "float32");
  const y = out.toTypedArray() as Float32Array;
  variants.push({ name: "plain JS (Math.exp)", run: () => jsSoftmax(x, y), out, threads: 1 });
}

for (const v of variants) {
  v.run();
  const err = maxRelError(v.out.toTypedArray() as Float32Array, want);
  console.log(`${v.name}: max relative error ${err.toExponential(2)}`);
  if (!(err < 1e-4)) throw new Error(`softmax: ${v.name} is wrong (max relative error ${err})`);
}
console.log(`tejit library: ${disassembly(tejit.libraryPath)}; fastExp library: ${disassembly(tejitFast.libraryPath)}; before: ${disassembly(before.libraryPath)}`);

const cores = getNumThreads();
const ROUNDS = 7;
for (const threads of [1, cores]) {
  setNumThreads(threads);
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpuTimes = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) {
      if (v.threads === 1 && threads !== 1) continue;
      const reps = v.name.startsWith("plain JS") ? 1 : 5;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < reps; k++) v.run();
      times.get(v.name)!.push(Number(process.hrtime.bigint() - t0) / 1e9 / reps);
      const c = process.cpuUsage(c0);
      cpuTimes.get(v.name)!.push((c.user + c.system) / 1e6 / reps);
    }
  }
  console.log(`\n${threads} thread${threads === 1 ? "" : "s"} (median of ${ROUNDS} interleaved rounds; GB/s = 8 bytes an element / time; min-max in brackets${threads === 1 ? "; cpu: by the process's CPU time, which other processes on the machine do not inflate" : ""}):`);
  for (const v of variants) {
    const t = times.get(v.name)!;
    if (t.length === 0) continue;
    const gbs = (s: number): string => (BYTES / s / 1e9).toFixed(2);
    const cpu = threads === 1 ? `   cpu ${gbs(median(cpuTimes.get(v.name)!)).padStart(6)} GB/s` : "";
    console.log(`  ${v.name.padEnd(36)} ${(median(t) * 1e3).toFixed(2).padStart(8)} ms  ${gbs(median(t)).padStart(6)} GB/s  [${gbs(Math.max(...t))}-${gbs(Math.min(...t))}]${cpu}`);
  }
}
setNumThreads(cores);

// The exp alone, 1 thread, on 4096 floats (L1-resident): ns an element by CPU time.
{
  setNumThreads(1);
  const n = 4096;
  const reps = 4000;
  const expKernel = (fast: boolean): Module => {
    const A = te.placeholder([n], "float32", "A");
    const B = te.compute([n], (i) => (fast ? te.fastExp(A.at(i)) : te.exp(A.at(i))), "B");
    const s = te.createSchedule(B.op);
    const [, xi] = s.stage(B).split(B.op.axis[0], { factor: VL });
    s.stage(B).vectorize(xi);
    return build(s, [A, B]);
  };
  const handExp = (fastMath: boolean): Module => createModuleFromSource(`#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
#include <math.h>
int32_t vexp(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  TVMValue* v = (TVMValue*)args;
  const float* restrict x = (const float*)((DLTensor*)v[0].v_handle)->data;
  float* restrict y = (float*)((DLTensor*)v[1].v_handle)->data;
  for (int i = 0; i < ${n}; i++) y[i] = expf(x[i]);
  return 0;
}`, { cflags: fastMath ? ["-ffast-math"] : [], functions: { vexp: { params: [{ kind: "tensor", name: "X", dtype: "float32", ndim: 1 }, { kind: "tensor", name: "Y", dtype: "float32", ndim: 1 }] } } } as never);
  const a = array(Float32Array.from({ length: n }, (_, i) => -20 + (40 * i) / n), [n]);
  const kernels: [string, (x: NDArray, y: NDArray) => unknown][] = [
    ["tejit te.exp", expKernel(false).getFunction("main")],
    ["tejit te.fastExp", expKernel(true).getFunction("main")],
    ["hand C, libm expf", handExp(false).getFunction("vexp")],
    ["hand C, -ffast-math (libmvec)", handExp(true).getFunction("vexp")],
  ];
  const cpu = new Map<string, number[]>(kernels.map(([k]) => [k, []]));
  const b = empty([n], "float32");
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, f] of kernels) {
      const c0 = process.cpuUsage();
      for (let r = 0; r < reps; r++) f(a, b);
      const c = process.cpuUsage(c0);
      cpu.get(name)!.push(((c.user + c.system) * 1e3) / reps / n);
    }
  }
  console.log(`\nexp alone, 1 thread, ${n} floats x ${reps} calls (median of ${ROUNDS} interleaved rounds, ns an element by CPU time):`);
  for (const [name] of kernels) console.log(`  ${name.padEnd(36)} ${median(cpu.get(name)!).toFixed(3)} ns`);
  setNumThreads(cores);
}
