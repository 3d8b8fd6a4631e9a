// The compiler's --version run started before lowering (build.ts calls prefetchCompilerIdentity,
// compile.ts collects it): the addon's runBegin/runEnd report a command's exit status, signal,
// output, time limit and a failure to start; a prefetched run gives the identity the ordinary
// run gives, running the compiler once; a run that failed is run again on the ordinary path,
// which reports it with the same error.
import test from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { script, work } from "./helpers.js";
import { getAddon } from "../../ts/runtime/addon.js";
import { compilerIdentity, findCompiler, prefetchCompilerIdentity } from "../../ts/runtime/compile.js";

test("runBegin/runEnd: status, output, a signal after the time limit, a command that cannot start", (t) => {
  const addon = getAddon();
  const r = addon.runEnd(addon.runBegin(["sh", "-c", "echo out; echo err >&2; exit 3"], 10_000));
  t.deepEqual(r, { status: 3, signal: null, timedOut: false, stdout: "out\n", stderr: "err\n" });
  const slow = addon.runEnd(addon.runBegin(["sleep", "5"], 200));
  t.like(slow, { status: null, signal: 9, timedOut: true });
  const missing = addon.runEnd(addon.runBegin(["/no/such/compiler", "--version"], 1000));
  t.truthy(missing.error, JSON.stringify(missing));
  const job = addon.runBegin(["true"], 1000);
  addon.runEnd(job);
  t.throws(() => addon.runEnd(job), { message: /already ended/ });
  t.throws(() => addon.runBegin([], 1000), { message: /expected/ });
});

test("a prefetched --version gives the same identity, running the compiler once", (t) => {
  const log = join(work, "prefetch.log");
  writeFileSync(log, "");
  const cc = script(`echo "$@" >> "${log}"\necho "fakecc 1.2.3"`);
  const ordinary = script(`echo "fakecc 1.2.3"`);
  const c = findCompiler(cc);
  prefetchCompilerIdentity(c);
  prefetchCompilerIdentity(c); // already started: not again
  const id = compilerIdentity(c);
  t.is(id, `${cc}\n${cc}\nfakecc 1.2.3\n`);
  t.is(readFileSync(log, "utf8"), "--version\n", "one run");
  t.is(compilerIdentity(findCompiler(ordinary)), `${ordinary}\n${ordinary}\nfakecc 1.2.3\n`, "as the ordinary path gives it");
  prefetchCompilerIdentity(c); // known: nothing runs
  t.is(compilerIdentity(c), id);
  t.is(readFileSync(log, "utf8"), "--version\n");
});

test("a prefetched --version that fails is run again and reported as the ordinary path reports it", (t) => {
  const failing = script(`echo "no version here" >&2\nexit 4`);
  let ordinaryError: unknown;
  try { compilerIdentity(findCompiler(failing)); } catch (e) { ordinaryError = e; }
  const again = script(`echo "no version here" >&2\nexit 4`);
  prefetchCompilerIdentity(findCompiler(again));
  const e = t.throws(() => compilerIdentity(findCompiler(again)));
  t.is(e?.message, (ordinaryError as Error).message.replaceAll(failing, again));
  t.regex(e?.message ?? "", /failed to report its version \(exit 4\): no version here/);
});
