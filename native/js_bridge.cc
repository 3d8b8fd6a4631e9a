// js_bridge.cc: the trampoline from kernels to JavaScript packed functions. A call is run on the
// JS thread, always: directly when the kernel runs there, through the synchronous call's queue
// when it comes from a pool worker (the JS thread services it while waiting for the region), or
// through the environment's threadsafe function when the kernel runs off the JS thread
// (callAsync). On the JS thread DLTensor arguments become ArrayBuffers over the tensor's memory
// (v8_memory.h: no finalizer waits for the event loop, so a synchronous loop of callbacks keeps
// memory flat), described in a shared Float64Array for the JS dispatcher, which builds the
// NDArray views; when the callback returns the buffers are detached (and the views marked
// released by the dispatcher). Before JS runs, the arguments of the synchronous calls in progress
// are pinned (PinActiveCalls), so a callback that transfers one away cannot free memory a kernel
// still uses. A throwing callback makes the call return -1 with its message.
#include <cmath>
#include <cstring>

#include "runtime.h"

namespace tejit {

namespace {

constexpr double kMaxSafe = 9007199254740991.0;  // 2^53 - 1

std::string ValueToMessage(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return "(unknown error)";
  napi_value s = v;
  bool is_error = false;
  napi_is_error(env, v, &is_error);
  if (is_error) {
    napi_value m;
    napi_valuetype mt;
    if (napi_get_named_property(env, v, "message", &m) == napi_ok && napi_typeof(env, m, &mt) == napi_ok &&
        mt == napi_string) {
      s = m;
    }
  }
  if (s == v && napi_coerce_to_string(env, v, &s) != napi_ok) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    return "(a value that cannot be converted to a string)";
  }
  size_t len = 0;
  napi_get_value_string_utf8(env, s, nullptr, 0, &len);
  std::string out(len, '\0');
  napi_get_value_string_utf8(env, s, out.data(), len + 1, &len);
  return out;
}

napi_value MakeInt(napi_env env, int64_t v) {
  napi_value r;
  if (std::fabs(static_cast<double>(v)) <= kMaxSafe) napi_create_double(env, static_cast<double>(v), &r);
  else napi_create_bigint_int64(env, v, &r);
  return r;
}

napi_value MakeUInt(napi_env env, uint64_t v) {
  napi_value r;
  if (static_cast<double>(v) <= kMaxSafe) napi_create_double(env, static_cast<double>(v), &r);
  else napi_create_bigint_uint64(env, v, &r);
  return r;
}

// Builds the ArrayBuffer over a DLTensor and appends its descriptor to meta:
// [dtype code, bits, lanes, byteOffset, ndim, shape..., strides...].
bool MakeTensorView(napi_env env, const DLTensor* t, double* meta, size_t cap, size_t* pos,
                    napi_value* out, Pin* store, std::string* err) {
  if (t == nullptr) {
    *err = "is a NULL DLTensor";
    return false;
  }
  if (t->device.device_type != kDLCPU) {
    *err = "is on device type " + std::to_string(t->device.device_type) + ", expected CPU (1)";
    return false;
  }
  if (t->ndim < 0 || t->ndim > 64 || (t->ndim > 0 && t->shape == nullptr)) {
    *err = "has a bad ndim/shape (ndim " + std::to_string(t->ndim) + ")";
    return false;
  }
  int64_t elem = (static_cast<int64_t>(t->dtype.bits) * t->dtype.lanes + 7) / 8;
  if (elem <= 0) {
    *err = "has a zero-sized dtype";
    return false;
  }
  size_t need = 5 + 2 * static_cast<size_t>(t->ndim);
  if (*pos + need > cap) {
    *err = "does not fit the callback descriptor buffer (too many tensor dimensions in one call)";
    return false;
  }
  int64_t size = 1, lo = 0, hi = 0, compact = 1;
  double* m = meta + *pos;
  double* shape_out = m + 5;
  double* strides_out = m + 5 + t->ndim;
  for (int d = t->ndim - 1; d >= 0; d--) {
    int64_t n = t->shape[d];
    if (n < 0) {
      *err = "has a negative extent in dimension " + std::to_string(d);
      return false;
    }
    int64_t s = t->strides ? t->strides[d] : compact;
    compact *= n;
    size *= n;
    shape_out[d] = static_cast<double>(n);
    strides_out[d] = static_cast<double>(s);
    if (n > 0) {
      int64_t span = (n - 1) * s;
      if (span < 0) lo += span;
      else hi += span;
    }
  }
  int64_t bo = static_cast<int64_t>(t->byte_offset);
  int64_t js_offset = 0;
  bool made;
  store->reset();
  if (size == 0) {
    void* unused;
    made = napi_create_arraybuffer(env, 0, &unused, out) == napi_ok;
  } else {
    if (t->data == nullptr) {
      *err = "has a NULL data pointer";
      return false;
    }
    char* base = static_cast<char*>(t->data);
    int64_t len;
    if (bo % elem == 0 && bo / elem + lo >= 0) {
      js_offset = bo;
      len = bo + (hi + 1) * elem;
    } else {  // rebase so that the view starts at its lowest element
      base += bo + lo * elem;
      js_offset = -lo * elem;
      len = (hi - lo + 1) * elem;
    }
    made = NewViewBuffer(base, static_cast<size_t>(len), out, store);
  }
  if (!made) {
    *err = "could not be wrapped in an ArrayBuffer";
    return false;
  }
  m[0] = t->dtype.code;
  m[1] = t->dtype.bits;
  m[2] = t->dtype.lanes;
  m[3] = static_cast<double>(js_offset);
  m[4] = t->ndim;
  *pos += need;
  return true;
}

bool ConvertResult(napi_env env, napi_value v, JsResult* out, const std::string& fname) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  switch (t) {
    case napi_undefined:
    case napi_null:
      out->code = kTVMNullptr;
      out->value.v_handle = nullptr;
      return true;
    case napi_boolean: {
      bool b;
      napi_get_value_bool(env, v, &b);
      out->code = kTVMArgInt;
      out->value.v_int64 = b ? 1 : 0;
      return true;
    }
    case napi_number: {
      double d;
      napi_get_value_double(env, v, &d);
      if (std::trunc(d) == d && std::fabs(d) <= 9.2e18) {
        out->code = kTVMArgInt;
        out->value.v_int64 = static_cast<int64_t>(d);
      } else {
        out->code = kTVMArgFloat;
        out->value.v_float64 = d;
      }
      return true;
    }
    case napi_bigint: {
      bool lossless;
      int64_t i;
      napi_get_value_bigint_int64(env, v, &i, &lossless);
      if (lossless) {
        out->code = kTVMArgInt;
        out->value.v_int64 = i;
        return true;
      }
      uint64_t u;
      napi_get_value_bigint_uint64(env, v, &u, &lossless);
      if (lossless) {
        out->code = kTVMArgUInt;
        out->value.v_int64 = static_cast<int64_t>(u);
        return true;
      }
      out->error = "packed function '" + fname + "' returned a bigint outside the 64-bit range";
      return false;
    }
    case napi_string: {
      size_t len = 0;
      napi_get_value_string_utf8(env, v, nullptr, 0, &len);
      out->str.assign(len, '\0');
      napi_get_value_string_utf8(env, v, out->str.data(), len + 1, &len);
      out->code = kTVMStr;
      return true;
    }
    default:
      out->error = "packed function '" + fname +
                   "' returned a value that is not a number, bigint, boolean, string or undefined";
      return false;
  }
}

}  // namespace

