// The sanitizer scripts' self-check: builds a tiny kernel through tejit's runtime (compile cache,
// addon, packed call) and makes it do something wrong, to prove the checker sees it:
//   write (default): writes one element past the end of a 1024-element float32 array (large
//     enough that V8 keeps its bytes outside the JS heap, in malloc'd memory the checker tracks);
//   shift: shifts a negative int32 left (undefined in C; for UBSan).
// check-asan.sh and check-valgrind.sh refuse to go on unless the checker reports it, so a setup
// that checks nothing cannot pass. Prints "oob-kernel: not detected" and exits 3 when the fault
// goes unnoticed.
import { createModuleFromSource } from "../ts/runtime/module.js";
import { array, empty } from "../ts/runtime/ndarray.js";

const mode = process.argv[2] ?? "write";
if (mode !== "write" && mode !== "shift") throw new Error(`oob-kernel: mode must be write or shift, got '${mode}'`);

const source = `
#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
/* oob_write(B: float32[n]): B[i] = i for i in [0, n], one element too many. */
int32_t oob_write(void* args, int32_t* type_codes, int32_t num_args, void* out_ret_value, int32_t* out_ret_tcode,
                  void* resource_handle) {
  DLTensor* b = (DLTensor*)((TVMValue*)args)[0].v_handle;
  float* y = (float*)((char*)b->data + b->byte_offset);
  volatile int64_t n = b->shape[0];
  for (int64_t i = 0; i <= n; i++) y[i] = (float)i;
  return 0;
}
/* bad_shift(A: int32[n]): A[i] = A[i] << 4, undefined for negative A[i]. */
int32_t bad_shift(void* args, int32_t* type_codes, int32_t num_args, void* out_ret_value, int32_t* out_ret_tcode,
                  void* resource_handle) {
  DLTensor* a = (DLTensor*)((TVMValue*)args)[0].v_handle;
  int32_t* x = (int32_t*)((char*)a->data + a->byte_offset);
  for (int64_t i = 0; i < a->shape[0]; i++) x[i] = x[i] << 4;
  return 0;
}
`;

const mod = createModuleFromSource(source);
if (mode === "write") mod.getFunction("oob_write")(empty([1024], "float32"));
else mod.getFunction("bad_shift")(array(Int32Array.from([3, -5, 7])));
console.log("oob-kernel: not detected");
process.exit(3);
