// thread_pool.cc: the addon's thread pool behind __TVMBackendParallelLaunch and
// __TVMBackendParallelBarrier. A region's task ids 0..n-1 each run exactly once, task t on pool
// worker t % w (w = min(n, pool size)), so n <= pool size puts every task on its own thread
// (which the barrier needs). The launching thread does not run tasks: on the JS thread it waits
// while servicing JS packed calls queued by the workers; elsewhere it just waits. When the pool
// is already running a region (a nested launch, or two async kernels at once) the new region
// runs serially on the launching thread instead, so nothing can deadlock waiting for workers.
// A task returning nonzero makes the launch return -1 with that task's error message.
#include "runtime.h"

#include <algorithm>

namespace tejit {

namespace {

struct Job {
  static constexpr uint64_t kMagic = 0x74656a69746a6f62ull;  // "tejitjob"
  uint64_t magic = kMagic;
  FTVMParallelLambda fn = nullptr;
  void* cdata = nullptr;
  int32_t num_task = 0;
  CallContext* ctx = nullptr;
  bool concurrent = false;  // all tasks run at the same time, each on its own thread
  std::atomic<int> remaining{0};
  // completion: under *done_mu (the context's mutex when the JS thread services requests)
  std::mutex own_mu;
  std::condition_variable own_cv;
  std::mutex* done_mu = &own_mu;
  std::condition_variable* done_cv = &own_cv;
  std::atomic<bool> done{false};  // set under *done_mu
  // first failure
  std::mutex err_mu;
  bool failed = false;
  std::string error;
  // barrier
  std::mutex bar_mu;
  std::condition_variable bar_cv;
  int bar_count = 0;
  uint64_t bar_gen = 0;
};

void RunTasks(Job* j, int first, int stride) {
  TVMParallelGroupEnv penv{j, j->num_task};
  for (int t = first; t < j->num_task; t += stride) {
    ClearLastError();
    int32_t rc = j->fn(t, &penv, j->cdata);
    if (rc != 0) {
      std::lock_guard<std::mutex> g(j->err_mu);
      if (!j->failed) {
        j->failed = true;
        j->error = LastError().empty()
                       ? "parallel task " + std::to_string(t) + " returned " + std::to_string(rc) +
                             " without an error message"
                       : LastError();
      }
    }
  }
}

class Pool {
 public:
  explicit Pool(int n) {
    for (int i = 0; i < n; i++) threads_.emplace_back([this, i] { Worker(i); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> g(mu_);
      stop_.store(true);
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  int size() const { return static_cast<int>(threads_.size()); }
  bool TryAcquire() { return !busy_.exchange(true); }
  void Release() { busy_.store(false); }
  void Post(Job* j, int nworkers) {
    {
      std::lock_guard<std::mutex> g(mu_);
      job_ = j;
      nworkers_ = nworkers;
      gen_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
  }

 private:
  void Worker(int index) {
    uint64_t seen = 0;
    for (;;) {
      Job* j;
      int nw;
      // Spin a little for the next region before sleeping; then read it under the lock so
      // that generation, job and worker count are consistent.
      SpinUntil([&] { return gen_.load(std::memory_order_acquire) != seen || stop_.load(); }, 100000);
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return stop_.load() || gen_.load() != seen; });
        if (stop_.load()) return;
        seen = gen_.load();
        j = job_;
        nw = nworkers_;
      }
      if (index >= nw) continue;
      CurrentContext() = j->ctx;
      RunTasks(j, index, nw);
      CurrentContext() = nullptr;
      if (j->remaining.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> g(*j->done_mu);
        j->done.store(true, std::memory_order_release);
        j->done_cv->notify_all();
      }
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> gen_{0};
  Job* job_ = nullptr;
  int nworkers_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> busy_{false};
};

std::mutex pool_mu;
Pool* pool = nullptr;  // leaked at exit on purpose: workers may be blocked while the process ends
int requested_threads = 0;
constexpr int kMaxThreads = 1024;  // MAX_NUM_THREADS of ts/runtime/addon.ts: the JS side refuses more

int ResolvedThreads() {
  if (requested_threads > 0) return requested_threads;
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

Pool* PoolLocked() {
  if (pool == nullptr) pool = new Pool(ResolvedThreads());
  return pool;
}

}  // namespace

int32_t ParallelLaunch(FTVMParallelLambda flambda, void* cdata, int32_t num_task) {
  if (flambda == nullptr) {
    SetLastError("__TVMBackendParallelLaunch: flambda is NULL");
    return -1;
  }
  if (num_task < 0) {
    SetLastError("__TVMBackendParallelLaunch: num_task must be >= 0, got " + std::to_string(num_task));
    return -1;
  }
  CallContext* ctx = CurrentContext();
  Pool* p;
  bool acquired;
  {
    std::lock_guard<std::mutex> g(pool_mu);
    p = PoolLocked();
    acquired = p->TryAcquire();
  }
  Job job;
  job.fn = flambda;
  job.cdata = cdata;
  job.num_task = num_task == 0 ? p->size() : num_task;
  job.ctx = ctx;
  if (!acquired) {
    job.concurrent = job.num_task <= 1;
    RunTasks(&job, 0, 1);
  } else {
    int nw = std::min(job.num_task, p->size());
    job.concurrent = job.num_task <= p->size();
    job.remaining = nw;
    bool service = ctx != nullptr && !ctx->async && std::this_thread::get_id() == ctx->st->js_thread;
    if (service) {
      job.done_mu = &ctx->mu;
      job.done_cv = &ctx->cv;
    }
    if (nw > 0) {
      p->Post(&job, nw);
      if (service) {
        ServiceUntil(ctx, &job.done);
      } else {
        SpinUntil([&] { return job.done.load(std::memory_order_acquire); });
        std::unique_lock<std::mutex> lk(job.own_mu);  // also waits out the worker's notify
        job.own_cv.wait(lk, [&] { return job.done.load(); });
      }
    }
    p->Release();
  }
  if (job.failed) {
    SetLastError(job.error);
    return -1;
  }
  return 0;
}

int32_t ParallelBarrier(int32_t /*task_id*/, TVMParallelGroupEnv* penv) {
  auto* j = penv ? static_cast<Job*>(penv->sync_handle) : nullptr;
  if (j == nullptr || j->magic != Job::kMagic) {
    SetLastError("__TVMBackendParallelBarrier: penv is not the one passed to the parallel task");
    return -1;
  }
  if (j->num_task <= 1) return 0;
  if (!j->concurrent) {
    SetLastError("__TVMBackendParallelBarrier: the region's " + std::to_string(j->num_task) +
                 " tasks do not all run at once (more tasks than pool threads, or a nested region "
                 "run serially); use num_task 0 or at most the pool size");
    return -1;
  }
  std::unique_lock<std::mutex> lk(j->bar_mu);
  uint64_t gen = j->bar_gen;
  if (++j->bar_count == j->num_task) {
    j->bar_count = 0;
    j->bar_gen++;
    j->bar_cv.notify_all();
  } else {
    j->bar_cv.wait(lk, [&] { return j->bar_gen != gen; });
  }
  return 0;
}

bool SetNumThreads(int n) {
  std::lock_guard<std::mutex> g(pool_mu);
  if (pool != nullptr) {
    if (!pool->TryAcquire()) return false;
    delete pool;  // idle: its workers are waiting and join at once
    pool = nullptr;
  }
  requested_threads = n > 0 ? (n < kMaxThreads ? n : kMaxThreads) : 0;
  return true;
}

int GetNumThreads() {
  std::lock_guard<std::mutex> g(pool_mu);
  return pool != nullptr ? pool->size() : ResolvedThreads();
}

}  // namespace tejit
