// v8_memory.h: the things about ArrayBuffer memory that N-API cannot express (or not cheaply), done with
// V8's own API (native/v8_memory.cc is the only file that includes v8.h):
// - a Pin holds an ArrayBuffer's backing store, so the memory a kernel was given stays allocated
//   even if JS transfers the buffer away (structuredClone / postMessage) and the new owner is
//   garbage-collected while the kernel still runs;
// - NewViewBuffer wraps kernel memory in an ArrayBuffer whose backing store has no finalizer to
//   run on the event loop (napi_create_external_arraybuffer goes through node::Buffer, whose
//   finalizer waits for the event loop, so a synchronous loop of callbacks accumulated them).
//   It is not given a detach key: Node 20's own code (web streams, structuredClone) detaches
//   with an empty key and aborts the process when that fails. The trampoline marks it
//   untransferable instead (a transfer copies it) and detaches it when the callback returns;
// - NewAlignedBuffer makes a zero-filled ArrayBuffer whose memory starts on a 64-byte boundary
//   (nd.empty and nd.array allocate through it), freed by its backing store's deleter when V8
//   collects it (from any thread: free and munmap are thread-safe);
// - TypedArrayBytes reads a kernel argument's data pointer and byte length in one step.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <memory>

namespace v8 {
class BackingStore;
}

namespace tejit {

using Pin = std::shared_ptr<v8::BackingStore>;

// The backing store of a TypedArray's buffer (empty when the value is not a TypedArray). Must be
// called on the JS thread inside a handle scope.
Pin PinTypedArray(napi_value typed_array);

// A TypedArray's data pointer (its buffer's memory plus its byte offset) and length in bytes, as
// napi_get_typedarray_info gives them without the element-type tests a kernel call does not need
// (the bytes are what call.cc checks); false when the value is not a TypedArray. A detached
// buffer has length 0. On the JS thread, inside a handle scope.
bool TypedArrayBytes(napi_value typed_array, void** data, size_t* byte_length);

// The start of a pinned backing store's memory (nullptr when it has none, e.g. detached).
void* PinnedData(const Pin& pin);

// An ArrayBuffer over [data, data + length) (not owned); *store is its backing store (compare with
// PinTypedArray(...).get(); after DetachViewBuffer, a use_count() above 1 means that something
// moved the memory into another ArrayBuffer).
bool NewViewBuffer(void* data, size_t length, napi_value* out, Pin* store);

// Detaches a buffer made by NewViewBuffer (no-op if it is already detached).
void DetachViewBuffer(napi_value buffer);

// Alignment (bytes) of the memory of NewAlignedBuffer: a cache line, the widest vector.
constexpr size_t kArrayAlign = 64;

// A new zero-filled ArrayBuffer of `length` bytes whose data is kArrayAlign-aligned; false when
// the memory cannot be allocated.
bool NewAlignedBuffer(size_t length, napi_value* out);

}  // namespace tejit
