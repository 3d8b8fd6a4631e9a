// LocalQueue: each job id measured once within a call and across calls (the same result object
// back), results in the jobs' order, onResult once an id; runs one at a time (one measuring
// process serves a whole round); a job lost for a reason not its own is measured again when
// resubmitted; a closed queue refuses work.
import test from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalQueue } from "../../ts/auto_scheduler/local_queue.js";
import type { MeasureResult } from "../../ts/auto_scheduler/measure_job.js";
import { axpbJob, axpbSource, crashingSource } from "./helpers.js";

const here = import.meta.dirname;

test.serial("each id is measured once, within a call and across calls; onResult once an id", async (t) => {
  const q = new LocalQueue();
  t.teardown(() => q.close());
  const right = axpbJob(axpbSource(16));
  const wrong = axpbJob(axpbSource(0, 5));
  const crash = axpbJob(crashingSource());
  const seen: MeasureResult[] = [];
  const rs = await q.measure([right, wrong, right, crash], (r) => seen.push(r));
  t.deepEqual(rs.map((r) => r.id), [right.id, wrong.id, right.id, crash.id]);
  t.deepEqual(rs.map((r) => r.error?.kind), [undefined, "wrong", undefined, "crash"]);
  t.is(rs[0], rs[2]);
  t.true(rs[0].median! > 0);
  t.deepEqual(seen.map((r) => r.id).sort(), [right.id, wrong.id, crash.id].sort());
  const again: MeasureResult[] = [];
  const rs2 = await q.measure([crash, right], (r) => again.push(r));
  t.is(rs2[0], rs[3]);
  t.is(rs2[1], rs[0]);
  t.deepEqual(again.map((r) => r.id).sort(), [right.id, crash.id].sort());
});

test.serial("runs are one at a time: one measuring process serves the whole round", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-lq-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  process.env.TEJIT_TEST_SETUP_MARKER = join(dir, "marker");
  t.teardown(() => { delete process.env.TEJIT_TEST_SETUP_MARKER; });
  const q = new LocalQueue();
  t.teardown(() => q.close());
  const setupModule = join(here, "fixtures", "setup_marker.ts");
  const jobs = [1, 2, 4, 8, 32].map((f) => axpbJob(axpbSource(f), { setupModule }));
  const rs = await q.measure(jobs);
  t.deepEqual(rs.map((r) => r.error), [undefined, undefined, undefined, undefined, undefined]);
  t.is(new Set(rs.map((r) => r.id)).size, 5);
  t.is(readFileSync(join(dir, "marker"), "utf8").trim().split("\n").length, 1);
});

test.serial("a job lost for a reason not its own (its reference crashes) is 'lost', and measured again when resubmitted", async (t) => {
  const q = new LocalQueue();
  t.teardown(() => q.close());
  const job = axpbJob(axpbSource(16), { referenceSource: crashingSource(), workloadKey: "broken" }, "lost");
  const [r] = await q.measure([job]);
  t.is(r.error?.kind, "lost");
  t.regex(r.error!.message, /the measuring process was killed by SIGSEGV during the reference/);
  const [again] = await q.measure([job]);
  t.not(again, r);
  t.is(again.error?.kind, "lost");
});

test.serial("bad jobs and a closed queue are refused with an Error", async (t) => {
  const q = new LocalQueue();
  await t.throwsAsync(q.measure([{ ...axpbJob(axpbSource(0)), timeoutMs: -1 }]), { message: /timeoutMs must be a positive number, got -1/ });
  await q.close();
  await t.throwsAsync(q.measure([axpbJob(axpbSource(0))]), { message: "LocalQueue.measure: the queue is closed" });
});
