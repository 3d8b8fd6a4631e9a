// addon.cc: the module entry of tejit's native addon. It creates the per-environment state
// (JS thread id, the dispatcher the trampoline calls, the shared descriptor buffers, the
// threadsafe function for off-thread callbacks) and exports the functions ts/runtime/addon.ts
// wraps: library loading, kernel lookup, calls (sync, async, timed), the packed-function name
// table, the thread-pool size, 64-byte aligned ArrayBuffers for NDArrays, the file and CPU
// stamps build's warm path keys with and the cache-file reads of its hits (stamp.cc), and two
// baselines for the call-overhead benchmark; and a command run on a thread of its own
// (prefetch_run.cc: the compiler's --version, overlapping lowering).
#include <napi.h>

#include "library.h"
#include "v8_memory.h"

namespace tejit {

napi_value CallKernel(napi_env env, napi_callback_info info);
napi_value CallKernelAsync(napi_env env, napi_callback_info info);
napi_value TimeKernel(napi_env env, napi_callback_info info);
napi_value FileStamp(napi_env env, napi_callback_info info);
napi_value CpuStamp(napi_env env, napi_callback_info info);
napi_value CommandStamp(napi_env env, napi_callback_info info);
napi_value FileStampBegin(napi_env env, napi_callback_info info);
napi_value FileStampEnd(napi_env env, napi_callback_info info);
napi_value ReadOwnFile(napi_env env, napi_callback_info info);
napi_value TouchFile(napi_env env, napi_callback_info info);
napi_value CacheBytes(napi_env env, napi_callback_info info);
napi_value CacheBytesBegin(napi_env env, napi_callback_info info);
napi_value CacheBytesEnd(napi_env env, napi_callback_info info);
napi_value RunBegin(napi_env env, napi_callback_info info);
napi_value RunEnd(napi_env env, napi_callback_info info);

namespace {

EnvState* State(const Napi::CallbackInfo& info) { return static_cast<EnvState*>(info.Data()); }

std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsString()) {
    throw Napi::Error::New(info.Env(), std::string(what) + ": expected a string");
  }
  std::string s = info[i].As<Napi::String>().Utf8Value();
  // C would stop at a NUL ("safe\0evil" names "safe"); the JS side refuses these first.
  if (s.find('\0') != std::string::npos) throw Napi::Error::New(info.Env(), std::string(what) + ": the name contains a NUL character");
  return s;
}

void BindFloat64Array(Napi::Env env, Napi::Value v, napi_ref* ref, double** data, size_t* len, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::Error::New(env, std::string("init: ") + what + " must be a Float64Array");
  }
  auto a = v.As<Napi::Float64Array>();
  napi_create_reference(env, a, 1, ref);
  *data = a.Data();
  *len = a.ElementLength();
}

// init(dispatch, callbackMeta: Float64Array, callMeta: Float64Array)
Napi::Value Init(const Napi::CallbackInfo& info) {
  EnvState* st = State(info);
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsFunction()) throw Napi::Error::New(env, "init: expected (dispatch, callbackMeta, callMeta)");
  if (st->dispatcher != nullptr) throw Napi::Error::New(env, "init: the tejit runtime is already initialised in this thread");
  napi_create_reference(env, info[0], 1, &st->dispatcher);
  BindFloat64Array(env, info[1], &st->cb_meta_ref, &st->cb_meta, &st->cb_meta_len, "callbackMeta");
  BindFloat64Array(env, info[2], &st->call_meta_ref, &st->call_meta, &st->call_meta_len, "callMeta");
  return env.Undefined();
}

// declareFunc(name) -> id: the stable handle's id for a registry name.
Napi::Value DeclareFuncJs(const Napi::CallbackInfo& info) {
  FuncEntry* f = DeclareFunc(StringArg(info, 0, "declareFunc"));
  return Napi::Number::New(info.Env(), f->id);
}

// setRegistered(name, registered)
Napi::Value SetRegistered(const Napi::CallbackInfo& info) {
  FuncEntry* f = DeclareFunc(StringArg(info, 0, "setRegistered"));
  f->registered.store(info.Length() > 1 && info[1].ToBoolean().Value());
  return info.Env().Undefined();
}

