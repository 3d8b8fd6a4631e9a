// Streaming (non-temporal) stores: under `pragma(axis, "nontemporal_store")` the full-vector
// float stores of the loop go through __tejit_stream_<type> (movntps/movntpd of the vector's
// width where the target has it and the address is aligned, an ordinary store otherwise) and a
// store fence follows the loop; in a parallel body the fence is inside the task. Values are
// checked against JS on aligned and unaligned rows, serial and parallel, at 8 and 16 lanes; other
// stores are untouched; the instructions are read back from the library with objdump.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import test from "ava";
import { build, lower, nd, ops, te } from "../../ts/index.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { prng } from "../helpers/random.js";
import { runOps, assertClose } from "../ops/helpers.js";

const AVX512 = /\bavx512f\b/.test(readFileSync("/proc/cpuinfo", "utf8"));

function kernel(rows: number, n: number, lanes: number, dtype: "float32" | "float64" | "int32", parallel: boolean) {
  const A = te.placeholder([rows, n], dtype, "A");
  const B = te.placeholder([rows, n], dtype, "B");
  const C = te.compute([rows, n], (i, j) => A.at(i, j).mul(3).add(B.at(i, j)), "C");
  const s = te.createSchedule(C.op);
  const st = s.stage(C);
  const [i, j] = C.op.axis;
  const [jo, ji] = st.split(j, { factor: lanes });
  st.vectorize(ji);
  if (parallel) st.parallel(i);
  st.pragma(jo, "nontemporal_store", 1);
  return { s, args: [A, B, C] };
}

function run(rows: number, n: number, lanes: number, dtype: "float32" | "float64" | "int32", parallel: boolean) {
  const { s, args } = kernel(rows, n, lanes, dtype, parallel);
  const mod = build(s, args);
  const r = prng(rows * 31 + n);
  const Arr = dtype === "float32" ? Float32Array : dtype === "float64" ? Float64Array : Int32Array;
  const a = Arr.from({ length: rows * n }, () => Math.floor(r() * 200 - 100) / 8);
  const b = Arr.from({ length: rows * n }, () => Math.floor(r() * 200 - 100) / 8);
  const c = nd.empty([rows, n], dtype);
  mod.getFunction("main")(nd.array(a, [rows, n]), nd.array(b, [rows, n]), c);
  return { mod, got: c.toTypedArray() as ArrayLike<number>, want: Array.from(a, (x, k) => (dtype === "int32" ? Math.trunc(x) * 3 + Math.trunc(b[k]) : x * 3 + b[k])) };
}

const trimmed = (src: string) => src.split("\n").map((l) => l.trim());

