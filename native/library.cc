// library.cc: dlopen/dlsym/dlclose of kernel libraries. After dlopen the loader stores the
// runtime entry points into every function-pointer global the library defines (see
// tejit_abi.h) and points __tvm_module_ctx at the library's context, so kernels need no symbols
// from the addon at link time. The library is dlclosed when the last Module or function
// referring to it is garbage-collected.
#include "library.h"

#include <dlfcn.h>

#include <cstring>
#include <unordered_map>

namespace tejit {

namespace {
std::mutex libs_mu;
std::unordered_map<void*, std::weak_ptr<Library>> libs;

void FillGlobals(Library* lib) {
  const RuntimeTable& rt = Runtime();
  struct Slot {
    const char* name;
    void* value;
  } slots[] = {
      {TEJIT_SYM_MODULE_CTX, &lib->ctx},
      {TEJIT_SYM_FUNC_CALL, rt.func_call},
      {TEJIT_SYM_GET_FUNC_FROM_ENV, rt.get_func_from_env},
      {TEJIT_SYM_SET_LAST_ERROR, rt.set_last_error},
      {TEJIT_SYM_ALLOC_WORKSPACE, rt.alloc_workspace},
      {TEJIT_SYM_FREE_WORKSPACE, rt.free_workspace},
      {TEJIT_SYM_PARALLEL_LAUNCH, rt.parallel_launch},
      {TEJIT_SYM_PARALLEL_BARRIER, rt.parallel_barrier},
  };
  for (const Slot& s : slots) {
    void* addr = dlsym(lib->handle, s.name);
    if (addr != nullptr) *static_cast<void**>(addr) = s.value;
  }
}

bool IsRuntimeSymbol(const std::string& name) {
  static const char* names[] = {TEJIT_SYM_MODULE_CTX,     TEJIT_SYM_FUNC_CALL,       TEJIT_SYM_GET_FUNC_FROM_ENV,
                                TEJIT_SYM_SET_LAST_ERROR, TEJIT_SYM_ALLOC_WORKSPACE, TEJIT_SYM_FREE_WORKSPACE,
                                TEJIT_SYM_PARALLEL_LAUNCH, TEJIT_SYM_PARALLEL_BARRIER, TEJIT_SYM_METADATA};
  for (const char* n : names)
    if (name == n) return true;
  return false;
}
}  // namespace

Library::~Library() {
  if (handle != nullptr) dlclose(handle);
}

std::shared_ptr<Library> OpenLibrary(const std::string& path, std::string* err) {
  std::lock_guard<std::mutex> g(libs_mu);
  dlerror();
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    const char* e = dlerror();
    *err = "cannot load library " + path + ": " + (e ? e : "unknown dlopen error");
    return nullptr;
  }
  for (auto it = libs.begin(); it != libs.end();) {
    if (it->second.expired()) it = libs.erase(it);
    else ++it;
  }
  auto it = libs.find(h);
  if (it != libs.end()) {
    if (auto existing = it->second.lock()) {
      dlclose(h);  // drop the extra reference this dlopen took
      return existing;
    }
  }
  auto lib = std::make_shared<Library>();
  lib->handle = h;
  lib->path = path;
  lib->ctx.lib = lib.get();
  FillGlobals(lib.get());
  libs[h] = lib;
  return lib;
}

const char* LibraryMetadata(const Library& lib) {
  return static_cast<const char*>(dlsym(lib.handle, TEJIT_SYM_METADATA));
}

TVMBackendPackedCFunc FindKernel(const Library& lib, const std::string& name, std::string* err) {
  if (IsRuntimeSymbol(name)) {
    *err = "'" + name + "' is a runtime variable of the library, not a function";
    return nullptr;
  }
  dlerror();
  void* sym = dlsym(lib.handle, name.c_str());
  if (sym == nullptr) {
    *err = "library " + lib.path + " has no function '" + name + "'";
    return nullptr;
  }
  return reinterpret_cast<TVMBackendPackedCFunc>(sym);
}

}  // namespace tejit
