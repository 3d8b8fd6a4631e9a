// BENCHMARKS.md's writer and the SVG chart (bench/suite/report.ts, svg.ts) on a synthetic run:
// medians, spreads, ratios to baselines and to the limit, skip reasons, the markers that keep
// the hand-written sections, and the chart's bars.
import test from "ava";
import { BEGIN, END, fmt, ratioRows, renderReport, spliceReport, summaryTable } from "../../bench/suite/report.js";
import type { KernelResult } from "../../bench/suite/rounds.js";
import { ratioChart } from "../../bench/suite/svg.js";
import type { Kernel, Measurement } from "../../bench/suite/types.js";

const noSetup = async () => ({ skip: "unused" });
const gemm: Kernel = {
  id: "gemm1024", group: "gemm", title: "GEMM 1024", unit: "GFLOP/s", work: 2, limit: "fma", target: "at least 1.0x OpenBLAS",
  entries: [{ name: "tejit", role: "tejit", note: "panel schedule", setup: noSetup }, { name: "OpenBLAS", role: "baseline", setup: noSetup }],
};
const fma: Kernel = { id: "fma", group: "limits", title: "FMA peak", unit: "GFLOP/s", work: 1, entries: [{ name: "FMA loop (C)", role: "limit", setup: noSetup }] };
const build: Kernel = { id: "build", group: "build", title: "build", unit: "ms", entries: [{ name: "tejit", role: "tejit", setup: noSetup }, { name: "bare gcc", role: "baseline", setup: noSetup }] };
const meas = (kernel: string, entry: string, role: Measurement["role"], threads: number, seconds: number[], check?: string): Measurement => ({ kernel, entry, role, threads, seconds, reps: 1, check });
// GFLOP/s = work / s: tejit 100 [80–200] on 1 thread, OpenBLAS 50; on 2 threads 160 and 200.
const results: KernelResult[] = [
  { kernel: fma, measurements: [meas("fma", "FMA loop (C)", "limit", 1, [0.005]), meas("fma", "FMA loop (C)", "limit", 2, [0.0025])], skipped: [] },
  { kernel: gemm, measurements: [
    meas("gemm1024", "tejit", "tejit", 1, [0.02, 0.025, 0.01], "ok"), meas("gemm1024", "OpenBLAS", "baseline", 1, [0.04], "ok"),
    meas("gemm1024", "tejit", "tejit", 2, [0.0125], "ok"), meas("gemm1024", "OpenBLAS", "baseline", 2, [0.01], "ok"),
  ], skipped: [{ kernel: "gemm1024", entry: "Halide 14", reason: "Halide 14 is not installed; install it with `apt-get install -y libhalide14-0-dev`" }] },
  { kernel: build, measurements: [meas("build", "tejit", "tejit", 1, [0.3]), meas("build", "bare gcc", "baseline", 1, [0.2])], skipped: [] },
];
const machine = { cpu: "Test CPU", isa: "avx2 fma", lanes: 8, cores: 2, memoryGiB: 8, node: "v20.0.0", cc: "gcc 12", loadBefore: [0.5, 0.4, 0.3] };

test("numbers have about three significant figures", (t) => {
  t.deepEqual([fmt(123.4), fmt(12.34), fmt(1.234), fmt(0.01234)], ["123", "12.3", "1.23", "0.012"]);
});

test("the kernel table has medians, spreads, tejit's ratios and the limit", (t) => {
  const md = renderReport({ machine, command: "npm run bench", date: "2026-12-02T00:00:00Z", rounds: 3, threads: [1, 2], quick: false, versions: { OpenBLAS: "0.3.21" }, results, note: "The machine was shared and loaded." });
  t.true(md.startsWith(BEGIN) && md.endsWith(END));
  t.true(md.includes("- Machine: Test CPU, 2 cores, 8 GiB; ISA: avx2 fma (float32 vectors of 8)."));
  t.true(md.includes("- Software: Node v20.0.0, gcc 12, OpenBLAS 0.3.21."));
  t.true(md.includes("Measured 2026-12-02T00:00:00Z with `npm run bench`: 3 interleaved rounds"));
  t.true(md.includes("The machine was shared and loaded."));
  t.true(md.includes("| **tejit** | 100 [80.0–200] |  | 160 [160–160] |  | panel schedule |"), md);
  t.true(md.includes("| OpenBLAS | 50.0 [50.0–50.0] | 2.00x | 200 [200–200] | 0.80x |  |"));
  t.true(md.includes("| *FMA peak (same run)* | 200 | 0.50x | 400 | 0.40x | machine limit |"));
  t.true(md.includes("- *Halide 14* not timed: Halide 14 is not installed; install it with `apt-get install -y libhalide14-0-dev`"));
  t.true(md.includes("Target (issue 10): at least 1.0x OpenBLAS."));
  // A time unit: the ratio is tejit's time over the baseline's.
  t.true(md.includes("| **tejit** | 300 [300–300] |  | — |  |  |"));
  t.true(md.includes("| bare gcc | 200 [200–200] | 1.50x | — |  |  |"));
});

