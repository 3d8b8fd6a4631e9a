// Concurrency that already holds, kept by tests (issue 9): worker threads and processes
// building the same kernel on one cache at once; a process killed (SIGKILL) in the middle of a
// compile leaves no entry that a later build would use; parallel loops whose JS callbacks throw
// in some iterations, synchronously and through callAsync; kernels re-entered from their own
// callbacks. (Processes building one fixture source at once: test/runtime/compile.test.ts; a
// generated kernel's parallel callback throwing once, synchronously: test/codegen/parallel.test.ts.)
import test from "ava";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { build, nd, registerFunc, te, tir } from "../../ts/index.js";

const work = mkdtempSync(join(tmpdir(), "tejit-concurrency-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
process.env.TEJIT_CACHE_DIR ??= join(work, "cache");

const builder = join(import.meta.dirname, "concurrency", "build_kernel.ts");
const expected = Array.from({ length: 64 }, (_, i) => i * 3 + 1);
interface Report { libraryPath: string; values: number[] }

/** Runs build_kernel.ts in a child process with `env`; resolves with its report or how it ended. */
function inProcess(env: Record<string, string>, opts: { detached?: boolean; onSpawn?: (pid: number) => void } = {}): Promise<Report | { exit: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", builder], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: opts.detached });
    opts.onSpawn?.(child.pid!);
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code, signal) => resolve(code === 0 ? JSON.parse(out.trim()) : { exit: `${signal ?? code}: ${err.trim().slice(-1000)}` }));
  });
}

/** Runs build_kernel.ts in a worker thread (TypeScript through tsx's register API) with TEJIT_CACHE_DIR = `cache`. */
function inWorker(cache: string): Promise<Report> {
  const api = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  const code = `const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(pathToFileURL(builder).href)});`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, env: { ...process.env, TEJIT_CACHE_DIR: cache } });
    w.once("message", resolve);
    w.once("error", reject);
    w.once("exit", (c) => c !== 0 && reject(new Error(`worker exited with ${c}`)));
  });
}

test("two worker threads and two processes building one kernel on one empty cache at once: all compute right, from one library", async (t) => {
  const cache = join(work, "shared-cache");
  const reports = await Promise.all([inWorker(cache), inWorker(cache), inProcess({ TEJIT_CACHE_DIR: cache }), inProcess({ TEJIT_CACHE_DIR: cache })]);
  for (const r of reports) {
    if ("exit" in r) return t.fail(`a process failed: ${r.exit}`);
    t.deepEqual(r.values, expected);
  }
  t.is(new Set(reports.map((r) => (r as Report).libraryPath)).size, 1, "every builder loaded the same cache entry");
  const files = readdirSync(cache).filter((f) => /\.(so|c)$/.test(f));
  t.is(files.filter((f) => f.endsWith(".so")).length, 1);
  t.deepEqual(readdirSync(cache).filter((f) => f.endsWith(".tmp")), [], "no temporary file is left behind");
});

