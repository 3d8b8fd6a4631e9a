// Cache trust (issue 9 item 5): the directory and its files are private whatever the umask; a
// directory others can write or another user owns is refused with the fix in the message; a
// library is loaded only when it matches the digest recorded when it was built, so a planted
// .so, a symlink, a truncated or corrupt entry is a miss that is rebuilt (also by several
// processes at once).
import test from "ava";
import { spawn } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tsUrl, withEnv, work } from "./helpers.js";
import { compileSource, compilerRunCount } from "../../ts/runtime/compile.js";
import { createModuleFromSource } from "../../ts/runtime/module.js";

const FIX = "set TEJIT_CACHE_DIR to a writable directory of your own, or TEJIT_DISABLE_CACHE=1";
/** A kernel answering `value` (packed ABI). */
const kernel = (value: number, tag: string): string =>
  `#include "tejit_abi.h"\nTEJIT_DEFINE_RUNTIME_GLOBALS\n/* ${tag} */\nint32_t answer(void* a, int32_t* c, int32_t n, void* r, int32_t* rc, void* h) { (void)a; (void)c; (void)n; (void)h; ((TVMValue*)r)->v_int64 = ${value}; *rc = kTVMArgInt; return 0; }\n`;
const mode = (p: string): string => (lstatSync(p).mode & 0o777).toString(8);

test.serial("under umask 000 the directories tejit creates are 0700, libraries 0700, other files 0600", (t) => {
  const base = mkdtempSync(join(work, "umask-"));
  const dir = join(base, "a", "b", "cache");
  const old = process.umask(0);
  try {
    withEnv({ TEJIT_CACHE_DIR: dir }, () => compileSource(kernel(1, "umask")));
  } finally {
    process.umask(old);
  }
  for (const d of [join(base, "a"), join(base, "a", "b"), dir]) t.is(mode(d), "700", d);
  const files = readdirSync(dir);
  t.true(files.some((f) => f.endsWith(".so")) && files.some((f) => f.startsWith("probe-")), files.join(" "));
  for (const f of files) t.is(mode(join(dir, f)), f.endsWith(".so") ? "700" : "600", f);
});

test.serial("a cache directory others can write is refused, naming chmod; after chmod 700 it is used", (t) => {
  for (const bits of [0o777, 0o770, 0o702]) {
    const dir = mkdtempSync(join(work, "open-"));
    chmodSync(dir, bits);
    withEnv({ TEJIT_CACHE_DIR: dir }, () => {
      t.throws(() => compileSource(kernel(2, "open")), {
        message: `the tejit cache directory ${dir} is writable by others (mode ${bits.toString(8).padStart(4, "0")}): anyone could replace a library there; run chmod 700 ${dir}, or ${FIX}`,
      });
      t.deepEqual(readdirSync(dir), [], "nothing written there");
      chmodSync(dir, 0o700);
      t.true(compileSource(kernel(2, "open")).startsWith(dir));
      // Checked on every build, not only the first.
      chmodSync(dir, bits);
      t.throws(() => compileSource(kernel(2, "open")), { message: /is writable by others/ });
    });
  }
});

test.serial("a cache directory another user owns is refused", (t) => {
  const uid = process.getuid!();
  let dir: string;
  if (uid === 0) {
    dir = mkdtempSync(join(work, "foreign-"));
    chownSync(dir, 65534, 65534);
  } else {
    dir = "/"; // root's
  }
  withEnv({ TEJIT_CACHE_DIR: dir }, () => {
    t.throws(() => compileSource(kernel(3, "foreign")), {
      message: `the tejit cache directory ${dir} is owned by uid ${uid === 0 ? 65534 : 0}, not by you (uid ${uid}): its owner could replace a library there; ${FIX}`,
    });
  });
});

/** Builds `src` once to learn its entry, lets `tamper` change it, then loads it in this process. */
function tamperThenLoad(t: import("ava").ExecutionContext, tag: string, tamper: (lib: string, evil: string) => void): void {
  const dir = mkdtempSync(join(work, "tamper-"));
  withEnv({ TEJIT_CACHE_DIR: dir }, () => {
    const src = kernel(42, tag);
    const lib = compileSource(src);
    const evil = compileSource(kernel(666, `${tag}-evil`));
    tamper(lib, evil);
    const runs = compilerRunCount();
    const m = createModuleFromSource(src); // the same source: the same entry
    t.is(m.libraryPath, lib);
    t.is(m.getFunction("answer")(), 42, "the real library, rebuilt");
    t.is(compilerRunCount(), runs + 1, "a miss: the compiler ran");
    t.true(lstatSync(lib).isFile(), "a regular file again");
    t.is(compileSource(src), lib);
    t.is(compilerRunCount(), runs + 1, "then a hit");
  });
}

test.serial("a library planted under an entry's name (no manifest) is not loaded: rebuilt", (t) => {
  tamperThenLoad(t, "planted", (lib, evil) => {
    rmSync(lib.replace(/\.so$/, ".json"));
    writeFileSync(lib, readFileSync(evil));
  });
});

test.serial("a library replaced under its manifest (digest differs) is not loaded: rebuilt", (t) => {
  tamperThenLoad(t, "replaced", (lib, evil) => writeFileSync(lib, readFileSync(evil)));
});

test.serial("a symlink under an entry's name is not followed: rebuilt", (t) => {
  tamperThenLoad(t, "symlink", (lib, evil) => {
    rmSync(lib);
    symlinkSync(evil, lib);
  });
});

test.serial("a truncated library or a corrupt manifest is a miss that is rebuilt", (t) => {
  tamperThenLoad(t, "truncated", (lib) => truncateSync(lib, Math.floor(statSync(lib).size / 2)));
  tamperThenLoad(t, "manifest", (lib) => writeFileSync(lib.replace(/\.so$/, ".json"), "{not json"));
});

function loadInChild(dir: string, src: string): Promise<string> {
  const code = `
    const { createModuleFromSource } = await import(${JSON.stringify(tsUrl("runtime/module.ts"))});
    console.log(createModuleFromSource(${JSON.stringify(src)}).getFunction("answer")());`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { env: { ...process.env, TEJIT_CACHE_DIR: dir }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", () => resolve(out.trim()));
  });
}

test.serial("several processes rebuilding a truncated entry at once all load the right library", async (t) => {
  const dir = mkdtempSync(join(work, "rebuild-shared-"));
  const src = kernel(42, "shared-rebuild");
  const lib = withEnv({ TEJIT_CACHE_DIR: dir }, () => compileSource(src));
  truncateSync(lib, 100);
  const outs = await Promise.all([0, 1, 2].map(() => loadInChild(dir, src)));
  t.deepEqual(outs, ["42", "42", "42"]);
  t.is(await loadInChild(dir, src), "42");
  t.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
});
