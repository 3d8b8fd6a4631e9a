// c_api.cc: the C runtime entry points a kernel library reaches through its function-pointer
// globals (__TVMFuncCall, __TVMBackendGetFuncFromEnv, __TVMAPISetLastError, workspace
// alloc/free, parallel launch/barrier), the thread-local last error, and the by-name table of
// packed-function handles. Nothing here throws: these functions are called from C frames.
#include "runtime.h"

#include <cstdlib>
#include <cstring>
#include <shared_mutex>
#include <unordered_map>

namespace tejit {

namespace {
thread_local std::string tls_last_error;
thread_local CallContext* tls_context = nullptr;

std::shared_mutex funcs_mu;
std::unordered_map<std::string, FuncEntry*>& Funcs() {
  static auto* m = new std::unordered_map<std::string, FuncEntry*>();  // never freed: handles are stable
  return *m;
}
std::atomic<int32_t> next_func_id{0};
}  // namespace

void SetLastError(const std::string& msg) { tls_last_error = msg; }
const std::string& LastError() { return tls_last_error; }
void ClearLastError() { tls_last_error.clear(); }
CallContext*& CurrentContext() { return tls_context; }

FuncEntry* DeclareFunc(const std::string& name) {
  std::unique_lock<std::shared_mutex> lock(funcs_mu);
  auto it = Funcs().find(name);
  if (it != Funcs().end()) return it->second;
  auto* e = new FuncEntry();
  e->name = name;
  e->id = next_func_id++;
  Funcs().emplace(name, e);
  return e;
}

FuncEntry* FindFunc(const char* name) {
  std::shared_lock<std::shared_mutex> lock(funcs_mu);
  auto it = Funcs().find(name);
  return it == Funcs().end() ? nullptr : it->second;
}

namespace {

void TejitSetLastError(const char* msg) {
  tls_last_error = msg ? msg : "(null error message)";
}

int32_t TejitGetFuncFromEnv(void* /*mod_ctx*/, const char* name, void** out_func) {
  if (name == nullptr || out_func == nullptr) {
    SetLastError("__TVMBackendGetFuncFromEnv: name and out_func must not be NULL");
    return -1;
  }
  FuncEntry* f = FindFunc(name);
  if (f == nullptr || !f->registered.load()) {
    SetLastError(std::string("packed function '") + name +
                 "' is not registered: call registerFunc('" + name +
                 "', fn) before running the kernel");
    return -1;
  }
  *out_func = f;
  return 0;
}

int32_t TejitFuncCall(void* func, void* args, int32_t* type_codes, int32_t num_args,
                                 void* ret_val, int32_t* ret_type_code) {
  auto* f = static_cast<FuncEntry*>(func);
  if (f == nullptr || f->magic != FuncEntry::kMagic) {
    SetLastError("__TVMFuncCall: the function handle is not one returned by __TVMBackendGetFuncFromEnv");
    return -1;
  }
  if (num_args < 0 || (num_args > 0 && (args == nullptr || type_codes == nullptr))) {
    SetLastError("__TVMFuncCall('" + f->name + "'): bad argument arrays");
    return -1;
  }
  TVMValue dummy_ret;
  int32_t dummy_code;
  return CallPacked(f, static_cast<const TVMValue*>(args), type_codes, num_args,
                    ret_val ? static_cast<TVMValue*>(ret_val) : &dummy_ret,
                    ret_type_code ? ret_type_code : &dummy_code);
}

constexpr uint64_t kWorkspaceAlign = 64;

void* TejitAllocWorkspace(int32_t device_type, int32_t /*device_id*/, uint64_t nbytes,
                                     int32_t /*dtype_code_hint*/, int32_t /*dtype_bits_hint*/) {
  if (device_type != kDLCPU) {
    SetLastError("__TVMBackendAllocWorkspace: only CPU (device_type 1) is supported, got " +
                 std::to_string(device_type));
    return nullptr;
  }
  uint64_t size = (nbytes + kWorkspaceAlign - 1) / kWorkspaceAlign * kWorkspaceAlign;
  if (size == 0) size = kWorkspaceAlign;
  void* p = std::aligned_alloc(kWorkspaceAlign, size);
  if (p == nullptr) SetLastError("__TVMBackendAllocWorkspace: out of memory allocating " + std::to_string(nbytes) + " bytes");
  return p;
}

int32_t TejitFreeWorkspace(int32_t /*device_type*/, int32_t /*device_id*/, void* ptr) {
  std::free(ptr);
  return 0;
}

int32_t TejitParallelLaunch(FTVMParallelLambda flambda, void* cdata, int32_t num_task) {
  return ParallelLaunch(flambda, cdata, num_task);
}

int32_t TejitParallelBarrier(int32_t task_id, TVMParallelGroupEnv* penv) {
  return ParallelBarrier(task_id, penv);
}

}  // namespace

const RuntimeTable& Runtime() {
  static const RuntimeTable table = {
      reinterpret_cast<void*>(&TejitFuncCall),        reinterpret_cast<void*>(&TejitGetFuncFromEnv),
      reinterpret_cast<void*>(&TejitSetLastError),    reinterpret_cast<void*>(&TejitAllocWorkspace),
      reinterpret_cast<void*>(&TejitFreeWorkspace),   reinterpret_cast<void*>(&TejitParallelLaunch),
      reinterpret_cast<void*>(&TejitParallelBarrier),
  };
  return table;
}

}  // namespace tejit
