// thread_job.h: work run on a thread of the addon's own while the JS thread goes on, held by JS
// as an External (the *Begin functions of stamp.cc and prefetch_run.cc). StartJob starts `work`
// and returns the handle; EndJob checks that a handle is a job of that kind, waits for it once
// and hands it back for its result. A job never ended is waited for when it is collected.
#ifndef TEJIT_THREAD_JOB_H_
#define TEJIT_THREAD_JOB_H_

#include <exception>
#include <string>
#include <thread>
#include <utility>

#include <node_api.h>

namespace tejit {

struct ThreadJob {
  std::thread thread;
  const char* kind = "";  // the Begin function's name: an End refuses a job of another kind
  bool ended = false;
  virtual ~ThreadJob() {
    if (thread.joinable()) thread.join();
  }
};

inline void FinalizeThreadJob(napi_env, void* data, void*) { delete static_cast<ThreadJob*>(data); }

// Runs work() (which fills *job) on a new thread; the External holding `job`, or nullptr with an
// exception pending.
template <typename Job, typename Work>
napi_value StartJob(napi_env env, const char* kind, Job* job, Work work) {
  job->kind = kind;
  try {
    job->thread = std::thread(std::move(work));
  } catch (const std::exception&) {
    delete job;
    napi_throw_error(env, nullptr, (std::string(kind) + ": cannot start a thread").c_str());
    return nullptr;
  }
  napi_value out;
  if (napi_create_external(env, job, FinalizeThreadJob, nullptr, &out) != napi_ok) {
    delete job;
    return nullptr;
  }
  return out;
}

// The job of kind `kind` passed as the first argument, finished (its thread joined), or nullptr
// with an exception pending (not such a job, or ended before). `end` names the caller.
template <typename Job>
Job* EndJob(napi_env env, napi_callback_info info, const char* kind, const char* end) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  napi_valuetype type = napi_undefined;
  void* data = nullptr;
  if (argc < 1 || napi_typeof(env, arg, &type) != napi_ok || type != napi_external || napi_get_value_external(env, arg, &data) != napi_ok ||
      data == nullptr || std::string(static_cast<ThreadJob*>(data)->kind) != kind) {
    napi_throw_type_error(env, nullptr, (std::string(end) + ": expected a job of " + kind).c_str());
    return nullptr;
  }
  auto* job = static_cast<Job*>(static_cast<ThreadJob*>(data));
  if (job->ended) {
    napi_throw_error(env, nullptr, (std::string(end) + ": this job has already ended").c_str());
    return nullptr;
  }
  if (job->thread.joinable()) job->thread.join();
  job->ended = true;
  return job;
}

}  // namespace tejit

#endif  // TEJIT_THREAD_JOB_H_