// A library handle held by JS (the magic guards against being handed another External).
struct LibBox {
  static constexpr uint64_t kMagic = 0x74656a69746c6962ull;  // "tejitlib"
  uint64_t magic = kMagic;
  std::shared_ptr<Library> lib;
};

// loadLibrary(path) -> library handle
Napi::Value LoadLibrary(const Napi::CallbackInfo& info) {
  std::string path = StringArg(info, 0, "loadLibrary");
  std::string err;
  std::shared_ptr<Library> lib = OpenLibrary(path, &err);
  if (!lib) throw Napi::Error::New(info.Env(), err);
  return Napi::External<LibBox>::New(info.Env(), new LibBox{LibBox::kMagic, std::move(lib)},
                                     [](Napi::Env, LibBox* box) { delete box; });
}

std::shared_ptr<Library>& LibArg(const Napi::CallbackInfo& info) {
  LibBox* box = info.Length() > 0 && info[0].IsExternal() ? info[0].As<Napi::External<LibBox>>().Data() : nullptr;
  if (box == nullptr || box->magic != LibBox::kMagic) throw Napi::Error::New(info.Env(), "expected a library handle");
  return box->lib;
}

// libraryMetadata(lib) -> string | null
Napi::Value LibraryMetadataJs(const Napi::CallbackInfo& info) {
  const char* m = LibraryMetadata(*LibArg(info));
  if (m == nullptr) return info.Env().Null();
  return Napi::String::New(info.Env(), m);
}

// getFunction(lib, name) -> kernel handle
Napi::Value GetFunction(const Napi::CallbackInfo& info) {
  std::shared_ptr<Library>& lib = LibArg(info);
  std::string name = StringArg(info, 1, "getFunction");
  std::string err;
  TVMBackendPackedCFunc fn = FindKernel(*lib, name, &err);
  if (fn == nullptr) throw Napi::Error::New(info.Env(), err);
  auto* k = new Kernel();
  k->lib = lib;
  k->fn = fn;
  k->name = name;
  return Napi::External<Kernel>::New(info.Env(), k, [](Napi::Env, Kernel* p) { delete p; });
}

// setNumThreads(n) -> boolean (false while a parallel region runs)
Napi::Value SetNumThreadsJs(const Napi::CallbackInfo& info) {
  int n = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  return Napi::Boolean::New(info.Env(), SetNumThreads(n));
}

Napi::Value GetNumThreadsJs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), GetNumThreads());
}

// Baseline: the cheapest possible N-API call.
napi_value Noop(napi_env, napi_callback_info) { return nullptr; }

// Baseline: callJsLoop(fn, n, withArg) calls fn n times from C (napi_call_function).
// allocAligned(bytes): a zero-filled ArrayBuffer whose data is 64-byte aligned (nd.empty, nd.array).
Napi::Value AllocAligned(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double n = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(n >= 0 && n <= 9007199254740991.0) || n != static_cast<double>(static_cast<uint64_t>(n))) {
    throw Napi::Error::New(env, "allocAligned: expected a byte length (a non-negative integer)");
  }
  napi_value out;
  if (!NewAlignedBuffer(static_cast<size_t>(n), &out)) {
    throw Napi::Error::New(env, "allocAligned: out of memory allocating " + std::to_string(static_cast<uint64_t>(n)) + " bytes");
  }
  return Napi::Value(env, out);
}

// The address of a typed array's first byte (0 when it has no memory): the overlap check compares
// tensors held by distinct buffer objects over one memory (a cloned SharedArrayBuffer, a callback's
// view of kernel memory) by address. A user-space x86-64/arm64 address fits a double exactly.
Napi::Value DataAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* data = nullptr;
  size_t length = 0;
  if (info.Length() < 1 || !TypedArrayBytes(info[0], &data, &length)) {
    throw Napi::TypeError::New(env, "dataAddress: expected a typed array");
  }
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(data)));
}

