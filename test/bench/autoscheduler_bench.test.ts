// The auto-scheduler benchmark's pieces (bench/autoscheduler/) on a tiny workload, in seconds: a
// tune of 4 trials with its records file and curve, the reference check catching a wrong
// schedule, interleaved timing, the trials-to-best SVG (one vertex a trial), the table's ratios,
// the BENCHMARKS.md splice keeping the suite's part, and the command line.
import test from "ava";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ops, te } from "../../ts/index.js";
import { parseAutoBenchArgs } from "../../bench/autoscheduler/args.js";
import { trialsToBestSvg } from "../../bench/autoscheduler/curve_svg.js";
import { buildVariant, checkVariants, medians, timeInterleaved, tuneWorkload, variantsOf, workloadData } from "../../bench/autoscheduler/harness.js";
import { BEGIN, END, renderSection, resultsTable, spliceSection, speedup, type WorkloadResult } from "../../bench/autoscheduler/report.js";
import { allWorkloads } from "../../bench/autoscheduler/workloads.js";
import { BEGIN as SUITE_BEGIN, END as SUITE_END } from "../../bench/suite/report.js";
import type { Workload } from "../../bench/autoscheduler/types.js";
import { FakeQueue } from "../auto_scheduler/in_process_queue.js";

function tinyGemm(plusOne = false) {
  const A = te.placeholder([32, 32], "float32", "A");
  const B = te.placeholder([32, 32], "float32", "B");
  const k = te.reduceAxis([0, 32], "k");
  const C = te.compute([32, 32], (i, j) => {
    const s = te.sum(A.at(i, k).mul(B.at(k, j)), k);
    return s;
  }, "C");
  if (!plusOne) return { outputs: [C], args: [A, B, C] };
  const D = te.compute([32, 32], (i, j) => C.at(i, j).add(1), "D");
  return { outputs: [D], args: [A, B, D] };
}

const tiny: Workload = {
  name: "tiny_gemm", title: "GEMM 32³", flop: 2 * 32 ** 3,
  program: () => tinyGemm(),
  hand: (lanes) => {
    const p = tinyGemm();
    const s = te.createSchedule(p.outputs[0].op);
    const st = s.stage(p.outputs[0]);
    const [, ji] = st.split(p.outputs[0].op.axis[1], { factor: lanes });
    st.vectorize(ji);
    return { s, args: p.args };
  },
  targets: { vsUnscheduled: 5, vsHand: 0.8 },
};

test("a tune of 4 trials, checked against the reference and timed; the SVG has a vertex a trial", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-autobench-"));
  const records = join(dir, "tiny.records.jsonl");
  const out = await tuneWorkload(tiny, { trials: 4, seed: 3, records, batchSize: 4, minRepeats: 2, maxRepeats: 3 });
  t.is(out.result.trials.length, 4);
  t.is(out.curve.length, 4);
  t.deepEqual(out.curve.map((p) => p.trial), [1, 2, 3, 4]);
  // The best so far never rises and ends at the fastest trial; the tune's choice is one of its
  // trials, and its bestSeconds the finalists' final timing.
  for (let i = 1; i < 4; i++) t.true(out.curve[i].best! <= out.curve[i - 1].best!);
  t.is(out.curve[3].best, Math.min(...out.result.trials.filter((x) => x.median !== undefined).map((x) => x.median!)));
  t.true(out.result.trials.some((x) => JSON.stringify(x.trace) === JSON.stringify(out.result.bestTrace)));
  t.true(out.result.bestSeconds > 0 && Number.isFinite(out.result.bestSeconds));
  t.true(out.bestAt >= 1 && out.bestAt <= 4);
  t.is(readFileSync(records, "utf8").trim().split("\n").length, 4);

  const lanes = ops.targetInfo().lanes("float32");
  const variants = variantsOf(tiny, out.result, lanes);
  t.deepEqual(variants.map((v) => v.name), ["tuned", "unscheduled", "hand"]);
  // A schedule of another program (C + 1) posing as the hand schedule is caught and not timed.
  const wrong = tinyGemm(true);
  variants.push(buildVariant("wrong", { s: te.createSchedule(wrong.outputs[0].op), args: wrong.args }));
  const data = workloadData(tiny, 1);
  const ok = checkVariants(variants, data);
  t.deepEqual(ok.map((v) => v.name), ["tuned", "unscheduled", "hand"]);
  t.regex(variants[3].wrong!, /^element \d+ is .*, the reference .*relative error/);

  const times = timeInterleaved(ok, data, 3, 0.002);
  t.deepEqual([...times.keys()], ["tuned", "unscheduled", "hand"]);
  for (const v of times.values()) {
    t.is(v.length, 3);
    for (const s of v) t.true(s > 0 && s < 0.1);
  }
  const m = medians(times);
  const r: WorkloadResult = { workload: tiny, tune: out, medians: m, wrong: new Map([["wrong", variants[3].wrong!]]) };
  t.is(speedup(r, "unscheduled"), m.get("unscheduled")! / m.get("tuned")!);
  t.is(speedup(r, "ops default"), undefined);
  const table = resultsTable([r]);
  t.true(table.includes(`| GEMM 32³ | 4 (${out.errors}) | ${out.bestAt} |`));
  t.true(table.includes("- GEMM 32³, wrong: wrong (element"));

  const svg = trialsToBestSvg([{ name: "tiny_gemm", curve: out.curve }], "tiny");
  const pts = /<polyline data-workload="tiny_gemm"[^>]* points="([^"]*)"/.exec(svg)![1].split(" ");
  t.is(pts.length, 4);
  // The last vertex is the final best: ratio 1, the bottom of the log axis.
  t.is(pts[3].split(",")[1], pts.map((p) => Number(p.split(",")[1])).reduce((a, b) => Math.max(a, b)).toFixed(1));
});