void InvokeJs(EnvState* st, FuncEntry* f, const TVMValue* args, const int32_t* codes,
              int32_t num_args, JsResult* out) {
  napi_env env = st->env;
  out->rc = -1;
  if (st->dispatcher == nullptr) {
    out->error = "packed function '" + f->name + "': the tejit runtime was not initialised";
    return;
  }
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) {
    out->error = "packed function '" + f->name + "': cannot open a JS handle scope";
    return;
  }
  constexpr size_t kStack = 16;
  napi_value argv_stack[kStack];
  std::vector<napi_value> argv_heap;
  const size_t argc = static_cast<size_t>(num_args) + 1;
  napi_value* argv = argv_stack;
  if (argc > kStack) {
    argv_heap.resize(argc);
    argv = argv_heap.data();
  }
  // The views made for this call: their buffers, backing stores and argument indices.
  struct ViewSlot {
    napi_value buffer;
    Pin store;
    int32_t arg;
  };
  constexpr size_t kStackViews = 8;
  ViewSlot views_stack[kStackViews];
  std::vector<ViewSlot> views_heap;
  size_t nviews = 0;
  const size_t live_before = st->live_views.size();
  size_t pos = 0;
  bool ok = true;
  napi_create_int32(env, f->id, &argv[0]);
  // JS is about to run inside the kernel calls in progress here: hold their arguments' memory.
  PinActiveCalls(st);
  for (int32_t i = 0; i < num_args && ok; i++) {
    napi_value& v = argv[i + 1];
    switch (codes[i]) {
      case kTVMArgInt: v = MakeInt(env, args[i].v_int64); break;
      case kTVMArgUInt: v = MakeUInt(env, static_cast<uint64_t>(args[i].v_int64)); break;
      case kTVMArgFloat: napi_create_double(env, args[i].v_float64, &v); break;
      case kTVMNullptr: napi_get_null(env, &v); break;
      case kTVMStr:
        if (args[i].v_str == nullptr) napi_get_null(env, &v);
        else napi_create_string_utf8(env, args[i].v_str, NAPI_AUTO_LENGTH, &v);
        break;
      case kTVMOpaqueHandle:
        if (args[i].v_handle == nullptr) napi_get_null(env, &v);
        else napi_create_bigint_uint64(env, reinterpret_cast<uintptr_t>(args[i].v_handle), &v);
        break;
      case kTVMDLTensorHandle:
      case kTVMNDArrayHandle: {
        std::string err;
        Pin store;
        if (!MakeTensorView(env, static_cast<const DLTensor*>(args[i].v_handle), st->cb_meta,
                            st->cb_meta_len, &pos, &v, &store, &err)) {
          out->error = "argument " + std::to_string(i) + " of packed function '" + f->name + "' " + err;
          ok = false;
          break;
        }
        if (!store) break;  // an empty tensor: a plain zero-length buffer, nothing to release
        st->live_views.push_back(store.get());
        if (nviews == kStackViews) {
          views_heap.reserve(2 * kStackViews);
          for (ViewSlot& slot : views_stack) views_heap.push_back(std::move(slot));
        }
        ViewSlot slot{v, std::move(store), i};
        if (nviews < kStackViews) views_stack[nviews] = std::move(slot);
        else views_heap.push_back(std::move(slot));
        nviews++;
        break;
      }
      default:
        out->error = "argument " + std::to_string(i) + " of packed function '" + f->name +
                     "' has type code " + std::to_string(codes[i]) +
                     ", which JS callbacks do not accept (int, uint, float, string, null, handle, DLTensor)";
        ok = false;
    }
  }
  if (ok) {
    napi_value global, result;
    napi_value dispatcher;
    napi_get_global(env, &global);
    napi_get_reference_value(env, st->dispatcher, &dispatcher);
    napi_status status = napi_call_function(env, global, dispatcher, argc, argv, &result);
    if (status == napi_pending_exception) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      out->error = "packed function '" + f->name + "' threw: " + ValueToMessage(env, exc);
    } else if (status != napi_ok) {
      out->error = "packed function '" + f->name + "' could not be called (N-API status " +
                   std::to_string(status) + ")";
    } else if (ConvertResult(env, result, out, f->name)) {
      out->rc = 0;
    }
  }
  // Release the views (also when building one failed): their buffers are detached, so the kernel
  // memory they showed is unreachable from JS once the callback has returned. A backing store
  // with another owner left was moved out by an API that ignores the untransferable mark (Node's
  // web byte streams: enqueue, BYOB reads): the memory escaped, and the call fails loudly.
  ViewSlot* views = nviews <= kStackViews ? views_stack : views_heap.data();
  std::string escaped;
  for (size_t v = 0; v < nviews; v++) {
    DetachViewBuffer(views[v].buffer);
    if (views[v].store.use_count() > 1) escaped += (escaped.empty() ? "" : ", ") + std::to_string(views[v].arg);
    views[v].store.reset();
  }
  if (!escaped.empty()) {
    out->rc = -1;
    out->error = "packed function '" + f->name + "' let the memory of its view argument " + escaped +
                 " escape: an API moved the view's ArrayBuffer to a new owner (as web byte streams do in enqueue and "
                 "BYOB reads), which would outlive the kernel's memory; pass a copy instead (view.toTypedArray().slice())";
  }
  st->live_views.resize(live_before);
  napi_close_handle_scope(env, scope);
}

