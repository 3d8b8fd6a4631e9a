// buildAsync: the same Module as build(), compiled in a child process that is awaited, so the
// event loop keeps running during a cold build; several builds at once, at most one compiler per
// core; errors as rejections with build()'s messages.
import test from "ava";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { build, buildAsync, nd, te } from "../../ts/index.js";
import { forgetProbeVerdicts } from "../../ts/runtime/compiler_probe.js";

function kernel(k: number) {
  const A = te.placeholder([64], "float32", "A");
  const C = te.compute([64], (i) => A.at(i).mul(k).add(k), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).vectorize(s.stage(C).split(C.op.axis[0], { factor: 16 })[1]);
  return { s, args: [A, C] };
}

function check(t: import("ava").ExecutionContext, f: (...a: unknown[]) => unknown, k: number): void {
  const a = nd.array(Float32Array.from({ length: 64 }, (_, i) => i), [64]);
  const c = nd.empty([64]);
  f(a, c);
  t.deepEqual(Array.from(c.toTypedArray()), Array.from({ length: 64 }, (_, i) => i * k + k));
}

/** Runs `work` while a 5 ms interval ticks; the longest gap between ticks and the time taken. */
async function watchEventLoop(work: () => Promise<unknown>): Promise<{ maxGap: number; ms: number; ticks: number }> {
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 5);
  const start = performance.now();
  await new Promise((r) => setTimeout(r, 20));
  last = performance.now();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const now = performance.now();
  maxGap = Math.max(maxGap, now - last);
  clearInterval(timer);
  void start;
  return { maxGap, ms, ticks };
}

function freshCache(t: import("ava").ExecutionContext): void {
  const dir = mkdtempSync(join(tmpdir(), "tejit-async-"));
  const saved = process.env.TEJIT_CACHE_DIR;
  process.env.TEJIT_CACHE_DIR = dir;
  forgetProbeVerdicts();
  t.teardown(() => {
    if (saved === undefined) delete process.env.TEJIT_CACHE_DIR; else process.env.TEJIT_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });
}

test.serial("a timer keeps firing during a cold buildAsync (and does not during a cold build)", async (t) => {
  freshCache(t);
  const { s, args } = kernel(3);
  const asyncRun = await watchEventLoop(async () => check(t, (await buildAsync(s, args, { name: "cold_async" })).getFunction("cold_async"), 3));
  t.true(asyncRun.ms > 60, `a cold build with its compiler probe takes a while (${asyncRun.ms.toFixed(0)} ms)`);
  t.true(asyncRun.maxGap < asyncRun.ms / 2, `the event loop ran: longest gap ${asyncRun.maxGap.toFixed(0)} ms of ${asyncRun.ms.toFixed(0)} ms`);
  t.true(asyncRun.ticks >= 5);
  // The control: the synchronous build of another kernel blocks the loop for its whole compile.
  const other = kernel(5);
  const syncRun = await watchEventLoop(async () => check(t, build(other.s, other.args, { name: "cold_sync" }).getFunction("cold_sync"), 5));
  t.true(syncRun.maxGap >= syncRun.ms * 0.9, `build() blocks: longest gap ${syncRun.maxGap.toFixed(0)} ms of ${syncRun.ms.toFixed(0)} ms`);
});

test.serial("several buildAsync at once all work, with at most one compiler per core", async (t) => {
  freshCache(t);
  const dir = mkdtempSync(join(tmpdir(), "tejit-cc-log-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, "log");
  const wrapper = join(dir, "cc");
  writeFileSync(wrapper, `#!/bin/sh\necho "start $(date +%s%N)" >> ${log}\ncc "$@"\ns=$?\necho "end $(date +%s%N)" >> ${log}\nexit $s\n`);
  chmodSync(wrapper, 0o755);
  const ks = [2, 3, 4, 5, 6, 7];
  const mods = await Promise.all(ks.map((k) => {
    const { s, args } = kernel(k);
    return buildAsync(s, args, { name: `many${k}`, cc: wrapper });
  }));
  mods.forEach((m, i) => check(t, m.getFunction(`many${ks[i]}`), ks[i]));
  const events = readFileSync(log, "utf8").trim().split("\n").map((l) => { const [kind, ns] = l.split(" "); return { kind, at: BigInt(ns) }; });
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  let running = 0;
  let most = 0;
  for (const e of events) {
    running += e.kind === "start" ? 1 : -1;
    most = Math.max(most, running);
  }
  t.true(events.length >= 2 * ks.length, "every kernel was compiled");
  t.true(most <= availableParallelism(), `at most ${availableParallelism()} compilers at once, saw ${most}`);
  t.true(most >= Math.min(2, availableParallelism()), `builds overlapped (${most} at once)`);
});

test("buildAsync gives the same library as build, and rejects where build throws", async (t) => {
  const { s, args } = kernel(9);
  const a = build(s, args, { name: "same" });
  const b = await buildAsync(s, args, { name: "same" });
  t.is(b.libraryPath, a.libraryPath);
  t.is(b.getSource(), a.getSource());
  check(t, b.getFunction("same"), 9);
  await t.throwsAsync(buildAsync(s, undefined as never), { message: /^build: building a schedule needs the argument list/ });
  await t.throwsAsync(buildAsync(s, args, { cflags: "-fno-such-flag-at-all" }), { message: /^C compilation of \S+\.c failed \(cc exited with 1\):\n.*-fno-such-flag-at-all/s });
  await t.throwsAsync(buildAsync(s, args, { cc: "/nonexistent/cc" }), { message: /^C compiler '\/nonexistent\/cc' not found \(chosen by the cc option\)/ });
});
