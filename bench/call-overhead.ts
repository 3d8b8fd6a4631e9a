// Benchmark: the cost of crossing between JS and compiled kernels, in ns per call, next to the
// bare N-API baselines measured in the same run (a no-op N-API function; napi_call_function
// from C). Measures JS->kernel calls (no arguments; three Float32Array tensors), kernel->JS
// callbacks on the JS thread (no argument, one double, one tensor view), callbacks from pool
// threads queued to the JS thread, and an empty parallel region. Medians of 7 runs.
// Run: npm run bench (or: node --import tsx bench/call-overhead.ts).
import { getAddon } from "../ts/runtime/addon.js";
import { createModuleFromSource } from "../ts/runtime/module.js";
import { empty } from "../ts/runtime/ndarray.js";
import { registerFunc } from "../ts/runtime/registry.js";
import { getNumThreads } from "../ts/runtime/threads.js";

const source = `
#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS

/* noop0(): returns at once. */
int32_t noop0(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) { return 0; }

/* noop3(A, B, C): checks what a generated entry checks first (count, codes, ndim), no work. */
int32_t noop3(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  if (n != 3 || codes[0] != kTVMDLTensorHandle || codes[1] != kTVMDLTensorHandle || codes[2] != kTVMDLTensorHandle) {
    __TVMAPISetLastError("noop3: expected 3 tensors");
    return -1;
  }
  TVMValue* v = (TVMValue*)args;
  for (int i = 0; i < 3; i++) if (((DLTensor*)v[i].v_handle)->ndim != 1) { __TVMAPISetLastError("noop3: ndim"); return -1; }
  return 0;
}

/* callbacks(n, kind, A): calls "bench.cb" n times with no argument (kind 0), a double (1) or A (2). */
int32_t callbacks(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  static void* cb = 0;
  TVMValue* v = (TVMValue*)args;
  int64_t count = v[0].v_int64, kind = v[1].v_int64;
  if (!cb && __TVMBackendGetFuncFromEnv(__tvm_module_ctx, "bench.cb", &cb) != 0) return -1;
  TVMValue a;
  int32_t code;
  TVMValue r;
  int32_t rc;
  for (int64_t i = 0; i < count; i++) {
    if (kind == 1) { a.v_float64 = (double)i; code = kTVMArgFloat; }
    else { a.v_handle = v[2].v_handle; code = kTVMDLTensorHandle; }
    if (__TVMFuncCall(cb, &a, &code, kind == 0 ? 0 : 1, &r, &rc) != 0) return -1;
  }
  return 0;
}

typedef struct { int64_t per_task; } Par;
static int32_t par_task(int32_t t, TVMParallelGroupEnv* penv, void* cdata) {
  static void* cb = 0;
  void* h = __atomic_load_n(&cb, __ATOMIC_ACQUIRE);
  if (!h) {
    if (__TVMBackendGetFuncFromEnv(__tvm_module_ctx, "bench.cb", &h) != 0) return -1;
    __atomic_store_n(&cb, h, __ATOMIC_RELEASE);
  }
  TVMValue r;
  int32_t rc;
  for (int64_t i = 0; i < ((Par*)cdata)->per_task; i++)
    if (__TVMFuncCall(h, 0, 0, 0, &r, &rc) != 0) return -1;
  return 0;
}

/* par_callbacks(per_task): a region of pool-size tasks, each calling "bench.cb" per_task times. */
int32_t par_callbacks(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  Par p = { ((TVMValue*)args)[0].v_int64 };
  return __TVMBackendParallelLaunch(par_task, &p, 0);
}

static int32_t empty_task(int32_t t, TVMParallelGroupEnv* penv, void* cdata) { return 0; }

/* regions(n): launches n empty parallel regions (num_task 0). */
int32_t regions(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  for (int64_t i = 0; i < ((TVMValue*)args)[0].v_int64; i++)
    if (__TVMBackendParallelLaunch(empty_task, 0, 0) != 0) return -1;
  return 0;
}
`;

const REPEATS = 7;

/** Median over REPEATS runs of the ns per operation of `run(n)` doing n operations. */
function measure(n: number, run: (n: number) => void): number {
  run(Math.max(1, Math.floor(n / 10))); // warm up
  const samples: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    run(n);
    samples.push(Number(process.hrtime.bigint() - t0) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const addon = getAddon();
const mod = createModuleFromSource(source);
const noop0 = mod.getFunction("noop0");
const noop3 = mod.getFunction("noop3");
const callbacks = mod.getFunction("callbacks");
const parCallbacks = mod.getFunction("par_callbacks");
const regions = mod.getFunction("regions");
const [a, b, c] = [empty([1024]), empty([1024]), empty([1024])];
let sink = 0;
registerFunc("bench.cb", (x?: unknown) => {
  sink++;
  return x === undefined ? undefined : undefined;
});
const jsNoop = (): void => {
  sink++;
};

const rows: [string, number, string][] = [];
const row = (what: string, ns: number, vs: string): void => {
  rows.push([what, ns, vs]);
};

const napiNoop = measure(5_000_000, (n) => { for (let i = 0; i < n; i++) addon.noop(); });
row("bare N-API call, no-op (baseline)", napiNoop, "1.0x");
const k0 = measure(1_000_000, (n) => { for (let i = 0; i < n; i++) noop0(); });
row("JS -> kernel, no arguments", k0, `${(k0 / napiNoop).toFixed(1)}x N-API no-op`);
const k3 = measure(1_000_000, (n) => { for (let i = 0; i < n; i++) noop3(a, b, c); });
row("JS -> kernel, three Float32Array tensors", k3, `${(k3 / napiNoop).toFixed(1)}x N-API no-op`);

const cJs0 = measure(1_000_000, (n) => addon.callJsLoop(jsNoop, n, false));
row("bare C -> JS napi_call_function, no args (baseline)", cJs0, "1.0x");
const cJs1 = measure(1_000_000, (n) => addon.callJsLoop(jsNoop, n, true));
row("bare C -> JS napi_call_function, one double (baseline)", cJs1, "1.0x");
const cb0 = measure(1_000_000, (n) => callbacks(n, 0, a));
row("kernel -> JS callback, no arguments", cb0, `${(cb0 / cJs0).toFixed(1)}x bare C->JS`);
const cb1 = measure(1_000_000, (n) => callbacks(n, 1, a));
row("kernel -> JS callback, one double", cb1, `${(cb1 / cJs1).toFixed(1)}x bare C->JS (1 double)`);
const cbT = measure(300_000, (n) => callbacks(n, 2, a));
row("kernel -> JS callback, one tensor (view made and released)", cbT, `${(cbT / cJs1).toFixed(1)}x bare C->JS (1 double)`);

const threads = getNumThreads();
const perTask = 20_000;
const cbPool = measure(perTask * threads, (n) => parCallbacks(Math.max(1, Math.round(n / threads))));
row(`kernel -> JS callback from ${threads} pool threads (queued to the JS thread)`, cbPool, `${(cbPool / cJs0).toFixed(1)}x bare C->JS`);
const region = measure(100_000, (n) => regions(n));
row(`empty parallel region (${threads} tasks)`, region, "");

console.log(`call overhead, ns per call (median of ${REPEATS} runs), node ${process.version}, ${threads} pool threads`);
const w = Math.max(...rows.map((r) => r[0].length));
for (const [what, ns, vs] of rows) console.log(`  ${what.padEnd(w)}  ${ns.toFixed(0).padStart(7)} ns  ${vs}`);
if (sink < 0) console.log(sink);
