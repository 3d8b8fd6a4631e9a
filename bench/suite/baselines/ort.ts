// The onnxruntime-node baseline, loaded from a scratch folder (install.ts: ortDir) so that it is
// never a dependency of tejit: a one-node ONNX model (onnx.ts) a kernel, a session a thread count
// (intraOpNumThreads), timed from JS around `await session.run(feeds)` (the binding's copies of
// the output included).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Runner, Skip } from "../types.js";
import { missing, ortDir } from "./install.js";
import { type OneNodeModel, oneNodeModel } from "./onnx.js";

interface OrtTensor {
  data: Float32Array;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
}
interface Ort {
  Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
  InferenceSession: { create(model: Uint8Array, opts: object): Promise<OrtSession> };
}

const loaded = new Map<string, Ort | Skip>();

/** onnxruntime-node from the scratch folder `dir`, or a Skip saying how to install it there. */
export function loadOrt(dir = ortDir()): Ort | Skip {
  let ort = loaded.get(dir);
  if (ort) return ort;
  if (!existsSync(join(dir, "node_modules", "onnxruntime-node"))) ort = missing("ort", `onnxruntime-node is not installed in ${dir}`);
  else {
    try {
      ort = createRequire(join(dir, "package.json"))("onnxruntime-node") as Ort;
    } catch (e) {
      ort = missing("ort", `onnxruntime-node in ${dir} did not load (${(e as Error).message.split("\n")[0]})`);
    }
  }
  loaded.set(dir, ort);
  return ort;
}

/** The installed onnxruntime-node version, if any. */
export function ortVersion(): string | undefined {
  try {
    return (createRequire(join(ortDir(), "package.json"))("onnxruntime-node/package.json") as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** A Runner for the one-node `model` on `data` (one Float32Array per model input). */
export function ortRunner(model: OneNodeModel, data: Float32Array[]): Runner | Skip {
  const o = loadOrt();
  if (!("InferenceSession" in o)) return o;
  const bytes = oneNodeModel(model);
  const feeds = Object.fromEntries(model.inputs.map((inp, i) => [inp.name, new o.Tensor("float32", data[i], inp.shape)]));
  const sessions = new Map<number, Promise<OrtSession>>();
  const session = (threads: number): Promise<OrtSession> => {
    let s = sessions.get(threads);
    if (!s) {
      s = o.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" });
      sessions.set(threads, s);
    }
    return s;
  };
  return {
    async time(reps, threads) {
      const s = await session(threads);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) await s.run(feeds);
      return Number(process.hrtime.bigint() - t0) / 1e9 / reps;
    },
    async result(threads) {
      const out = await (await session(threads)).run(feeds);
      return out[model.output.name].data;
    },
  };
}
