// The versions of the baselines, for BENCHMARKS.md's header (from dpkg, numpy and the scratch
// onnxruntime-node folder); a missing one is left out.
import { spawnSync } from "node:child_process";
import { numpyVersion } from "./baselines/numpy.js";
import { ortVersion } from "./baselines/ort.js";

function dpkg(pkg: string): string | undefined {
  const r = spawnSync("dpkg-query", ["-W", "-f", "${Version}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** Name -> version of every installed baseline. */
export function baselineVersions(): Record<string, string> {
  const v: Record<string, string> = {};
  const blas = dpkg("libopenblas-dev");
  if (blas) v.OpenBLAS = blas;
  const np = numpyVersion();
  if (typeof np === "string") v.numpy = np;
  const ort = ortVersion();
  if (ort) v["onnxruntime-node"] = ort;
  const hl = dpkg("libhalide14-0-dev");
  if (hl) v["Halide"] = hl;
  return v;
}