test("a process killed by SIGKILL during a compile leaves no entry in use; another process then builds a working library", async (t) => {
  const cache = join(work, "killed-cache");
  const ready = join(work, "compiler-started");
  // A compiler that, when TEJIT_TEST_SLOW_CC is set and it builds a kernel library (not the
  // compiler probe), writes half a library to its output, says it has started, and hangs;
  // otherwise (and for --version, so the cache key is the same) it is cc.
  const cc = join(work, "slow-cc");
  writeFileSync(cc, `#!/bin/sh
if [ "$1" = "--version" ]; then exec cc --version; fi
prev=""; out=""; for a in "$@"; do if [ "$prev" = "-o" ]; then out="$a"; fi; prev="$a"; done
case "$out" in
  *.so.*.tmp) if [ -n "$TEJIT_TEST_SLOW_CC" ]; then
    printf '\\177ELF half a library' > "$out"
    touch "$TEJIT_TEST_SLOW_CC"
    sleep 60
  fi ;;
esac
exec cc "$@"
`);
  chmodSync(cc, 0o755);
  let pid = 0;
  const killed = inProcess({ TEJIT_CACHE_DIR: cache, TEJIT_CC: cc, TEJIT_TEST_SLOW_CC: ready }, { detached: true, onSpawn: (p) => (pid = p) });
  for (let waited = 0; !existsSync(ready); waited += 50) {
    if (waited > 60_000) return t.fail("the compiler never started");
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(-pid, "SIGKILL"); // the process and its compiler (its own process group)
  const first = await killed;
  t.true("exit" in first && first.exit.startsWith("SIGKILL"), "the first builder was killed");
  const leftovers = readdirSync(cache);
  t.deepEqual(leftovers.filter((f) => f.endsWith(".so")), [], "no library under its final name");
  t.true(leftovers.some((f) => f.endsWith(".tmp")), "the half-written output is only a temporary file");
  const second = await inProcess({ TEJIT_CACHE_DIR: cache, TEJIT_CC: cc });
  if ("exit" in second) return t.fail(`the second builder failed: ${second.exit}`);
  t.deepEqual(second.values, expected);
  t.true(second.libraryPath.startsWith(cache) && existsSync(second.libraryPath));
});

/** C[i, j] = E[i, j] + 1 over [16, 8] where E = callback(A) per row, rows run in parallel. */
function parallelRows(callee: string) {
  const A = te.placeholder([16, 8], "float32", "A");
  const E = te.extern([16, 8], [A], (ins, outs) => tir.callPacked(callee, ins[0], outs[0]), { name: "E", regionMap: "elementwise" });
  const C = te.compute([16, 8], (i, j) => E.at(i, j).add(1), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).parallel(C.op.axis[0]);
  s.stage(E).computeAt(s.stage(C), C.op.axis[0]);
  return build(s, [A, C], { name: "rows" }).getFunction("rows");
}
const grid = () => nd.array(Float32Array.from({ length: 128 }, (_, i) => i), [16, 8]);

test.serial("parallel iterations whose callbacks throw: the kernel fails with a callback's message, every time, sync and async; later calls are right", async (t) => {
  let failing = new Set([3, 7, 11]);
  const seen: number[] = [];
  registerFunc("concurrency.rows", (a: nd.NDArray, e: nd.NDArray) => {
    const row = a.byteOffset / (8 * 4);
    seen.push(row);
    if (failing.has(row)) throw new Error(`row ${row} refused`);
    e.copyFrom(a.toTypedArray().map((v) => v * 2));
  }, { override: true });
  const rows = parallelRows("concurrency.rows");
  const message = /^row (3|7|11) refused$/; // the callback's own exception
  for (let rep = 0; rep < 10; rep++) {
    const out = nd.empty([16, 8]);
    seen.length = 0;
    t.throws(() => rows(grid(), out), { message });
    t.is(new Set(seen).size, seen.length, "no row's callback ran twice");
    t.true(seen.some((r) => failing.has(r)));
    await t.throwsAsync(rows.callAsync(grid(), nd.empty([16, 8])), { message });
  }
  const results = await Promise.allSettled([0, 1, 2].map(() => rows.callAsync(grid(), nd.empty([16, 8]))));
  t.true(results.every((r) => r.status === "rejected" && message.test((r.reason as Error).message)), "three failing calls at once all fail");
  failing = new Set();
  const out = nd.empty([16, 8]);
  rows(grid(), out);
  t.deepEqual([...out.toTypedArray()], Array.from({ length: 128 }, (_, i) => i * 2 + 1));
  const later = nd.empty([16, 8]);
  await rows.callAsync(grid(), later);
  t.deepEqual([...later.toTypedArray()], Array.from({ length: 128 }, (_, i) => i * 2 + 1));
});

test.serial("a kernel re-entered from its own callback, three levels deep (sync and under callAsync), and from a parallel loop's callbacks", async (t) => {
  // K(A) = E + 1 where E = callback(A); the callback calls K again until depth 3, where E = 2A.
  const A = te.placeholder([8], "float32", "A");
  const E = te.extern([8], [A], (ins, outs) => tir.callPacked("concurrency.reenter", ins[0], outs[0]), { name: "E" });
  const C = te.compute([8], (i) => E.at(i).add(1), "C");
  const K = build(te.createSchedule(C.op), [A, C], { name: "reenter" }).getFunction("reenter");
  let depth = 0;
  let deepest = 0;
  registerFunc("concurrency.reenter", (a: nd.NDArray, e: nd.NDArray) => {
    if (depth < 3) {
      depth++;
      deepest = Math.max(deepest, depth);
      const r = nd.empty([8]);
      K(nd.array(a.toTypedArray().slice()), r);
      depth--;
      e.copyFrom(r);
    } else {
      e.copyFrom(a.toTypedArray().map((v) => v * 2));
    }
  }, { override: true });
  const input = () => nd.array(Float32Array.from({ length: 8 }, (_, i) => i));
  const want = Array.from({ length: 8 }, (_, i) => 2 * i + 4); // 2A at depth 3, + 1 per level
  const out = nd.empty([8]);
  K(input(), out);
  t.deepEqual([...out.data], want);
  t.is(deepest, 3);
  const outAsync = nd.empty([8]);
  await K.callAsync(input(), outAsync);
  t.deepEqual([...outAsync.data], want);
  t.is(depth, 0);
  // Callbacks from pool threads (queued to the JS thread) that run K, whose own callbacks re-enter K.
  registerFunc("concurrency.rows", (a: nd.NDArray, e: nd.NDArray) => {
    const r = nd.empty([8]);
    K(nd.array(a.toTypedArray().slice()), r);
    e.copyFrom(r.toTypedArray());
  }, { override: true });
  const rows = parallelRows("concurrency.rows");
  const grid = nd.empty([16, 8]);
  rows(nd.array(Float32Array.from({ length: 128 }, (_, i) => i), [16, 8]), grid);
  t.deepEqual([...grid.toTypedArray()], Array.from({ length: 128 }, (_, i) => 2 * i + 4 + 1));
});
