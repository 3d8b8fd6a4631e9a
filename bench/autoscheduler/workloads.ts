// The workloads of issue 13's targets: GEMM 1024² (and 1000³, 3x4096x4096, where the `ops`
// default is weaker), issue 10's conv2d layers and softmax (made with `ops`, so ops.schedule is
// their default), and the three ops with no schedule in `ops` (a fused matmul + bias + GELU, a
// 3-d 7-point stencil, a batch of 64 32x32 matmuls), written with te.compute.
import { ops, te } from "../../ts/index.js";
import type { ConvShape } from "../suite/schedules/conv_tiled.js";
import { handBatchMatmul } from "./hand_batch_matmul.js";
import { handConv2d } from "./hand_conv2d.js";
import { handGemm } from "./hand_gemm.js";
import { handMatmulBiasGelu } from "./hand_matmul_bias_gelu.js";
import { handSoftmax } from "./hand_softmax.js";
import { handStencil3d } from "./hand_stencil3d.js";
import { batchMatmul, matmulBiasGelu, stencil3d } from "./programs.js";
import type { Program, Workload } from "./types.js";

function gemmProgram(m: number, n: number, k: number): Program {
  const A = te.placeholder([m, k], "float32", "A");
  const B = te.placeholder([k, n], "float32", "B");
  const C = ops.matmul(A, B);
  return { outputs: [C], args: [A, B, C] };
}

/** A GEMM workload (ops.matmul; its default is ops.schedule). */
export function gemmWorkload(m: number, n: number, k: number, targets: Workload["targets"]): Workload {
  const name = m === n && n === k ? `gemm${m}` : `gemm${m}x${n}x${k}`;
  return {
    name, title: `GEMM ${m}x${k} · ${k}x${n} f32`, flop: 2 * m * n * k,
    program: () => gemmProgram(m, n, k),
    opsDefault: () => {
      const p = gemmProgram(m, n, k);
      return { s: ops.schedule(p.outputs), args: p.args };
    },
    hand: (lanes) => handGemm(m, n, k, lanes),
    targets,
  };
}

function convProgram(p: ConvShape): Program {
  const X = te.placeholder([1, p.c, p.h, p.w], "float32", "X");
  const W = te.placeholder([p.f, p.c, p.k, p.k], "float32", "W");
  const Y = ops.conv2d(X, W, { stride: p.stride, padding: p.pad });
  return { outputs: [Y], args: [X, W, Y] };
}

/** A conv2d layer (ops.conv2d, batch 1, NCHW). */
export function convWorkload(p: ConvShape): Workload {
  const oh = Math.floor((p.h + 2 * p.pad - p.k) / p.stride) + 1;
  const ow = Math.floor((p.w + 2 * p.pad - p.k) / p.stride) + 1;
  return {
    name: `conv${p.h}x${p.c}to${p.f}k${p.k}${p.stride > 1 ? `s${p.stride}` : ""}`,
    title: `conv2d ${p.h}²x${p.c}→${p.f} ${p.k}x${p.k}${p.stride > 1 ? ` stride ${p.stride}` : ""}`,
    flop: 2 * p.f * oh * ow * p.c * p.k * p.k,
    program: () => convProgram(p),
    opsDefault: () => {
      const g = convProgram(p);
      return { s: ops.schedule(g.outputs), args: g.args };
    },
    hand: (lanes) => handConv2d(p, lanes),
    targets: { vsDefault: 0.95 },
  };
}

function softmaxProgram(r: number, c: number): Program {
  const X = te.placeholder([r, c], "float32", "X");
  const Y = ops.softmax(X);
  return { outputs: [Y], args: [X, Y] };
}

/** Softmax over the rows of r x c (ops.softmax). */
export function softmaxWorkload(r: number, c: number): Workload {
  return {
    name: `softmax${r}x${c}`, title: `softmax ${r}x${c} f32 (rows)`,
    program: () => softmaxProgram(r, c),
    opsDefault: () => {
      const g = softmaxProgram(r, c);
      return { s: ops.schedule(g.outputs), args: g.args };
    },
    hand: (lanes) => handSoftmax(r, c, lanes),
    targets: { vsDefault: 0.95 },
  };
}

const NEW_OP_TARGETS = { vsUnscheduled: 5, vsHand: 0.8 };

/** gelu(A·W + b), written with te.compute (no ops default). */
export function matmulBiasGeluWorkload(m: number, n: number, k: number): Workload {
  return {
    name: `mm_bias_gelu${m}`, title: `gelu(A·W + b) ${m}x${k} · ${k}x${n} f32`, flop: 2 * m * n * k,
    program: () => matmulBiasGelu(m, n, k),
    hand: (lanes) => handMatmulBiasGelu(m, n, k, lanes),
    targets: NEW_OP_TARGETS,
  };
}

/** The 7-point stencil over an n³ cube (interior (n-2)³). */
export function stencilWorkload(n: number): Workload {
  return {
    name: `stencil3d_${n}`, title: `3-d 7-point stencil ${n}³ f32`, flop: 8 * (n - 2) ** 3,
    program: () => stencil3d(n),
    hand: (lanes) => handStencil3d(n, lanes),
    targets: NEW_OP_TARGETS,
  };
}

/** A batch of small matmuls. */
export function batchMatmulWorkload(batch: number, m: number): Workload {
  return {
    name: `batch_matmul${batch}x${m}`, title: `batch of ${batch} ${m}x${m} matmuls f32`, flop: 2 * batch * m ** 3,
    program: () => batchMatmul(batch, m, m, m),
    hand: (lanes) => handBatchMatmul(batch, m, m, m, lanes),
    targets: NEW_OP_TARGETS,
  };
}

/** Issue 10's conv2d layers (ResNet-50, batch 1). */
export const CONV_LAYERS: ConvShape[] = [
  { c: 64, h: 56, w: 56, f: 64, k: 3, stride: 1, pad: 1 },
  { c: 128, h: 28, w: 28, f: 128, k: 3, stride: 1, pad: 1 },
  { c: 256, h: 14, w: 14, f: 256, k: 3, stride: 1, pad: 1 },
  { c: 64, h: 56, w: 56, f: 256, k: 1, stride: 1, pad: 0 },
  { c: 3, h: 224, w: 224, f: 64, k: 7, stride: 2, pad: 3 },
];

/** Every workload, in the order they run; `--workloads` picks by name. */
export function allWorkloads(): Workload[] {
  return [
    gemmWorkload(1024, 1024, 1024, { vsDefault: 0.95 }),
    gemmWorkload(1000, 1000, 1000, { vsDefault: 1.1 }),
    gemmWorkload(3, 4096, 4096, { vsDefault: 1.1 }),
    ...CONV_LAYERS.map(convWorkload),
    softmaxWorkload(4096, 1024),
    matmulBiasGeluWorkload(512, 512, 512),
    stencilWorkload(130),
    batchMatmulWorkload(64, 32),
  ];
}
