// Benchmark: how long build() takes and what a kernel call costs (issue 10 item 5 and its build
// and call targets). Each build is timed in a fresh child process, from the build() call to a
// callable Module:
// - warm: a cache hit (same program, schedule and options as an earlier process), with the
//   addon loaded by the build itself (a process's first use of kernels) and loaded before;
// - cold: a program not built before, in a cache that already holds the compiler probe's
//   verdict, and in an empty cache (the probe runs too); each next to a bare `cc` of the same
//   C source with the same flags, run in the same child right after, and the phases TEJIT_LOG
//   reports (lower, codegen, compile, load).
// Then JS -> kernel calls with three Float32Array tensors, in this process: an empty kernel
// with build()'s parameter descriptions, and a 16-element vadd made by build(), next to a bare
// N-API call. Medians of the rounds; the program is the tutorial GEMM schedule (examples/gemm.ts).
// Run: node --import tsx bench/build_call.ts [rounds, default 7]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, nd, te } from "../ts/index.js";
import { getAddon } from "../ts/runtime/addon.js";
import { createModuleFromSource } from "../ts/runtime/module.js";

const rounds = Number(process.argv[2] ?? 7);
const root = fileURLToPath(new URL("..", import.meta.url));
const url = (rel: string) => pathToFileURL(join(root, rel)).href;

/** The child: builds the tutorial GEMM of size n (a new n is a new program), prints JSON timings. */
const child = (n: number, preload: boolean) => `
import { performance } from "node:perf_hooks";
import { spawnSync } from "node:child_process";
const { build } = await import(${JSON.stringify(url("ts/index.ts"))});
const { getAddon } = await import(${JSON.stringify(url("ts/runtime/addon.ts"))});
const { gemm } = await import(${JSON.stringify(url("examples/gemm.ts"))});
const { compilerFlags } = await import(${JSON.stringify(url("ts/runtime/compile.ts"))});
const g = gemm({ n: ${n} });
${preload ? "getAddon();" : ""}
const t0 = performance.now();
const mod = build(g.s, g.args, { name: "gemm" });
const ms = performance.now() - t0;
mod.getFunction("gemm");
let gcc;
if (process.env.BARE_GCC) {
  const src = mod.libraryPath.replace(/\\.so$/, ".c");
  const flags = [...compilerFlags({}), "-fno-tree-loop-if-convert"];
  const t1 = performance.now();
  const r = spawnSync("cc", [...flags, "-I", ${JSON.stringify(join(root, "native"))}, "-o", process.env.BARE_GCC, src, "-lm"]);
  gcc = r.status === 0 ? performance.now() - t1 : -1;
}
console.log(JSON.stringify({ ms, gcc }));
`;

function runChild(code: string, env: Record<string, string>): { ms: number; gcc?: number; log: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split("\n").pop()!), log: r.stderr };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const phase = (log: string, name: string) => Number(new RegExp(`tejit ${name}: .*\\(([0-9.]+) ms\\)`).exec(log)?.[1] ?? NaN);

const scratch = mkdtempSync(join(tmpdir(), "tejit-bench-build-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const warmDir = join(scratch, "warm");
runChild(child(256, false), { TEJIT_CACHE_DIR: warmDir });
const warm: number[] = [], warmPre: number[] = [];
const cold: number[] = [], coldGcc: number[] = [], fresh: number[] = [], freshGcc: number[] = [];
const phases: Record<string, number[]> = { lower: [], codegen: [], compile: [], load: [] };
for (let r = 0; r < rounds; r++) {
  warm.push(runChild(child(256, false), { TEJIT_CACHE_DIR: warmDir }).ms);
  warmPre.push(runChild(child(256, true), { TEJIT_CACHE_DIR: warmDir }).ms);
  const c = runChild(child(32 * (9 + r), true), { TEJIT_CACHE_DIR: warmDir, TEJIT_LOG: "info", BARE_GCC: join(scratch, `bare${r}.so`) });
  cold.push(c.ms);
  coldGcc.push(c.gcc!);
  for (const p of Object.keys(phases)) phases[p].push(phase(c.log, p));
  const f = runChild(child(32 * (9 + r), true), { TEJIT_CACHE_DIR: join(scratch, `fresh${r}`), BARE_GCC: join(scratch, `fbare${r}.so`) });
  fresh.push(f.ms);
  freshGcc.push(f.gcc!);
}

// Calls.
const addon = getAddon();
const params = [0, 1, 2].map((i) => ({ kind: "tensor" as const, name: "ABC"[i], dtype: "float32", ndim: 1 }));
const noop = createModuleFromSource(`#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
int32_t noop3(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) { return n == 3 ? 0 : -1; }
`, { functions: { noop3: { params } } }).getFunction("noop3");
const A = te.placeholder([16], "float32", "A"), B = te.placeholder([16], "float32", "B");
const C = te.compute([16], (i) => A.at(i).add(B.at(i)), "C");
const vadd = build(te.createSchedule(C.op), [A, B, C], { name: "vadd" }).getFunction("vadd");
const [a, b, c] = [nd.empty([16]), nd.empty([16]), nd.empty([16])];
const calls: Record<string, (n: number) => void> = {
  "bare N-API call, no-op": (n) => { for (let i = 0; i < n; i++) addon.noop(); },
  "empty kernel, three tensors": (n) => { for (let i = 0; i < n; i++) noop(a, b, c); },
  "build() vadd of 16 floats, three tensors": (n) => { for (let i = 0; i < n; i++) vadd(a, b, c); },
};
const callNs: Record<string, number[]> = Object.fromEntries(Object.keys(calls).map((k) => [k, []]));
const N = 300_000;
for (const f of Object.values(calls)) f(N / 3);
for (let r = 0; r < 9; r++) {
  for (const [k, f] of Object.entries(calls)) {
    const t0 = process.hrtime.bigint();
    f(N);
    callNs[k].push(Number(process.hrtime.bigint() - t0) / N);
  }
}

const f1 = (x: number) => x.toFixed(1);
console.log(`build and call, ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}; medians of ${rounds} rounds`);
console.log(`  warm build (cache hit, new process), addon loaded by build: ${f1(median(warm))} ms`);
console.log(`  warm build (cache hit, new process), addon loaded before:   ${f1(median(warmPre))} ms`);
console.log(`  cold build, probe verdict cached: ${f1(median(cold))} ms; bare cc of its source ${f1(median(coldGcc))} ms; ratio ${(median(cold.map((x, i) => x / coldGcc[i]))).toFixed(2)}`);
console.log(`    phases: ${Object.entries(phases).map(([k, v]) => `${k} ${f1(median(v))} ms`).join(", ")}`);
console.log(`  cold build, empty cache (probe runs): ${f1(median(fresh))} ms; bare cc ${f1(median(freshGcc))} ms; ratio ${(median(fresh.map((x, i) => x / freshGcc[i]))).toFixed(2)}`);
for (const [k, v] of Object.entries(callNs)) console.log(`  ${k}: ${median(v).toFixed(0)} ns`);
