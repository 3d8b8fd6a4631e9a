// library.h: a loaded kernel library (dlopen handle, path, module context) and a kernel (a
// packed-ABI function in one), shared by the loader and the call paths.
#pragma once

#include <memory>
#include <string>

#include "runtime.h"

namespace tejit {

struct Library;

// What __tvm_module_ctx points to: opaque to kernels, handed back to GetFuncFromEnv.
struct ModuleCtx {
  static constexpr uint64_t kMagic = 0x74656a69746d6f64ull;  // "tejitmod"
  uint64_t magic = kMagic;
  Library* lib = nullptr;
};

struct Library {
  void* handle = nullptr;
  std::string path;
  ModuleCtx ctx;
  ~Library();
};

// dlopens `path` (RTLD_NOW | RTLD_LOCAL) and fills the library's runtime globals; the same
// dlopen handle always maps to the same Library while it is alive. nullptr + *err on failure.
std::shared_ptr<Library> OpenLibrary(const std::string& path, std::string* err);

// The JSON string of `const char __tejit_metadata[]`, or nullptr.
const char* LibraryMetadata(const Library& lib);

struct Kernel {
  static constexpr uint64_t kMagic = 0x74656a69746b726eull;  // "tejitkrn"
  uint64_t magic = kMagic;
  std::shared_ptr<Library> lib;  // keeps the library loaded while the function is reachable
  TVMBackendPackedCFunc fn = nullptr;
  std::string name;
};

// Looks up a packed function; nullptr + *err when missing or a runtime global.
TVMBackendPackedCFunc FindKernel(const Library& lib, const std::string& name, std::string* err);

}  // namespace tejit
