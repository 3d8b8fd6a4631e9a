// stamp.cc: fileStamp(paths) -> string, the identity of files and directory trees as their
// stat records: for every regular file under each path (a file itself, or every file below a
// directory, recursively, symlinks not followed), its path, size, modification time (ns) and
// inode, sorted. build()'s warm path (ts/runtime/build_stamp.ts) keys its cache with the stamp
// of tejit's own code and of the C compiler's executables, so an edited compiler pass or an
// upgraded compiler never finds a library built by the old one. Stat records rather than
// contents: the walk must cost well under a millisecond; a missing path gives "missing". Also
// the walk on a thread of its own (fileStampBegin/End), and the two file operations of a warm
// build's cache hit in one call each (readOwnFile, touchFile), and the cache's size (cacheBytes).
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__linux__)
#include <sys/auxv.h>
#endif

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <node_api.h>

#include "thread_job.h"

namespace tejit {

namespace {

void Record(const std::string& path, const struct stat& st, std::vector<std::string>* out) {
  out->push_back(path + '\0' + std::to_string(st.st_size) + '\0' + std::to_string(st.st_mtim.tv_sec) + '.' +
                 std::to_string(st.st_mtim.tv_nsec) + '\0' + std::to_string(st.st_ino) + '\0' +
                 std::to_string(st.st_mode) + '\n');
}

void Walk(const std::string& dir, int depth, std::vector<std::string>* out) {
  if (depth > 32) return;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    out->push_back(dir + std::string("\0unreadable\n", 12));
    return;
  }
  while (struct dirent* e = readdir(d)) {
    const char* n = e->d_name;
    if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'))) continue;
    std::string p = dir + '/' + n;
    struct stat st;
    if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) Walk(p, depth + 1, out);
    else Record(p, st, out);
  }
  closedir(d);
}

// The records of `path` (a file or a tree), sorted.
void StampPath(const std::string& path, std::vector<std::string>* records) {
  std::vector<std::string> recs;
  struct stat st;
  if (path.find('\0') != std::string::npos || lstat(path.c_str(), &st) != 0) recs.push_back(path + std::string("\0missing\n", 9));
  else if (S_ISDIR(st.st_mode)) Walk(path, 0, &recs);
  else Record(path, st, &recs);
  std::sort(recs.begin(), recs.end());
  records->insert(records->end(), recs.begin(), recs.end());
}

// Where a shell finds `word`: itself when it has a '/', else the first executable regular file
// of that name in $PATH; "" when nowhere.
std::string Which(const std::string& word) {
  if (word.find('/') != std::string::npos) return word;
  const char* env = getenv("PATH");
  std::string path = env == nullptr ? "" : env;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    start = end + 1;
    if (dir.empty()) continue;
    std::string p = dir + '/' + word;
    struct stat st;
    if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

bool StringArray(napi_env env, napi_value arg, std::vector<std::string>* out) {
  bool is_array = false;
  if (napi_is_array(env, arg, &is_array) != napi_ok || !is_array) return false;
  uint32_t n = 0;
  napi_get_array_length(env, arg, &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    size_t len = 0;
    napi_get_element(env, arg, i, &v);
    if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return false;
    std::string s(len, '\0');
    napi_get_value_string_utf8(env, v, s.data(), len + 1, &len);
    out->push_back(std::move(s));
  }
  return true;
}

napi_value Join(napi_env env, const std::vector<std::string>& records) {
  std::string all;
  for (const std::string& r : records) all += r;
  napi_value out;
  napi_create_string_utf8(env, all.data(), all.size(), &out);
  return out;
}

}  // namespace

// commandStamp(words: string[]) -> string: for each word of a command line that is not an
// option, the executable it runs (found in $PATH as execvp would) and, when that is a symlink,
// its real path, each with its stat records.
napi_value CommandStamp(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  std::vector<std::string> words;
  if (argc < 1 || !StringArray(env, arg, &words)) {
    napi_throw_type_error(env, nullptr, "commandStamp: expected an array of strings");
    return nullptr;
  }
  std::vector<std::string> records;
  for (const std::string& w : words) {
    if (w.empty() || w[0] == '-' || w.find('\0') != std::string::npos) continue;
    std::string exe = Which(w);
    if (exe.empty()) continue;
    records.push_back("exe " + w + " = " + exe + "\n");
    StampPath(exe, &records);
    char real[PATH_MAX];
    if (realpath(exe.c_str(), real) != nullptr && exe != real) StampPath(real, &records);
  }
  return Join(env, records);
}

