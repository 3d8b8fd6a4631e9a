// The suite's runner (bench/suite/rounds.ts) with scripted runners, no timing: entries run in
// interleaved rounds, a wrong output is reported and never timed, a Skip keeps its message, a
// single-thread entry is left out of the other thread counts, and calibration fills the target.
import test from "ava";
import { calibrate, repsFor, runKernel } from "../../bench/suite/rounds.js";
import { CheckError } from "../../bench/suite/check.js";
import type { Kernel, Runner } from "../../bench/suite/types.js";

function scripted(name: string, out: number[], calls: string[], seconds = 0.01): Runner {
  return {
    async time(reps, threads) {
      calls.push(`${name}:${threads}:${reps}`);
      return seconds;
    },
    async result() {
      return out;
    },
  };
}

function kernel(calls: string[]): Kernel {
  return {
    id: "k", group: "g", title: "K", unit: "GB/s", work: 1,
    entries: [
      { name: "A", role: "tejit", setup: async () => scripted("A", [1, 2], calls) },
      { name: "B", role: "baseline", setup: async () => scripted("B", [1, 2], calls) },
      { name: "wrong", role: "baseline", setup: async () => scripted("wrong", [1, 3], calls) },
      { name: "missing", role: "baseline", setup: async () => ({ skip: "not installed; install it with `apt-get install -y x`" }) },
      { name: "JS", role: "baseline", singleThread: true, setup: async () => scripted("JS", [1, 2], calls) },
    ],
    check: (o) => {
      if (o[1] !== 2) throw new CheckError(`element 1 is ${o[1]}, the reference 2`);
      return "exact";
    },
  };
}

test("entries are timed in interleaved rounds, per thread count; wrong and missing ones are reported, not timed", async (t) => {
  const calls: string[] = [];
  const r = await runKernel(kernel(calls), { threads: [1, 2], rounds: 3, targetSeconds: 0.01 });
  // Calibration: one call of 0.01 s reaches a tenth of the target at once, then reps = 1.
  const timed = calls.filter((c) => !c.startsWith("wrong"));
  t.deepEqual(timed, [
    "A:1:1", "B:1:1", "JS:1:1",
    "A:1:1", "B:1:1", "JS:1:1", "A:1:1", "B:1:1", "JS:1:1", "A:1:1", "B:1:1", "JS:1:1",
    "A:2:1", "B:2:1",
    "A:2:1", "B:2:1", "A:2:1", "B:2:1", "A:2:1", "B:2:1",
  ]);
  t.deepEqual(calls.filter((c) => c.startsWith("wrong")), []);
  t.deepEqual(r.measurements.map((m) => `${m.entry} ${m.threads} ${m.seconds.length} ${m.check}`), ["A 1 3 exact", "B 1 3 exact", "JS 1 3 exact", "A 2 3 exact", "B 2 3 exact"]);
  t.deepEqual(r.skipped, [
    { kernel: "k", entry: "missing", reason: "not installed; install it with `apt-get install -y x`" },
    { kernel: "k", entry: "wrong", reason: "1 thread: wrong result or failed run: element 1 is 3, the reference 2" },
    { kernel: "k", entry: "wrong", reason: "2 threads: wrong result or failed run: element 1 is 3, the reference 2" },
  ]);
});

test("a setup that throws becomes a skip with its message", async (t) => {
  const r = await runKernel({ id: "k", group: "g", title: "K", unit: "ms", entries: [{ name: "X", role: "baseline", setup: async () => { throw new Error("no compiler\nmore"); } }] }, { threads: [1], rounds: 1, targetSeconds: 1 });
  t.deepEqual(r.skipped, [{ kernel: "k", entry: "X", reason: "setup failed: no compiler" }]);
  t.deepEqual(r.measurements, []);
});

test("calibration grows the batch tenfold until it takes a tenth of the target", async (t) => {
  const calls: number[] = [];
  const runner: Runner = { async time(reps) { calls.push(reps); return 1e-6; } };
  t.is(await calibrate(runner, 1, 0.1), 100_000);
  t.deepEqual(calls, [1, 10, 100, 1000, 10_000]);
  t.is(repsFor(0.5, 0.1), 1);
  t.is(repsFor(0.001, 0.1), 100);
  t.is(repsFor(0, 0.1), 1);
});
