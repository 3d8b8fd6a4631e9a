// The compiler as a source of failure (issue 9 items 5 and 6): a missing compiler, one that fails,
// one that hangs (killed after TEJIT_CC_TIMEOUT seconds), one that exits 0 without writing the
// library; each is a clear Error, and tejit still builds afterwards. And a cflags string given to
// build() reaches the compiler as separate arguments.
import test from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loggedRuns, loggingCompiler, script, withEnv, work } from "./helpers.js";
import { te } from "../../ts/index.js";
import { build } from "../../ts/build.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { compileSource } from "../../ts/runtime/compile.js";

const source = (tag: string): string => `int tejit_failure_${tag}(void) { return 7; }\n`;

/** tejit still compiles and runs a kernel with the real compiler. */
function stillWorks(t: import("ava").ExecutionContext): void {
  const A = te.placeholder([3], "float32", "A");
  const B = te.compute([3], (i) => A.at(i).add(1), "B");
  const m = build(te.createSchedule(B.op), [A, B]);
  const out = empty([3]);
  m.getFunction("main")(array(new Float32Array([1, 2, 3])), out);
  t.deepEqual([...out.data], [2, 3, 4]);
}

test("a cflags string reaches the compiler as separate arguments, from build() as from compileSource", (t) => {
  const log = join(work, "split.log");
  writeFileSync(log, "");
  const cc = loggingCompiler(log);
  const B = te.compute([4], (i) => i.mul(3), "B");
  const m = build(te.createSchedule(B.op), [B], { cc, cflags: "-O2  -fno-strict-aliasing\t-DTEJIT_SPLIT=1" });
  const out = empty([4], "int32");
  m.getFunction("main")(out);
  t.deepEqual([...out.data], [0, 3, 6, 9]);
  compileSource(source("split"), { cc, cflags: "-O1 -fno-strict-aliasing" });
  const kernels = loggedRuns(readFileSync(log, "utf8")).filter((r) => r.includes("-shared"));
  t.is(kernels.length, 2);
  for (const [k, extra] of [[0, ["-O2", "-fno-strict-aliasing", "-DTEJIT_SPLIT=1"]], [1, ["-O1", "-fno-strict-aliasing"]]] as const) {
    const args = kernels[k];
    const at = args.indexOf(extra[0]);
    t.true(at > 0, args.join(" | "));
    t.deepEqual(args.slice(at, at + extra.length), [...extra]);
    t.false(args.some((a) => /\s/.test(a)), `no argument holds a space: ${args.join(" | ")}`);
  }
});

test("a missing compiler is a clear Error naming it and what chose it", (t) => {
  t.throws(() => compileSource(source("missing"), { cc: join(work, "no-such-cc") }), {
    message: `C compiler '${join(work, "no-such-cc")}' not found (chosen by the cc option): install gcc or clang, or set TEJIT_CC to a C compiler`,
  });
  withEnv({ TEJIT_CC: "tejit-no-such-compiler" }, () => {
    t.throws(() => compileSource(source("missing")), { message: /^C compiler 'tejit-no-such-compiler' not found \(chosen by \$TEJIT_CC\)/ });
  });
  stillWorks(t);
});

test("a compiler that fails: its exit code and output in the Error, with the source path", (t) => {
  const failing = script(`case "$*" in *--version*) echo "failing-cc 1.0";; *) echo "failing-cc: internal error" >&2; exit 3;; esac`);
  const err = t.throws(() => compileSource(source("fails"), { cc: failing }));
  t.regex(err!.message, new RegExp(`^C compilation of \\S+/[0-9a-f]{64}\\.c failed \\(${failing} exited with 3\\):\\nfailing-cc: internal error$`));
  t.is((err as Error & { compilerOutput: string }).compilerOutput, "failing-cc: internal error");
  const noVersion = script(`echo "broken" >&2; exit 2`);
  t.throws(() => compileSource(source("fails"), { cc: noVersion }), {
    message: `C compiler '${noVersion}' (chosen by the cc option) failed to report its version (exit 2): broken`,
  });
  stillWorks(t);
});

test("a compiler that hangs is killed after TEJIT_CC_TIMEOUT seconds with a clear Error", (t) => {
  const hangs = script(`case "$*" in *--version*) echo "slow-cc 1.0";; *) sleep 30;; esac`);
  const hangsOnVersion = script(`sleep 30`);
  withEnv({ TEJIT_CC_TIMEOUT: "0.5" }, () => {
    const t0 = Date.now();
    t.throws(() => compileSource(source("hangs"), { cc: hangs }), {
      message: new RegExp(`^C compiler '${hangs}' did not finish the compiler probe within 0\\.5 s and was killed: check the compiler \\(chosen by the cc option\\), or raise TEJIT_CC_TIMEOUT \\(seconds\\)$`),
    });
    t.throws(() => compileSource(source("hangs"), { cc: hangsOnVersion }), {
      message: `C compiler '${hangsOnVersion}' did not finish reporting its version within 0.5 s and was killed: check the compiler (chosen by the cc option), or raise TEJIT_CC_TIMEOUT (seconds)`,
    });
    t.true(Date.now() - t0 < 10_000, "both gave up quickly");
  });
  withEnv({ TEJIT_CC_TIMEOUT: "soon" }, () => {
    t.throws(() => compileSource(source("hangs")), { message: "TEJIT_CC_TIMEOUT must be a positive number of seconds, got 'soon'" });
  });
  stillWorks(t);
});

test("a compiler that hangs on the kernel itself (after a good probe) names the source", (t) => {
  // Compiles executables (the probe) normally; hangs on shared libraries.
  const hangsOnLibs = script(`case " $* " in *" -shared "*) sleep 30;; *) exec cc "$@";; esac`);
  withEnv({ TEJIT_CC_TIMEOUT: "1" }, () => {
    t.throws(() => compileSource(source("hangs-lib"), { cc: hangsOnLibs }), {
      message: new RegExp(`^C compiler '${hangsOnLibs}' did not finish on \\S+/[0-9a-f]{64}\\.c within 1 s and was killed`),
    });
  });
});

test("a compiler that exits 0 without writing the library is a clear Error", (t) => {
  const silent = script(`case "$*" in *--version*) echo "silent-cc 1.0";; *) exit 0;; esac`);
  const err = t.throws(() => compileSource(source("silent"), { cc: silent }));
  t.regex(err!.message, new RegExp(`^C compilation of \\S+/[0-9a-f]{64}\\.c failed \\(${silent} exited with 0 but wrote no library to \\S+\\.so\\.\\S+\\.tmp\\):\\n$`));
  stillWorks(t);
});