// cpuStamp() -> string: what the CPU supports, as -march=native sees it: the CPUID leaves of
// vendor, family/model and features (without the per-core APIC id) and the OS-enabled register
// state (XCR0) on x86; the hardware capability words elsewhere. Microseconds, unlike reading
// /proc/cpuinfo.
napi_value CpuStamp(napi_env env, napi_callback_info info) {
  std::string s;
  char buf[64];
#if defined(__x86_64__) || defined(__i386__)
  const unsigned leaves[][2] = {{0, 0}, {1, 0}, {7, 0}, {7, 1}, {0xd, 0}, {0x80000001, 0}, {0x80000002, 0}, {0x80000003, 0}, {0x80000004, 0}};
  unsigned max = __get_cpuid_max(0, nullptr), ext = __get_cpuid_max(0x80000000, nullptr);
  bool osxsave = false;
  for (const auto& ls : leaves) {
    unsigned leaf = ls[0];
    if (leaf < 0x80000000 ? leaf > max : leaf > ext) continue;
    unsigned a = 0, b = 0, c = 0, d = 0;
    __cpuid_count(leaf, ls[1], a, b, c, d);
    if (leaf == 1) {
      b &= 0xffffu;  // bits 16..31: the core's APIC id and logical count
      osxsave = (c >> 27) & 1;
    }
    std::snprintf(buf, sizeof buf, "%x.%x:%08x%08x%08x%08x\n", leaf, ls[1], a, b, c, d);
    s += buf;
  }
  if (osxsave) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    std::snprintf(buf, sizeof buf, "xcr0:%08x%08x\n", hi, lo);
    s += buf;
  }
#elif defined(__linux__)
  std::snprintf(buf, sizeof buf, "hwcap:%lx:%lx\n", getauxval(AT_HWCAP), getauxval(AT_HWCAP2));
  s += buf;
#endif
  napi_value out;
  napi_create_string_utf8(env, s.data(), s.size(), &out);
  return out;
}

// fileStamp(paths: string[]) -> string
napi_value FileStamp(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  std::vector<std::string> paths;
  if (argc < 1 || !StringArray(env, arg, &paths)) {
    napi_throw_type_error(env, nullptr, "fileStamp: expected an array of paths");
    return nullptr;
  }
  std::vector<std::string> records;
  for (const std::string& p : paths) StampPath(p, &records);
  return Join(env, records);
}

// fileStampBegin(paths: string[]) -> job: fileStamp(paths) computed on a thread of its own, so
// that the walk overlaps whatever the JS thread does meanwhile (build_stamp.ts starts the one of
// tejit's code when it is imported); fileStampEnd(job) waits for it and returns the stamp, once.
// A job never ended is waited for when it is collected.
namespace {

struct StampJob : ThreadJob {
  std::string result;
};

}  // namespace

napi_value FileStampBegin(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  std::vector<std::string> paths;
  if (argc < 1 || !StringArray(env, arg, &paths)) {
    napi_throw_type_error(env, nullptr, "fileStampBegin: expected an array of paths");
    return nullptr;
  }
  auto* job = new StampJob();
  return StartJob(env, "fileStampBegin", job, [job, paths = std::move(paths)] {
    std::vector<std::string> records;
    for (const std::string& p : paths) StampPath(p, &records);
    for (const std::string& r : records) job->result += r;
  });
}

napi_value FileStampEnd(napi_env env, napi_callback_info info) {
  auto* job = EndJob<StampJob>(env, info, "fileStampBegin", "fileStampEnd");
  if (job == nullptr) return nullptr;
  napi_value out;
  napi_create_string_utf8(env, job->result.data(), job->result.size(), &out);
  std::string().swap(job->result);
  return out;
}