namespace {

// Marks a request done and wakes its thread. The notify happens under the lock and the waiter
// takes the lock before it returns, so the request (on the waiter's stack) outlives both.
void Complete(JsRequest* req) {
  std::lock_guard<std::mutex> g(req->mu);
  req->done.store(true, std::memory_order_release);
  req->cv.notify_one();
}

void WaitDone(JsRequest* req) {
  SpinUntil([&] { return req->done.load(std::memory_order_acquire); });
  std::unique_lock<std::mutex> lk(req->mu);
  req->cv.wait(lk, [&] { return req->done.load(); });
}

}  // namespace

void ServiceUntil(CallContext* ctx, const std::atomic<bool>* done) {
  for (;;) {
    SpinUntil([&] { return ctx->pending.load(std::memory_order_acquire) > 0 || done->load(std::memory_order_acquire); });
    JsRequest* req = nullptr;
    {
      std::unique_lock<std::mutex> lk(ctx->mu);
      ctx->cv.wait(lk, [&] { return ctx->head != nullptr || done->load(); });
      if (ctx->head == nullptr) return;  // done, and nothing left to service
      req = ctx->head;
      ctx->head = req->next;
      if (ctx->head == nullptr) ctx->tail = nullptr;
      ctx->pending--;
    }
    InvokeJs(ctx->st, req->func, req->args, req->codes, req->num_args, &req->result);
    Complete(req);
  }
}

