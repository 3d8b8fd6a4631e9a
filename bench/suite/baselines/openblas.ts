// OpenBLAS's cblas_sgemm (Debian libopenblas-dev) as a packed function built by tejit's own
// compile driver, called in this process like a tejit kernel.
import { existsSync } from "node:fs";
import { createModuleFromSource, type Module } from "../../../ts/runtime/module.js";
import { type NDArray } from "../../../ts/runtime/ndarray.js";
import { inProcess } from "../inproc.js";
import type { Runner, Skip } from "../types.js";
import { missing } from "./install.js";

const SOURCE = `#include <cblas.h>
#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
extern void openblas_set_num_threads(int);
/* blas_sgemm(A, B, C, threads): C = A B (row-major float32, A m x k, B k x n). */
int32_t blas_sgemm(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  (void)ret; (void)ret_code; (void)h;
  if (n != 4 || codes[0] != kTVMDLTensorHandle || codes[1] != kTVMDLTensorHandle || codes[2] != kTVMDLTensorHandle) {
    __TVMAPISetLastError("blas_sgemm: expected A, B, C, threads");
    return -1;
  }
  TVMValue* v = (TVMValue*)args;
  DLTensor* A = (DLTensor*)v[0].v_handle;
  DLTensor* B = (DLTensor*)v[1].v_handle;
  DLTensor* C = (DLTensor*)v[2].v_handle;
  int m = (int)A->shape[0], k = (int)A->shape[1], nn = (int)B->shape[1];
  openblas_set_num_threads((int)v[3].v_int64);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, nn, k, 1.0f, (const float*)A->data, k,
              (const float*)B->data, nn, 0.0f, (float*)C->data, nn);
  return 0;
}
`;

/** The header the harness needs, where Debian puts it. */
const HEADERS = ["/usr/include/x86_64-linux-gnu/cblas.h", "/usr/include/aarch64-linux-gnu/cblas.h", "/usr/include/cblas.h", "/usr/include/openblas/cblas.h"];

let lib: Module | Skip | undefined;

/** The harness library, or a Skip saying how to install OpenBLAS (when none of `headers` exists). */
export function openBlasLibrary(headers: readonly string[] = HEADERS): Module | Skip {
  if (!headers.some((h) => existsSync(h))) return missing("openblas", `OpenBLAS is not installed (no ${headers.join(", ")})`);
  if (lib) return lib;
  try {
    lib = createModuleFromSource(SOURCE, { cflags: ["-Wl,--no-as-needed", "-lopenblas"] });
  } catch (e) {
    lib = missing("openblas", `the OpenBLAS harness did not build (${(e as Error).message.split("\n")[1] ?? (e as Error).message})`);
  }
  return lib;
}

/** A Runner for C = A·B with cblas_sgemm. */
export function openBlasGemm(A: NDArray, B: NDArray, C: NDArray): Runner | Skip {
  const l = openBlasLibrary();
  if (!("getFunction" in l)) return l;
  const f = l.getFunction("blas_sgemm");
  let threads = 1;
  return inProcess(() => f(A, B, C, threads), () => C.toTypedArray() as Float32Array, (t) => { threads = t; });
}
