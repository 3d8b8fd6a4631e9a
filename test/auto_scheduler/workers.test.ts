// Three `tejit worker` processes measure a 64-candidate round from one submitter while one of
// them is SIGKILLed in the middle of a job: no candidate is lost (every one has a result, the
// killed one measured by a survivor after BullMQ's stalled-job check gave it back), and none is
// measured twice (the workers' "measured ID" lines are the side channel: one an id). Then
// SIGTERM stops the survivors cleanly. Also the command's usage errors.
import test from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { BullMQQueue } from "../../ts/auto_scheduler/bullmq_queue.js";
import { main } from "../../ts/cli/main.js";
import { testRedis } from "../helpers/redis.js";
import { axpbJob, axpbSource } from "./helpers.js";

const redis = await testRedis();
if ("skip" in redis) console.log(`skipping the worker round: ${redis.skip}`);
const redisTest = "url" in redis ? test.serial : test.serial.skip;
const CLI = join(import.meta.dirname, "fixtures", "tejit_cli.ts");

interface WorkerProcess {
  proc: ChildProcess;
  out: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function startWorker(url: string, targetKey: string, onLine: (w: WorkerProcess, line: string) => void): WorkerProcess {
  const proc = spawn(process.execPath, ["--import", "tsx", CLI, "worker", "--redis", url, "--target-key", targetKey], { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const w: WorkerProcess = { proc, out: "", exited: new Promise((res) => proc.on("exit", (code, signal) => res({ code, signal }))) };
  let partial = "";
  proc.stdout!.on("data", (d: Buffer) => {
    w.out += d.toString();
    const lines = (partial + d.toString()).split("\n");
    partial = lines.pop()!;
    for (const l of lines) onLine(w, l);
  });
  proc.stderr!.on("data", (d: Buffer) => { w.out += d.toString(); });
  return w;
}

redisTest("three workers, one SIGKILLed mid-job: 64 candidates, none lost, none measured twice; SIGTERM stops the rest", async (t) => {
  const url = (redis as { url: string }).url;
  const targetKey = `worker-round-${process.pid}-${Date.now()}`;
  let killed: { w: WorkerProcess; id: string } | undefined;
  let serving = 0;
  let allServing!: () => void;
  const ready = new Promise<void>((res) => { allServing = res; });
  const onLine = (w: WorkerProcess, line: string): void => {
    if (line.startsWith("tejit worker ") && ++serving === 3) allServing();
    const m = /^measuring ([0-9a-f]+) /.exec(line);
    if (m && killed === undefined) {
      killed = { w, id: m[1] };
      w.proc.kill("SIGKILL");
    }
  };
  const workers = [0, 1, 2].map(() => startWorker(url, targetKey, onLine));
  t.teardown(() => { for (const w of workers) w.proc.kill("SIGKILL"); });
  await ready;
  t.true(workers.every((w) => w.out.includes(`, 1 at a time; target key: ${targetKey}\n`)), workers.map((w) => w.out).join("\n"));

  const jobs = [1, 2, 4, 8, 16, 32, 64, 128].flatMap((factor) => [0, 1, 2, 3, 4, 5, 6, 7].map((k) =>
    axpbJob(axpbSource(factor), { targetKey, minRepeats: 2, maxRepeats: 3, timeoutMs: 2000 }, `round-${k}`)));
  t.is(new Set(jobs.map((j) => j.id)).size, 64);
  const q = new BullMQQueue({ connection: url, waitMs: 150_000 });
  t.teardown(() => q.close());
  const results = await q.measure(jobs);

  t.truthy(killed, "a worker was killed");
  t.deepEqual((await killed!.w.exited).signal, "SIGKILL");
  const survivors = workers.filter((w) => w !== killed!.w);
  t.deepEqual(results.map((r) => r.id), jobs.map((j) => j.id));
  t.deepEqual(results.filter((r) => r.error !== undefined), [], "no candidate lost or failed");
  const measured = new Map<string, number>();
  for (const w of workers) for (const m of w.out.matchAll(/^measured ([0-9a-f]+): median /gm)) measured.set(m[1], (measured.get(m[1]) ?? 0) + 1);
  t.deepEqual([...measured.keys()].sort(), jobs.map((j) => j.id).sort(), "every candidate measured");
  t.deepEqual([...measured.values()].filter((c) => c !== 1), [], "none measured twice");
  t.true(killed!.w.out.includes(`measuring ${killed!.id} `));
  t.false(killed!.w.out.includes(`measured ${killed!.id}`));
  const again = results.find((r) => r.id === killed!.id)!;
  t.true(survivors.some((w) => again.worker === `${hostname()}:${w.proc.pid}`), `measured by ${again.worker}`);

  for (const w of survivors) w.proc.kill("SIGTERM");
  for (const w of survivors) {
    t.deepEqual(await w.exited, { code: 0, signal: null }, w.out);
    t.true(w.out.endsWith("SIGTERM: finishing the jobs in progress\nstopped\n"), w.out.slice(-300));
  }
});

test("tejit worker: --redis is required, FILE arguments and a bad --concurrency are usage errors", async (t) => {
  const run = async (...argv: string[]) => {
    let out = "";
    let err = "";
    const status = await main(argv, (s) => { out += s; }, (s) => { err += s; });
    return { status, out, err };
  };
  t.deepEqual(await run("worker"), { status: 1, out: "", err: "tejit: worker: --redis URL is required (for example --redis redis://127.0.0.1:6379)\n" });
  const extra = await run("worker", "x.ts", "--redis", "redis://127.0.0.1:1");
  t.is(extra.status, 2);
  t.true(extra.err.startsWith("tejit: worker takes no FILE, got x.ts\n"));
  const bad = await run("worker", "--redis", "redis://127.0.0.1:1", "--concurrency", "0");
  t.is(bad.status, 2);
  t.true(bad.err.startsWith("tejit: --concurrency expects a positive integer, got '0'\n"));
});
