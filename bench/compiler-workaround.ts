// Benchmark: what the gcc 12 guarded-load workaround (-fno-tree-loop-if-convert, added by the
// compiler probe, docs/reliability.md) costs. Each kernel is built twice in this process, with the
// workaround (the default) and without it (TEJIT_NO_COMPILER_WORKAROUNDS=1 while building), and
// the two are timed interleaved (A, B, A, B, ...) so the shared machine's noise hits both alike;
// the figure is the median over rounds of each variant's best of 3 measurements (each about
// 20 ms of calls), and the ratio of medians.
// Each variant's output is also checked against a plain JS reference: without the workaround the
// padded kernels may be wrong, which is why it exists.
// For two other flags that also make the probe right, it says whether they change each kernel's
// machine code (they change kernels without any guarded load, such as GEMM: not chosen).
// Kernels: the tutorial GEMM (examples/gemm.ts, 1 thread), a 3x3 convolution with a zero-padded
// input computed per output row (the pad of issue 9 item 1 inside a real operator), and the two
// failing programs of issue 9 item 1 scaled up (a padded row copy, a padded row sum).
// Run: node --import tsx bench/compiler-workaround.ts (ROUNDS=9 by default).
import { cpus } from "node:os";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { gemm } from "../examples/gemm.js";
import { build, te } from "../ts/index.js";
import * as op from "../ts/ir/op.js";
import type { Module } from "../ts/runtime/module.js";
import { type NDArray, array, empty } from "../ts/runtime/ndarray.js";
import { setNumThreads } from "../ts/runtime/threads.js";

const ROUNDS = Number(process.env.ROUNDS ?? 9);
setNumThreads(1);

interface Case {
  name: string;
  make: () => { s: te.Schedule; args: te.Tensor[] };
  inputs: NDArray[];
  outShape: number[];
  dtype: string;
  reference: Float64Array | Float32Array | Int32Array;
  /** Useful work per call, for the rate column. */
  work: number;
  unit: string;
}

function fill(n: number, seed: number): Float32Array {
  let x = seed;
  return Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5);
}

function gemmCase(n: number): Case {
  const a = fill(n * n, 1);
  const b = fill(n * n, 2);
  const ref = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const av = a[i * n + k];
    for (let j = 0; j < n; j++) ref[i * n + j] += av * b[k * n + j];
  }
  return { name: `GEMM ${n} (tutorial schedule, 1 thread)`, make: () => { const g = gemm({ n }); return { s: g.s, args: g.args }; }, inputs: [array(a, [n, n]), array(b, [n, n])], outShape: [n, n], dtype: "float32", reference: ref, work: 2 * n ** 3 / 1e9, unit: "GFLOP/s" };
}

function convCase(C: number, H: number, W: number, F: number): Case {
  const R = 3;
  const iv = fill(C * H * W, 3);
  const wv = fill(F * C * R * R, 4);
  const ref = new Float32Array(F * H * W);
  for (let f = 0; f < F; f++) for (let c = 0; c < C; c++) for (let dy = 0; dy < R; dy++) for (let dx = 0; dx < R; dx++) {
    const w = wv[((f * C + c) * R + dy) * R + dx];
    for (let y = 0; y < H; y++) {
      const yy = y + dy - 1;
      if (yy < 0 || yy >= H) continue;
      for (let x = 0; x < W; x++) {
        const xx = x + dx - 1;
        if (xx >= 0 && xx < W) ref[(f * H + y) * W + x] += iv[(c * H + yy) * W + xx] * w;
      }
    }
  }
  const make = () => {
    const I = te.placeholder([C, H, W], "float32", "I");
    const Wt = te.placeholder([F, C, R, R], "float32", "W");
    const P = te.compute([C, H + 2, W + 2], (c, y, x) =>
      te.ifThenElse(op.logicalAnd(op.logicalAnd(y.ge(1), y.lt(H + 1)), op.logicalAnd(x.ge(1), x.lt(W + 1))), I.at(c, y.sub(1), x.sub(1)), 0), "pad");
    const rc = te.reduceAxis([0, C], "rc");
    const ry = te.reduceAxis([0, R], "ry");
    const rx = te.reduceAxis([0, R], "rx");
    const O = te.compute([F, H, W], (f, y, x) => te.sum(P.at(rc, y.add(ry), x.add(rx)).mul(Wt.at(f, rc, ry, rx)), [rc, ry, rx]), "conv");
    const s = te.createSchedule(O.op);
    s.stage(P).computeAt(s.stage(O), O.op.axis[1]);
    return { s, args: [I, Wt, O] };
  };
  return { name: `conv ${C}x${H}x${W} -> ${F}, 3x3, pad 1 computed per output row`, make, inputs: [array(iv, [C, H, W]), array(wv, [F, C, R, R])], outShape: [F, H, W], dtype: "float32", reference: ref, work: 2 * F * C * 9 * H * W / 1e9, unit: "GFLOP/s" };
}

function padRowsCase(rows: number, cols: number): Case {
  const a = Float32Array.from({ length: rows * cols }, (_, x) => x % 1000);
  const ref = Float32Array.from({ length: (rows + 4) * cols }, (_, x) => { const i = Math.floor(x / cols); return i >= 2 && i < rows + 2 ? a[x - 2 * cols] : -7; });
  const make = () => {
    const A = te.placeholder([rows, cols], "float32", "A");
    const P = te.compute([rows + 4, cols], (i, j) => te.ifThenElse(op.logicalAnd(i.ge(2), i.lt(rows + 2)), A.at(i.sub(2), j), -7), "P");
    const B = te.compute([rows + 4, cols], (i, j) => P.at(i, j), "B");
    const s = te.createSchedule(B.op);
    s.stage(P).computeAt(s.stage(B), B.op.axis[0]);
    return { s, args: [A, B] };
  };
  return { name: `padded row copy ${rows + 4}x${cols} float32 (issue 9 item 1, scaled)`, make, inputs: [array(a, [rows, cols])], outShape: [rows + 4, cols], dtype: "float32", reference: ref, work: (rows + 4) * cols * 8 / 1e9, unit: "GB/s" };
}

