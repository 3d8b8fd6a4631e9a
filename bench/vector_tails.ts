// Benchmark: vector tails (issue 10 item 2). Kernels whose vectorized axis is split unevenly by
// the vector width VL (16 on AVX-512, 8 on AVX2), built two ways in the same run:
// - "tails": lower() as it is, where loop partition cuts the guard of the uneven split, giving a
//   guard-free vector body and a narrower vector tail;
// - "guard per lane": lower() with simpleMode, which skips loop partition, so the vectorizer runs
//   the guarded store lane by lane — the code every lowering gave before vector tails (it keeps
//   the `likely` hint, emitted as __builtin_expect, which loop partition used to drop).
// The kernels: a 3x3 convolution 1x16x56x56 -> 16 (pad 1), its output row (56) split by VL and
// vectorized innermost, inside the reduction loops; and B = A*2 + 1 over 1000 elements (a call is
// ~0.3 us of overhead, so this one mostly shows the call). Every result is checked against a JS
// reference before it is timed; rounds alternate the variants (the machine may be shared).
// Run: node --import tsx bench/vector_tails.ts
import { spawnSync } from "node:child_process";
import { te, build } from "../ts/index.js";
import type { Module } from "../ts/runtime/module.js";
import { type NDArray, array, empty } from "../ts/runtime/ndarray.js";
import { setNumThreads } from "../ts/runtime/threads.js";

const VL = /avx512f/.test(spawnSync("grep", ["-m1", "-o", "avx512f", "/proc/cpuinfo"], { encoding: "utf8" }).stdout) ? 16 : 8;
const [C, K, H, W] = [16, 16, 56, 56];
const N = 1000;

function conv(simpleMode: boolean): Module {
  const X = te.placeholder([C, H + 2, W + 2], "float32", "X");
  const Wt = te.placeholder([K, C, 3, 3], "float32", "W");
  const rc = te.reduceAxis([0, C], "rc");
  const ry = te.reduceAxis([0, 3], "ry");
  const rx = te.reduceAxis([0, 3], "rx");
  const Y = te.compute([K, H, W], (k, y, x) => te.sum(X.at(rc, y.add(ry), x.add(rx)).mul(Wt.at(k, rc, ry, rx)), [rc, ry, rx]), "Y");
  const s = te.createSchedule(Y.op);
  const st = s.stage(Y);
  const [xo, xi] = st.split(Y.op.axis[2], { factor: VL });
  st.reorder(Y.op.axis[0], Y.op.axis[1], xo, rc, ry, rx, xi);
  st.vectorize(xi);
  return build(s, [X, Wt, Y], { simpleMode });
}

function elementwise(simpleMode: boolean): Module {
  const A = te.placeholder([N], "float32", "A");
  const B = te.compute([N], (i) => A.at(i).mul(2).add(1), "B");
  const s = te.createSchedule(B.op);
  const [, xi] = s.stage(B).split(B.op.axis[0], { factor: VL });
  s.stage(B).vectorize(xi);
  return build(s, [A, B], { simpleMode });
}

function quarters(n: number, seed: number): Float32Array {
  let x = seed;
  return Float32Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return Math.round((x / 2 ** 32) * 16 - 8) / 4;
  });
}

function convRef(x: Float32Array, w: Float32Array): Float32Array {
  const out = new Float32Array(K * H * W);
  for (let k = 0; k < K; k++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
    let acc = 0;
    for (let c = 0; c < C; c++) for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) {
      acc += x[(c * (H + 2) + y + dy) * (W + 2) + xx + dx] * w[((k * C + c) * 3 + dy) * 3 + dx];
    }
    out[(k * H + y) * W + xx] = acc;
  }
  return out;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

interface Case { kernel: string; variant: string; mod: Module; args: NDArray[]; out: NDArray; want: Float32Array; number: number; work: number; unit: string }

const x = quarters(C * (H + 2) * (W + 2), 1);
const w = quarters(K * C * 9, 2);
const a = quarters(N, 3);
const cases: Case[] = [];
for (const [variant, simple] of [["tails", false], ["guard per lane", true]] as const) {
  const yc = empty([K, H, W]);
  cases.push({
    kernel: `conv2d 1x${C}x${H}x${W} -> ${K}, 3x3, row split by ${VL}`, variant, mod: conv(simple),
    args: [array(x, [C, H + 2, W + 2]), array(w, [K, C, 3, 3]), yc], out: yc, want: convRef(x, w),
    number: 1, work: 2 * K * H * W * C * 9, unit: "GFLOP/s",
  });
  const b = empty([N]);
  cases.push({
    kernel: `B = A*2 + 1 over ${N}, split by ${VL}`, variant, mod: elementwise(simple),
    args: [array(a, [N]), b], out: b, want: a.map((v) => v * 2 + 1), number: 1, work: N, unit: "Gelem/s",
  });
}

for (const c of cases) {
  c.mod.getFunction("main")(...c.args);
  const got = c.out.toTypedArray() as Float32Array;
  for (let i = 0; i < c.want.length; i++) {
    if (got[i] !== c.want[i]) throw new Error(`vector_tails: ${c.kernel}, ${c.variant}: element ${i} is ${got[i]}, expected ${c.want[i]}`);
  }
  // Calls per timing: about 20 ms of them.
  const once = c.mod.timeEvaluator("main", { number: 3, repeat: 1 })(...c.args).mean;
  c.number = Math.max(1, Math.round(0.02 / once));
  console.log(`${c.kernel}, ${c.variant}: correct`);
}

setNumThreads(1);
const ROUNDS = 9;
const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) times.get(c)!.push(c.mod.timeEvaluator("main", { number: c.number, repeat: 1 })(...c.args).mean);
}
console.log(`\nVL = ${VL}, 1 thread, median of ${ROUNDS} interleaved rounds (spread = max/min - 1):`);
for (const kernel of [...new Set(cases.map((c) => c.kernel))]) {
  const [tails, before] = cases.filter((c) => c.kernel === kernel);
  const line = (c: Case): string => {
    const ts = times.get(c)!;
    return `${(c.work / median(ts) / 1e9).toFixed(2)} ${c.unit} (${(median(ts) * 1e6).toFixed(2)} us, spread ${((Math.max(...ts) / Math.min(...ts) - 1) * 100).toFixed(0)}%)`;
  };
  console.log(`${kernel}:\n  tails          ${line(tails)}\n  guard per lane ${line(before)}\n  ratio ${(median(times.get(before)!) / median(times.get(tails)!)).toFixed(2)}x`);
}
