// call.cc: calling a kernel from JS. The JS side writes a descriptor of every argument into a
// shared Float64Array (kind, and for tensors dtype, byte offset, shape, strides) and passes the
// values that carry data (TypedArrays, bigints, strings) as call arguments; here they become
// TVMValues, type codes and DLTensors pointing straight into the TypedArrays' memory (no copy).
// `call` runs the kernel on the JS thread; `callAsync` on a libuv worker, resolving a Promise;
// `timeCall` repeats a call and returns seconds per call for each repeat.
#include <chrono>
#include <cmath>

#include "library.h"

namespace tejit {

namespace {

enum ArgKind { kTensor = 1, kInt = 2, kFloat = 3, kBigInt = 4, kString = 5, kNull = 6 };

std::string ArgName(int i) { return "argument " + std::to_string(i); }

// Reads the descriptors in st->call_meta and the values vals[0..nvals).
bool ParseArgs(napi_env env, EnvState* st, const napi_value* vals, size_t nvals, CallArgs* a,
               std::string* err) {
  const double* m = st->call_meta;
  const size_t cap = st->call_meta_len;
  if (m == nullptr || cap == 0) {
    *err = "the tejit runtime was not initialised";
    return false;
  }
  const int n = static_cast<int>(m[0]);
  if (n < 0 || static_cast<size_t>(n) != nvals) {
    *err = "internal: argument descriptors do not match the arguments";
    return false;
  }
  // Pass 1: sizes, so that the pointers taken in pass 2 stay valid.
  size_t ntensor = 0, ndims = 0, nstr = 0, pos = 1;
  for (int i = 0; i < n; i++) {
    if (pos >= cap) { *err = "internal: argument descriptors overflow"; return false; }
    int kind = static_cast<int>(m[pos]);
    if (kind == kTensor) {
      if (pos + 7 > cap) { *err = "internal: argument descriptors overflow"; return false; }
      size_t nd = static_cast<size_t>(m[pos + 5]);
      size_t k = m[pos + 6] != 0 ? 2 : 1;
      ntensor++;
      ndims += nd * k;
      pos += 7 + nd * k;
    } else if (kind == kInt || kind == kFloat) {
      pos += 2;
    } else {
      if (kind == kString) nstr++;
      pos += 1;
    }
  }
  if (pos > cap) { *err = "internal: argument descriptors overflow"; return false; }
  a->values.resize(n);
  a->codes.resize(n);
  a->tensors.resize(ntensor);
  a->dims.resize(ndims);
  a->strings.resize(nstr);
  a->arrays.resize(ntensor);
  size_t ti = 0, di = 0, si = 0;
  pos = 1;
  for (int i = 0; i < n; i++) {
    int kind = static_cast<int>(m[pos]);
    switch (kind) {
      case kTensor: {
        const double* d = m + pos;
        size_t length;
        void* data;
        if (!TypedArrayBytes(vals[i], &data, &length)) {
          *err = ArgName(i) + ": expected the NDArray's TypedArray";
          return false;
        }
        DLTensor& t = a->tensors[ti];
        a->arrays[ti] = vals[i];
        int ndim = static_cast<int>(d[5]);
        bool has_strides = d[6] != 0;
        t.data = data;
        t.device = {kDLCPU, 0};
        t.ndim = ndim;
        t.dtype = {static_cast<uint8_t>(d[1]), static_cast<uint8_t>(d[2]), static_cast<uint16_t>(d[3])};
        t.byte_offset = static_cast<uint64_t>(d[4]);
        int64_t* shape = a->dims.data() + di;
        int64_t* strides = has_strides ? shape + ndim : nullptr;
        int64_t size = 1, hi = 0, lo = 0, compact = 1;
        for (int k = ndim - 1; k >= 0; k--) {
          shape[k] = static_cast<int64_t>(d[7 + k]);
          int64_t s = has_strides ? static_cast<int64_t>(d[7 + ndim + k]) : compact;
          if (has_strides) strides[k] = s;
          compact *= shape[k];
          size *= shape[k];
          if (shape[k] > 0) {
            if (s >= 0) hi += (shape[k] - 1) * s;
            else lo += (shape[k] - 1) * s;
          }
        }
        t.shape = ndim > 0 ? shape : nullptr;
        t.strides = strides;
        // Never hand a kernel a view that reaches outside the TypedArray: counted in bytes of
        // the tensor's dtype, whatever the TypedArray's element type.
        int64_t elem_bytes = (static_cast<int64_t>(t.dtype.bits) * t.dtype.lanes + 7) / 8;
        int64_t have = static_cast<int64_t>(length);
        int64_t bo = static_cast<int64_t>(t.byte_offset);
        if (size > 0 && (elem_bytes <= 0 || bo + lo * elem_bytes < 0 || bo + (hi + 1) * elem_bytes > have)) {
          *err = ArgName(i) + (length == 0 ? ": its ArrayBuffer is detached (transferred, or a callback view used after its callback returned)"
                                           : ": the NDArray needs bytes " + std::to_string(bo + lo * elem_bytes) + ".." +
                                                 std::to_string(bo + (hi + 1) * elem_bytes) + " of its data, which has " +
                                                 std::to_string(have) + " bytes");
          return false;
        }
        a->values[i].v_handle = &t;
        a->codes[i] = kTVMDLTensorHandle;
        di += has_strides ? 2 * ndim : ndim;
        ti++;
        pos += 7 + (has_strides ? 2 : 1) * ndim;
        break;
      }
      case kInt:
        a->values[i].v_int64 = static_cast<int64_t>(m[pos + 1]);
        a->codes[i] = kTVMArgInt;
        pos += 2;
        break;
      case kFloat:
        a->values[i].v_float64 = m[pos + 1];
        a->codes[i] = kTVMArgFloat;
        pos += 2;
        break;
      case kBigInt: {
        bool lossless = false;
        int64_t v;
        if (napi_get_value_bigint_int64(env, vals[i], &v, &lossless) != napi_ok || !lossless) {
          *err = ArgName(i) + ": bigint outside the int64 range";
          return false;
        }
        a->values[i].v_int64 = v;
        a->codes[i] = kTVMArgInt;
        pos += 1;
        break;
      }
      case kString: {
        size_t len = 0;
        if (napi_get_value_string_utf8(env, vals[i], nullptr, 0, &len) != napi_ok) {
          *err = ArgName(i) + ": expected a string";
          return false;
        }
        std::string& s = a->strings[si++];
        s.assign(len, '\0');
        napi_get_value_string_utf8(env, vals[i], s.data(), len + 1, &len);
        a->values[i].v_str = s.c_str();
        a->codes[i] = kTVMStr;
        pos += 1;
        break;
      }
      case kNull:
        a->values[i].v_handle = nullptr;
        a->codes[i] = kTVMNullptr;
        pos += 1;
        break;
      default:
        *err = "internal: unknown argument kind " + std::to_string(kind);
        return false;
    }
  }
  return true;
}

napi_value Throw(napi_env env, const std::string& msg) {
  napi_throw_error(env, nullptr, msg.c_str());
  return nullptr;
}

napi_value MakeError(napi_env env, const std::string& msg) {
  napi_value m, e;
  napi_create_string_utf8(env, msg.c_str(), msg.size(), &m);
  napi_create_error(env, nullptr, m, &e);
  return e;
}

// The kernel's scalar result as a JS value; false + *err for results JS cannot take.
bool ConvertReturn(napi_env env, const TVMValue& v, int32_t code, const char* str, const std::string& name,
                   napi_value* out, std::string* err) {
  switch (code) {
    case kTVMNullptr: napi_get_undefined(env, out); return true;
    case kTVMArgInt:
      if (std::fabs(static_cast<double>(v.v_int64)) <= 9007199254740991.0) napi_create_double(env, static_cast<double>(v.v_int64), out);
      else napi_create_bigint_int64(env, v.v_int64, out);
      return true;
    case kTVMArgUInt:
      if (static_cast<double>(static_cast<uint64_t>(v.v_int64)) <= 9007199254740991.0) napi_create_double(env, static_cast<double>(static_cast<uint64_t>(v.v_int64)), out);
      else napi_create_bigint_uint64(env, static_cast<uint64_t>(v.v_int64), out);
      return true;
    case kTVMArgFloat: napi_create_double(env, v.v_float64, out); return true;
    case kTVMStr:
      if (str == nullptr) napi_get_null(env, out);
      else napi_create_string_utf8(env, str, NAPI_AUTO_LENGTH, out);
      return true;
    case kTVMOpaqueHandle:
      if (v.v_handle == nullptr) napi_get_null(env, out);
      else napi_create_bigint_uint64(env, reinterpret_cast<uintptr_t>(v.v_handle), out);
      return true;
    default:
      *err = "kernel '" + name + "' returned a value of type code " + std::to_string(code) +
             ", which tejit cannot return to JS (int, uint, float, string, handle or nothing)";
      return false;
  }
}

std::string FailureMessage(const std::string& name, int32_t rc) {
  const std::string& e = LastError();
  if (!e.empty()) return e;
  return "kernel '" + name + "' returned " + std::to_string(rc) + " without an error message";
}

Kernel* GetKernel(napi_env env, napi_value v) {
  void* p = nullptr;
  // napi_get_value_external refuses anything but an External (napi_invalid_arg), so no typeof first.
  if (napi_get_value_external(env, v, &p) != napi_ok || p == nullptr) return nullptr;
  auto* k = static_cast<Kernel*>(p);
  return k->magic == Kernel::kMagic ? k : nullptr;
}

// The backing stores of a call's TypedArrays; false + *err when one cannot be held.
bool PinArgs(EnvState* st, CallArgs* a, std::string* err) {
  a->pins.clear();
  for (size_t i = 0; i < a->arrays.size(); i++) {
    Pin p = PinTypedArray(a->arrays[i]);
    if (!p) {
      *err = "internal: cannot hold the memory of tensor " + std::to_string(i);
      return false;
    }
    a->pins.push_back(std::move(p));
  }
  a->pinned = true;
  return true;
}

CallArgs* ArgsAtDepth(EnvState* st, int depth) {
  while (static_cast<int>(st->args_stack.size()) <= depth) st->args_stack.emplace_back(new CallArgs());
  return st->args_stack[depth].get();
}

// Runs the kernel synchronously on the JS thread with the call context of its depth, reset: no
// request of an earlier call is left in it (a kernel returns after its parallel work joined).
struct SyncScope {
  CallContext& ctx;
  CallContext* prev;
  EnvState* st;
  SyncScope(EnvState* s, CallArgs* a) : ctx(a->sync_ctx), prev(CurrentContext()), st(s) {
    ctx.st = s;
    ctx.async = false;
    ctx.head = nullptr;
    ctx.tail = nullptr;
    ctx.pending.store(0, std::memory_order_relaxed);
    CurrentContext() = &ctx;
    st->call_depth++;
  }
  ~SyncScope() {
    st->call_depth--;
    CurrentContext() = prev;
  }
};

constexpr size_t kStackArgs = 24;

// Fetches all call arguments (stack storage for the common case).
struct Argv {
  napi_value stack[kStackArgs];
  std::vector<napi_value> heap;
  napi_value* v = stack;
  size_t n = kStackArgs;
  void* data = nullptr;
  bool Get(napi_env env, napi_callback_info info) {
    if (napi_get_cb_info(env, info, &n, stack, nullptr, &data) != napi_ok) return false;
    if (n > kStackArgs) {
      heap.resize(n);
      size_t m = n;
      if (napi_get_cb_info(env, info, &m, heap.data(), nullptr, nullptr) != napi_ok) return false;
      v = heap.data();
    }
    return true;
  }
};

}  // namespace

// call(kernel, ...values)
napi_value CallKernel(napi_env env, napi_callback_info info) {
  Argv argv;
  if (!argv.Get(env, info)) return Throw(env, "tejit call: cannot read arguments");
  auto* st = static_cast<EnvState*>(argv.data);
  Kernel* k = argv.n > 0 ? GetKernel(env, argv.v[0]) : nullptr;
  if (k == nullptr) return Throw(env, "tejit call: the first argument must be a kernel handle");
  CallArgs* a = ArgsAtDepth(st, st->call_depth);
  std::string err;
  if (!ParseArgs(env, st, argv.v + 1, argv.n - 1, a, &err)) return Throw(env, "kernel '" + k->name + "': " + err);
  TVMValue ret{};
  int32_t ret_code = kTVMNullptr;
  int32_t rc;
  {
    SyncScope scope(st, a);
    ClearLastError();
    rc = k->fn(a->values.data(), a->codes.data(), static_cast<int32_t>(a->values.size()), &ret, &ret_code, nullptr);
  }
  a->Unpin();
  if (rc != 0) return Throw(env, FailureMessage(k->name, rc));
  napi_value out;
  if (!ConvertReturn(env, ret, ret_code, ret_code == kTVMStr ? ret.v_str : nullptr, k->name, &out, &err)) return Throw(env, err);
  return out;
}

void PinActiveCalls(EnvState* st) {
  for (int d = 0; d < st->call_depth && d < static_cast<int>(st->args_stack.size()); d++) {
    CallArgs* a = st->args_stack[d].get();
    if (a->pinned) continue;
    std::string ignored;  // a TypedArray parsed for this call always has a backing store
    PinArgs(st, a, &ignored);
  }
}

// timeCall(kernel, number, repeat, ...values) -> seconds per call, one entry per repeat
napi_value TimeKernel(napi_env env, napi_callback_info info) {
  Argv argv;
  if (!argv.Get(env, info) || argv.n < 3) return Throw(env, "tejit timeCall: expected (kernel, number, repeat, ...args)");
  auto* st = static_cast<EnvState*>(argv.data);
  Kernel* k = GetKernel(env, argv.v[0]);
  if (k == nullptr) return Throw(env, "tejit timeCall: the first argument must be a kernel handle");
  int32_t number = 0, repeat = 0;
  napi_get_value_int32(env, argv.v[1], &number);
  napi_get_value_int32(env, argv.v[2], &repeat);
  if (number < 1 || repeat < 1) return Throw(env, "timeEvaluator: number and repeat must be positive integers");
  CallArgs* a = ArgsAtDepth(st, st->call_depth);
  std::string err;
  if (!ParseArgs(env, st, argv.v + 3, argv.n - 3, a, &err)) return Throw(env, "kernel '" + k->name + "': " + err);
  std::vector<double> results(repeat);
  int32_t rc = 0;
  {
    SyncScope scope(st, a);
    TVMValue ret;
    int32_t code;
    auto run = [&] {
      ClearLastError();
      return k->fn(a->values.data(), a->codes.data(), static_cast<int32_t>(a->values.size()), &ret, &code, nullptr);
    };
    rc = run();  // warm-up, and the error check
    for (int r = 0; r < repeat && rc == 0; r++) {
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < number && rc == 0; i++) rc = run();
      auto t1 = std::chrono::steady_clock::now();
      results[r] = std::chrono::duration<double>(t1 - t0).count() / number;
    }
  }
  a->Unpin();
  if (rc != 0) return Throw(env, FailureMessage(k->name, rc));
  napi_value out;
  napi_create_array_with_length(env, repeat, &out);
  for (int r = 0; r < repeat; r++) {
    napi_value x;
    napi_create_double(env, results[r], &x);
    napi_set_element(env, out, r, x);
  }
  return out;
}

