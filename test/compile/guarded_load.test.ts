// Issue 9 item 1: gcc 12.2 at -O3 -march=native miscompiles the guarded loads tejit emits for
// zero padding. The programs from the issue, with the default flags, checked against a JS
// reference; and the compiler probe that decides the workaround: its verdict per compiler and
// flags (gcc at -O3 needs -fno-tree-loop-if-convert, -O0/-O2 and clang need nothing), kept on
// disk so another process does not probe again, and a probe that cannot run.
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loggedRuns, loggingCompiler, runChild, script, tsUrl, withEnv, work } from "./helpers.js";
import { te } from "../../ts/index.js";
import { build } from "../../ts/build.js";
import * as op from "../../ts/ir/op.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { compilerFlags, compilerIdentity, findCompiler } from "../../ts/runtime/compile.js";
import { GUARDED_LOAD_WORKAROUND, PROBE_SOURCE, guardedLoadFlags, probeRunCount } from "../../ts/runtime/compiler_probe.js";

const gccVersion = spawnSync("cc", ["--version"], { encoding: "utf8" }).stdout ?? "";
const CLANG = ["clang", "clang-16", "clang-15", "clang-14"].find((cc) => !spawnSync(cc, ["--version"]).error);

test("a zero-padded tensor summed by rows, no schedule: S[4] is 15 (float64, default flags)", (t) => {
  const A = te.placeholder([8, 2], "float64", "A");
  const P = te.compute([10, 2], (i, j) => te.ifThenElse(op.logicalAnd(i.ge(1), i.lt(9)), A.at(i.sub(1), j), 0), "P");
  const k = te.reduceAxis([0, 2], "k");
  const S = te.compute([10], (i) => te.sum(P.at(i, k), [k]), "S");
  const m = build(te.createSchedule(S.op), [A, S]);
  const a = Float64Array.from({ length: 16 }, (_, x) => x + 1);
  const s = empty([10], "float64");
  m.getFunction("main")(array(a, [8, 2]), s);
  const expected = Array.from({ length: 10 }, (_, i) => (i >= 1 && i < 9 ? a[2 * (i - 1)] + a[2 * (i - 1) + 1] : 0));
  t.is(expected[4], 15);
  t.deepEqual([...s.data], expected);
});

for (const dtype of ["float32", "int32"] as const) {
  for (const writeCache of [false, true]) {
    test(`a pad computed at its consumer's row loop, 12 x 13 ${dtype}${writeCache ? ", with a write cache" : ""}: all 156 elements right`, (t) => {
      const A = te.placeholder([8, 13], dtype, "A");
      const P = te.compute([12, 13], (i, j) => te.ifThenElse(op.logicalAnd(i.ge(2), i.lt(10)), A.at(i.sub(2), j), -7), "P");
      const B = te.compute([12, 13], (i, j) => P.at(i, j), "B");
      const s = te.createSchedule(B.op);
      if (writeCache) {
        const BL = s.cacheWrite(B, "local");
        s.stage(P).computeAt(s.stage(BL), BL.op.axis[0]);
      } else {
        s.stage(P).computeAt(s.stage(B), B.op.axis[0]);
      }
      const m = build(s, [A, B]);
      const a = dtype === "float32" ? new Float32Array(104) : new Int32Array(104);
      a.forEach((_, x) => (a[x] = 3 * x + 1));
      const out = empty([12, 13], dtype);
      m.getFunction("main")(array(a, [8, 13]), out);
      const expected = Array.from({ length: 156 }, (_, x) => {
        const i = Math.floor(x / 13);
        return i >= 2 && i < 10 ? a[x - 26] : -7;
      });
      const wrong = [...out.data].filter((v, x) => v !== expected[x]).length;
      t.is(wrong, 0, `${wrong} of 156 elements wrong`);
      t.deepEqual([...out.data], expected);
    });
  }
}

