// The Halide 14 baseline (Debian libhalide14-0-dev): halide_gen.cc is compiled with g++ once and
// run to compile its pipelines ahead of time for the host (objects cached in
// ~/.cache/tejit-bench/halide/<hash of the generator>), then linked with a small C wrapper per
// pipeline (DLTensor -> halide_buffer_t, halide_set_num_threads) into one packed-function library
// by tejit's compile driver, and called in this process like a tejit kernel.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createModuleFromSource, type Module } from "../../../ts/runtime/module.js";
import type { NDArray } from "../../../ts/runtime/ndarray.js";
import { inProcess } from "../inproc.js";
import type { Runner, Skip } from "../types.js";
import { missing } from "./install.js";

const GENERATOR = join(import.meta.dirname, "halide_gen.cc");
const INCLUDE = "/usr/include/halide14";

/** Each pipeline's tensor inputs and float parameters (the output is one more tensor, last). */
export const PIPELINES: Record<string, { inputs: number; floats: number }> = {
  hl_gemm: { inputs: 2, floats: 0 },
  hl_conv3x3: { inputs: 2, floats: 0 },
  hl_conv1x1: { inputs: 2, floats: 0 },
  hl_conv7x7s2: { inputs: 2, floats: 0 },
  hl_softmax: { inputs: 1, floats: 0 },
  hl_softmax_fast: { inputs: 1, floats: 0 },
  hl_layernorm: { inputs: 3, floats: 1 },
  hl_add: { inputs: 2, floats: 0 },
};

/** The C wrapper: one packed function run_<pipeline>(tensors..., output, floats..., threads) each. */
export function wrapperSource(stamp: string): string {
  const fns = Object.entries(PIPELINES).map(([name, p]) => {
    const nt = p.inputs + 1;
    const bufs = Array.from({ length: nt }, (_, i) => `&b[${i}]`);
    const floats = Array.from({ length: p.floats }, (_, i) => `(float)v[${nt + i}].v_float64`);
    const call = [...bufs.slice(0, p.inputs), ...floats, bufs[p.inputs]].join(", ");
    return `extern int ${name}();
int32_t run_${name}(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  (void)ret; (void)ret_code; (void)h;
  if (n != ${nt + p.floats + 1}) { __TVMAPISetLastError("run_${name}: expected ${nt} tensors, ${p.floats} floats and a thread count"); return -1; }
  for (int i = 0; i < ${nt}; i++) if (codes[i] != kTVMDLTensorHandle) { __TVMAPISetLastError("run_${name}: expected a tensor"); return -1; }
  TVMValue* v = (TVMValue*)args;
  halide_buffer_t b[${nt}];
  halide_dimension_t d[${nt}][8];
  for (int i = 0; i < ${nt}; i++) if (wrap((DLTensor*)v[i].v_handle, &b[i], d[i]) != 0) return -1;
  set_threads((int)v[${nt + p.floats}].v_int64);
  int rc = ((int (*)())${name})(${call});
  if (rc != 0) { __TVMAPISetLastError("run_${name}: the Halide pipeline failed"); return -1; }
  return 0;
}`;
  });
  return `/* Halide objects: ${stamp} */
#include <string.h>
#include "tejit_abi.h"
#include <HalideRuntime.h>
TEJIT_DEFINE_RUNTIME_GLOBALS
/* Halide's pool keeps the workers of an earlier, larger count busy after halide_set_num_threads
   lowers it (a 1-thread round after a 2-thread one ran at 2-thread speed): a change of count
   shuts the pool down first, so it starts again with only the threads asked for. */
static int current_threads = -1;
static void set_threads(int n) {
  if (n != current_threads) {
    if (current_threads != -1) halide_shutdown_thread_pool();
    current_threads = n;
  }
  halide_set_num_threads(n);
}
/* A compact float32 DLTensor as a halide_buffer_t: Halide's dimension 0 is the innermost. */
static int wrap(DLTensor* t, halide_buffer_t* b, halide_dimension_t* d) {
  if (t->ndim > 8 || t->dtype.code != kDLFloat || t->dtype.bits != 32) { __TVMAPISetLastError("halide wrapper: expected float32 of rank <= 8"); return -1; }
  memset(b, 0, sizeof *b);
  b->host = (uint8_t*)t->data + t->byte_offset;
  b->type.code = halide_type_float;
  b->type.bits = 32;
  b->type.lanes = 1;
  b->dimensions = t->ndim;
  b->dim = d;
  int64_t stride = 1;
  for (int j = 0; j < t->ndim; j++) {
    int i = t->ndim - 1 - j;
    d[j].min = 0;
    d[j].extent = (int32_t)t->shape[i];
    d[j].stride = (int32_t)(t->strides ? t->strides[i] : stride);
    d[j].flags = 0;
    stride *= t->shape[i];
  }
  return 0;
}
${fns.join("\n")}
`;
}

function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "tejit-bench", "halide");
}

let lib: Module | Skip | undefined;

/** The Halide library (built on first use), or a Skip saying how to install Halide 14 (when `include` has no Halide.h). */
export function halideLibrary(log: (s: string) => void = () => {}, include = INCLUDE): Module | Skip {
  if (!existsSync(join(include, "Halide.h"))) return missing("halide", `Halide 14 is not installed (no ${join(include, "Halide.h")})`);
  if (lib) return lib;
  const source = readFileSync(GENERATOR);
  const hash = createHash("sha256").update(source).update(readFileSync("/proc/cpuinfo", "utf8").match(/^flags.*$/m)?.[0] ?? "").digest("hex").slice(0, 16);
  const dir = join(cacheRoot(), hash);
  const objects = [...Object.keys(PIPELINES), "hl_runtime"].map((n) => join(dir, `${n}.o`));
  try {
    if (!objects.every((o) => existsSync(o))) {
      log("  Halide: compiling the generator and its pipelines (once; cached in " + dir + ")");
      const tmp = `${dir}.tmp-${process.pid}`;
      mkdirSync(tmp, { recursive: true });
      const gen = join(tmp, "halide_gen");
      const cxx = spawnSync("g++", ["-std=c++17", "-O1", GENERATOR, `-I${INCLUDE}`, "-lHalide14", "-o", gen], { encoding: "utf8" });
      if (cxx.status !== 0) throw new Error(`g++ of halide_gen.cc failed: ${(cxx.stderr || String(cxx.error)).slice(0, 500)}`);
      const run = spawnSync(gen, [tmp], { encoding: "utf8" });
      if (run.status !== 0) throw new Error(`halide_gen failed: ${(run.stderr || String(run.error)).slice(0, 500)}`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
    lib = createModuleFromSource(wrapperSource(hash), { cflags: [`-I${INCLUDE}`, ...objects, "-lpthread", "-ldl"] });
  } catch (e) {
    lib = { skip: `the Halide baseline did not build: ${(e as Error).message.split("\n")[0]}` };
  }
  return lib;
}

/** A Runner for pipeline `name` on `inputs` into `out` (with float parameters `floats`). */
export function halideRunner(name: keyof typeof PIPELINES, inputs: NDArray[], out: NDArray, floats: number[] = []): Runner | Skip {
  const l = halideLibrary();
  if (!("getFunction" in l)) return l;
  const f = l.getFunction(`run_${name}`);
  let threads = 1;
  return inProcess(() => f(...inputs, out, ...floats, threads), () => out.toTypedArray() as Float32Array, (t) => { threads = t; });
}
