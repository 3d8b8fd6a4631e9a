// The differential fuzzer (fuzz/, npm run fuzz) as part of the suite: a fixed-seed campaign of
// random programs and schedules, each compiled (at -O0..-O3) and interpreted and compared with
// the reference evaluator, must give no wrong number, no crash, no build error and no case with
// undefined behaviour; and the fuzzer's own parts are checked: the reference's dtype semantics,
// the comparison (a changed integer or float output is caught), crash
// isolation in the worker pool, reproducible cases, and the printed reproducer.

import test from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { te } from "../../ts/index.js";
import { checkCase, makeCase } from "../../fuzz/check.js";
import { formatSummary, runFuzz } from "../../fuzz/driver.js";
import { evaluateProgram } from "../../fuzz/evaluate.js";
import { buildProgram } from "../../fuzz/build_program.js";
import type { Case, Program } from "../../fuzz/spec.js";

const CASES = Number(process.env.TEJIT_FUZZ_CASES ?? 200);
const SEED = Number(process.env.TEJIT_FUZZ_SEED ?? 20261202);

test(`the fixed-seed fuzz run: ${CASES} random programs and schedules, compiled and interpreted, match the reference`, async (t) => {
  // About 25 s on 2 idle cores; a loaded machine (other suites, other users) may take longer.
  t.timeout(600_000);
  const lines: string[] = [];
  const opts = { cases: CASES, seed: SEED, jobs: 2, shrinkBudget: 60, foundDir: mkdtempSync(join(tmpdir(), "tejit-fuzz-found-")), log: (l: string) => lines.push(l) };
  const s = await runFuzz(opts);
  t.log(formatSummary(s, opts));
  for (const l of lines) if (l.startsWith("case ")) t.log(l);
  t.is(s.cases, CASES);
  t.is(s.wrong, 0, "wrong results");
  t.is(s.crashes, 0, "crashes");
  t.is(s.buildErrors, 0, "C build errors");
  t.is(s.invalid, 0, "cases whose reference has undefined behaviour (a generator bug)");
  t.is(s.knownExternTile, 0, "extern tiles outside their tensor (fixed: a case here is a regression)");
  t.is(s.passed + s.refused + s.knownGccIfConvert, CASES);
  // Most random schedules are legal: the run really compares numbers.
  t.true(s.passed >= CASES * 0.8, `only ${s.passed} of ${CASES} passed`);
  rmSync(opts.foundDir, { recursive: true, force: true });
});

/** A program from stages, for the reference's own tests. */
function program(stages: Program["stages"]): Program {
  return { stages };
}

test("the reference evaluator: int8 wraps, int32 div/mod truncate and floordiv/floormod floor, float32 rounds each operation", (t) => {
  const p = program([
    { kind: "input", name: "a", dt: "int32", shape: [{ sym: false, c: 4 }] },
    { kind: "input", name: "b", dt: "int8", shape: [{ sym: false, c: 4 }] },
    { kind: "input", name: "f", dt: "float32", shape: [{ sym: false, c: 4 }] },
    { kind: "compute", name: "q", dt: "int32", shape: [{ sym: false, c: 4 }], body: [
      { k: "bin", dt: "int32", op: "div", a: { k: "load", dt: "int32", t: 0, idx: [{ ax: 0, off: 0 }] }, b: { k: "const", dt: "int32", v: -2 } },
      { k: "bin", dt: "int32", op: "floormod", a: { k: "load", dt: "int32", t: 0, idx: [{ ax: 0, off: 0 }] }, b: { k: "const", dt: "int32", v: -2 } },
    ] },
    { kind: "compute", name: "w", dt: "int8", shape: [{ sym: false, c: 4 }], body: [
      { k: "bin", dt: "int8", op: "mul", a: { k: "load", dt: "int8", t: 1, idx: [{ ax: 0, off: 0 }] }, b: { k: "const", dt: "int8", v: 3 } },
    ] },
    { kind: "compute", name: "r", dt: "float32", shape: [{ sym: false, c: 4 }], body: [
      { k: "bin", dt: "float32", op: "add", a: { k: "load", dt: "float32", t: 2, idx: [{ ax: 0, off: 0 }] }, b: { k: "const", dt: "float32", v: 0.2 } },
    ] },
  ]);
  const built = buildProgram(p, { n: 1 });
  const inputs = new Map<te.Tensor, ArrayLike<number>>([
    [built.inputs[0], [-7, 7, -1, 5]], [built.inputs[1], [100, -100, 43, -128]], [built.inputs[2], Float32Array.of(0.1, 1, -0.2, 3)],
  ]);
  const ref = evaluateProgram(built, 1, inputs);
  const [div, fmod, w, r] = built.outputs.map((o) => [...ref.get(o)!.v]);
  t.deepEqual(div, [3, -3, 0, -2]);
  t.deepEqual(fmod, [-1, -1, -1, -1]);
  t.deepEqual(w, [44, -44, -127, -128]);
  t.deepEqual(r, [Math.fround(Math.fround(0.1) + Math.fround(0.2)), Math.fround(1 + Math.fround(0.2)), 0, Math.fround(3 + Math.fround(0.2))]);
  t.is(r[2], Math.fround(Math.fround(-0.2) + Math.fround(0.2)));
});

