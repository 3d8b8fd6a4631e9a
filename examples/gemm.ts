// TVM's tutorial "How to optimize GEMM on CPU" in tejit: C = A·B (float32, n x n), scheduled
// step by step as the tutorial does it. `gemm(options)` builds the schedule; the options switch
// the tutorial's steps on and off:
// - blocking: C is computed in bn x bn blocks, k split by `kfactor`, the inner axis vectorized,
//   the loops ordered (block, k.outer, row, k.inner, column) (always);
// - `packB`: B packed into [n/bn, n, bn] so the inner loop reads it contiguously (the packing
//   loop vectorized and parallel);
// - `cacheWrite`: each block accumulated in a bn x bn tile computed at the block, copied out once;
// - `unrollK`: k.inner unrolled;
// - `parallel`: the outer block loop parallel.
// The defaults are the tutorial's final schedule. The benchmark (bench/gemm.ts) and the tests
// use it. Run as a program, it prints the lowered TIR of the final schedule, then builds every
// step, checks it against a plain JS product and prints its speed:
//
//   npx tsx examples/gemm.ts [n]        (n a multiple of 32, default 512)

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, lower, nd, te } from "../ts/index.js";

export interface GemmOptions {
  /** The size: A, B and C are n x n (n a multiple of bn). */
  n: number;
  /** The block size (default 32). */
  bn?: number;
  /** The split factor of the reduction axis (default 4). */
  kfactor?: number;
  /** Pack B into bn-wide panels (default true). */
  packB?: boolean;
  /** Accumulate each block in a cache_write tile (default true). */
  cacheWrite?: boolean;
  /** Unroll k.inner (default true). */
  unrollK?: boolean;
  /** Run the outer block loop in parallel (default true). */
  parallel?: boolean;
}

export interface Gemm {
  s: te.Schedule;
  A: te.Tensor;
  B: te.Tensor;
  C: te.Tensor;
  /** The arguments of lower() and build(): [A, B, C]. */
  args: te.Tensor[];
}

/** The GEMM of the tutorial, scheduled as `opts` says. */
export function gemm(opts: GemmOptions): Gemm {
  const { n, bn = 32, kfactor = 4, packB = true, cacheWrite = true, unrollK = true, parallel = true } = opts;
  if (!Number.isInteger(n / bn)) throw new Error(`gemm: n = ${n} is not a multiple of the block size ${bn}`);
  const A = te.placeholder([n, n], "float32", "A");
  const B = te.placeholder([n, n], "float32", "B");
  const k = te.reduceAxis([0, n], "k");
  const packedB = packB ? te.compute([n / bn, n, bn], (x, y, z) => B.at(y, x.mul(bn).add(z)), "packedB") : undefined;
  const C = te.compute([n, n], (x, y) => {
    const b = packedB ? packedB.at(y.floordiv(bn), k, y.floormod(bn)) : B.at(k, y);
    return te.sum(A.at(x, k).mul(b), k);
  }, "C");
  const s = te.createSchedule(C.op);
  const sc = s.stage(C);
  if (cacheWrite) {
    const CC = s.cacheWrite(C, "global");
    const [xo, yo] = sc.tile(sc.op.axis[0], sc.op.axis[1], bn, bn);
    const scc = s.stage(CC);
    scc.computeAt(sc, yo);
    const [xc, yc] = scc.op.axis;
    const [ko, ki] = scc.split(scc.op.reduceAxis[0], { factor: kfactor });
    scc.reorder(ko, xc, ki, yc);
    if (unrollK) scc.unroll(ki);
    scc.vectorize(yc);
    if (parallel) sc.parallel(xo);
  } else {
    const [xo, yo, xi, yi] = sc.tile(sc.op.axis[0], sc.op.axis[1], bn, bn);
    const [ko, ki] = sc.split(sc.op.reduceAxis[0], { factor: kfactor });
    sc.reorder(xo, yo, ko, xi, ki, yi);
    if (unrollK) sc.unroll(ki);
    sc.vectorize(yi);
    if (parallel) sc.parallel(xo);
  }
  if (packedB) {
    const sp = s.stage(packedB);
    sp.vectorize(sp.op.axis[2]);
    sp.parallel(sp.op.axis[0]);
  }
  return { s, A, B, C, args: [A, B, C] };
}

/** C = A·B of row-major n x n matrices, in plain JS (the reference the steps are checked against). */
export function gemmReference(a: Float32Array, b: Float32Array, n: number): Float32Array {
  const c = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  return c;
}

/** The tutorial's steps, in order. */
export const TUTORIAL_STEPS: readonly { name: string; options: Omit<GemmOptions, "n"> }[] = [
  { name: "blocking, vectorization, loop permutation", options: { packB: false, cacheWrite: false, unrollK: false, parallel: false } },
  { name: "array packing", options: { cacheWrite: false, unrollK: false, parallel: false } },
  { name: "write cache for blocks", options: { parallel: false } },
  { name: "parallel", options: {} },
];

/** Builds the step, runs it on `a`, `b` and returns the largest error relative to `ref`, and the speed. */
export function checkStep(options: GemmOptions, a: Float32Array, b: Float32Array, ref: Float32Array): { maxError: number; gflops: number } {
  const { n } = options;
  const { s, args } = gemm(options);
  const mod = build(s, args, { name: "gemm" });
  const c = nd.empty([n, n]);
  const time = mod.timeEvaluator("gemm", { number: 1, repeat: 3 })(nd.array(a, [n, n]), nd.array(b, [n, n]), c);
  const out = c.toTypedArray() as Float32Array;
  let maxError = 0;
  for (let i = 0; i < ref.length; i++) maxError = Math.max(maxError, Math.abs(out[i] - ref[i]) / Math.max(1, Math.abs(ref[i])));
  return { maxError, gflops: (2 * n ** 3) / Math.min(...time.results) / 1e9 };
}

function main(): void {
  const n = Number(process.argv[2] ?? 512);
  if (!Number.isInteger(n) || n <= 0 || n % 32 !== 0) throw new Error(`usage: npx tsx examples/gemm.ts [n], n a positive multiple of 32; got ${process.argv[2]}`);
  const final = gemm({ n });
  console.log(`The tutorial's final schedule, lowered (n = ${n}):\n`);
  console.log(lower(final.s, final.args).toString());
  const a = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const ref = gemmReference(a, b, n);
  console.log(`\nEach step built and checked against a JS product (${n} x ${n} x ${n}):\n`);
  let failed = 0;
  for (const step of TUTORIAL_STEPS) {
    const { maxError, gflops } = checkStep({ n, ...step.options }, a, b, ref);
    const ok = maxError <= 1e-4;
    if (!ok) failed++;
    console.log(`  ${step.name}: ${gflops.toFixed(1)} GFLOP/s, max relative error ${maxError.toExponential(1)} ${ok ? "ok" : "WRONG"}`);
  }
  console.log(`\n${TUTORIAL_STEPS.length - failed} of ${TUTORIAL_STEPS.length} steps match the JS product`);
  if (failed > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
