// Module: export and reload a library (with its embedded parameter descriptions), getSource,
// timeEvaluator's shape, dlclose when a module is collected, bad paths, a missing addon build,
// and TEJIT_NUM_THREADS.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fixtureSource, loadFixture } from "./helpers.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { createModuleFromSource, loadModule } from "../../ts/runtime/module.js";
import { loadAddonFrom } from "../../ts/runtime/addon.js";

const work = mkdtempSync(join(tmpdir(), "tejit-module-test-"));
const runtimeDir = join(import.meta.dirname, "..", "..", "ts", "runtime");

/** Runs an ES module snippet in a child Node (with tsx); returns its exit code and output. */
function child(script: string, env: Record<string, string> = {}, nodeArgs: string[] = []): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, "--import", "tsx", "--input-type=module", "-e", script], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}
const importRuntime = (file: string): string => JSON.stringify(pathToFileURL(join(runtimeDir, file)).href);

test("exportLibrary then loadModule: same functions, metadata recovered, no source", (t) => {
  const src = fixtureSource("basic.c");
  const functions = {
    scale: { params: [{ kind: "scalar" as const, dtype: "float64", name: "x \"quoted\" ??= é" }] },
    add_one: { params: [{ kind: "tensor" as const, dtype: "float32", ndim: 1 }, { kind: "tensor" as const, dtype: "float32", ndim: 1 }] },
  };
  const mod = createModuleFromSource(src, { functions });
  t.is(mod.getSource(), src);
  t.deepEqual(mod.metadata, { functions });
  const path = join(work, "basic.so");
  mod.exportLibrary(path);
  const loaded = loadModule(path);
  t.is(loaded.getSource(), "");
  t.is(loaded.libraryPath, path);
  t.deepEqual(loaded.metadata, { functions });
  t.is(loaded.getFunction("scale")(2), 5); // 2 goes as a float, per the recovered description
  const b = empty([2]);
  loaded.getFunction("add_one")(array(new Float32Array([1, 2])), b);
  t.deepEqual([...b.data], [2, 3]);
  t.throws(() => loaded.getFunction("add_one")(empty([2], "int32"), b), { message: "add_one: argument 0: expected an NDArray of dtype float32, got int32" });
  t.throws(() => loaded.getFunction("add_one")(empty([2, 1]), b), { message: /expected an NDArray of 1 dimensions, got shape \[2, 1\]/ });
  t.throws(() => createModuleFromSource(`${src}\nconst char __tejit_metadata[] = "{}";`, { functions }), { message: /already defines __tejit_metadata/ });
});

test("a library without metadata loads with none", (t) => {
  const mod = loadFixture("basic.c");
  t.deepEqual(mod.metadata, { functions: {} });
  t.is(mod.getFunction("add_ints")(1, 2), 3);
});

test("timeEvaluator returns seconds per call for each repeat", (t) => {
  const mod = loadFixture("basic.c");
  const a = empty([1024]);
  const b = empty([1024]);
  const res = mod.timeEvaluator("add_one", { number: 5, repeat: 3 })(a, b);
  t.is(res.results.length, 3);
  t.true(res.results.every((s) => typeof s === "number" && s > 0));
  t.is(res.mean, (res.results[0] + res.results[1] + res.results[2]) / 3);
  t.is(b.get([0]), 1); // it really ran
  t.throws(() => mod.timeEvaluator("add_one", { number: 0 }), { message: "timeEvaluator: number must be a positive integer, got 0" });
  t.throws(() => mod.timeEvaluator("fail", { repeat: 2 })("timed"), { message: "fail: timed" });
});

test("loadModule of a missing or invalid file is a clear Error", (t) => {
  t.throws(() => loadModule(join(work, "nope.so")), { message: `loadModule: no such file ${join(work, "nope.so")}` });
  const junk = join(work, "junk.so");
  writeFileSync(junk, "not a library");
  t.throws(() => loadModule(junk), { message: new RegExp(`^cannot load library ${junk}: `) });
});

test("a missing addon build says how to build it", (t) => {
  t.throws(() => loadAddonFrom("/nonexistent/build/Release/tejit.node"), {
    message: /^tejit's native addon is not built \(no \/nonexistent\/build\/Release\/tejit.node\): run `npm install` or `npx cmake-js compile` in /,
  });
});

test("the library is dlclosed once its module and functions are collected", (t) => {
  const r = child(`
    const { createModuleFromSource } = await import(${importRuntime("module.ts")});
    const { readFileSync } = await import("node:fs");
    let m = createModuleFromSource("#include \\"tejit_abi.h\\"\\nint32_t f(void* a, int32_t* c, int32_t n, void* r, int32_t* rc, void* h) { return 0; }\\n");
    const path = m.libraryPath;
    let f = m.getFunction("f");
    f();
    const mapped = () => readFileSync("/proc/self/maps", "utf8").includes(path);
    const before = mapped();
    m = undefined; f = undefined;
    for (let i = 0; i < 20 && mapped(); i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
    console.log(before, mapped());`, { TEJIT_DISABLE_CACHE: "1" }, ["--expose-gc"]);
  t.is(r.out, "true false");
});

test("TEJIT_NUM_THREADS sets the pool size; a bad value is a clear Error", (t) => {
  const script = `const { getNumThreads } = await import(${importRuntime("threads.ts")}); console.log(getNumThreads());`;
  t.deepEqual(child(script, { TEJIT_NUM_THREADS: "3" }), { status: 0, out: "3" });
  const bad = child(script, { TEJIT_NUM_THREADS: "lots" });
  t.is(bad.status, 1);
  t.regex(bad.out, /TEJIT_NUM_THREADS must be a positive integer, got 'lots'/);
  // A count that would start a million threads is refused before the pool exists.
  const huge = child(script, { TEJIT_NUM_THREADS: "1000000" });
  t.is(huge.status, 1);
  t.regex(huge.out, /TEJIT_NUM_THREADS must be at most 1024, got '1000000'/);
  // The error is the same on every use, not only the first (the addon is not left half set up).
  const twice = child(`const { getNumThreads } = await import(${importRuntime("threads.ts")}); for (let i = 0; i < 2; i++) { try { getNumThreads(); } catch (e) { console.log(e.message); } }`, { TEJIT_NUM_THREADS: "0" });
  t.is(twice.out, "TEJIT_NUM_THREADS must be a positive integer, got '0'\nTEJIT_NUM_THREADS must be a positive integer, got '0'");
});
