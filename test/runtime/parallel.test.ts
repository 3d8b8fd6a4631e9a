// The thread pool (parallel.c): every task id runs once, num_task 0 is the pool size, barriers,
// failing tasks, nested regions, and JS packed calls from pool threads, serviced by the JS
// thread while it waits (synchronous calls) or through the threadsafe function (callAsync).
import test from "ava";
import { loadFixture } from "./helpers.js";
import { NDArray, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";
import { getNumThreads, setNumThreads } from "../../ts/runtime/threads.js";

const mod = loadFixture("parallel.c");
const POOL = 4;
setNumThreads(POOL);

test.serial("every task id runs exactly once; num_task 0 means the pool size", (t) => {
  t.is(getNumThreads(), POOL);
  const count = mod.getFunction("count_tasks");
  for (const n of [1, 3, 64, 1000]) {
    const a = empty([1000], "int32");
    t.is(count(a, n, -1), n);
    const d = a.data as Int32Array;
    t.is(d.slice(0, n).every((v) => v === 1), true, `num_task ${n}`);
    t.is(d.slice(n).every((v) => v === 0), true);
  }
  const a = empty([16], "int32");
  t.is(count(a, 0, -1), POOL);
  t.deepEqual([...(a.data as Int32Array)].slice(0, POOL + 1), [1, 1, 1, 1, 0]);
});

test.serial("a failing task makes the launch fail with its message; the other tasks still run", (t) => {
  const a = empty([64], "int32");
  t.throws(() => mod.getFunction("count_tasks")(a, 64, 37), { message: "task 37 failed on purpose" });
  t.true((a.data as Int32Array).every((v) => v === 1));
});

test.serial("the barrier holds every task until all have arrived", (t) => {
  const barrier = mod.getFunction("barrier");
  for (let rep = 0; rep < 20; rep++) {
    const a = empty([POOL], "int32");
    const b = empty([POOL], "int32");
    barrier(a, b, 0);
    t.deepEqual([...(b.data as Int32Array)], new Array(POOL).fill((POOL * (POOL + 1)) / 2));
  }
  t.throws(() => barrier(empty([64], "int32"), empty([64], "int32"), 64), { message: /tasks do not all run at once/ });
});

test.serial("a region launched inside a task runs (serially) without deadlock", (t) => {
  const k = 6;
  const a = empty([k * k], "int32");
  mod.getFunction("nested")(a, k);
  t.deepEqual([...(a.data as Int32Array)], Array.from({ length: k * k }, (_, i) => i + 1));
});

function registerRowWriter(tids: Set<number>, calls: { n: number }, failTask = -1): void {
  registerFunc("test.par", (row: NDArray, task: number, tid: number) => {
    calls.n++;
    tids.add(tid);
    if (task === failTask) throw new Error(`row ${task} refused`);
    for (let j = 0; j < row.shape[0]; j++) row.set([j], task * 1000 + j);
  }, { override: true });
}

function checkRows(t: import("ava").ExecutionContext, a: NDArray, tasks: number, m: number): void {
  const d = a.data as Float32Array;
  let ok = true;
  for (let i = 0; i < tasks; i++) for (let j = 0; j < m; j++) if (d[i * m + j] !== i * 1000 + j) ok = false;
  t.true(ok, "every row written by its task's callback");
}

test.serial("pool threads call a JS function from one parallel region, repeatedly (sync)", (t) => {
  const par = mod.getFunction("par_callback");
  const tasks = 64, m = 8;
  for (let rep = 0; rep < 100; rep++) {
    const tids = new Set<number>();
    const calls = { n: 0 };
    registerRowWriter(tids, calls);
    const a = empty([tasks, m]);
    par(a, tasks);
    t.is(calls.n, tasks);
    checkRows(t, a, tasks, m);
    t.is(tids.size, POOL, "every pool thread called JS in this region");
    t.false(tids.has(process.pid), "no task ran on the JS thread");
  }
});

test.serial("pool threads call JS through the threadsafe function when the kernel runs via callAsync", async (t) => {
  const par = mod.getFunction("par_callback");
  const tasks = 64, m = 4;
  for (let rep = 0; rep < 30; rep++) {
    const tids = new Set<number>();
    const calls = { n: 0 };
    registerRowWriter(tids, calls);
    const a = empty([tasks, m]);
    t.is(await par.callAsync(a, tasks), undefined);
    t.is(calls.n, tasks);
    checkRows(t, a, tasks, m);
    t.true(tids.size >= 2);
    t.false(tids.has(process.pid));
  }
});

test.serial("several callAsync kernels at once (one gets the pool, the others run serially)", async (t) => {
  const par = mod.getFunction("par_callback");
  const calls = { n: 0 };
  registerRowWriter(new Set(), calls);
  const arrays = Array.from({ length: 4 }, () => empty([32, 4]));
  await Promise.all(arrays.map((a) => par.callAsync(a, 32)));
  t.is(calls.n, 128);
  for (const a of arrays) checkRows(t, a, 32, 4);
});

test.serial("a callback throwing in one task fails the kernel with its message (sync and async)", async (t) => {
  const par = mod.getFunction("par_callback");
  for (let rep = 0; rep < 10; rep++) {
    const calls = { n: 0 };
    registerRowWriter(new Set(), calls, 17);
    t.throws(() => par(empty([64, 2]), 64), { message: "row 17 refused" });
    t.is(calls.n, 64); // every task still ran once
    await t.throwsAsync(par.callAsync(empty([64, 2]), 64), { message: "row 17 refused" });
  }
  // The pool is fine afterwards.
  const calls = { n: 0 };
  registerRowWriter(new Set(), calls);
  const a = empty([64, 2]);
  par(a, 64);
  checkRows(t, a, 64, 2);
});

test.serial("a callback from a pool thread can run a parallel kernel itself (it runs serially, no deadlock)", (t) => {
  const count = mod.getFunction("count_tasks");
  const inner: number[] = [];
  registerFunc("test.par", (row: NDArray, task: number) => {
    const a = empty([8], "int32");
    inner.push(count(a, 8, -1) as number);
    row.set([0], (a.data as Int32Array).reduce((x, y) => x + y, 0) + task);
  }, { override: true });
  const a = empty([16, 1]);
  mod.getFunction("par_callback")(a, 16);
  t.deepEqual(inner, new Array(16).fill(8));
  t.deepEqual([...(a.data as Float32Array)], Array.from({ length: 16 }, (_, i) => 8 + i));
});

test.serial("setNumThreads resizes the pool and rejects bad counts", (t) => {
  setNumThreads(2);
  t.is(getNumThreads(), 2);
  const a = empty([8], "int32");
  t.is(mod.getFunction("count_tasks")(a, 0, -1), 2);
  t.throws(() => setNumThreads(-1), { message: /expected a non-negative integer, got -1/ });
  t.throws(() => setNumThreads(1.5), { message: /got 1.5/ });
  t.throws(() => setNumThreads(1e6), { message: "setNumThreads: expected at most 1024 threads, got 1000000" });
  t.throws(() => setNumThreads(2 ** 40), { message: /expected at most 1024 threads, got 1099511627776/ });
  t.is(getNumThreads(), 2, "a refused count leaves the pool as it was");
  setNumThreads(POOL);
});