function padSumCase(rows: number, cols: number): Case {
  const a = Float64Array.from({ length: rows * cols }, (_, x) => x % 97);
  const ref = new Float64Array(rows + 2);
  for (let i = 1; i <= rows; i++) for (let j = 0; j < cols; j++) ref[i] += a[(i - 1) * cols + j];
  const make = () => {
    const A = te.placeholder([rows, cols], "float64", "A");
    const P = te.compute([rows + 2, cols], (i, j) => te.ifThenElse(op.logicalAnd(i.ge(1), i.lt(rows + 1)), A.at(i.sub(1), j), 0), "P");
    const k = te.reduceAxis([0, cols], "k");
    const S = te.compute([rows + 2], (i) => te.sum(P.at(i, k), [k]), "S");
    return { s: te.createSchedule(S.op), args: [A, S] };
  };
  return { name: `padded row sum ${rows + 2}x${cols} float64, no schedule (issue 9 item 1, scaled)`, make, inputs: [array(a, [rows, cols])], outShape: [rows + 2], dtype: "float64", reference: ref, work: rows * cols * 8 / 1e9, unit: "GB/s" };
}

/** Other flags that also make the probe right, but change the code of kernels without guarded loads. */
const ALTERNATIVES = ["-fno-tree-ch", "--param=max-completely-peel-times=0"];

function buildVariant(c: Case, workaround: boolean, cflags: string[] = []): Module {
  const saved = process.env.TEJIT_NO_COMPILER_WORKAROUNDS;
  if (workaround) delete process.env.TEJIT_NO_COMPILER_WORKAROUNDS;
  else process.env.TEJIT_NO_COMPILER_WORKAROUNDS = "1";
  try {
    const { s, args } = c.make();
    return build(s, args, { name: "main", cflags, onWarning: () => {} } as never);
  } finally {
    if (saved === undefined) delete process.env.TEJIT_NO_COMPILER_WORKAROUNDS;
    else process.env.TEJIT_NO_COMPILER_WORKAROUNDS = saved;
  }
}

function wrongElements(out: NDArray, ref: ArrayLike<number>): number {
  const got = out.toTypedArray() as Float32Array;
  let bad = 0;
  for (let i = 0; i < ref.length; i++) if (Math.abs(got[i] - ref[i]) > 1e-3 * Math.max(1, Math.abs(ref[i]))) bad++;
  return bad;
}

/** The disassembled code of a library (objdump -d, without the file name line), or its bytes. */
function textOf(lib: string): string {
  const r = spawnSync("objdump", ["-d", "--no-show-raw-insn", lib], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return r.status === 0 ? r.stdout.split("\n").slice(2).join("\n") : readFileSync(lib).toString("hex");
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases = [
  gemmCase(512),
  convCase(32, 56, 56, 32),
  convCase(256, 7, 7, 256),
  padRowsCase(4096, 1027),
  padRowsCase(100_000, 13),
  padSumCase(4096, 1024),
  padSumCase(1_000_000, 2),
];
const gcc = spawnSync("cc", ["--version"], { encoding: "utf8" }).stdout?.split("\n")[0] ?? "cc";
console.log(`compiler workaround cost: ${gcc}, ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, 1 thread, ${ROUNDS} interleaved rounds`);
console.log("");
console.log(`| kernel | same machine code | with workaround, ms | without, ms | with / without | rate with | wrong elements without | ${ALTERNATIVES.map((f) => `${f} changes the code`).join(" | ")} |`);
console.log(`|---|---|---:|---:|---:|---:|---:|${ALTERNATIVES.map(() => "---|").join("")}`);
for (const c of cases) {
  const mods = [buildVariant(c, true), buildVariant(c, false)];
  const outs = mods.map(() => empty(c.outShape, c.dtype));
  mods.forEach((m, k) => m.getFunction("main")(...c.inputs, outs[k]));
  const wrong = outs.map((o) => wrongElements(o, c.reference));
  if (wrong[0] !== 0) throw new Error(`${c.name}: ${wrong[0]} elements wrong WITH the workaround`);
  const times: number[][] = [[], []];
  // Calls per measurement: enough for about 20 ms, so short kernels are not timer noise.
  const once = mods[0].timeEvaluator("main", { number: 1, repeat: 1 })(...c.inputs, empty(c.outShape, c.dtype)).results[0];
  const number = Math.max(1, Math.round(0.02 / once));
  const timers = mods.map((m) => m.timeEvaluator("main", { number, repeat: 3 }));
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) times[k].push(Math.min(...timers[k](...c.inputs, empty(c.outShape, c.dtype)).results));
  }
  const [w, wo] = times.map(median);
  const raw = textOf(mods[1].libraryPath);
  const same = textOf(mods[0].libraryPath) === raw;
  const alt = ALTERNATIVES.map((f) => (textOf(buildVariant(c, false, [f]).libraryPath) === raw ? "no" : "yes"));
  console.log(`| ${c.name} | ${same ? "yes" : "no"} | ${(w * 1e3).toFixed(3)} | ${(wo * 1e3).toFixed(3)} | ${(w / wo).toFixed(3)} | ${(c.work / w).toFixed(2)} ${c.unit} | ${wrong[1]} of ${c.reference.length} | ${alt.join(" | ")} |`);
}
