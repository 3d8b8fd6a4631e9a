// GEMM kernels: C = A·B, float32, row-major, for the square sizes 1024 and 2048 and the skinny
// and odd shapes of issue 10 (1x4096x4096, 64x4096x4096, 1000³, 4096x64x4096), against OpenBLAS,
// numpy, onnxruntime-node's MatMul, Halide 14's 32x8 panel schedule and plain JS, with the FMA
// peak as the limit. Outputs are checked by sampled elements and Freivalds' test (check.ts).
import { build } from "../../ts/build.js";
import { ops, te } from "../../ts/index.js";
import { buildModule } from "../../ts/codegen/build_module.js";
import { IRModule } from "../../ts/ir/function.js";
import { gemm as tutorialGemm } from "../../examples/gemm.js";
import type { Module } from "../../ts/runtime/module.js";
import { array, empty, type NDArray } from "../../ts/runtime/ndarray.js";
import { halideRunner } from "./baselines/halide.js";
import { numpyRunner } from "./baselines/numpy.js";
import { openBlasGemm } from "./baselines/openblas.js";
import { ortRunner } from "./baselines/ort.js";
import { checkGemm, randomFloats } from "./check.js";
import { jsRunner, lazy, type SuiteOptions, tejitRunner } from "./common.js";
import { handKernel } from "./schedules/gemm_hand_tir.js";
import type { Entry, Kernel } from "./types.js";

/** The tejit side of a GEMM: `ops.schedule([ops.matmul(A, B)])`, the library's default schedule. */
export function tejitGemm(m: number, n: number, k: number): Module {
  const A = te.placeholder([m, k], "float32", "A");
  const B = te.placeholder([k, n], "float32", "B");
  const C = ops.matmul(A, B);
  return build(ops.schedule([C]), [A, B, C], { name: "gemm" });
}

/** Plain JS C = A·B (i, k, j order: rows of B stream). */
export function jsGemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number): void {
  c.fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      const ro = p * n;
      const co = i * n;
      for (let j = 0; j < n; j++) c[co + j] += av * b[ro + j];
    }
  }
}

function gemmKernel(m: number, n: number, k: number, opts: SuiteOptions, target: string): Kernel {
  const data = lazy(() => {
    const a = randomFloats(m * k, 1);
    const b = randomFloats(k * n, 2);
    return { a, b, A: array(a, [m, k]), B: array(b, [k, n]) };
  });
  const out = (): NDArray => empty([m, n]);
  const square = m === n && n === k;
  const entries: Entry[] = [
    { name: "tejit", role: "tejit", note: "ops.schedule([ops.matmul(A, B)]): the default schedule (docs/ops.md)", setup: async () => tejitRunner(tejitGemm(m, n, k), "gemm", [data().A, data().B, out()]) },
  ];
  if (square && n % 32 === 0) {
    entries.push({ name: "tejit, TVM tutorial schedule", role: "tejit", note: "examples/gemm.ts", setup: async () => {
      const g = tutorialGemm({ n });
      return tejitRunner(build(g.s, g.args, { name: "gemm" }), "gemm", [data().A, data().B, out()]);
    } });
    entries.push({ name: "tejit, hand-written TIR micro-kernel", role: "tejit", note: "bench/suite/schedules/gemm_hand_tir.ts (irBuilder, not TE)", setup: async () => {
      const vl = opts.lanes >= 16 ? 16 : 8;
      return tejitRunner(buildModule(new IRModule({ gemm: handKernel(n, vl) })), "gemm", [data().A, data().B, out()]);
    } });
  }
  entries.push(
    { name: "OpenBLAS", role: "baseline", note: "cblas_sgemm, Debian libopenblas", setup: async () => openBlasGemm(data().A, data().B, out()) },
    { name: "numpy", role: "baseline", note: "np.matmul(a, b, out=c) in a python3 worker timing its own loop", setup: async () => numpyRunner("gemm", [{ data: data().a, shape: [m, k] }, { data: data().b, shape: [k, n] }], [m, n]) },
    { name: "onnxruntime-node", role: "baseline", note: "MatMul node, output copy included", setup: async () => ortRunner({ op: "MatMul", inputs: [{ name: "A", shape: [m, k] }, { name: "B", shape: [k, n] }], output: { name: "C", shape: [m, n] } }, [data().a, data().b]) },
    { name: "Halide 14", role: "baseline", note: "32x8 panel tile in 256-row blocks, B packed at the tile (AOT)", setup: async () => (m < 256 || n < 32 ? { skip: `the anchor schedule's 256-row x 32-column tile needs m >= 256 and n >= 32 (this is ${m}x${n})` } : halideRunner("hl_gemm", [data().A, data().B], out())) },
  );
  const jsFlop = 2 * m * n * k;
  const jsLimit = opts.quick ? 3e8 : 2.2e9;
  entries.push({ name: "plain JS", role: "baseline", singleThread: true, note: "i-k-j loops on Float32Arrays", setup: async () => {
    if (jsFlop > jsLimit) return { skip: `plain JS skipped at this size (${(jsFlop / 1e9).toFixed(1)} GFLOP a call; runs up to ${(jsLimit / 1e9).toFixed(1)}${opts.quick ? " in quick mode" : ""})` };
    const c = new Float32Array(m * n);
    return jsRunner(() => jsGemm(data().a, data().b, c, m, n, k), c);
  } });
  return {
    id: m === n && n === k ? `gemm${n}` : `gemm${m}x${n}x${k}`, group: "gemm", title: `GEMM ${m}x${n}x${k} f32`, unit: "GFLOP/s", work: jsFlop / 1e9, limit: "fma", target,
    entries,
    check: (c) => checkGemm(data().a, data().b, c, m, n, k),
  };
}

/** The GEMM kernels. */
export function gemmKernels(opts: SuiteOptions): Kernel[] {
  const big = "ops.matmul >= 1.0x Halide 14 and OpenBLAS, >= 0.9x FMA peak";
  const odd = "ops.matmul >= 0.9x OpenBLAS";
  return [
    gemmKernel(1024, 1024, 1024, opts, big),
    gemmKernel(2048, 2048, 2048, opts, big),
    gemmKernel(1, 4096, 4096, opts, odd),
    gemmKernel(64, 4096, 4096, opts, odd),
    gemmKernel(1000, 1000, 1000, opts, odd),
    gemmKernel(4096, 64, 4096, opts, odd),
  ];
}
