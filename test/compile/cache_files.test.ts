// Reading and touching the compile cache's files (runtime/cache_entry.ts): the addon's one-call
// readOwnFile (what a warm build's hit uses) keeps the rule of the Node fs version exactly (the
// bytes of a regular file of this user, never through a symlink; undefined for anything else,
// without blocking on a FIFO), and touchFile moves a file's times to now.
import test from "ava";
import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { work } from "./helpers.js";
import { readOwnFile, readOwnFileJs, touchFile } from "../../ts/runtime/cache_entry.js";
import { getAddon } from "../../ts/runtime/addon.js";

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
