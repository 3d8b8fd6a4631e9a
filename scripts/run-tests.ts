// Runs ava test files in this one process through scripts/ava-shim.ts (see there why), in
// order, and prints one line per test and a summary; exits 1 if any test fails. Used by
// check-valgrind.sh: `node --import tsx scripts/run-tests.ts [--exclude <title>]... <file>...`
// (an excluded test, named by its exact title, is counted as skipped).
import { register } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

register(new URL("./ava-shim-hooks.ts", import.meta.url));
const { Assertions, registered, setCurrentFile } = await import("./ava-shim.js");

const files: string[] = [];
const excluded = new Set<string>();
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === "--exclude") excluded.add(process.argv[++i]);
  else files.push(process.argv[i]);
}
if (files.length === 0) {
  console.error("usage: run-tests.ts <test file>...");
  process.exit(2);
}
let passed = 0, failed = 0, skipped = 0;
const start = Date.now();
for (const file of files) {
  setCurrentFile(file);
  registered.length = 0;
  await import(pathToFileURL(resolve(file)).href);
  const tests = [...registered.filter((c) => c.serial), ...registered.filter((c) => !c.serial)];
  for (const c of tests) {
    if (c.skip || excluded.has(c.title)) {
      skipped++;
      console.log(`  - [skip] ${file} › ${c.title}`);
      continue;
    }
    const t0 = Date.now();
    const t = new Assertions(c.title);
    try {
      await c.fn(t);
      if (t.assertions === 0) throw new Error("the test made no assertion");
      passed++;
      console.log(`  ok ${file} › ${c.title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL ${file} › ${c.title}\n    ${String((e as Error)?.stack ?? e).replace(/\n/g, "\n    ")}`);
    }
  }
}
console.log(`run-tests: ${passed} passed, ${failed} failed, ${skipped} skipped, ${files.length} files, ${((Date.now() - start) / 1000).toFixed(0)} s`);
process.exitCode = failed > 0 ? 1 : 0;
