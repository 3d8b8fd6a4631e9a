// The `tejit` command line, run in-process through main(): info, lower, build --emit c|so, bench,
// cache ls|clear|prune, usage errors and program-module errors.
import test from "ava";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { cacheLimitBytes, listCacheEntries, pruneCache } from "../../ts/runtime/cache_index.js";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main, USAGE } from "../../ts/cli/main.js";
import { build, runtime, te, nd } from "../../ts/index.js";
import { version } from "../../ts/version.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (f: string) => join(here, "fixtures", f);
const cache = mkdtempSync(join(tmpdir(), "tejit-cli-cache-"));
process.env.TEJIT_CACHE_DIR = cache;
process.on("exit", () => rmSync(cache, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const status = await main(argv, (s) => { out += s; }, (s) => { err += s; });
  return { status, out, err };
}

test.serial("info names the compiler, the vector width, the threads and the cache", async (t) => {
  const r = await run("info");
  t.is(r.status, 0, r.err);
  t.regex(r.out, new RegExp(`^tejit {7}${version.replace(/\./g, "\\.")} on Node v20`, "m"));
  t.regex(r.out, /^compiler {4}\S+ \((default|CC|TEJIT_CC)\): \/\S+, .*\d+\.\d+/m);
  t.regex(r.out, /^workarounds (none needed|-fno-tree-loop-if-convert)$/m);
  t.regex(r.out, /^vectors {5}(16|32|64) bytes \((4|8|16) float32 lanes\)$/m);
  t.regex(r.out, /^threads {5}\d+$/m);
  t.regex(r.out, new RegExp(`^cache {7}${cache}: \\d+ libraries, \\d+\\.\\d MiB$`, "m"));
  const json = JSON.parse((await run("info", "--json")).out) as { vectorBytes: number; cache: { dir: string }; cpu: { cores: number } };
  t.is(json.cache.dir, cache);
  t.true([16, 32, 64].includes(json.vectorBytes));
  t.true(json.cpu.cores >= 1);
});

test.serial("lower FILE prints the TIR lower() gives", async (t) => {
  const r = await run("lower", fixture("add.ts"));
  t.is(r.status, 0, r.err);
  t.regex(r.out, /^primfn\(A_1: handle, C_1: handle\) -> \(\)\n {2}attr = \{"global_symbol": "add_one", "tir.noalias": True\}/);
  t.regex(r.out, /for \(i\.inner: int32, 0, 16\)/);
  const named = await run("lower", fixture("add.ts"), "--name", "renamed");
  t.regex(named.out, /"global_symbol": "renamed"/);
});

test.serial("build FILE --emit c prints the C; --emit so writes a library that loads and runs", async (t) => {
  const c = await run("build", fixture("add.ts"), "--emit", "c");
  t.is(c.status, 0, c.err);
  t.regex(c.out, /int32_t add_one\(void\* args, int32_t\* arg_type_ids, int32_t num_args/);
  const dir = mkdtempSync(join(tmpdir(), "tejit-cli-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const so = join(dir, "add.so");
  const r = await run("build", fixture("add.ts"), "-o", so);
  t.is(r.status, 0, r.err);
  t.is(r.out, `wrote ${so} (function 'add_one'; load it with runtime.loadModule)\n`);
  const f = runtime.loadModule(so).getFunction("add_one");
  const a = nd.array(Float32Array.from({ length: 64 }, (_, i) => i), [64]);
  const b = nd.empty([64]);
  f(a, b);
  t.deepEqual(Array.from(b.toTypedArray()), Array.from({ length: 64 }, (_, i) => i + 1));
  const bad = await run("build", fixture("add.ts"), "--emit", "asm");
  t.is(bad.status, 1);
  t.is(bad.err, "tejit: build: --emit must be c or so, got 'asm'\n");
});

test.serial("bench FILE times the program; symbolic sizes and scalars come from --var", async (t) => {
  const r = await run("bench", fixture("symbolic.ts"), "--var", "n=4096", "--number", "3", "--repeat", "3");
  t.is(r.status, 0, r.err);
  t.regex(r.out, /^main: median \d+\.\d{4} ms, min \d+\.\d{4} ms, max \d+\.\d{4} ms \(3 repeats of 3 calls\)\n$/);
  const missing = await run("bench", fixture("symbolic.ts"));
  t.is(missing.status, 1);
  t.regex(missing.err, /^tejit: bench: dimension 0 of tensor 'A' is n; give its variables with --var NAME=VALUE\n$/);
  const badVar = await run("bench", fixture("symbolic.ts"), "--var", "n:3");
  t.is(badVar.err, "tejit: --var expects NAME=INTEGER, got 'n:3'\n");
});

test.serial("cache ls lists entries newest first; prune removes the least recently used; clear empties it", async (t) => {
  // Three distinct kernels: three entries.
  for (const k of [1, 2, 3]) {
    const A = te.placeholder([8], "float32", "A");
    const C = te.compute([8], (i) => A.at(i).add(k), "C");
    build(te.createSchedule(C.op), [A, C], { name: `k${k}` });
  }
  const ls = await run("cache", "ls");
  t.is(ls.status, 0, ls.err);
  const lines = ls.out.trim().split("\n");
  const count = Number(/^(\d+) entries/.exec(lines[lines.length - 1])![1]);
  t.true(count >= 3);
  t.is(lines.length, count + 1);
  t.regex(lines[0], /^[0-9a-f]{16} +\d+\.\d\d MiB {2}\d{4}-\d\d-\d\dT/);
  const toZero = await run("cache", "prune", "--max-mb", "0");
  t.is(toZero.out, `removed ${count} entries; 0.00 MiB left in ${cache}\n`);
  t.is(readdirSync(cache).filter((f) => /^[0-9a-f]{64}\./.test(f)).length, 0);
  const noCap = await run("cache", "prune");
  t.is(noCap.err, "tejit: cache prune needs --max-mb N (the size to shrink the cache to)\n");
  const clear = await run("cache", "clear");
  t.regex(clear.out, /^removed \d+ files from /);
  t.is((await run("cache", "frobnicate")).err, "tejit: cache expects ls, clear or prune, got 'frobnicate'\n");
});

test("pruneCache removes the least recently used entries (all files of a key) until the cache fits; links are left alone", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-prune-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const key = (c: string) => c.repeat(64);
  const put = (name: string, bytes: number, time: number) => {
    writeFileSync(join(dir, name), Buffer.alloc(bytes));
    utimesSync(join(dir, name), new Date(time), new Date(time));
  };
  put(`${key("a")}.so`, 1000, 1e12); put(`${key("a")}.c`, 200, 1e12);
  put(`${key("b")}.so`, 1000, 2e12);
  put(`${key("c")}.so`, 1000, 3e12);
  symlinkSync("/etc/passwd", join(dir, `${key("d")}.so`));
  t.deepEqual(listCacheEntries(dir).map((e) => [e.key[0], e.bytes]), [["c", 1000], ["b", 1000], ["a", 1200]]);
  t.deepEqual(pruneCache(dir, 2500), { removed: 1, bytes: 2000 });
  t.deepEqual(readdirSync(dir).sort(), [`${key("b")}.so`, `${key("c")}.so`, `${key("d")}.so`]);
  t.deepEqual(pruneCache(dir, 1500, new Set([key("b")])), { removed: 1, bytes: 1000 });
  t.deepEqual(readdirSync(dir).sort(), [`${key("b")}.so`, `${key("d")}.so`], "the kept entry stays, the older unkept one goes");
  t.true(existsSync("/etc/passwd"));
});

test.serial("a build keeps the cache under TEJIT_CACHE_MAX_MB, removing the least recently used entries first", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-cap-"));
  const saved = { dir: process.env.TEJIT_CACHE_DIR, cap: process.env.TEJIT_CACHE_MAX_MB };
  t.teardown(() => {
    if (saved.dir === undefined) delete process.env.TEJIT_CACHE_DIR; else process.env.TEJIT_CACHE_DIR = saved.dir;
    if (saved.cap === undefined) delete process.env.TEJIT_CACHE_MAX_MB; else process.env.TEJIT_CACHE_MAX_MB = saved.cap;
    rmSync(dir, { recursive: true, force: true });
  });
  process.env.TEJIT_CACHE_DIR = dir;
  process.env.TEJIT_CACHE_MAX_MB = "1";
  const old = "e".repeat(64);
  const recent = "f".repeat(64);
  writeFileSync(join(dir, `${old}.so`), Buffer.alloc(900 * 1024));
  utimesSync(join(dir, `${old}.so`), new Date(1e12), new Date(1e12));
  writeFileSync(join(dir, `${recent}.so`), Buffer.alloc(200 * 1024));
  const A = te.placeholder([8], "float32", "A");
  const C = te.compute([8], (i) => A.at(i).add(42), "C");
  const f = build(te.createSchedule(C.op), [A, C], { name: "capped" }).getFunction("capped");
  const a = nd.array(new Float32Array(8), [8]);
  const c = nd.empty([8]);
  f(a, c);
  t.deepEqual(Array.from(c.toTypedArray()), new Array(8).fill(42));
  const files = readdirSync(dir);
  t.false(files.includes(`${old}.so`), "the least recently used entry went");
  t.true(files.includes(`${recent}.so`), "a more recent one that fits stays");
  t.true(files.some((x) => /^[0-9a-f]{64}\.so$/.test(x) && x !== `${recent}.so`), "the new library is there");
  process.env.TEJIT_CACHE_MAX_MB = "lots";
  t.throws(() => cacheLimitBytes(), { message: "TEJIT_CACHE_MAX_MB must be a whole number of MiB (0 for no limit), got 'lots'" });
  process.env.TEJIT_CACHE_MAX_MB = "0";
  t.is(cacheLimitBytes(), undefined);
  delete process.env.TEJIT_CACHE_MAX_MB;
  t.is(cacheLimitBytes(), 1024 * 1024 * 1024);
});

test("usage: --help, --version, unknown commands and options", async (t) => {
  t.is((await run("--help")).out, `${USAGE}\n`);
  t.is((await run("--version")).out, `${version}\n`);
  const none = await run();
  t.is(none.status, 2);
  const unknown = await run("frob");
  t.is(unknown.status, 2);
  t.true(unknown.err.startsWith("tejit: unknown command 'frob'\nusage: tejit"));
  const opt = await run("info", "--frob");
  t.is(opt.status, 2);
  t.regex(opt.err, /^tejit: Unknown option '--frob'/);
  t.regex((await run("lower")).err, /^tejit: lower expects one FILE \(a program module\), got none\n/);
  t.regex((await run("bench", "x.ts", "--number", "0")).err, /^tejit: --number expects a positive integer, got '0'\n/);
});

test("program modules: a missing file, no schedule, another copy of tejit", async (t) => {
  const missing = await run("lower", fixture("nope.ts"));
  t.is(missing.status, 1);
  t.is(missing.err, `tejit: no such file: ${fixture("nope.ts")}\n`);
  const none = await run("lower", fixture("not_a_program.ts"));
  t.regex(none.err, /not_a_program\.ts: it exports no schedule; the module must export `schedule` \(te\.createSchedule\(\.\.\.\)\) and `args`/);
  const other = await run("lower", fixture("other_copy.mjs"));
  t.regex(other.err, /other_copy\.mjs: its schedule was made by another copy of tejit than this command's; import te from "tejit" in the module\n$/);
});

test("the version constant is package.json's", async (t) => {
  const pkg = JSON.parse((await import("node:fs")).readFileSync(join(here, "..", "..", "package.json"), "utf8")) as { version: string };
  t.is(version, pkg.version);
});
