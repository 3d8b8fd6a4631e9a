// measureJob: right, wrong, crashing, hanging and non-compiling candidates of a small program
// (the right ones split or vectorized by tejit, the others hand-made from its C), the repeat
// counts, the setup module, a broken reference or setup module (Errors, not results), a
// malformed job, and the input data and output check it runs on.
import test from "ava";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { measureJob } from "../../ts/auto_scheduler/measure.js";
import { compareOutput, makeArray } from "../../ts/auto_scheduler/measure_data.js";
import { axpbJob, axpbSource, crashingSource, hangingSource, N } from "./helpers.js";

const here = import.meta.dirname;
const inputA = { name: "A", dtype: "float32", shape: [N], role: "input" as const };

test.serial("a right candidate gets its times: between minRepeats and maxRepeats, and their median", async (t) => {
  const r = await measureJob(axpbJob(axpbSource(16, 1, true), { minRepeats: 2, maxRepeats: 5, stableWithin: 0.5 }));
  t.is(r.error, undefined, JSON.stringify(r.error));
  t.true(r.seconds!.length >= 2 && r.seconds!.length <= 5, `${r.seconds!.length} repeats`);
  t.true(r.seconds!.every((s) => s > 0 && s < 1));
  const sorted = [...r.seconds!].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  t.is(r.median, sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2);
  t.is(r.worker, `${hostname()}:${process.pid}`);
});

test.serial("repeats: exactly minRepeats when any change counts as stable, exactly maxRepeats when min = max", async (t) => {
  const stable = await measureJob(axpbJob(axpbSource(8), { minRepeats: 2, maxRepeats: 6, stableWithin: 10 }));
  t.is(stable.seconds?.length, 2);
  const fixed = await measureJob(axpbJob(axpbSource(8), { minRepeats: 3, maxRepeats: 3, stableWithin: 0 }));
  t.is(fixed.seconds?.length, 3);
});

test.serial("a wrong candidate is 'wrong', naming the first differing element and both values", async (t) => {
  const r = await measureJob(axpbJob(axpbSource(0, 2)));
  t.is(r.seconds, undefined);
  t.is(r.error?.kind, "wrong");
  const a0 = (makeArray(inputA, 0, 7, false).data as Float32Array)[0];
  const want = Math.fround(Math.fround(a0 * 2) + 1);
  const got = Math.fround(Math.fround(a0 * 2) + 2);
  t.true(r.error!.message.startsWith(`output 'B'[0] is ${got}, the reference gives ${want} (rtol 0.00001`), r.error!.message);
});

test.serial("a candidate that dereferences NULL is a 'crash' (SIGSEGV); the next job still measures", async (t) => {
  const r = await measureJob(axpbJob(crashingSource()));
  t.is(r.error?.kind, "crash");
  t.regex(r.error!.message, /^the measuring process was killed by SIGSEGV during the candidate's first run/);
  const next = await measureJob(axpbJob(axpbSource(4)));
  t.is(next.error, undefined);
});

test.serial("a candidate that loops forever is killed after timeoutMs: 'timeout'; the next job still measures", async (t) => {
  const r = await measureJob(axpbJob(hangingSource(), { timeoutMs: 300 }));
  t.deepEqual(r.error, { kind: "timeout", message: "the candidate's first run ran longer than 300 ms (timeoutMs 300); killed" });
  const next = await measureJob(axpbJob(axpbSource(2)));
  t.is(next.error, undefined);
});

test.serial("a candidate that does not compile is 'build', with the compiler's message", async (t) => {
  const r = await measureJob(axpbJob(`${axpbSource(0)}\nint broken( {`));
  t.is(r.error?.kind, "build");
  t.regex(r.error!.message, /^C compilation of \S+\.c failed/);
  t.regex(r.error!.message, /error:/);
});

test.serial("the setup module is imported by the measuring process; one that fails to load is an Error", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-setup-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, "marker");
  process.env.TEJIT_TEST_SETUP_MARKER = marker;
  t.teardown(() => { delete process.env.TEJIT_TEST_SETUP_MARKER; });
  const r = await measureJob(axpbJob(axpbSource(32), { setupModule: join(here, "fixtures", "setup_marker.ts") }));
  t.is(r.error, undefined);
  t.true(existsSync(marker));
  const pids = readFileSync(marker, "utf8").trim().split("\n");
  t.is(pids.length, 1);
  t.not(pids[0], String(process.pid));
  await t.throwsAsync(measureJob(axpbJob(axpbSource(64), { setupModule: join(here, "fixtures", "setup_broken.ts") })), {
    message: /setup module '.*setup_broken\.ts' failed to load: setup_broken: refusing to load/,
  });
});