/** Whether `cc` with `flags` gets the issue's 10-line loop right (built and run here, no probe). */
function issueLoopRight(cc: string, flags: string[]): boolean {
  const dir = mkdtempSync(join(work, "loop-"));
  writeFileSync(join(dir, "loop.c"), PROBE_SOURCE);
  const b = spawnSync(cc, [...flags, "-w", "-o", join(dir, "loop"), join(dir, "loop.c")]);
  if (b.status !== 0) throw new Error(`cannot build the loop: ${b.stderr}`);
  return spawnSync(join(dir, "loop")).status === 0;
}

function verdictFor(cc: string, cflags: string[]): string[] {
  const c = findCompiler(cc);
  const dir = mkdtempSync(join(work, "probe-cache-"));
  return guardedLoadFlags(c, compilerIdentity(c), compilerFlags({ cflags }), dir, dir);
}

test.serial("the probe: gcc at -O3 -march=native needs -fno-tree-loop-if-convert exactly when it gets the loop wrong; -O0 and -O2 need nothing", (t) => {
  withEnv({ TEJIT_CFLAGS: undefined }, () => {
    const buggy = !issueLoopRight("cc", ["-O3", "-march=native"]);
    t.log(`cc: ${gccVersion.split("\n")[0]}; gets the loop ${buggy ? "wrong" : "right"} at -O3 -march=native`);
    if (/\(Debian 12\.2\.0/.test(gccVersion)) t.true(buggy, "Debian's gcc 12.2 has the bug");
    t.deepEqual(verdictFor("cc", []), buggy ? [GUARDED_LOAD_WORKAROUND] : []);
    if (buggy) t.true(issueLoopRight("cc", ["-O3", "-march=native", GUARDED_LOAD_WORKAROUND]), "the flag fixes it");
    t.deepEqual(verdictFor("cc", ["-O0"]), []);
    t.deepEqual(verdictFor("cc", ["-O2"]), []);
  });
});

test.serial("the probe: clang gets no workaround flag", (t) => {
  if (!CLANG) {
    t.log("clang is not installed (apt-get install -y clang): not checked");
    t.pass();
    return;
  }
  withEnv({ TEJIT_CFLAGS: undefined }, () => t.deepEqual(verdictFor(CLANG, []), []));
  t.true(issueLoopRight(CLANG, ["-O3", "-march=native"]), "clang gets the loop right");
});

test.serial("the kernel compile gets the workaround flag when the probe says so, after the user's flags, and not at -O0", (t) => {
  const log = join(work, "flags.log");
  const cc = loggingCompiler(log);
  const buggy = !issueLoopRight("cc", ["-O3", "-march=native"]);
  withEnv({ TEJIT_CFLAGS: undefined }, () => {
    for (const cflags of [[], ["-O0"]]) {
      writeFileSync(log, "");
      const B = te.compute([4], (i) => i.mul(2), "B");
      build(te.createSchedule(B.op), [B], { cc, cflags, name: `twice${cflags.length}` });
      const kernel = loggedRuns(readFileSync(log, "utf8")).find((r) => r.includes("-shared"))!;
      const expectFlag = buggy && cflags.length === 0;
      t.is(kernel.includes(GUARDED_LOAD_WORKAROUND), expectFlag, kernel.join(" "));
      if (expectFlag) t.is(kernel.indexOf(GUARDED_LOAD_WORKAROUND), kernel.indexOf("-shared") + 1);
    }
  });
});

test.serial("the verdict is kept on disk: a second process does not probe again", (t) => {
  const dir = mkdtempSync(join(work, "shared-probe-cache-"));
  const log = join(work, "probe-runs.log");
  const cc = loggingCompiler(log);
  const code = `
    const { compileSource } = await import(${JSON.stringify(tsUrl("runtime/compile.ts"))});
    const { probeRunCount } = await import(${JSON.stringify(tsUrl("runtime/compiler_probe.ts"))});
    compileSource("int f(void) { return 1; }\\n", { cc: ${JSON.stringify(cc)} });
    console.log(probeRunCount());`;
  const first = runChild(code, { TEJIT_CACHE_DIR: dir });
  t.is(first.status, 0, first.stderr);
  t.is(first.stdout, "1");
  const probeBuilds = (): number => loggedRuns(readFileSync(log, "utf8")).filter((r) => r.some((a) => a.endsWith("tejit-probe.c"))).length;
  const after1 = probeBuilds();
  t.true(after1 >= 1);
  const second = runChild(code, { TEJIT_CACHE_DIR: dir });
  t.is(second.status, 0, second.stderr);
  t.is(second.stdout, "0", "no probe in the second process");
  t.is(probeBuilds(), after1);
});

test.serial("a probe that cannot be built or run gives no verdict: the flag is added when the compiler accepts it", (t) => {
  // Builds shared libraries only: the probe (an executable) fails to build.
  const libsOnly = script(`case " $* " in *" -shared "*|*" --version "*|*" -c "*) exec cc "$@";; *) echo "no executables here" >&2; exit 1;; esac`);
  const before = probeRunCount();
  withEnv({ TEJIT_CFLAGS: undefined }, () => {
    t.deepEqual(verdictFor(libsOnly, []), [GUARDED_LOAD_WORKAROUND], "gcc accepts the flag");
    t.is(probeRunCount(), before + 1);
    t.deepEqual(verdictFor(libsOnly, []), [GUARDED_LOAD_WORKAROUND]);
    t.is(probeRunCount(), before + 1, "kept in memory");
    if (CLANG) {
      const clangLibsOnly = script(`case " $* " in *" -shared "*|*" --version "*|*" -c "*) exec ${CLANG} "$@";; *) exit 1;; esac`);
      t.deepEqual(verdictFor(clangLibsOnly, []), [], "clang does not take the flag");
    }
  });
  const dir = mkdtempSync(join(work, "probe-cache-"));
  const c = findCompiler(libsOnly);
  guardedLoadFlags(c, `${compilerIdentity(c)}x`, ["-O3"], dir, dir);
  t.deepEqual(readdirSync(dir), [], "no verdict written to disk");
});

test.serial("a probe that builds but crashes or exits with another code gives no verdict either", (t) => {
  // Builds libraries and objects with cc; any executable it "builds" is a script that crashes or exits 3 or 1.
  // Exit 1 is what a sanitizer's report or a missing runtime library gives: not "wrong" (87).
  for (const [what, body] of [["crashes", "kill -SEGV $$"], ["exits 3", "exit 3"], ["exits 1", "exit 1"]] as const) {
    const cc = script(`case " $* " in *" -shared "*|*" --version "*|*" -c "*) exec cc "$@";; esac
out=""; prev=""; for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
printf '#!/bin/sh\n${body}\n' > "$out"; chmod +x "$out"`);
    const dir = mkdtempSync(join(work, "probe-cache-"));
    const c = findCompiler(cc);
    withEnv({ TEJIT_CFLAGS: undefined }, () => {
      t.deepEqual(guardedLoadFlags(c, compilerIdentity(c), compilerFlags(), dir, dir), [GUARDED_LOAD_WORKAROUND], `a probe that ${what}: gcc accepts the flag, so it is added`);
    });
    t.deepEqual(readdirSync(dir), [], "no verdict on disk, no scratch left");
  }
});

test.serial("builds that differ only in macros, include paths or warnings share one verdict", (t) => {
  const c = findCompiler("cc");
  const dir = mkdtempSync(join(work, "probe-cache-"));
  withEnv({ TEJIT_CFLAGS: undefined }, () => {
    const first = guardedLoadFlags(c, `${compilerIdentity(c)}shared-verdict`, compilerFlags({ cflags: ["-O3"] }), dir, dir);
    const runs = probeRunCount();
    for (const extra of [["-DTILE=4"], ["-D", "TILE=8", "-I", "/nowhere", "-Wall", "-Werror", "-w"], ["-lm", "-L/usr/lib"]]) {
      t.deepEqual(guardedLoadFlags(c, `${compilerIdentity(c)}shared-verdict`, compilerFlags({ cflags: ["-O3", ...extra] }), dir, dir), first, extra.join(" "));
    }
    t.is(probeRunCount(), runs, "no new probe");
    guardedLoadFlags(c, `${compilerIdentity(c)}shared-verdict`, compilerFlags({ cflags: ["-O3", "-funroll-loops"] }), dir, dir);
    t.is(probeRunCount(), runs + 1, "a code-generation flag is probed");
  });
});
