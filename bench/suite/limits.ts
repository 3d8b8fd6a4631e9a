// The machine's limits, measured in the same run as the kernels: the FMA throughput (GFLOP/s of
// a loop of 12 independent vector FMA chains a thread, enough to cover the FMA latency on two
// pipes, at the machine's vector width) and a STREAM add (c = a + b over three 128 MiB arrays,
// 12 bytes an element as STREAM counts them). Both are C built by tejit's compile driver and
// run on tejit's thread pool.
import { createModuleFromSource } from "../../ts/runtime/module.js";
import { empty } from "../../ts/runtime/ndarray.js";
import { setNumThreads } from "../../ts/runtime/threads.js";
import { inProcess } from "./inproc.js";
import { machine } from "./machine.js";
import type { Entry, Kernel } from "./types.js";

/** Vector FMAs a chain does per call of the FMA loop. */
const FMA_ITERS = 1 << 22;
/** Independent accumulators a thread. */
const CHAINS = 12;

/** The C source of the FMA loop and the STREAM add, for `lanes` float32 lanes. */
export function limitsSource(lanes: number): string {
  const chains = Array.from({ length: CHAINS }, (_, i) => i);
  return `#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
typedef float vf __attribute__((vector_size(${lanes * 4})));
typedef struct { int64_t iters; float x; float out[256]; } Fma;
static int32_t fma_task(int32_t t, TVMParallelGroupEnv* penv, void* cdata) {
  (void)penv;
  Fma* f = (Fma*)cdata;
  vf x = (vf){} + f->x, y = (vf){} + 1e-6f;
  ${chains.map((i) => `vf a${i} = (vf){} + (float)(t + ${i});`).join(" ")}
  for (int64_t i = 0; i < f->iters; i++) {
    ${chains.map((i) => `a${i} = a${i} * x + y;`).join(" ")}
  }
  vf s = ${chains.map((i) => `a${i}`).join(" + ")};
  float r = 0;
  for (int l = 0; l < ${lanes}; l++) r += s[l];
  f->out[t & 255] = r;
  return 0;
}
/* fma_peak(iters, tasks): each task runs ${CHAINS} chains of iters vector FMAs. */
int32_t fma_peak(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  (void)codes; (void)n; (void)ret; (void)ret_code; (void)h;
  TVMValue* v = (TVMValue*)args;
  Fma f = { v[0].v_int64, 0.999999f, {0} };
  return __TVMBackendParallelLaunch(fma_task, &f, (int32_t)v[1].v_int64);
}
typedef struct { const float* a; const float* b; float* c; int64_t n; } Add;
static int32_t add_task(int32_t t, TVMParallelGroupEnv* penv, void* cdata) {
  Add* p = (Add*)cdata;
  int64_t chunk = (p->n / penv->num_task + 63) & ~63L;
  int64_t lo = t * chunk, hi = lo + chunk < p->n ? lo + chunk : p->n;
  const float* restrict a = p->a; const float* restrict b = p->b; float* restrict c = p->c;
  for (int64_t i = lo; i < hi; i++) c[i] = a[i] + b[i];
  return 0;
}
/* stream_add(A, B, C, tasks): C = A + B. */
int32_t stream_add(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  (void)codes; (void)n; (void)ret; (void)ret_code; (void)h;
  TVMValue* v = (TVMValue*)args;
  DLTensor* A = (DLTensor*)v[0].v_handle;
  Add p = { (const float*)A->data, (const float*)((DLTensor*)v[1].v_handle)->data, (float*)((DLTensor*)v[2].v_handle)->data, A->shape[0] };
  return __TVMBackendParallelLaunch(add_task, &p, (int32_t)v[3].v_int64);
}
`;
}

/** Elements of each STREAM array (128 MiB of float32). */
export const STREAM_N = 1 << 25;

let mod: ReturnType<typeof createModuleFromSource> | undefined;
let threadsNow = 1;
const setThreads = (t: number) => {
  threadsNow = t;
  setNumThreads(t);
};
let streamArrays: { n: number; arrays: ReturnType<typeof empty>[] } | undefined;

/**
 * A machine limit as an entry (role "limit", with its own work a call): the FMA loop or the
 * STREAM add. Each GFLOP/s or GB/s kernel times one among its own entries, so its ratio to the
 * limit is taken in the same rounds; the "fma" and "stream" kernels show them alone.
 */
export function limitEntry(kind: "fma" | "stream", quick: boolean): Entry {
  const lanes = machine().lanes;
  const lib = () => (mod ??= createModuleFromSource(limitsSource(lanes)));
  if (kind === "fma") {
    const iters = quick ? FMA_ITERS / 4 : FMA_ITERS;
    return {
      name: "FMA peak (C loop)", role: "limit", note: `${CHAINS} independent float32x${lanes} accumulators a thread`,
      // The work of one thread's call; calls on t threads do t times as much, so their time is divided by t.
      work: (iters * CHAINS * lanes * 2) / 1e9,
      async setup() {
        const f = lib().getFunction("fma_peak");
        const inner = inProcess(() => f(iters, threadsNow), () => [], setThreads);
        return { time: async (reps, t) => (await inner.time(reps, t)) / t };
      },
    };
  }
  const n = quick ? STREAM_N / 4 : STREAM_N;
  return {
    name: "STREAM add (C)", role: "limit", note: `c[i] = a[i] + b[i], 3 x ${(n * 4) / 2 ** 20} MiB, static chunks a thread`, work: (12 * n) / 1e9,
    async setup() {
      const f = lib().getFunction("stream_add");
      if (streamArrays?.n !== n) {
        const arrays = [empty([n]), empty([n]), empty([n])];
        (arrays[0].toTypedArray() as Float32Array).fill(1);
        (arrays[1].toTypedArray() as Float32Array).fill(2);
        streamArrays = { n, arrays };
      }
      const [a, b, c] = streamArrays.arrays;
      // No result(): a limit has no output to check.
      return { time: inProcess(() => f(a, b, c, threadsNow), () => [], setThreads).time };
    },
  };
}

/** The limits alone as two kernels: "fma" (GFLOP/s) and "stream" (GB/s). */
export function limitKernels(quick: boolean): Kernel[] {
  const lanes = machine().lanes;
  const n = quick ? STREAM_N / 4 : STREAM_N;
  return [
    { id: "fma", group: "limits", title: `FMA peak (${CHAINS} chains of float32x${lanes} FMAs a thread)`, unit: "GFLOP/s", entries: [limitEntry("fma", quick)] },
    { id: "stream", group: "limits", title: `STREAM add, 3 x ${(n * 4) / 2 ** 20} MiB`, unit: "GB/s", entries: [limitEntry("stream", quick)] },
  ];
}