for (const [lanes, parallel] of [[16, false], [16, true], [8, false], [8, true]] as const) {
  test(`float32 x ${lanes}${parallel ? ", parallel rows" : ""}: streaming stores, a fence after the loop, the values of JS on aligned and unaligned rows`, (t) => {
    // 20 floats a row: rows start 80 bytes apart, so some are aligned to the vector and some are not.
    const { mod, got, want } = run(9, 20, lanes, "float32", parallel);
    const src = trimmed(mod.getSource());
    const store = src.findIndex((l) => l.startsWith(`__tejit_stream_float32x${lanes}(`));
    t.true(store >= 0, "the vector store streams");
    // The row's last 20 % lanes floats: a narrower vector, streamed too.
    const tail = src.findIndex((l) => l.startsWith("__tejit_stream_float32x4("));
    t.true(tail > store, "the vector tail streams");
    const fence = src.indexOf("__tejit_store_fence();");
    t.true(fence > tail && src.slice(tail + 1, fence).every((l) => l === "}"), "a fence right after the region's loop");
    t.is(src.filter((l) => l === "__tejit_store_fence();").length, 1, "one fence: the region's own");
    if (parallel) {
      const task = src.findIndex((l) => /^static int32_t main_parallel_\d+\(/.test(l));
      t.true(task >= 0 && task < store, "the store and its fence are in the parallel task");
    }
    assertClose(t, got, want, 0, "C");
  });
}

test("float64 streams too; int32 vectors and the scalar tail store as usual", (t) => {
  const f64 = run(5, 12, 4, "float64", false);
  t.true(f64.mod.getSource().includes("__tejit_stream_float64x4("));
  assertClose(t, f64.got, f64.want, 0, "float64");
  const i32 = run(5, 20, 16, "int32", false);
  t.false(i32.mod.getSource().includes("__tejit_stream_"), "no streaming helper for integer vectors");
  t.false(i32.mod.getSource().includes("__tejit_store_fence"), "and no fence");
  assertClose(t, i32.got, i32.want, 0, "int32");
});

test("without the pragma nothing streams", (t) => {
  const A = te.placeholder([4, 32], "float32", "A");
  const C = te.compute([4, 32], (i, j) => A.at(i, j).add(1), "C");
  const s = te.createSchedule(C.op);
  const [, ji] = s.stage(C).split(C.op.axis[1], { factor: 16 });
  s.stage(C).vectorize(ji);
  const src = generateC(lower(s, [A, C])).source;
  t.false(src.includes("__tejit_stream_"));
  t.false(src.includes("sfence"));
});

test("the library holds non-temporal stores of the vector's width (objdump)", (t) => {
  const dump = (lanes: number) => {
    const { mod } = run(4, 64, lanes, "float32", false);
    const r = spawnSync("objdump", ["-d", "--no-show-raw-insn", mod.libraryPath], { encoding: "utf8" });
    return r.stdout;
  };
  const d8 = dump(8);
  t.regex(d8, /vmovntps\s+%ymm\d+/, "8 float lanes: vmovntps of a ymm");
  t.regex(d8, /\bsfence\b/);
  const d16 = dump(16);
  if (AVX512) t.regex(d16, /vmovntps\s+%zmm\d+/, "16 float lanes on AVX-512: vmovntps of a zmm");
  else t.notRegex(d16, /vmovntps\s+%zmm/, "16 float lanes without AVX-512: no zmm store");
});

test("ops: an output of half the last-level cache or more streams, a smaller one does not; both compute the JS values", (t) => {
  const X = te.placeholder([64, 64], "float32", "X");
  const gamma = te.placeholder([64], "float32", "gamma");
  const beta = te.placeholder([64], "float32", "beta");
  const Y = ops.layerNorm(X, gamma, beta);
  const big = { cacheBytes: { l3: 32 << 10 } };   // the 16 KiB output is half of it
  const small = { cacheBytes: { l3: 64 << 10 } };
  const text = (o: ops.OpsScheduleOptions) => generateC(lower(ops.schedule(Y, o), [X, gamma, beta, Y])).source;
  t.true(text(big).includes("__tejit_stream_"), "16 KiB of output against a 32 KiB cache: streamed");
  t.false(text(small).includes("__tejit_stream_"), "against 64 KiB: cached");
  // The row's partial sums live in stack buffers the row reads back: only the output streams.
  const calls = trimmed(text({ ...big, numThreads: 2 })).filter((l) => l.startsWith("__tejit_stream_"));
  t.true(calls.length > 0 && calls.every((l) => /^__tejit_stream_float32x\d+\(\(?layer_norm \+/.test(l)), calls.join("\n"));
  t.is(trimmed(text({ ...big, numThreads: 2 })).filter((l) => l === "__tejit_store_fence();").length, 1, "one fence, at the end of the parallel task");
  const r = prng(5);
  const x = Float32Array.from({ length: 64 * 64 }, () => r() * 4 - 2);
  const g = Float32Array.from({ length: 64 }, () => r());
  const b = Float32Array.from({ length: 64 }, () => r());
  const cached = runOps(Y, [X, gamma, beta], [x, g, b], "compiled", small);
  for (const numThreads of [1, 2]) {
    assertClose(t, runOps(Y, [X, gamma, beta], [x, g, b], "compiled", { ...big, numThreads }), cached, 0, `streamed, ${numThreads} thread(s)`);
  }
  const A = te.placeholder([1 << 13], "float32", "A");
  const B = te.placeholder([1 << 13], "float32", "B");
  const S = ops.add(A, B);
  const sum = generateC(lower(ops.schedule(S, { cacheBytes: { l3: 32 << 10 }, numThreads: 1 }), [A, B, S])).source;
  t.true(sum.includes("__tejit_stream_"), "an elementwise output of 32 KiB streams");
});
