/*
 * tejit_abi.h: the C ABI between generated kernels (or hand-written fixtures) and the tejit
 * runtime. It is TVM's packed C ABI: DLPack's DLTensor, TVMValue, type codes, the packed
 * function signature, and the runtime entry points that a kernel library reaches through
 * function-pointer globals. A library DEFINES those globals (NULL-initialised, expand
 * TEJIT_DEFINE_RUNTIME_GLOBALS once in exactly one translation unit) and the loader fills every
 * one it finds with dlsym after dlopen, so a kernel library links against nothing from the addon.
 * The addon includes this header too, so both sides agree on every layout. See docs/runtime.md.
 */
#ifndef TEJIT_ABI_H_
#define TEJIT_ABI_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- DLPack (v0.x layout: 48-byte DLTensor) ---- */
typedef enum { kDLCPU = 1 } DLDeviceType;
typedef enum { kDLInt = 0, kDLUInt = 1, kDLFloat = 2 } DLDataTypeCode;

typedef struct {
  int32_t device_type; /* kDLCPU */
  int32_t device_id;
} DLDevice;

typedef struct {
  uint8_t code;   /* DLDataTypeCode; bool is {kDLUInt, 1, 1} stored one byte per element */
  uint8_t bits;
  uint16_t lanes;
} DLDataType;

typedef struct {
  void* data;           /* @0  */
  DLDevice device;      /* @8  */
  int32_t ndim;         /* @16 */
  DLDataType dtype;     /* @20 */
  int64_t* shape;       /* @24 */
  int64_t* strides;     /* @32: in elements; NULL means compact row-major */
  uint64_t byte_offset; /* @40: bytes from data to element [0,...,0] */
} DLTensor;

/* ---- TVM packed values ---- */
typedef union {
  int64_t v_int64;
  double v_float64;
  void* v_handle;
  const char* v_str;
} TVMValue;

enum {
  kTVMArgInt = 0,
  kTVMArgUInt = 1,
  kTVMArgFloat = 2,
  kTVMOpaqueHandle = 3,
  kTVMNullptr = 4,
  kTVMDLTensorHandle = 7,
  kTVMPackedFuncHandle = 10,
  kTVMStr = 11,
  kTVMNDArrayHandle = 13 /* treated as a DLTensor* by tejit */
};

/* A kernel: returns 0 on success, -1 with a message set through __TVMAPISetLastError. */
typedef int32_t (*TVMBackendPackedCFunc)(void* args, int32_t* type_codes, int32_t num_args,
                                         void* out_ret_value, int32_t* out_ret_tcode,
                                         void* resource_handle);

typedef struct {
  void* sync_handle;
  int32_t num_task;
} TVMParallelGroupEnv;

/* A parallel task: task_id in [0, penv->num_task). Nonzero = failure. */
typedef int32_t (*FTVMParallelLambda)(int32_t task_id, TVMParallelGroupEnv* penv, void* cdata);

/* ---- The runtime globals a kernel library defines and the loader fills ---- */
#define TEJIT_RUNTIME_GLOBALS(EXTERN)                                                          \
  EXTERN void* __tvm_module_ctx;                                                               \
  EXTERN int32_t (*__TVMFuncCall)(void* func, void* args, int32_t* type_codes,                 \
                                  int32_t num_args, void* ret_val, int32_t* ret_type_code);    \
  EXTERN int32_t (*__TVMBackendGetFuncFromEnv)(void* mod_ctx, const char* name,                \
                                               void** out_func);                               \
  EXTERN void (*__TVMAPISetLastError)(const char* msg);                                        \
  EXTERN void* (*__TVMBackendAllocWorkspace)(int32_t device_type, int32_t device_id,           \
                                             uint64_t nbytes, int32_t dtype_code_hint,         \
                                             int32_t dtype_bits_hint);                         \
  EXTERN int32_t (*__TVMBackendFreeWorkspace)(int32_t device_type, int32_t device_id,          \
                                              void* ptr);                                      \
  EXTERN int32_t (*__TVMBackendParallelLaunch)(FTVMParallelLambda flambda, void* cdata,        \
                                               int32_t num_task);                              \
  EXTERN int32_t (*__TVMBackendParallelBarrier)(int32_t task_id, TVMParallelGroupEnv* penv);

/* Declarations, for any translation unit of a kernel library. */
#ifndef TEJIT_ABI_NO_DECLARATIONS
TEJIT_RUNTIME_GLOBALS(extern)
#endif

/* Definitions (all NULL): expand once, at file scope, in one translation unit of the library. */
#define TEJIT_DEFINE_RUNTIME_GLOBALS TEJIT_RUNTIME_GLOBALS()

/* The names the loader looks up, in the order of TEJIT_RUNTIME_GLOBALS. */
#define TEJIT_SYM_MODULE_CTX "__tvm_module_ctx"
#define TEJIT_SYM_FUNC_CALL "__TVMFuncCall"
#define TEJIT_SYM_GET_FUNC_FROM_ENV "__TVMBackendGetFuncFromEnv"
#define TEJIT_SYM_SET_LAST_ERROR "__TVMAPISetLastError"
#define TEJIT_SYM_ALLOC_WORKSPACE "__TVMBackendAllocWorkspace"
#define TEJIT_SYM_FREE_WORKSPACE "__TVMBackendFreeWorkspace"
#define TEJIT_SYM_PARALLEL_LAUNCH "__TVMBackendParallelLaunch"
#define TEJIT_SYM_PARALLEL_BARRIER "__TVMBackendParallelBarrier"
/* Optional JSON metadata (parameter descriptions) embedded by createModuleFromSource. */
#define TEJIT_SYM_METADATA "__tejit_metadata"

#ifdef __cplusplus
}
#endif

#endif /* TEJIT_ABI_H_ */
