// Where each baseline comes from and the skip message when it is missing: what to install, and
// that scripts/install-bench-baselines.sh installs them all.
import { homedir } from "node:os";
import { join } from "node:path";

/** The scratch folder onnxruntime-node is installed into (never a dependency of tejit). */
export function ortDir(): string {
  return process.env.TEJIT_BENCH_ORT_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "tejit-bench", "ort");
}

/** The command that installs each baseline. */
export const INSTALL: Record<"openblas" | "numpy" | "halide" | "ort", string> = {
  openblas: "apt-get install -y libopenblas-dev",
  numpy: "apt-get install -y python3-numpy",
  halide: "apt-get install -y libhalide14-0-dev",
  ort: `npm install --prefix ${ortDir()} onnxruntime-node@1.30.0 --onnxruntime-node-install=skip`,
};

/** The skip message for a missing baseline: what is missing, why it matters, how to install it. */
export function missing(what: keyof typeof INSTALL, detail: string): { skip: string } {
  return { skip: `${detail}; install it with \`${INSTALL[what]}\` (or run scripts/install-bench-baselines.sh for every baseline)` };
}
