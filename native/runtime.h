// runtime.h: the addon's internal declarations shared by its translation units: per-environment
// state, call contexts (which thread may run JS for a kernel call), the packed-function table
// that __TVMBackendGetFuncFromEnv hands out, the thread-local last error, and the entry points
// each file implements. The C ABI itself is in tejit_abi.h.
#pragma once

#define TEJIT_ABI_NO_DECLARATIONS
#include "tejit_abi.h"
#include "v8_memory.h"

#include <node_api.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tejit {

// ---- last error (thread-local, as TVM's TVMAPISetLastError) ----
void SetLastError(const std::string& msg);
const std::string& LastError();
void ClearLastError();

// ---- packed functions registered from JS, by name ----
// Entries are never freed, so a handle returned by GetFuncFromEnv is stable per name; whether the
// name is currently registered is a flag the JS registry toggles.
struct FuncEntry {
  static constexpr uint64_t kMagic = 0x74656a6974666e31ull;  // "tejitfn1"
  uint64_t magic = kMagic;
  std::string name;
  int32_t id = 0;
  std::atomic<bool> registered{false};
};
FuncEntry* DeclareFunc(const std::string& name);  // creates on first sight
FuncEntry* FindFunc(const char* name);              // nullptr if never declared

struct EnvState;

// A request to run a JS packed function on the JS thread, made by another thread.
struct JsResult {
  int rc = 0;
  std::string error;
  TVMValue value{};
  int32_t code = kTVMNullptr;
  std::string str;  // holds a string result until the caller copies it
};
struct JsRequest {
  FuncEntry* func = nullptr;
  const TVMValue* args = nullptr;
  const int32_t* codes = nullptr;
  int32_t num_args = 0;
  JsResult result;
  JsRequest* next = nullptr;  // queue link
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> done{false};  // set under mu
};

// Waits briefly for pred() by spinning (yielding the CPU now and then) before a caller blocks on
// a condition variable: thread wake-ups cost tens of microseconds on small VMs, while most waits
// here (a short JS callback, a small parallel region) end sooner.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}
template <typename Pred>
bool SpinUntil(Pred pred, int64_t max_ns = 50000) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 1;; i++) {
    if (pred()) return true;
    if ((i & 63) == 0) {
      if (std::chrono::steady_clock::now() - start > std::chrono::nanoseconds(max_ns)) return false;
      std::this_thread::yield();
    } else {
      CpuRelax();
    }
  }
}

// Who may run JS during a kernel call. A synchronous call runs the kernel on the JS thread: JS
// packed calls from that thread go straight to JS, those from pool threads are queued here and
// serviced by the JS thread while it waits for the parallel region. An async call (callAsync)
// runs the kernel on a libuv worker: every JS packed call goes through the env's threadsafe
// function and blocks its thread until the JS function has returned.
struct CallContext {
  EnvState* st = nullptr;
  bool async = false;
  std::mutex mu;
  std::condition_variable cv;
  JsRequest* head = nullptr;  // FIFO of requests from pool workers, under mu
  JsRequest* tail = nullptr;
  std::atomic<int> pending{0};
};
CallContext*& CurrentContext();  // thread-local

// Arguments of one JS->kernel call (call.cc), reused across synchronous calls of one depth.
struct CallArgs {
  std::vector<TVMValue> values;
  std::vector<int32_t> codes;
  std::vector<DLTensor> tensors;
  std::vector<int64_t> dims;
  std::vector<std::string> strings;
  std::vector<napi_value> arrays;  // the TypedArrays behind the tensors
  // Their backing stores, held while JS may run during the call (see PinActiveCalls), so that a
  // callback transferring a buffer away cannot free memory the kernel still writes.
  std::vector<Pin> pins;
  bool pinned = false;
  // The call context of a synchronous call at this depth, reused call after call (a mutex and a
  // condition variable made and destroyed a call cost ~10 ns); reset by each call (call.cc).
  CallContext sync_ctx;
  void Unpin() {
    if (pinned) {
      pins.clear();
      pinned = false;
    }
  }
};

// Per-Node-environment state (one per main thread or worker_thread loading the addon).
struct EnvState {
  napi_env env = nullptr;
  std::thread::id js_thread;
  napi_ref dispatcher = nullptr;  // JS: (id, ...values) => result
  napi_ref cb_meta_ref = nullptr;  // Float64Array: tensor descriptors for the dispatcher
  double* cb_meta = nullptr;
  size_t cb_meta_len = 0;
  napi_ref call_meta_ref = nullptr;  // Float64Array: argument descriptors written by JS per call
  double* call_meta = nullptr;
  size_t call_meta_len = 0;
  napi_threadsafe_function tsfn = nullptr;
  int call_depth = 0;  // nesting of synchronous calls (callbacks calling kernels)
  std::vector<std::unique_ptr<CallArgs>> args_stack;
  // Backing stores of the callback views alive now (innermost last): callAsync refuses them,
  // since the kernel memory they show is only valid until their callback returns.
  std::vector<const void*> live_views;
};

// Pins the arguments of every synchronous call in progress on this environment (call.cc): called
// before JS runs inside a call, so the memory of those calls outlives any transfer JS makes.
void PinActiveCalls(EnvState* st);

// ---- js_bridge.cc: running JS packed functions ----
// On the JS thread, inside a napi call: calls the dispatcher, returns rc and the result.
void InvokeJs(EnvState* st, FuncEntry* f, const TVMValue* args, const int32_t* codes,
              int32_t num_args, JsResult* out);
// Services queued requests of a synchronous context until *done (set under ctx->mu) is true.
void ServiceUntil(CallContext* ctx, const std::atomic<bool>* done);
// Runs f for the current thread's context (direct, queued or via the threadsafe function).
int32_t CallPacked(FuncEntry* f, const TVMValue* args, const int32_t* codes, int32_t num_args,
                   TVMValue* ret, int32_t* ret_code);
napi_status CreateThreadsafeFunction(EnvState* st);

// ---- thread_pool.cc ----
int32_t ParallelLaunch(FTVMParallelLambda flambda, void* cdata, int32_t num_task);
int32_t ParallelBarrier(int32_t task_id, TVMParallelGroupEnv* penv);
// Sets the pool size (0 = TEJIT_NUM_THREADS or the number of cores); false if a region runs.
bool SetNumThreads(int n);
int GetNumThreads();

// ---- c_api.cc: the functions the loader stores in a library's globals ----
struct RuntimeTable {
  void* func_call;
  void* get_func_from_env;
  void* set_last_error;
  void* alloc_workspace;
  void* free_workspace;
  void* parallel_launch;
  void* parallel_barrier;
};
const RuntimeTable& Runtime();

}  // namespace tejit
