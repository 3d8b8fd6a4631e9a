// Benchmark: autoScheduler.tune on GEMM (float32, C = A·B, N x N x N) with a modest trial budget,
// against the unscheduled program and the best hand schedule of bench/gemm.ts (TVM's tutorial
// schedule, examples/gemm.ts), all timed in this process by the same timeEvaluator. It prints
// the table and the trials-to-best curve (the best median after each trial).
// The candidates are measured by the in-process test queue (test/auto_scheduler/in_process_queue.ts:
// compiled, checked against the unscheduled program, timed), until the LocalQueue lands.
// Run: node --import tsx bench/autoscheduler-gemm.ts   (GEMM_N=512, TUNE_TRIALS=64, TUNE_SEED=0)
import { cpus } from "node:os";
import { gemm } from "../examples/gemm.js";
import { build } from "../ts/build.js";
import { tune } from "../ts/auto_scheduler/tune.js";
import { traceText } from "../ts/auto_scheduler/trace.js";
import { array, empty } from "../ts/runtime/ndarray.js";
import { te } from "../ts/index.js";
import { InProcessQueue } from "../test/auto_scheduler/in_process_queue.js";

const N = Number(process.env.GEMM_N ?? 512);
const TRIALS = Number(process.env.TUNE_TRIALS ?? 64);
const SEED = Number(process.env.TUNE_SEED ?? 0);
const FLOP = 2 * N ** 3;

const A = te.placeholder([N, N], "float32", "A");
const B = te.placeholder([N, N], "float32", "B");
const k = te.reduceAxis([0, N], "k");
const C = te.compute([N, N], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
const args = [A, B, C];

const t0 = performance.now();
const curve: { trial: number; seconds?: number; best?: number; elapsed: number }[] = [];
let best: number | undefined;
const r = await tune(C, {
  args, trials: TRIALS, seed: SEED, queue: new InProcessQueue(), progress: false,
  onProgress: (p) => {
    if (p.last.seconds !== undefined && (best === undefined || p.last.seconds < best)) best = p.last.seconds;
    curve.push({ trial: p.done, seconds: p.last.seconds, best, elapsed: p.elapsedMs / 1000 });
  },
});
const tuneSeconds = (performance.now() - t0) / 1000;

const rand = (seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: N * N }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
};
const a = array(rand(1), [N, N]);
const b = array(rand(2), [N, N]);
const time = (s: te.Schedule, a2: te.Tensor[]): number => {
  const mod = build(s, a2, { name: "gemm" });
  const c = empty([N, N]);
  return Math.min(...mod.timeEvaluator("gemm", { number: 3, repeat: 5 })(a, b, c).results);
};
const tut = gemm({ n: N });
const rows = [
  ["unscheduled program", time(te.createSchedule(C.op), args)],
  ["best hand schedule of bench/gemm.ts (TVM tutorial: packed B, cache_write tile)", time(tut.s, tut.args)],
  [`autoScheduler.tune, ${TRIALS} trials, seed ${SEED}`, time(r.schedule, args)],
] as const;
const errors = r.trials.filter((x) => x.error).length;
console.log(`GEMM ${N}x${N}x${N} float32, ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} core(s); tune took ${tuneSeconds.toFixed(0)} s for ${r.trials.length} trials (${errors} errors); best median in tuning ${(r.bestSeconds * 1e3).toFixed(2)} ms`);
console.log("");
console.log("| what | ms (best of 5x3) | GFLOP/s | vs unscheduled | vs hand schedule |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, s] of rows) {
  console.log(`| ${name} | ${(s * 1e3).toFixed(2)} | ${(FLOP / s / 1e9).toFixed(1)} | ${(rows[0][1] / s).toFixed(2)}x | ${(rows[1][1] / s).toFixed(2)}x |`);
}
console.log("\ntrials-to-best (trial, this trial's median ms, best so far ms, seconds elapsed):");
console.log(curve.map((c) => `${c.trial},${c.seconds === undefined ? "error" : (c.seconds * 1e3).toFixed(3)},${c.best === undefined ? "" : (c.best * 1e3).toFixed(3)},${c.elapsed.toFixed(1)}`).join("\n"));
console.log(`\nchosen schedule (${r.bestOrigin}):\n${traceText(r.bestTrace)}`);