namespace {

struct AsyncCall {
  EnvState* st = nullptr;
  std::shared_ptr<Library> lib;
  TVMBackendPackedCFunc fn = nullptr;
  std::string name;
  CallArgs args;
  std::vector<napi_ref> refs;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
  CallContext ctx;
  int32_t rc = 0;
  std::string error;
  TVMValue ret{};
  int32_t ret_code = kTVMNullptr;
  std::string ret_str;
};

void ExecuteAsync(napi_env /*env*/, void* data) {
  auto* c = static_cast<AsyncCall*>(data);
  CallContext* prev = CurrentContext();
  CurrentContext() = &c->ctx;
  ClearLastError();
  c->rc = c->fn(c->args.values.data(), c->args.codes.data(), static_cast<int32_t>(c->args.values.size()),
                &c->ret, &c->ret_code, nullptr);
  if (c->rc != 0) c->error = FailureMessage(c->name, c->rc);
  else if (c->ret_code == kTVMStr && c->ret.v_str != nullptr) c->ret_str = c->ret.v_str;
  CurrentContext() = prev;
}

void CompleteAsync(napi_env env, napi_status status, void* data) {
  auto* c = static_cast<AsyncCall*>(data);
  for (napi_ref r : c->refs) napi_delete_reference(env, r);
  if (status != napi_ok && c->rc == 0) {
    c->rc = -1;
    c->error = "kernel '" + c->name + "': the asynchronous call was cancelled";
  }
  if (c->rc != 0) {
    napi_reject_deferred(env, c->deferred, MakeError(env, c->error));
  } else {
    napi_value out;
    std::string err;
    if (ConvertReturn(env, c->ret, c->ret_code, c->ret_str.c_str(), c->name, &out, &err)) {
      napi_resolve_deferred(env, c->deferred, out);
    } else {
      napi_reject_deferred(env, c->deferred, MakeError(env, err));
    }
  }
  napi_delete_async_work(env, c->work);
  delete c;
}

}  // namespace

