// The numpy baseline: a python worker process a thread count (numpy_worker.py), which times
// its own loop of calls; inputs and outputs go through raw float32 files in a temporary folder.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Runner, Skip } from "../types.js";
import { missing } from "./install.js";

const WORKER = join(import.meta.dirname, "numpy_worker.py");

/**
 * The python the numpy baseline runs: $TEJIT_BENCH_PYTHON, else Debian's /usr/bin/python3 (whose
 * numpy is python3-numpy, the anchors' baseline) when it exists, else python3 from the PATH.
 */
export function benchPython(): string {
  return process.env.TEJIT_BENCH_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
}

class Worker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  constructor(threads: number) {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    this.proc = spawn(benchPython(), [WORKER], { env, stdio: ["pipe", "pipe", "pipe"] });
    createInterface({ input: this.proc.stdout }).on("line", (l) => this.waiting.shift()?.(l));
    this.proc.on("exit", () => {
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: "the numpy worker exited" }));
    });
  }
  request(req: object): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const r = JSON.parse(line) as Record<string, unknown>;
        if (typeof r.error === "string") reject(new Error(`numpy: ${r.error}`));
        else resolve(r);
      });
      this.proc.stdin.write(JSON.stringify(req) + "\n");
    });
  }
  close(): void {
    this.proc.stdin.end();
  }
}

const availability = new Map<string, string | Skip>();

/** numpy's version under `python` (default benchPython()), or a Skip saying how to install it. */
export function numpyVersion(python = benchPython()): string | Skip {
  let v = availability.get(python);
  if (v === undefined) {
    const r = spawnSync(python, ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8" });
    v = r.status === 0 ? r.stdout.trim() : missing("numpy", r.error ? `${python} is not installed` : `numpy is not installed for ${python}`);
    availability.set(python, v);
  }
  return v;
}

/** The kernels numpy_worker.py knows. */
export type NumpyKernel = "gemm" | "softmax" | "layernorm" | "add";

/**
 * A Runner for `kernel` on `inputs` (name, data, shape) giving an output of `outShape`, in a
 * worker per thread count (started on first use).
 */
export function numpyRunner(kernel: NumpyKernel, inputs: { data: Float32Array; shape: number[] }[], outShape: number[], extra: object = {}): Runner | Skip {
  const v = numpyVersion();
  if (typeof v !== "string") return v;
  const dir = mkdtempSync(join(tmpdir(), "tejit-bench-np-"));
  const workers = new Map<number, Promise<Worker>>();
  const worker = (threads: number): Promise<Worker> => {
    let w = workers.get(threads);
    if (!w) {
      w = (async () => {
        const wk = new Worker(threads);
        const names = inputs.map((_, i) => `in${i}`);
        for (const [i, inp] of inputs.entries()) {
          const path = join(dir, `${names[i]}.f32`);
          writeFileSync(path, inp.data);
          await wk.request({ op: "load", name: names[i], path, shape: inp.shape });
        }
        await wk.request({ op: "setup", id: "k", kernel, inputs: names, outShape, ...extra });
        return wk;
      })();
      workers.set(threads, w);
    }
    return w;
  };
  return {
    async time(reps, threads) {
      const r = await (await worker(threads)).request({ op: "run", id: "k", reps });
      return r.seconds as number;
    },
    async result(threads) {
      const path = join(dir, "out.f32");
      await (await worker(threads)).request({ op: "result", id: "k", path });
      const b = readFileSync(path);
      return new Float32Array(new Uint8Array(b).buffer);
    },
    close() {
      for (const w of workers.values()) void w.then((x) => x.close(), () => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
