// The compile driver and its cache: compiler choice, flags, cache keys and hits (a cache hit does
// not run the compiler, checked with a logging compiler wrapper), concurrent builds from several
// processes, compiler errors, a missing compiler, TEJIT_DISABLE_CACHE and clearCache.
import test from "ava";
import { withEnv } from "../helpers/env.js";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir, homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import "./helpers.js";
import { cacheDir, clearCache, compileSource, compilerFlags, compilerRunCount, findCompiler } from "../../ts/runtime/compile.js";

const work = mkdtempSync(join(tmpdir(), "tejit-compile-test-"));
const log = join(work, "cc.log");
const fakeCc = join(work, "logging-cc");
writeFileSync(fakeCc, `#!/bin/sh\necho "$@" >> "${log}"\nexec cc "$@"\n`);
chmodSync(fakeCc, 0o755);

/** Compiler invocations on a source file (not --version probes) logged by the wrapper. */
function compilerRuns(): number {
  return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l.includes("-shared")).length : 0;
}


const source = (tag: string): string => `int tejit_probe_${tag}(void) { return 42; }\n`;

test.serial("a cache hit skips the compiler; flags and compiler are part of the key", (t) => {
  const dir = mkdtempSync(join(work, "cache-"));
  withEnv({ TEJIT_CACHE_DIR: dir, TEJIT_CFLAGS: undefined }, () => {
    const before = compilerRuns();
    const p1 = compileSource(source("a"), { cc: fakeCc });
    t.is(compilerRuns(), before + 1);
    t.true(p1.startsWith(dir) && p1.endsWith(".so") && existsSync(p1));
    const p2 = compileSource(source("a"), { cc: fakeCc });
    t.is(p2, p1);
    t.is(compilerRuns(), before + 1, "the second build is a cache hit");
    const p3 = compileSource(source("a"), { cc: fakeCc, cflags: ["-O1"] });
    t.not(p3, p1);
    t.is(compilerRuns(), before + 2);
    withEnv({ TEJIT_CFLAGS: "-g" }, () => t.not(compileSource(source("a"), { cc: fakeCc }), p1));
    t.not(compileSource(source("a")), p1, "another compiler identity, another key");
    t.is(compilerRuns(), before + 3);
    // The source is kept next to the library, both renamed into place.
    t.is(readFileSync(p1.replace(/\.so$/, ".c"), "utf8"), source("a"));
    t.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
  });
});

test.serial("flags: defaults, then TEJIT_CFLAGS, then the cflags option", (t) => {
  withEnv({ TEJIT_CFLAGS: "-g -DX=1" }, () => {
    t.deepEqual(compilerFlags({ cflags: "-O1" }), ["-O3", "-march=native", "-ffp-contract=fast", "-fPIC", "-shared", "-g", "-DX=1", "-O1"]);
  });
  withEnv({ TEJIT_CFLAGS: undefined }, () => t.deepEqual(compilerFlags(), ["-O3", "-march=native", "-ffp-contract=fast", "-fPIC", "-shared"]));
});

test.serial("the compiler comes from the option, then TEJIT_CC, then CC, then cc", (t) => {
  withEnv({ TEJIT_CC: "clang -m64", CC: "gcc" }, () => {
    t.deepEqual(findCompiler("tcc"), { argv: ["tcc"], from: "option" });
    t.deepEqual(findCompiler(), { argv: ["clang", "-m64"], from: "TEJIT_CC" });
  });
  withEnv({ TEJIT_CC: undefined, CC: "gcc" }, () => t.deepEqual(findCompiler(), { argv: ["gcc"], from: "CC" }));
  withEnv({ TEJIT_CC: "", CC: undefined }, () => t.deepEqual(findCompiler(), { argv: ["cc"], from: "default" }));
});

test.serial("the cache directory: TEJIT_CACHE_DIR, else $XDG_CACHE_HOME/tejit, else ~/.cache/tejit", (t) => {
  withEnv({ TEJIT_CACHE_DIR: "/x/y", XDG_CACHE_HOME: "/xdg" }, () => t.is(cacheDir(), "/x/y"));
  withEnv({ TEJIT_CACHE_DIR: undefined, XDG_CACHE_HOME: "/xdg" }, () => t.is(cacheDir(), "/xdg/tejit"));
  withEnv({ TEJIT_CACHE_DIR: undefined, XDG_CACHE_HOME: undefined }, () => t.is(cacheDir(), join(homedir(), ".cache", "tejit")));
});

