// c = a + b over 2^24 float32, in GB/s counted as STREAM counts (12 bytes an element: two reads,
// one write), against Halide 14, numpy, onnxruntime-node's Add and plain JS, with the STREAM add
// of the same run as the limit (the target is 0.95x of it). Outputs are checked exactly.
import { build } from "../../ts/build.js";
import { ops, te } from "../../ts/index.js";
import type { Module } from "../../ts/runtime/module.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { halideRunner } from "./baselines/halide.js";
import { numpyRunner } from "./baselines/numpy.js";
import { ortRunner } from "./baselines/ort.js";
import { checkClose, randomFloats } from "./check.js";
import { jsRunner, lazy, type SuiteOptions, tejitRunner } from "./common.js";
import type { Kernel } from "./types.js";

const N = 1 << 24;

/** The tejit side of the add: `ops.schedule([ops.add(A, B)])`, the library's default schedule. */
export function tejitAdd(n: number): Module {
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const Cc = ops.add(A, B);
  return build(ops.schedule([Cc]), [A, B, Cc], { name: "add" });
}

/** The add kernel. */
export function addKernels(opts: SuiteOptions): Kernel[] {
  const data = lazy(() => {
    const a = randomFloats(N, 9);
    const b = randomFloats(N, 10);
    const ref = new Float32Array(N);
    for (let i = 0; i < N; i++) ref[i] = a[i] + b[i];
    return { a, b, ref, A: array(a, [N]), B: array(b, [N]) };
  });
  return [{
    id: "add", group: "add", title: "add 2^24 f32", unit: "GB/s", work: (12 * N) / 1e9, limit: "stream", target: "ops.add >= 0.95x STREAM add",
    entries: [
      { name: "tejit", role: "tejit", note: "ops.schedule([ops.add(A, B)]): the default schedule (docs/ops.md)", setup: async () => tejitRunner(tejitAdd(N), "add", [data().A, data().B, empty([N])]) },
      { name: "Halide 14", role: "baseline", note: "split 65536 parallel, vectorize 32 (AOT)", setup: async () => halideRunner("hl_add", [data().A, data().B], empty([N])) },
      { name: "numpy", role: "baseline", note: "np.add(a, b, out=c)", setup: async () => numpyRunner("add", [{ data: data().a, shape: [N] }, { data: data().b, shape: [N] }], [N]) },
      { name: "onnxruntime-node", role: "baseline", note: "Add node, output copy included", setup: async () => ortRunner({ op: "Add", inputs: [{ name: "A", shape: [N] }, { name: "B", shape: [N] }], output: { name: "C", shape: [N] } }, [data().a, data().b]) },
      { name: "plain JS", role: "baseline", singleThread: true, note: "a loop on Float32Arrays", setup: async () => {
        const c = new Float32Array(N);
        const { a, b } = data();
        return jsRunner(() => {
          for (let i = 0; i < N; i++) c[i] = a[i] + b[i];
        }, c);
      } },
    ],
    check: (c) => checkClose(c, data().ref, 0),
  }];
}