namespace {

void TsfnCallJs(napi_env env, napi_value /*js_cb*/, void* context, void* data) {
  auto* st = static_cast<EnvState*>(context);
  auto* req = static_cast<JsRequest*>(data);
  if (env == nullptr) {
    req->result.rc = -1;
    req->result.error = "packed function '" + req->func->name + "': the JS environment is shutting down";
  } else {
    InvokeJs(st, req->func, req->args, req->codes, req->num_args, &req->result);
  }
  Complete(req);
}

thread_local std::string tls_ret_str;

}  // namespace

napi_status CreateThreadsafeFunction(EnvState* st) {
  napi_value name;
  napi_status s = napi_create_string_utf8(st->env, "tejit.packedCall", NAPI_AUTO_LENGTH, &name);
  if (s != napi_ok) return s;
  s = napi_create_threadsafe_function(st->env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, st,
                                      TsfnCallJs, &st->tsfn);
  if (s != napi_ok) return s;
  return napi_unref_threadsafe_function(st->env, st->tsfn);
}

int32_t CallPacked(FuncEntry* f, const TVMValue* args, const int32_t* codes, int32_t num_args,
                   TVMValue* ret, int32_t* ret_code) {
  if (!f->registered.load()) {
    SetLastError("packed function '" + f->name + "' was removed from the registry");
    return -1;
  }
  CallContext* ctx = CurrentContext();
  if (ctx == nullptr) {
    SetLastError("packed function '" + f->name +
                 "' was called outside a tejit kernel call, from a thread with no way to reach JS");
    return -1;
  }
  JsResult direct;
  JsRequest req;
  JsResult* res;
  if (!ctx->async && std::this_thread::get_id() == ctx->st->js_thread) {
    InvokeJs(ctx->st, f, args, codes, num_args, &direct);
    res = &direct;
  } else {
    req.func = f;
    req.args = args;
    req.codes = codes;
    req.num_args = num_args;
    if (ctx->async) {
      if (napi_call_threadsafe_function(ctx->st->tsfn, &req, napi_tsfn_blocking) != napi_ok) {
        SetLastError("packed function '" + f->name + "': cannot reach the JS thread (environment closing)");
        return -1;
      }
    } else {
      {
        std::lock_guard<std::mutex> g(ctx->mu);
        if (ctx->tail) ctx->tail->next = &req;
        else ctx->head = &req;
        ctx->tail = &req;
        ctx->pending++;
      }
      ctx->cv.notify_all();
    }
    WaitDone(&req);
    res = &req.result;
  }
  if (res->rc != 0) {
    SetLastError(res->error);
    return -1;
  }
  *ret_code = res->code;
  if (res->code == kTVMStr) {
    tls_ret_str = std::move(res->str);
    ret->v_str = tls_ret_str.c_str();
  } else {
    *ret = res->value;
  }
  return 0;
}

}  // namespace tejit
