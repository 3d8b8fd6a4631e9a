// v8_memory.cc: backing-store pins and callback-view buffers with V8's API (see v8_memory.h).
// A napi_value is, in Node, a v8::Local<v8::Value> in disguise (node's own N-API implementation
// converts between the two by copying the pointer); the conversions below rely on that and are
// checked by size. Everything here runs on the JS thread of the environment, in a handle scope.
#include "v8_memory.h"

#include <v8.h>

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

namespace tejit {

namespace {

static_assert(sizeof(napi_value) == sizeof(v8::Local<v8::Value>), "napi_value is a v8::Local");

v8::Local<v8::Value> ToV8(napi_value v) {
  v8::Local<v8::Value> local;
  std::memcpy(static_cast<void*>(&local), &v, sizeof v);
  return local;
}

napi_value FromV8(v8::Local<v8::Value> local) {
  napi_value v;
  std::memcpy(&v, static_cast<void*>(&local), sizeof v);
  return v;
}

// From this size on, aligned arrays are mapped pages: page-aligned, zero-filled lazily by the
// kernel (what calloc does for large blocks), instead of aligned_alloc plus a memset.
constexpr size_t kMapThreshold = size_t(1) << 20;

void FreeAligned(void* data, size_t length, void* mapped) {
  if (data == nullptr) return;
  if (mapped != nullptr) munmap(data, length);
  else std::free(data);
}

}  // namespace

Pin PinTypedArray(napi_value typed_array) {
  v8::Local<v8::Value> v = ToV8(typed_array);
  if (v.IsEmpty() || !v->IsTypedArray()) return nullptr;
  return v.As<v8::TypedArray>()->Buffer()->GetBackingStore();
}

bool TypedArrayBytes(napi_value typed_array, void** data, size_t* byte_length) {
  v8::Local<v8::Value> v = ToV8(typed_array);
  if (v.IsEmpty() || !v->IsTypedArray()) return false;
  v8::Local<v8::TypedArray> a = v.As<v8::TypedArray>();
  *byte_length = a->ByteLength();  // 0 once detached
  char* base = static_cast<char*>(a->Buffer()->Data());
  *data = base == nullptr ? nullptr : base + a->ByteOffset();
  return true;
}

void* PinnedData(const Pin& pin) { return pin ? pin->Data() : nullptr; }

bool NewViewBuffer(void* data, size_t length, napi_value* out, Pin* store_out) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  if (isolate == nullptr) return false;
  std::shared_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(data, length, v8::BackingStore::EmptyDeleter, nullptr);
  *store_out = store;
  v8::Local<v8::ArrayBuffer> ab = v8::ArrayBuffer::New(isolate, std::move(store));
  *out = FromV8(ab);
  return true;
}

void DetachViewBuffer(napi_value buffer) {
  v8::Local<v8::Value> v = ToV8(buffer);
  if (v.IsEmpty() || !v->IsArrayBuffer()) return;
  v8::Local<v8::ArrayBuffer> ab = v.As<v8::ArrayBuffer>();
  if (ab->WasDetached()) return;
  ab->Detach(v8::Local<v8::Value>()).Check();  // no key was set, so this cannot fail
}

bool NewAlignedBuffer(size_t length, napi_value* out) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  if (isolate == nullptr) return false;
  void* data = nullptr;
  void* mapped = nullptr;
  if (length >= kMapThreshold) {
    data = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) return false;
    mapped = data;
  } else {
    size_t size = (length + kArrayAlign - 1) / kArrayAlign * kArrayAlign;
    data = std::aligned_alloc(kArrayAlign, size == 0 ? kArrayAlign : size);
    if (data == nullptr) return false;
    std::memset(data, 0, size == 0 ? kArrayAlign : size);
  }
  std::shared_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(data, length, FreeAligned, mapped);
  *out = FromV8(v8::ArrayBuffer::New(isolate, std::move(store)));
  return true;
}

}  // namespace tejit
