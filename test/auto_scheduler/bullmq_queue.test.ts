// BullMQQueue with a worker in this process, on a real Redis (test/helpers/redis.ts: CI's, or
// one started here; skipped only when neither exists): a round trip of right, wrong and
// crashing candidates; job ids deduplicated across two submitters and a later third (each id
// measured once); a job that fails on every attempt is a "lost" result with BullMQ's reason;
// an unreachable Redis is an Error; the queue of each target key is its own.
import test from "ava";
import { hostname } from "node:os";
import { BullMQQueue } from "../../ts/auto_scheduler/bullmq_queue.js";
import { startMeasureWorker, type WorkerEvent } from "../../ts/auto_scheduler/bullmq_worker.js";
import { connectionOptions, queueName } from "../../ts/auto_scheduler/bullmq_connection.js";
import { testRedis } from "../helpers/redis.js";
import { axpbJob, axpbSource, crashingSource } from "./helpers.js";

const redis = await testRedis();
if ("skip" in redis) console.log(`skipping the BullMQ tests: ${redis.skip}`);
const redisTest = "url" in redis ? test.serial : test.serial.skip;
const url = "url" in redis ? redis.url : "";
let n = 0;
/** A prefix of its own for each test: no test sees another's jobs. */
const freshPrefix = (): string => `tejit-test-${process.pid}-${n++}`;

/** A worker in this process for `prefix`, and the ids it started measuring. */
async function worker(prefix: string, targetKey = "test-target") {
  const started: string[] = [];
  const w = await startMeasureWorker({ connection: url, prefix, targetKey, onEvent: (e: WorkerEvent) => { if (e.kind === "start") started.push(e.id); } });
  return { w, started };
}

redisTest("round trip: results of right, wrong and crashing candidates come back through Redis", async (t) => {
  const prefix = freshPrefix();
  const { w, started } = await worker(prefix);
  const q = new BullMQQueue({ connection: url, prefix });
  t.teardown(async () => { await q.close(); await w.close(); });
  const jobs = [axpbJob(axpbSource(16)), axpbJob(axpbSource(0, 3)), axpbJob(crashingSource())];
  const arrived: string[] = [];
  const rs = await q.measure(jobs, (r) => arrived.push(r.id));
  t.deepEqual(rs.map((r) => r.id), jobs.map((j) => j.id));
  t.deepEqual(rs.map((r) => r.error?.kind), [undefined, "wrong", "crash"]);
  t.true(rs[0].median! > 0 && rs[0].seconds!.length >= 2);
  t.regex(rs[1].error!.message, /^output 'B'\[0\] is /);
  t.regex(rs[2].error!.message, /killed by SIGSEGV/);
  t.true(rs.every((r) => r.worker === `${hostname()}:${process.pid}`));
  t.deepEqual(arrived.sort(), jobs.map((j) => j.id).sort());
  t.deepEqual(started.sort(), jobs.map((j) => j.id).sort());
});

redisTest("job ids dedupe across submitters: two at once and a third later get the same results, each id measured once", async (t) => {
  const prefix = freshPrefix();
  const { w, started } = await worker(prefix);
  const a = new BullMQQueue({ connection: url, prefix });
  const b = new BullMQQueue({ connection: url, prefix });
  const c = new BullMQQueue({ connection: url, prefix });
  t.teardown(async () => { await Promise.all([a.close(), b.close(), c.close()]); await w.close(); });
  const jobs = [1, 2, 4, 8, 16, 32].map((f) => axpbJob(axpbSource(f)));
  const [ra, rb] = await Promise.all([a.measure(jobs), b.measure([...jobs].reverse())]);
  t.deepEqual(rb.reverse(), ra);
  t.true(ra.every((r) => r.error === undefined));
  t.deepEqual([...started].sort(), jobs.map((j) => j.id).sort());
  const rc = await c.measure(jobs);
  t.deepEqual(rc, ra);
  t.is(started.length, jobs.length);
});