const overflowing: Case = {
  program: program([
    { kind: "input", name: "a", dt: "int32", shape: [{ sym: false, c: 3 }] },
    { kind: "compute", name: "m", dt: "int32", shape: [{ sym: false, c: 3 }], body: [
      { k: "bin", dt: "int32", op: "mul", a: { k: "load", dt: "int32", t: 0, idx: [{ ax: 0, off: 0 }] }, b: { k: "const", dt: "int32", v: 2147483647 } },
    ] },
  ]),
  steps: [], cflags: ["-O0"], n: 1, dataSeed: 3,
};

test("a program with signed overflow is reported as invalid (undefined behaviour in C), not compared", (t) => {
  const r = checkCase(overflowing);
  t.is(r.status, "invalid");
  t.regex(r.detail!, /undefined behaviour: int32 overflow/);
});

test("the comparison catches a one-off integer and a float changed by one part in a thousand", (t) => {
  // Find a passing float case and a passing integer case of the fixed seed.
  let floatCase: Case | undefined;
  let intCase: Case | undefined;
  for (let k = 0; k < 60 && !(floatCase && intCase); k++) {
    const c = makeCase(7, k);
    const dt = c.program.stages[c.program.stages.length - 1];
    const isF = dt.dt.startsWith("float");
    if (checkCase(c).status !== "pass") continue;
    if (isF && !floatCase && dt.kind !== "reduce") floatCase = c;
    if (!isF && !intCase && dt.dt === "int32") intCase = c;
  }
  t.truthy(floatCase && intCase);
  const bump = (scale: number) => (outs: { toTypedArray(): ArrayLike<number> }[]) => {
    const a = outs[outs.length - 1].toTypedArray() as Float32Array;
    a[0] = a[0] === 0 ? scale : a[0] * (1 + scale);
  };
  t.is(checkCase(intCase!, { tamper: (o) => { const a = o[o.length - 1].toTypedArray() as Int32Array; a[0] += 1; } }).status, "wrong");
  t.regex(checkCase(floatCase!, { tamper: bump(1e-3) }).detail ?? "", /compiled kernel: output \d+ \('[^']+'\) element 0: got/);
  t.is(checkCase(floatCase!, { tamper: bump(1e-3) }).status, "wrong");
});

test("a worker that crashes is replaced: the crashing case is isolated and reported, its batch-mates still checked", async (t) => {
  process.env.TEJIT_FUZZ_CRASH_CASE = "2";
  try {
    const s = await runFuzz({ cases: 4, seed: 3, jobs: 1, batch: 4, shrink: false, log: () => {} });
    t.is(s.crashes, 1);
    t.deepEqual(s.failures.map((f) => [f.index, f.status]), [[2, "crash"]]);
    t.regex(s.failures[0].detail!, /the worker killed by SIGSEGV/);
    t.is(s.passed + s.refused + s.knownGccIfConvert + s.knownExternTile, 3);
  } finally {
    delete process.env.TEJIT_FUZZ_CRASH_CASE;
  }
});

test("a case is reproducible from its seed and index, and a reproducer test carries it whole", async (t) => {
  t.deepEqual(makeCase(11, 42), makeCase(11, 42));
  t.notDeepEqual(makeCase(11, 42), makeCase(11, 43));
  // A failing case (the overflow) shrinks and becomes a test file that imports the checker.
  const { reproTest } = await import("../../fuzz/repro.js");
  const text = reproTest(overflowing, "example", "invalid", "the generated program has undefined behaviour");
  t.regex(text, /import \{ checkCase \} from "\.\.\/\.\.\/fuzz\/check\.js";/);
  const json = /const fuzzCase: Case = (\{[\s\S]*?\n\});/.exec(text)![1];
  t.deepEqual(new Function(`return (${json});`)(), overflowing);
  void readFileSync;
});
