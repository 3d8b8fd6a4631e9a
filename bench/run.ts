// `npm run bench`: the benchmark suite (bench/suite/). Times every kernel against its baselines
// in interleaved rounds on 1 thread and on all cores, after checking every entry's output against
// a reference, and writes BENCHMARKS.md's generated part and bench/out/ratios.svg.
//
//   npm run bench                          every kernel; writes BENCHMARKS.md and the chart
//   npm run bench -- gemm softmax          kernels by group or id (prints the report and writes
//                                          bench/out/last-run.md; add --write for BENCHMARKS.md)
//   options: --threads 1,2  --rounds N  --quick (fewer rounds, shorter calls, smaller JS sizes)
//            --disasm (print each tejit entry's hot loop: FMAs, loads, spills, from objdump)
//            --note TEXT (printed under the header)  --list  --legacy (run the older scripts
//            bench/*.ts one child process each, as `npm run bench` did before the suite)
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { setNumThreads } from "../ts/runtime/threads.js";
import { allKernels, selectKernels } from "./suite/index.js";
import { machine } from "./suite/machine.js";
import { median } from "./suite/stats.js";
import { renderReport, ratioRows, spliceReport } from "./suite/report.js";
import { type KernelResult, runKernel } from "./suite/rounds.js";
import { ratioChart } from "./suite/svg.js";
import { baselineVersions } from "./suite/versions.js";
import { parseArgs } from "./suite/args.js";

const root = join(import.meta.dirname, "..");

/** An argument as it would be typed in a shell (quoted when it has spaces or quotes); a note is shown as '…' (it is printed under the header). */
const shellWord = (w: string): string => (/^[\w.,\/=:+-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`);

function legacy(): number {
  const dir = import.meta.dirname;
  const files = readdirSync(dir).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts") && !/^run\./.test(f) && !f.startsWith("_")).sort();
  let failed = 0;
  for (const f of files) {
    console.log(`\n== ${f}`);
    const r = spawnSync(process.execPath, ["--import", "tsx", join(dir, f)], { stdio: "inherit" });
    if (r.status !== 0) {
      failed++;
      console.log(`${f} failed (exit ${r.status ?? r.signal})`);
    }
  }
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), machine().cores);
  if (args.legacy) return legacy();
  const m = machine();
  const opts = { quick: args.quick, lanes: m.lanes };
  const kernels = allKernels(opts);
  if (args.list) {
    for (const k of kernels) console.log(`${k.id.padEnd(22)} ${k.group.padEnd(10)} ${k.title}`);
    return 0;
  }
  const selected = selectKernels(kernels, args.kernels);
  console.log(`tejit bench: ${m.cpu}, ${m.isa}, ${m.cores} cores; threads ${args.threads.join(",")}, ${args.rounds} rounds${args.quick ? ", quick" : ""}; load ${m.loadBefore.join(" ")}`);
  const results: KernelResult[] = [];
  for (const k of selected) {
    console.log(`\n${k.title}`);
    const r = await runKernel(k, { threads: args.threads, rounds: args.rounds, targetSeconds: args.quick ? 0.03 : 0.15, log: (l) => console.log(l), disasm: args.disasm });
    for (const x of r.measurements) {
      const vals = x.seconds.map((s) => (k.unit === "GFLOP/s" || k.unit === "GB/s" ? (x.work ?? k.work!) / s : k.unit === "ms" ? s * 1e3 : s * 1e9)).sort((a, b) => a - b);
      console.log(`  ${x.entry.padEnd(40)} ${String(x.threads).padStart(2)}T  ${median(vals).toPrecision(4).padStart(9)} ${k.unit}  [${vals[0].toPrecision(3)}–${vals[vals.length - 1].toPrecision(3)}]`);
    }
    results.push(r);
  }
  setNumThreads(0);
  const full = args.kernels.length === 0;
  const report = renderReport({
    machine: m, command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).map((w, i, all) => (all[i - 1] === "--note" ? "'…'" : shellWord(w))).join(" ")}` : ""}`, date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    rounds: args.rounds, threads: args.threads, quick: args.quick, versions: baselineVersions(), results, note: args.note, loadAfter: loadavg().map((x) => Math.round(x * 100) / 100),
  });
  const outDir = join(root, "bench", "out");
  mkdirSync(outDir, { recursive: true });
  const svg = ratioChart(ratioRows(results, args.threads), args.threads, `tejit benchmark ratios, ${m.cpu} (${m.isa.split(" ")[0]}), ${new Date().toISOString().slice(0, 10)}`);
  writeFileSync(join(outDir, full || args.write ? "ratios.svg" : "last-run.svg"), svg);
  writeFileSync(join(outDir, "last-run.md"), report + "\n");
  if (full || args.write) {
    const path = join(root, "BENCHMARKS.md");
    writeFileSync(path, spliceReport(readFileSync(path, "utf8"), report));
    console.log(`\nwrote BENCHMARKS.md and bench/out/ratios.svg`);
  } else {
    console.log(`\n${report}\n\nwrote bench/out/last-run.md and bench/out/last-run.svg (BENCHMARKS.md is written by a full run or with --write)`);
  }
  return 0;
}

process.exitCode = await main();