test("the BENCHMARKS.md part has its own markers: splicing keeps the suite's part and replaces only its own", (t) => {
  const suite = `${SUITE_BEGIN}\nsuite numbers\n${SUITE_END}`;
  const first = spliceSection(`# Benchmarks\n\nintro\n\n${suite}\n`, `${BEGIN}\nA\n${END}`);
  t.is(first, `# Benchmarks\n\nintro\n\n${suite}\n\n${BEGIN}\nA\n${END}\n`);
  const second = spliceSection(first, `${BEGIN}\nB\n${END}`);
  t.is(second, `# Benchmarks\n\nintro\n\n${suite}\n\n${BEGIN}\nB\n${END}\n`);
  t.notRegex(BEGIN, /bench:begin/);
  const section = renderSection([], { date: "2026-12-03", command: "npm run bench:autoscheduler", machine: "m", rounds: 15 });
  t.true(section.startsWith(BEGIN) && section.endsWith(END));
});

test("the command line: defaults, --quick, and bad input named", (t) => {
  t.like(parseAutoBenchArgs([]), { trials: 500, rounds: 15, budgetMinutes: 15, quick: false, write: false });
  t.like(parseAutoBenchArgs(["--quick", "--trials", "16", "--workloads", "gemm1024,stencil3d_130"]), { trials: 16, rounds: 5, budgetMinutes: undefined, workloads: ["gemm1024", "stencil3d_130"] });
  t.throws(() => parseAutoBenchArgs(["--trials", "0"]), { message: "bench:autoscheduler: --trials expects an integer >= 1, got 0" });
  t.throws(() => parseAutoBenchArgs(["--budget"]), { message: "bench:autoscheduler: --budget needs a value" });
  t.throws(() => parseAutoBenchArgs(["--fast"]), { message: /unknown option --fast/ });
  // Every workload the issue names is there, with its target.
  const names = allWorkloads().map((w) => w.name);
  for (const n of ["gemm1024", "gemm1000", "gemm3x4096x4096", "conv56x64to64k3", "softmax4096x1024", "mm_bias_gelu512", "stencil3d_130", "batch_matmul64x32"]) t.true(names.includes(n), n);
});

test("with a time budget the trials run as chunks of tune calls on one records file, stopping at the budget", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-autobench-"));
  const records = join(dir, "tiny.records.jsonl");
  const all = await tuneWorkload(tiny, { trials: 4, seed: 0, records, budgetSeconds: 3600, chunk: 2, batchSize: 2, queue: new FakeQueue() });
  t.is(all.result.trials.length, 4);
  t.deepEqual(all.curve.map((p) => p.trial), [1, 2, 3, 4]);
  t.false(all.stoppedAtBudget);
  t.is(readFileSync(records, "utf8").trim().split("\n").length, 4);
  // The second chunk started from the first's records: none of its candidates was measured again.
  t.is(new Set(all.result.trials.map((x) => x.jobId)).size, 4);
  const cut = await tuneWorkload(tiny, { trials: 4, seed: 0, records, budgetSeconds: 1e-6, chunk: 2, batchSize: 2, queue: new FakeQueue() });
  t.true(cut.stoppedAtBudget);
  t.is(cut.result.trials.length, 2);
  // Without --resume the records file was started afresh.
  t.is(readFileSync(records, "utf8").trim().split("\n").length, 2);
});
