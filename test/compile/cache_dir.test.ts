// Cache directories that cannot be used (issue 9 item 10's /proc/x hang, item 5): each ends in
// an Error naming the directory, what is wrong and the variable to set, and never hangs (the
// /proc/x case runs in a child process with a time limit: fs.mkdirSync's recursive mode spun
// forever there).
import test from "ava";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runChild, tsUrl, withEnv, work } from "./helpers.js";
import { compileSource } from "../../ts/runtime/compile.js";

const source = "int tejit_cache_dir_probe(void) { return 3; }\n";
const FIX = "set TEJIT_CACHE_DIR to a writable directory of your own, or TEJIT_DISABLE_CACHE=1";
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("TEJIT_CACHE_DIR=/proc/x gives an Error at once instead of spinning", (t) => {
  const code = `
    const { compileSource } = await import(${JSON.stringify(tsUrl("runtime/compile.ts"))});
    try { compileSource(${JSON.stringify(source)}); console.log("built"); } catch (e) { console.log(e.message); }`;
  const t0 = Date.now();
  const r = runChild(code, { TEJIT_CACHE_DIR: "/proc/x" }, 30_000);
  t.is(r.signal, null, `the child was killed after ${Date.now() - t0} ms: it hung`);
  t.is(r.stdout, `cannot create the tejit cache directory /proc/x (from $TEJIT_CACHE_DIR): mkdir /proc/x: ENOENT; ${FIX}`);
});

test("a cache path through a file names the file", (t) => {
  const file = join(work, "a-file");
  writeFileSync(file, "");
  withEnv({ TEJIT_CACHE_DIR: join(file, "cache", "deeper") }, () => {
    t.throws(() => compileSource(source), {
      message: `cannot create the tejit cache directory ${file}/cache/deeper (from $TEJIT_CACHE_DIR): ${file} is not a directory; ${FIX}`,
    });
  });
  withEnv({ TEJIT_CACHE_DIR: file }, () => {
    t.throws(() => compileSource(source), { message: `cannot create the tejit cache directory ${file} (from $TEJIT_CACHE_DIR): ${file} is not a directory; ${FIX}` });
  });
});

test.serial("an unwritable cache directory is a clear Error", (t) => {
  const dir = mkdtempSync(join(work, "unwritable-"));
  const root = process.getuid?.() === 0;
  // root writes through mode bits: make the directory immutable instead.
  if (root) {
    const r = spawnSync("chattr", ["+i", dir]);
    if (r.status !== 0) {
      t.log(`chattr +i is not available here (${r.stderr}): not checked`);
      t.pass();
      return;
    }
  } else {
    chmodSync(dir, 0o500);
  }
  try {
    withEnv({ TEJIT_CACHE_DIR: dir }, () => {
      t.throws(() => compileSource(source), { message: new RegExp(`^the tejit cache directory ${escape(dir)} \\(from \\$TEJIT_CACHE_DIR\\) is not writable \\((EACCES|EPERM)\\); ${escape(FIX)}$`) });
    });
  } finally {
    if (root) spawnSync("chattr", ["-i", dir]);
    else chmodSync(dir, 0o700);
  }
});

test("a cache directory on a read-only place (sysfs) is a clear Error", (t) => {
  withEnv({ TEJIT_CACHE_DIR: "/sys/kernel/tejit-cache" }, () => {
    t.throws(() => compileSource(source), {
      message: new RegExp(`^cannot create the tejit cache directory /sys/kernel/tejit-cache \\(from \\$TEJIT_CACHE_DIR\\): mkdir /sys/kernel/tejit-cache: (EPERM|EACCES|EROFS); ${escape(FIX)}$`),
    });
  });
  withEnv({ TEJIT_CACHE_DIR: "/sys/kernel" }, () => {
    // root: the write test fails; anyone else: the directory is root's.
    t.throws(() => compileSource(source), {
      message: new RegExp(`^the tejit cache directory /sys/kernel (\\(from \\$TEJIT_CACHE_DIR\\) is not writable \\((EACCES|EPERM|EROFS)\\)|is owned by uid 0, not by you \\(uid \\d+\\): its owner could replace a library there); ${escape(FIX)}$`),
    });
  });
});

test("the default location's message says where the directory came from", (t) => {
  const file = join(work, "xdg-file");
  writeFileSync(file, "");
  withEnv({ TEJIT_CACHE_DIR: undefined, XDG_CACHE_HOME: file }, () => {
    t.throws(() => compileSource(source), { message: `cannot create the tejit cache directory ${file}/tejit (from $XDG_CACHE_HOME): ${file} is not a directory; ${FIX}` });
  });
  const ok = mkdtempSync(join(work, "xdg-"));
  mkdirSync(join(ok, "tejit"), { mode: 0o700 });
  withEnv({ TEJIT_CACHE_DIR: undefined, XDG_CACHE_HOME: ok }, () => t.true(compileSource(source).startsWith(join(ok, "tejit"))));
});