Napi::Value CallJsLoop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsFunction()) throw Napi::Error::New(env, "callJsLoop(fn, n, withArg)");
  napi_value fn = info[0];
  int64_t n = info[1].As<Napi::Number>().Int64Value();
  bool with_arg = info.Length() > 2 && info[2].ToBoolean().Value();
  napi_value recv;
  napi_get_undefined(env, &recv);
  for (int64_t i = 0; i < n; i++) {
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    napi_value arg, result;
    if (with_arg) napi_create_double(env, static_cast<double>(i), &arg);
    napi_status s = napi_call_function(env, recv, fn, with_arg ? 1 : 0, &arg, &result);
    napi_close_handle_scope(env, scope);
    if (s != napi_ok) return Napi::Value();
  }
  return env.Undefined();
}

void AddRaw(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb, void* data) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, data, &fn);
  exports.Set(name, Napi::Value(env, fn));
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  auto* st = new EnvState();
  st->env = env;
  st->js_thread = std::this_thread::get_id();
  napi_set_instance_data(env, st, [](napi_env, void* data, void*) { delete static_cast<EnvState*>(data); }, nullptr);
  if (CreateThreadsafeFunction(st) != napi_ok) throw Napi::Error::New(env, "tejit: cannot create the threadsafe function");
  auto add = [&](const char* name, Napi::Function::Callback cb) {
    exports.Set(name, Napi::Function::New(env, cb, name, st));
  };
  add("init", Init);
  add("declareFunc", DeclareFuncJs);
  add("setRegistered", SetRegistered);
  add("loadLibrary", LoadLibrary);
  add("libraryMetadata", LibraryMetadataJs);
  add("getFunction", GetFunction);
  add("setNumThreads", SetNumThreadsJs);
  add("getNumThreads", GetNumThreadsJs);
  add("callJsLoop", CallJsLoop);
  add("allocAligned", AllocAligned);
  add("dataAddress", DataAddress);
  AddRaw(env, exports, "call", CallKernel, st);
  AddRaw(env, exports, "callAsync", CallKernelAsync, st);
  AddRaw(env, exports, "timeCall", TimeKernel, st);
  AddRaw(env, exports, "noop", Noop, nullptr);
  AddRaw(env, exports, "fileStamp", FileStamp, nullptr);
  AddRaw(env, exports, "cpuStamp", CpuStamp, nullptr);
  AddRaw(env, exports, "commandStamp", CommandStamp, nullptr);
  AddRaw(env, exports, "fileStampBegin", FileStampBegin, nullptr);
  AddRaw(env, exports, "fileStampEnd", FileStampEnd, nullptr);
  AddRaw(env, exports, "readOwnFile", ReadOwnFile, nullptr);
  AddRaw(env, exports, "touchFile", TouchFile, nullptr);
  AddRaw(env, exports, "cacheBytes", CacheBytes, nullptr);
  AddRaw(env, exports, "cacheBytesBegin", CacheBytesBegin, nullptr);
  AddRaw(env, exports, "cacheBytesEnd", CacheBytesEnd, nullptr);
  AddRaw(env, exports, "runBegin", RunBegin, nullptr);
  AddRaw(env, exports, "runEnd", RunEnd, nullptr);
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

// The layouts generated code relies on (REFERENCE.md, "The packed C ABI").
static_assert(sizeof(TVMValue) == 8, "TVMValue is 8 bytes");
static_assert(sizeof(DLTensor) == 48, "DLTensor is 48 bytes");
static_assert(offsetof(DLTensor, device) == 8 && offsetof(DLTensor, ndim) == 16 && offsetof(DLTensor, dtype) == 20 &&
                  offsetof(DLTensor, shape) == 24 && offsetof(DLTensor, strides) == 32 &&
                  offsetof(DLTensor, byte_offset) == 40,
              "DLTensor field offsets");
static_assert(sizeof(TVMParallelGroupEnv) == 16, "TVMParallelGroupEnv layout");

}  // namespace
}  // namespace tejit

Napi::Object TejitInit(Napi::Env env, Napi::Object exports) { return tejit::InitModule(env, exports); }
NODE_API_MODULE(tejit, TejitInit)