test("the summary and the chart rows give speed ratios (> 1: tejit faster)", (t) => {
  const rows = ratioRows(results, [1, 2]);
  t.deepEqual(rows.map((r) => [r.kernel, r.against, r.speed.map((x) => (Number.isNaN(x) ? "-" : x.toFixed(3)))]), [
    ["gemm1024", "OpenBLAS", ["2.000", "0.800"]],
    ["gemm1024", "FMA peak", ["0.500", "0.400"]],
    ["build", "bare gcc", ["0.667", "-"]],
  ]);
  const summary = summaryTable(results, [1, 2]);
  t.true(summary.includes("| GEMM 1024 | 100 / 160 GFLOP/s | OpenBLAS 2.00 / 0.80; FMA peak 0.50 / 0.40 | at least 1.0x OpenBLAS |"));
  t.true(summary.includes("| build | 300 / — ms | bare gcc 1.50 / — |  |"));
});

test("spliceReport replaces the generated part and keeps the rest; without markers it goes after the title's paragraph", (t) => {
  const old = `# Benchmarks\n\nIntro.\n\n${BEGIN}\nold numbers\n${END}\n\n## Hand-written section\n\nkept\n`;
  t.is(spliceReport(old, `${BEGIN}\nnew\n${END}`), `# Benchmarks\n\nIntro.\n\n${BEGIN}\nnew\n${END}\n\n## Hand-written section\n\nkept\n`);
  t.is(spliceReport("# Benchmarks\n\nIntro line.\nmore.\n\n## Old\n", "GEN"), "# Benchmarks\n\nIntro line.\nmore.\n\nGEN\n\n## Old\n");
  t.is(spliceReport("", "GEN"), "# Benchmarks\n\nGEN\n");
});

test("the SVG chart has one bar a measured ratio, scaled so 1.0 is mid-axis, labels escaped", (t) => {
  const svg = ratioChart([
    { kernel: "a", title: "conv <3x3>", against: "Halide & co", speed: [1, NaN] },
    { kernel: "b", title: "add", against: "STREAM add", speed: [0.5, 3] },
  ], [1, 2], "ratios");
  t.true(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && svg.trimEnd().endsWith("</svg>"));
  const bars = [...svg.matchAll(/<rect x="420" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
  t.deepEqual(bars, [200, 100, 400]);
  t.true(svg.includes("conv &lt;3x3&gt; vs Halide &amp; co"));
  t.true(svg.includes("3.00 ▶"));
});

test("a kernel's own limit entry, timed in its rounds, is preferred to the run's limit kernel", (t) => {
  const own: KernelResult = { kernel: { ...gemm, entries: [...gemm.entries, { name: "FMA peak (C loop)", role: "limit", setup: noSetup }] }, measurements: [
    meas("gemm1024", "tejit", "tejit", 1, [0.02]), meas("gemm1024", "OpenBLAS", "baseline", 1, [0.04]),
    // 4 GFLOP a call in 0.01 s: 400 GFLOP/s, against the limit kernel's 200.
    { ...meas("gemm1024", "FMA peak (C loop)", "limit", 1, [0.01]), work: 4 },
  ], skipped: [] };
  const all = [results[0], own];
  const rows = ratioRows(all, [1]);
  t.deepEqual(rows.map((r) => [r.against, r.speed[0].toFixed(3)]), [["OpenBLAS", "2.000"], ["FMA peak", "0.250"]]);
  const md = renderReport({ machine, command: "npm run bench", date: "d", rounds: 1, threads: [1], quick: true, versions: {}, results: all });
  t.true(md.includes("| FMA peak (C loop) | 400 [400–400] | 0.25x |  |"));
  t.false(md.includes("*FMA peak (same run)*"));
});
