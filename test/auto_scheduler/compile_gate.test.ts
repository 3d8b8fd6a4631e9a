// The compile gate of the in-process queue: a run waits until no compile is in flight, so no
// candidate is timed beside the compiler (compile_gate.ts); and LocalQueue uses it: no result of
// a batch arrives while one of the batch's compiles is still running.
import test from "ava";
import { randomBytes } from "node:crypto";
import { CompileGate } from "../../ts/auto_scheduler/compile_gate.js";
import { LocalQueue } from "../../ts/auto_scheduler/local_queue.js";
import { compileSource } from "../../ts/runtime/compile.js";
import { axpbJob, axpbSource } from "./helpers.js";

function deferred<T>() {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
}

test("idle() resolves at once with nothing in flight, and only after every tracked compile settled (failed ones too)", async (t) => {
  const gate = new CompileGate();
  let idle = false;
  await gate.idle();
  const a = deferred<number>(), b = deferred<number>();
  t.is(await gate.track(Promise.resolve(5)), 5);
  void gate.track(a.promise);
  void gate.track(b.promise).catch(() => undefined);
  t.is(gate.inFlight, 2);
  void gate.idle().then(() => { idle = true; });
  a.resolve(1);
  await new Promise((r) => setImmediate(r));
  t.false(idle, "one compile still in flight");
  b.reject(new Error("gcc failed"));
  await new Promise((r) => setImmediate(r));
  t.true(idle);
  t.is(gate.inFlight, 0);
});

// A translation unit gcc takes a while over (many distinct unrolled functions), inside a job's source.
function slowSource(): string {
  const fns = Array.from({ length: 480 }, (_, k) => `__attribute__((used)) static float slow_${k}(const float* a) { float s = 0; for (int i = 0; i < 4096; i++) s += a[i] * ${k + 1}.0f / (a[i] + ${k + 2}.0f); return s; }`);
  return `${axpbSource(16)}\n/* ${randomBytes(8).toString("hex")} */\n#pragma GCC optimize ("unroll-loops")\n${fns.join("\n")}\n`;
}

test.serial("LocalQueue: no result of a batch arrives before its slowest compile has finished", async (t) => {
  // How long the slow source takes to compile alone (another salt: the compile cache would hit).
  const t0 = performance.now();
  compileSource(slowSource());
  const compileMs = performance.now() - t0;
  const q = new LocalQueue();
  try {
    const start = performance.now();
    const arrived: number[] = [];
    const slow = axpbJob(slowSource());
    const quick = [1, 2, 3].map((c) => axpbJob(axpbSource(4 * c, 1, true), {}, randomBytes(4).toString("hex")));
    const results = await q.measure([...quick, slow], (r) => { if (r.id !== slow.id) arrived.push(performance.now() - start); });
    t.true(results.every((r) => r.median !== undefined), JSON.stringify(results.map((r) => r.error)));
    t.is(arrived.length, 3);
    // Without the gate the quick jobs' results come within a fraction of the slow compile.
    t.true(Math.min(...arrived) >= 0.6 * compileMs, `first quick result after ${Math.min(...arrived).toFixed(0)} ms; the slow compile takes ${compileMs.toFixed(0)} ms`);
  } finally {
    await q.close();
  }
});
