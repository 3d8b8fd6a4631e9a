// Softmax by rows in plain C (the hand-written baseline of bench/softmax.ts and the suite): the
// row's max, then exp(x - max) stored and summed in one pass, then scaled by 1 / sum. Built with
// libm's expf, or with -ffast-math, where gcc calls glibc's vector expf (libmvec).

/** The C source of `softmax(X, Y)` for an r x c float32 matrix. */
export function handSoftmaxSource(r: number, c: number): string {
  return `
#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
#include <math.h>
int32_t softmax(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  TVMValue* v = (TVMValue*)args;
  const float* restrict x = (const float*)((DLTensor*)v[0].v_handle)->data;
  float* restrict y = (float*)((DLTensor*)v[1].v_handle)->data;
  for (int i = 0; i < ${r}; i++) {
    const float* xr = x + (long)i * ${c};
    float* yr = y + (long)i * ${c};
    float m = xr[0];
    for (int j = 1; j < ${c}; j++) m = xr[j] > m ? xr[j] : m;
    float s = 0.0f;
    for (int j = 0; j < ${c}; j++) { yr[j] = expf(xr[j] - m); s += yr[j]; }
    float inv = 1.0f / s;
    for (int j = 0; j < ${c}; j++) yr[j] *= inv;
  }
  return 0;
}
`;
}

/** The parameter descriptions createModuleFromSource embeds for it. */
export const HAND_SOFTMAX_FUNCTIONS = { softmax: { params: [{ kind: "tensor", name: "X", dtype: "float32", ndim: 2 }, { kind: "tensor", name: "Y", dtype: "float32", ndim: 2 }] } };