test.serial("a compiler error names the source file and carries the compiler's message", (t) => {
  const dir = mkdtempSync(join(work, "cache-"));
  withEnv({ TEJIT_CACHE_DIR: dir }, () => {
    const err = t.throws(() => compileSource("int broken( { return 1; }\n"));
    t.regex(err!.message, new RegExp(`^C compilation of ${dir}/[0-9a-f]{64}\\.c failed \\(.+ exited with 1\\):\\n`));
    t.regex(err!.message, /error: /);
    const src = (err as Error & { sourcePath: string }).sourcePath;
    t.is(readFileSync(src, "utf8"), "int broken( { return 1; }\n");
    t.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".so") || f.endsWith(".tmp")), []);
  });
});

test.serial("an unusable cache directory is a clear Error", (t) => {
  const file = join(work, "a-file");
  writeFileSync(file, "");
  withEnv({ TEJIT_CACHE_DIR: join(file, "cache") }, () => {
    t.throws(() => compileSource(source("e")), { message: new RegExp(`^cannot create the tejit cache directory ${file}/cache .*set TEJIT_CACHE_DIR to a writable directory`) });
  });
});

test.serial("a missing compiler is a clear Error", (t) => {
  t.throws(() => compileSource(source("b"), { cc: "/nonexistent/tejit-cc" }), {
    message: "C compiler '/nonexistent/tejit-cc' not found (chosen by the cc option): install gcc or clang, or set TEJIT_CC to a C compiler",
  });
  withEnv({ TEJIT_CC: "no-such-compiler-xyz" }, () => {
    t.throws(() => compileSource(source("b")), { message: /C compiler 'no-such-compiler-xyz' not found \(chosen by \$TEJIT_CC\)/ });
  });
});

test.serial("TEJIT_DISABLE_CACHE=1 compiles every time, outside the cache; clearCache empties it", (t) => {
  const dir = mkdtempSync(join(work, "cache-"));
  withEnv({ TEJIT_CACHE_DIR: dir }, () => {
    const runs = compilerRunCount();
    withEnv({ TEJIT_DISABLE_CACHE: "1" }, () => {
      const p1 = compileSource(source("c"));
      const p2 = compileSource(source("c"));
      t.not(p1, p2);
      t.false(p1.startsWith(dir));
      t.true(existsSync(p1) && existsSync(p2));
    });
    t.is(compilerRunCount(), runs + 2);
    t.deepEqual(readdirSync(dir), []);
    compileSource(source("c"));
    compileSource(source("d"));
    writeFileSync(join(dir, "unrelated.txt"), "keep me");
    mkdirSync(join(dir, "probe-Ab12cD")); // a killed probe's scratch directory
    writeFileSync(join(dir, "probe-Ab12cD", "tejit-probe.c"), "");
    t.is(clearCache(), 7, "two sources, libraries and manifests, and the scratch directory");
    t.deepEqual(readdirSync(dir), ["unrelated.txt"]);
    compileSource(source("c"));
    t.is(compilerRunCount(), runs + 5);
  });
});

/** Runs a child process that compiles `src` with the logging compiler into `dir`, loads and runs it. */
function buildInChild(dir: string, src: string): Promise<{ code: number | null; out: string }> {
  const mod = pathToFileURL(join(import.meta.dirname, "..", "..", "ts", "runtime", "module.ts")).href;
  const script = `
    const { createModuleFromSource } = await import(${JSON.stringify(mod)});
    const m = createModuleFromSource(${JSON.stringify(src)}, { cc: ${JSON.stringify(fakeCc)} });
    console.log(m.libraryPath, m.getFunction("answer")());`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, TEJIT_CACHE_DIR: dir },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => resolve({ code, out: out.trim() }));
  });
}

test.serial("several processes building the same source at once all succeed; a later process hits the cache", async (t) => {
  const dir = mkdtempSync(join(work, "shared-cache-"));
  const src = `#include "tejit_abi.h"\nTEJIT_DEFINE_RUNTIME_GLOBALS\nint32_t answer(void* a, int32_t* c, int32_t n, void* r, int32_t* rc, void* h) { ((TVMValue*)r)->v_int64 = 42; *rc = kTVMArgInt; return 0; }\n`;
  const results = await Promise.all([0, 1, 2].map(() => buildInChild(dir, src)));
  for (const r of results) {
    t.is(r.code, 0);
    t.regex(r.out, /^\S+\.so 42$/);
  }
  t.is(new Set(results.map((r) => r.out)).size, 1, "all processes use the same library path");
  const files = readdirSync(dir).sort();
  t.is(files.length, 4, files.join(" "));
  const key = files[0].slice(0, 64);
  t.deepEqual(files.filter((f) => !f.startsWith("probe-")), [`${key}.c`, `${key}.json`, `${key}.so`]);
  t.regex(files[3], /^probe-[0-9a-f]{64}\.json$/);
  const before = compilerRuns();
  const again = await buildInChild(dir, src);
  t.is(again.out, results[0].out);
  t.is(compilerRuns(), before, "the compiler did not run in the later process");
});