// readOwnFile(path) -> Buffer | undefined: the bytes of `path` when it is a regular file owned by
// this user, opened without following a symlink (O_NOFOLLOW) and without blocking on a FIFO;
// undefined when it is missing, a symlink, anything but a regular file, another user's, or
// changes size while read. The rule of ts/runtime/cache_entry.ts's readOwnFile in one call: a
// cache hit reads three files, and Node's fs calls cost more than the reads on their first use.
napi_value ReadOwnFile(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, arg, nullptr, 0, &len) != napi_ok) {
    napi_throw_type_error(env, nullptr, "readOwnFile: expected a path");
    return nullptr;
  }
  std::string path(len, '\0');
  napi_get_value_string_utf8(env, arg, path.data(), len + 1, &len);
  napi_value undef;
  napi_get_undefined(env, &undef);
  if (path.find('\0') != std::string::npos) return undef;
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return undef;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid()) {
    close(fd);
    return undef;
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* data = nullptr;
  napi_value buf;
  if (napi_create_buffer(env, size, &data, &buf) != napi_ok) {
    close(fd);
    return nullptr;
  }
  size_t off = 0;
  while (off < size) {
    ssize_t n = pread(fd, static_cast<char*>(data) + off, size - off, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  close(fd);
  return off == size ? buf : undef;
}

// touchFile(path) -> boolean: sets the file's access and modification times to now (following a
// symlink, as utimes does); false when it cannot. The cache's LRU order (cache_index.ts markUsed).
napi_value TouchFile(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, arg, nullptr, 0, &len) != napi_ok) {
    napi_throw_type_error(env, nullptr, "touchFile: expected a path");
    return nullptr;
  }
  std::string path(len, '\0');
  napi_get_value_string_utf8(env, arg, path.data(), len + 1, &len);
  bool ok = path.find('\0') == std::string::npos && utimensat(AT_FDCWD, path.c_str(), nullptr, 0) == 0;
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

// cacheBytes(dir) -> number: the total size of the compile cache's entries in `dir`, the regular
// files (not links) whose names are 64 lowercase hex digits, a dot and more, other than
// temporary ones (ending in .tmp): what cache_index.ts's listCacheEntries counts, in one call
// (every build checks the cache against its size limit; lstat-ing hundreds of files from JS
// costs tens of milliseconds). -1 when the directory cannot be read.
namespace {

double DirCacheBytes(const std::string& dir) {
  DIR* d = dir.find('\0') == std::string::npos ? opendir(dir.c_str()) : nullptr;
  if (d == nullptr) return -1;
  double total = 0;
  while (struct dirent* e = readdir(d)) {
    const char* n = e->d_name;
    size_t nl = strlen(n);
    if (nl < 65 || n[64] != '.') continue;
    bool hex = true;
    for (int i = 0; i < 64 && hex; i++) hex = (n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f');
    if (!hex || (nl >= 4 && strcmp(n + nl - 4, ".tmp") == 0)) continue;
    struct stat st;
    if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
    total += static_cast<double>(st.st_size);
  }
  closedir(d);
  return total;
}

bool PathArg(napi_env env, napi_callback_info info, const char* what, std::string* out) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, arg, nullptr, 0, &len) != napi_ok) {
    napi_throw_type_error(env, nullptr, what);
    return false;
  }
  out->assign(len, '\0');
  napi_get_value_string_utf8(env, arg, out->data(), len + 1, &len);
  return true;
}

struct CacheBytesJob : ThreadJob {
  double result = -1;
};

}  // namespace

napi_value CacheBytes(napi_env env, napi_callback_info info) {
  std::string dir;
  if (!PathArg(env, info, "cacheBytes: expected a directory", &dir)) return nullptr;
  napi_value out;
  napi_create_double(env, DirCacheBytes(dir), &out);
  return out;
}

// cacheBytesBegin(dir) -> job: cacheBytes(dir) on a thread of its own (the compile driver starts
// it with the compiler, so the walk of a large cache overlaps the compile); cacheBytesEnd(job)
// waits for it and returns the size, once.
napi_value CacheBytesBegin(napi_env env, napi_callback_info info) {
  std::string dir;
  if (!PathArg(env, info, "cacheBytesBegin: expected a directory", &dir)) return nullptr;
  auto* job = new CacheBytesJob();
  return StartJob(env, "cacheBytesBegin", job, [job, dir = std::move(dir)] { job->result = DirCacheBytes(dir); });
}

napi_value CacheBytesEnd(napi_env env, napi_callback_info info) {
  auto* job = EndJob<CacheBytesJob>(env, info, "cacheBytesBegin", "cacheBytesEnd");
  if (job == nullptr) return nullptr;
  napi_value out;
  napi_create_double(env, job->result, &out);
  return out;
}

}  // namespace tejit
