// prefetch_run.cc: runBegin(argv, timeoutMs) -> job, runEnd(job) -> outcome: a command run on a
// thread of the addon's own while the JS thread goes on, for the compile driver's
// `<compiler> --version` (its identity, part of every library's cache key), which build() starts
// before lowering so that the run overlaps lowering and C generation instead of preceding the
// compile. The child gets the process's environment and working directory, stdin from /dev/null,
// its own session (as spawnSync's `detached`), and is killed with its group after timeoutMs. The
// outcome is { status, signal (a number), timedOut, stdout, stderr }, or { error } when it could
// not be started; ts/runtime/compile.ts uses it only for a clean exit and runs the command again
// otherwise, so every failure is reported by the ordinary path.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include <node_api.h>

#include "thread_job.h"

extern char** environ;

namespace tejit {

namespace {

struct RunJob : ThreadJob {
  int spawn_error = 0;
  int status = -1;  // exit status, or -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  std::string out, err;
};

long long NowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void Run(RunJob* job, std::vector<std::string> argv, double timeout_ms) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) { job->spawn_error = errno; return; }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) { job->spawn_error = errno; close(out_pipe[0]); close(out_pipe[1]); return; }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // As libuv's spawn: no signal blocked, every signal at its default action (Node ignores SIGPIPE).
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
#ifdef POSIX_SPAWN_SETSID
  flags |= POSIX_SPAWN_SETSID;
#else
  flags |= POSIX_SPAWN_SETPGROUP;
  posix_spawnattr_setpgroup(&attr, 0);
#endif
  posix_spawnattr_setflags(&attr, flags);
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    job->spawn_error = rc;
    close(out_pipe[0]);
    close(err_pipe[0]);
    return;
  }
  const long long deadline = NowMs() + static_cast<long long>(timeout_ms);
  struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    long long left = deadline - NowMs();
    if (left <= 0) {
      job->timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    int n = poll(fds, 2, static_cast<int>(left < 1000000 ? left : 1000000));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int i = 0; i < 2; i++) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        open_fds--;
      } else {
        (i == 0 ? job->out : job->err).append(buf, static_cast<size_t>(got));
      }
    }
  }
  for (auto& f : fds) if (f.fd >= 0) close(f.fd);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(wstatus)) job->status = WEXITSTATUS(wstatus);
  else if (WIFSIGNALED(wstatus)) job->signal = WTERMSIG(wstatus);
}

napi_value Str(napi_env env, const std::string& s) {
  napi_value v;
  napi_create_string_utf8(env, s.data(), s.size(), &v);
  return v;
}

}  // namespace

napi_value RunBegin(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  bool is_array = false;
  uint32_t n = 0;
  double timeout_ms = 0;
  if (argc < 2 || napi_is_array(env, args[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, args[0], &n) != napi_ok || n == 0 ||
      napi_get_value_double(env, args[1], &timeout_ms) != napi_ok || !(timeout_ms > 0)) {
    napi_throw_type_error(env, nullptr, "runBegin: expected (argv: non-empty string[], timeoutMs > 0)");
    return nullptr;
  }
  std::vector<std::string> argv;
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    size_t len = 0;
    napi_get_element(env, args[0], i, &v);
    if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) {
      napi_throw_type_error(env, nullptr, "runBegin: argv must hold strings");
      return nullptr;
    }
    std::string s(len, '\0');
    napi_get_value_string_utf8(env, v, s.data(), len + 1, &len);
    if (s.find('\0') != std::string::npos) {
      napi_throw_type_error(env, nullptr, "runBegin: an argument contains a NUL character");
      return nullptr;
    }
    argv.push_back(std::move(s));
  }
  auto* job = new RunJob();
  return StartJob(env, "runBegin", job, [job, argv = std::move(argv), timeout_ms]() mutable { Run(job, std::move(argv), timeout_ms); });
}

napi_value RunEnd(napi_env env, napi_callback_info info) {
  auto* job = EndJob<RunJob>(env, info, "runBegin", "runEnd");
  if (job == nullptr) return nullptr;
  napi_value out, null;
  napi_create_object(env, &out);
  napi_get_null(env, &null);
  if (job->spawn_error != 0) {
    napi_set_named_property(env, out, "error", Str(env, strerror(job->spawn_error)));
    return out;
  }
  napi_value status = null, signal = null, timed_out;
  if (job->signal == 0) napi_create_int32(env, job->status, &status);
  else napi_create_int32(env, job->signal, &signal);
  napi_get_boolean(env, job->timed_out, &timed_out);
  napi_set_named_property(env, out, "status", status);
  napi_set_named_property(env, out, "signal", signal);
  napi_set_named_property(env, out, "timedOut", timed_out);
  napi_set_named_property(env, out, "stdout", Str(env, job->out));
  napi_set_named_property(env, out, "stderr", Str(env, job->err));
  return out;
}

}  // namespace tejit