redisTest("a job that fails on every attempt is 'lost' with the reason; submitted again, it is measured again", async (t) => {
  const prefix = freshPrefix();
  const { w, started } = await worker(prefix);
  const q = new BullMQQueue({ connection: url, prefix, attempts: 2 });
  t.teardown(async () => { await q.close(); await w.close(); });
  const job = axpbJob(axpbSource(16), { referenceSource: crashingSource(), workloadKey: "broken" }, "lost");
  const [r] = await q.measure([job]);
  t.is(r.error?.kind, "lost");
  t.regex(r.error!.message, /^not measured: measure [0-9a-f]+: the measuring process was killed by SIGSEGV during the reference/);
  t.deepEqual(started, [job.id, job.id]);
  const [again] = await q.measure([job]);
  t.is(again.error?.kind, "lost");
  t.deepEqual(started, [job.id, job.id, job.id, job.id]);
});

redisTest("each target key has its own queue: a worker of another target does not take the job", async (t) => {
  const prefix = freshPrefix();
  const other = await worker(prefix, "another-target");
  const q = new BullMQQueue({ connection: url, prefix, waitMs: 3000 });
  t.teardown(async () => { await q.close(); await other.w.close(); });
  t.not(queueName("another-target"), queueName("test-target"));
  const [r] = await q.measure([axpbJob(axpbSource(16))]);
  t.is(r.error?.kind, "lost");
  t.regex(r.error!.message, /timed out before finishing/);
  t.deepEqual(other.started, []);
  const mine = await worker(prefix);
  const q2 = new BullMQQueue({ connection: url, prefix });
  t.teardown(async () => { await q2.close(); await mine.w.close(); });
  const [late] = await q2.measure([axpbJob(axpbSource(16))]);
  t.is(late.error, undefined);
});

test("an unreachable Redis is an Error naming it; a connection that is not a Redis URL too", async (t) => {
  const q = new BullMQQueue({ connection: "redis://127.0.0.1:1", connectTimeoutMs: 1000 });
  await t.throwsAsync(q.measure([axpbJob(axpbSource(0))]), { message: /^BullMQQueue: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1 within 1000 ms/ });
  await q.close();
  t.throws(() => new BullMQQueue({ connection: "http://x" }), { message: "BullMQ queue: connection 'http://x' is not a Redis URL; expected redis:// or rediss://" });
  t.deepEqual(connectionOptions("redis://u:p%40ss@h.example:6380/2"), { host: "h.example", port: 6380, username: "u", password: "p@ss", db: 2 });
});

redisTest("finished jobs stay in Redis keepResultsFor seconds: an older result is removed when a later job finishes", async (t) => {
  const prefix = freshPrefix();
  const { w, started } = await worker(prefix);
  const q = new BullMQQueue({ connection: url, prefix, keepResultsFor: 1 });
  t.teardown(async () => { await q.close(); await w.close(); });
  const first = axpbJob(axpbSource(16));
  const second = axpbJob(axpbSource(8));
  const [r1] = await q.measure([first]);
  t.is(r1.error, undefined);
  const { Queue } = await import("bullmq");
  const inspect = new Queue(queueName("test-target"), { connection: connectionOptions(url), prefix });
  t.teardown(() => inspect.close());
  t.is(await inspect.getJobState(first.id), "completed");
  await new Promise((r) => setTimeout(r, 2100));
  await q.measure([second]);
  t.is(await inspect.getJobState(first.id), "unknown");
  t.is(await inspect.getJobState(second.id), "completed");
  t.throws(() => new BullMQQueue({ connection: url, keepResultsFor: 0 }), { message: "BullMQQueue: keepResultsFor must be a positive number, got 0" });
  // Submitted again after its result was removed, the first job is measured again.
  const again = new BullMQQueue({ connection: url, prefix });
  t.teardown(() => again.close());
  await again.measure([first]);
  t.deepEqual(started, [first.id, second.id, first.id]);
});
