// conv2d kernels on ResNet-50's layers (batch 1, NCHW, float32): 56²x64→64 3x3, 28²x128→128
// 3x3, 14²x256→256 3x3, 56²x64→256 1x1 and 224²x3→64 7x7 stride 2, against onnxruntime-node's
// Conv, Halide 14 (the anchor's tiled schedule) and plain JS, with the FMA peak as the limit.
// Outputs are checked against a float64 JS convolution.
import { build } from "../../ts/build.js";
import { ops, te } from "../../ts/index.js";
import type { Module } from "../../ts/runtime/module.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { halideRunner } from "./baselines/halide.js";
import { ortRunner } from "./baselines/ort.js";
import { checkClose, randomFloats } from "./check.js";
import { jsRunner, lazy, type SuiteOptions, tejitRunner } from "./common.js";
import { type ConvShape, convOut } from "./schedules/conv_tiled.js";
import type { Kernel } from "./types.js";

/** The tejit side of a conv2d: `ops.schedule([ops.conv2d(X, W, { stride, padding })])`, the library's default schedule (NCHW). */
export function tejitConv2d(p: ConvShape): Module {
  const X = te.placeholder([1, p.c, p.h, p.w], "float32", "X");
  const W = te.placeholder([p.f, p.c, p.k, p.k], "float32", "W");
  const Y = ops.conv2d(X, W, { stride: p.stride, padding: p.pad });
  return build(ops.schedule([Y]), [X, W, Y], { name: "conv2d" });
}

/** A direct convolution in plain JS (x: c x h x w, w: f x c x k x k) into `out` (f x oh x ow). */
export function jsConv2d(x: Float32Array, w: Float32Array, out: Float32Array | Float64Array, p: ConvShape): void {
  const { c, h, w: wd, f, k, stride, pad } = p;
  const { oh, ow } = convOut(p);
  out.fill(0);
  for (let fo = 0; fo < f; fo++) {
    for (let ci = 0; ci < c; ci++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const wv = w[((fo * c + ci) * k + ky) * k + kx];
          for (let y = 0; y < oh; y++) {
            const iy = y * stride + ky - pad;
            if (iy < 0 || iy >= h) continue;
            const orow = (fo * oh + y) * ow;
            const irow = (ci * h + iy) * wd;
            for (let xx = 0; xx < ow; xx++) {
              const ix = xx * stride + kx - pad;
              if (ix >= 0 && ix < wd) out[orow + xx] += wv * x[irow + ix];
            }
          }
        }
      }
    }
  }
}

const HALIDE: Record<string, "hl_conv3x3" | "hl_conv1x1" | "hl_conv7x7s2"> = { "3,1,1": "hl_conv3x3", "1,1,0": "hl_conv1x1", "7,2,3": "hl_conv7x7s2" };

function convKernel(p: ConvShape, opts: SuiteOptions): Kernel {
  const { oh, ow } = convOut(p);
  const data = lazy(() => {
    const x = randomFloats(p.c * p.h * p.w, 3);
    const w = randomFloats(p.f * p.c * p.k * p.k, 4);
    const ref = new Float64Array(p.f * oh * ow);
    jsConv2d(x, w, ref, p);
    return { x, w, ref, X: array(x, [1, p.c, p.h, p.w]), W: array(w, [p.f, p.c, p.k, p.k]) };
  });
  const outShape = [1, p.f, oh, ow];
  const hl = HALIDE[`${p.k},${p.stride},${p.pad}`];
  const name = `${p.h}²x${p.c}→${p.f} ${p.k}x${p.k}${p.stride > 1 ? ` stride ${p.stride}` : ""}`;
  return {
    id: `conv${p.h}x${p.c}x${p.f}k${p.k}`, group: "conv2d", title: `conv2d ${name}`, unit: "GFLOP/s",
    work: (2 * p.f * oh * ow * p.c * p.k * p.k) / 1e9, limit: "fma", target: "ops.conv2d >= 1.0x Halide 14 and 1.0x onnxruntime-node",
    entries: [
      { name: "tejit", role: "tejit", note: "ops.schedule([ops.conv2d(X, W, { stride, padding })]): the default schedule (docs/ops.md)", setup: async () => tejitRunner(tejitConv2d(p), "conv2d", [data().X, data().W, empty(outShape)]) },
      { name: "onnxruntime-node", role: "baseline", note: "Conv node, output copy included", setup: async () => ortRunner({
        op: "Conv", inputs: [{ name: "X", shape: [1, p.c, p.h, p.w] }, { name: "W", shape: [p.f, p.c, p.k, p.k] }], output: { name: "Y", shape: outShape },
        attributes: { kernel_shape: [p.k, p.k], pads: [p.pad, p.pad, p.pad, p.pad], strides: [p.stride, p.stride] },
      }, [data().x, data().w]) },
      { name: "Halide 14", role: "baseline", note: "anchor schedule: 8 x by 2 y by 4 co tile, weights repacked (AOT)", setup: async () => halideRunner(hl, [data().X, data().W], empty(outShape)) },
      { name: "plain JS", role: "baseline", singleThread: true, note: "direct loops on Float32Arrays", setup: async () => {
        const out = new Float32Array(p.f * oh * ow);
        return jsRunner(() => jsConv2d(data().x, data().w, out, p), out);
      } },
    ],
    check: (y) => checkClose(y, data().ref, 2e-4),
  };
}

/** The conv2d kernels. */
export function conv2dKernels(opts: SuiteOptions): Kernel[] {
  const layers: ConvShape[] = [
    { c: 64, h: 56, w: 56, f: 64, k: 3, stride: 1, pad: 1 },
    { c: 128, h: 28, w: 28, f: 128, k: 3, stride: 1, pad: 1 },
    { c: 256, h: 14, w: 14, f: 256, k: 3, stride: 1, pad: 1 },
    { c: 64, h: 56, w: 56, f: 256, k: 1, stride: 1, pad: 0 },
    { c: 3, h: 224, w: 224, f: 64, k: 7, stride: 2, pad: 3 },
  ];
  return layers.map((p) => convKernel(p, opts));
}
