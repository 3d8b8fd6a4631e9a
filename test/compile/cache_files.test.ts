// Reading and touching the compile cache's files (runtime/cache_entry.ts): the addon's one-call
// readOwnFile (what a warm build's hit uses) keeps the rule of the Node fs version exactly (the
// bytes of a regular file of this user, never through a symlink; undefined for anything else,
// without blocking on a FIFO), touchFile moves a file's times to now, and the cache's size summed
// by the addon (enforceCacheLimit's check after every build) is what listCacheEntries counts.
import test from "ava";
import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { work } from "./helpers.js";
import { readOwnFile, readOwnFileJs, touchFile } from "../../ts/runtime/cache_entry.js";
import { getAddon } from "../../ts/runtime/addon.js";
import { enforceCacheLimit, listCacheEntries, startCacheUsage } from "../../ts/runtime/cache_index.js";

test("the addon's readOwnFile and Node's agree: bytes of our regular files only", (t) => {
  const addon = getAddon();
  const dir = join(work, "own-files");
  mkdirSync(dir);
  const file = join(dir, "a.json");
  writeFileSync(file, "{\"x\": \"é\"}");
  const empty = join(dir, "empty");
  writeFileSync(empty, "");
  symlinkSync(file, join(dir, "link"));
  mkdirSync(join(dir, "sub"));
  t.is(spawnSync("mkfifo", [join(dir, "fifo")]).status, 0);
  const cases: [string, string | undefined][] = [
    [file, "{\"x\": \"é\"}"],
    [empty, ""],
    [join(dir, "link"), undefined],
    [join(dir, "sub"), undefined],
    [join(dir, "fifo"), undefined],
    [join(dir, "missing"), undefined],
    [`${file}\0x`, undefined],
  ];
  if (process.getuid?.() === 0) {
    const foreign = join(dir, "foreign");
    writeFileSync(foreign, "theirs");
    chownSync(foreign, 65534, 65534);
    cases.push([foreign, undefined]);
  }
  for (const [path, want] of cases) {
    const native = addon.readOwnFile(path);
    t.is(native?.toString("utf8"), want, `addon: ${path}`);
    t.true(native === undefined || Buffer.isBuffer(native));
    t.is(readOwnFileJs(path)?.toString("utf8"), want, `fs: ${path}`);
    t.is(readOwnFile(path)?.toString("utf8"), want, `readOwnFile: ${path}`);
  }
});

test("touchFile sets a file's times to now; false for a missing one", (t) => {
  const file = join(work, "touched");
  writeFileSync(file, "x");
  utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
  const before = Date.now();
  t.true(touchFile(file));
  const st = statSync(file);
  t.true(st.mtimeMs >= before - 1000 && st.mtimeMs <= Date.now() + 1000, String(st.mtime));
  t.true(st.atimeMs >= before - 1000);
  t.false(touchFile(join(work, "no-such-file")));
});

test("the addon's cache size is what listCacheEntries counts; enforceCacheLimit prunes only over the limit", (t) => {
  const addon = getAddon();
  const dir = join(work, "sized");
  mkdirSync(dir);
  const key = (c: string) => c.repeat(64);
  writeFileSync(join(dir, `${key("a")}.so`), Buffer.alloc(1000));
  writeFileSync(join(dir, `${key("a")}.c`), Buffer.alloc(300));
  writeFileSync(join(dir, `${key("b")}.`), Buffer.alloc(7));
  writeFileSync(join(dir, `${key("c")}.so.123.abc.tmp`), Buffer.alloc(5000)); // a build in progress
  writeFileSync(join(dir, `${key("A")}.so`), Buffer.alloc(5000)); // not lowercase hex
  writeFileSync(join(dir, `${"a".repeat(63)}.so`), Buffer.alloc(5000));
  writeFileSync(join(dir, "probe-x.json"), Buffer.alloc(5000));
  symlinkSync(join(dir, `${key("a")}.so`), join(dir, `${key("d")}.so`));
  mkdirSync(join(dir, `${key("e")}.so`));
  const listed = listCacheEntries(dir).reduce((n, e) => n + e.bytes, 0);
  t.is(listed, 1307);
  t.is(addon.cacheBytes(dir), listed);
  const job = addon.cacheBytesBegin(dir);
  t.is(addon.cacheBytesEnd(job), listed);
  t.throws(() => addon.cacheBytesEnd(job), { message: /already ended/ });
  // A job of another kind is refused, not read as this one (native/thread_job.h).
  const other = addon.cacheBytesBegin(dir);
  t.throws(() => addon.fileStampEnd(other), { message: "fileStampEnd: expected a job of fileStampBegin" });
  t.throws(() => addon.runEnd(other), { message: "runEnd: expected a job of runBegin" });
  t.is(addon.cacheBytesEnd(other), listed, "and it still ends as its own kind");
  t.is(addon.cacheBytes(join(dir, "missing")), -1);

  const limited = (mb: string, f: () => void) => {
    const saved = process.env.TEJIT_CACHE_MAX_MB;
    process.env.TEJIT_CACHE_MAX_MB = mb;
    try { f(); } finally { if (saved === undefined) delete process.env.TEJIT_CACHE_MAX_MB; else process.env.TEJIT_CACHE_MAX_MB = saved; }
  };
  limited("1", () => enforceCacheLimit(dir, key("a")));
  limited("1", () => enforceCacheLimit(dir, key("a"), startCacheUsage(dir)));
  t.is(listCacheEntries(dir).length, 2, "under the limit: nothing removed");
  // Over it (1 MiB): a walk started before the entry was written still counts the entry.
  limited("1", () => {
    const usage = startCacheUsage(dir);
    t.truthy(usage);
    writeFileSync(join(dir, `${key("f")}.so`), Buffer.alloc(1024 * 1024));
    enforceCacheLimit(dir, key("f"), usage);
  });
  t.deepEqual(listCacheEntries(dir).map((e) => e.key[0]).sort(), ["f"], "the older entries went, the kept one stayed");
  limited("0", () => t.is(startCacheUsage(dir), undefined, "no limit: no walk"));
});