// callAsync(kernel, ...values) -> Promise
napi_value CallKernelAsync(napi_env env, napi_callback_info info) {
  Argv argv;
  if (!argv.Get(env, info)) return Throw(env, "tejit callAsync: cannot read arguments");
  auto* st = static_cast<EnvState*>(argv.data);
  Kernel* k = argv.n > 0 ? GetKernel(env, argv.v[0]) : nullptr;
  if (k == nullptr) return Throw(env, "tejit callAsync: the first argument must be a kernel handle");
  auto* c = new AsyncCall();
  c->st = st;
  c->lib = k->lib;
  c->fn = k->fn;
  c->name = k->name;
  c->ctx.st = st;
  c->ctx.async = true;
  std::string err;
  if (!ParseArgs(env, st, argv.v + 1, argv.n - 1, &c->args, &err)) {
    delete c;
    return Throw(env, "kernel '" + k->name + "': " + err);
  }
  // Hold the memory itself, not only the TypedArrays: JS may transfer a buffer away (its new
  // owner may be collected) while the kernel runs on another thread.
  if (!PinArgs(st, &c->args, &err)) {
    delete c;
    return Throw(env, "kernel '" + k->name + "': " + err);
  }
  for (size_t i = 0, ti = 0; i < c->args.codes.size(); i++) {
    if (c->args.codes[i] != kTVMDLTensorHandle) continue;
    const void* store = c->args.pins[ti++].get();
    for (const void* v : st->live_views) {
      if (v == store) {
        delete c;
        return Throw(env, "kernel '" + k->name + "': " + ArgName(static_cast<int>(i)) +
                              " shows memory a kernel handed to a callback, valid only until the callback returns, so callAsync "
                              "cannot use it: copy it first (nd.array(view.toTypedArray().slice(), view.shape)) or call the kernel synchronously");
      }
    }
  }
  for (napi_value arr : c->args.arrays) {
    napi_ref r;
    napi_create_reference(env, arr, 1, &r);
    c->refs.push_back(r);
  }
  c->args.arrays.clear();
  napi_value promise, resource_name;
  napi_create_promise(env, &c->deferred, &promise);
  napi_create_string_utf8(env, "tejit.callAsync", NAPI_AUTO_LENGTH, &resource_name);
  if (napi_create_async_work(env, nullptr, resource_name, ExecuteAsync, CompleteAsync, c, &c->work) != napi_ok ||
      napi_queue_async_work(env, c->work) != napi_ok) {
    for (napi_ref r : c->refs) napi_delete_reference(env, r);
    napi_reject_deferred(env, c->deferred, MakeError(env, "kernel '" + c->name + "': cannot queue the asynchronous call"));
    delete c;
  }
  return promise;
}

}  // namespace tejit