test.serial("a reference that crashes is an Error (no candidate of the workload can be checked), not a result", async (t) => {
  const job = axpbJob(axpbSource(16), { referenceSource: crashingSource(), workloadKey: "broken-reference" });
  await t.throwsAsync(measureJob(job), { message: new RegExp(`^measure ${job.id}: the measuring process was killed by SIGSEGV during the reference`) });
});

test("a malformed job is an Error naming the field", async (t) => {
  const job = axpbJob(axpbSource(0));
  await t.throwsAsync(measureJob({ ...job, args: [{ ...job.args[0], dtype: "float16" }, job.args[1]] }), {
    message: `measure job ${job.id}: args[0].dtype ('A') must be one of bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, got "float16"`,
  });
  await t.throwsAsync(measureJob({ ...job, maxRepeats: 1, minRepeats: 2 }), { message: `measure job ${job.id}: maxRepeats must be an integer >= minRepeats (2), got 1` });
  await t.throwsAsync(measureJob({ ...job, args: [job.args[0]] }), { message: `measure job ${job.id}: args must be a list with at least one output, got ["input"]` });
});

test("inputs are the same for a seed and differ for another; outputs start at zero (reference) or the sentinel (candidate)", (t) => {
  const a = makeArray(inputA, 0, 7, false).data as Float32Array;
  t.deepEqual(makeArray(inputA, 0, 7, true).data, a);
  t.notDeepEqual(makeArray(inputA, 0, 8, false).data, a);
  t.notDeepEqual(makeArray(inputA, 1, 7, false).data, a);
  t.true(a.every((x) => x >= -1 && x < 1));
  const ints = makeArray({ name: "I", dtype: "int64", shape: [64], role: "input" }, 0, 7, false).data as BigInt64Array;
  t.true([...ints].every((x) => x >= 1n && x <= 7n));
  const out = { name: "B", dtype: "float32", shape: [4], role: "output" as const };
  t.deepEqual([...makeArray(out, 1, 7, false).data as Float32Array], [0, 0, 0, 0]);
  t.true([...makeArray(out, 1, 7, true).data as Float32Array].every(Number.isNaN));
});

test("the output check: floats within rtol of |reference| + RMS, NaN only against NaN, integers exactly", (t) => {
  const want = new Float32Array([1, -2, 0, 4]);
  const rms = Math.sqrt((1 + 4 + 0 + 16) / 4);
  t.is(compareOutput("C", new Float32Array([1.00001, -2, 1e-6, 4]), want, "float32", 1e-5), undefined);
  t.is(compareOutput("C", new Float32Array([1, -2, 0.001, 4]), want, "float32", 1e-5), `output 'C'[2] is ${Math.fround(0.001)}, the reference gives 0 (rtol 0.00001 of |reference| + RMS ${rms.toPrecision(3)})`);
  t.regex(compareOutput("C", new Float32Array([1, -2, Number.NaN, 4]), want, "float32", 1e-5)!, /^output 'C'\[2\] is NaN, the reference gives 0/);
  t.is(compareOutput("C", new Float32Array([Number.NaN]), new Float32Array([Number.NaN]), "float32", 0), undefined);
  t.is(compareOutput("I", new Int32Array([1, 2]), new Int32Array([1, 3]), "int32", 0.5), "output 'I'[1] is 2, the reference gives 3 (int32: compared exactly)");
  t.is(compareOutput("I", new Int32Array([1]), new Int32Array([1, 3]), "int32", 0), "output 'I' has 1 elements, the reference 2");
});
