// Benchmark of issue 13's targets: for each workload, autoScheduler.tune (records in
// bench/out/autoscheduler/<name>.records.jsonl), then the tuned schedule, the `ops` default, the
// unscheduled program and the hand schedule (bench/autoscheduler/hand_*.ts), each checked against
// the unscheduled program's output, timed in interleaved rounds in this process. Prints the
// speed-ups against the issue's targets, writes the trials-to-best curves
// (bench/out/autoscheduler/trials_to_best.svg, and <name>.curve.csv), and with --write replaces
// its part of BENCHMARKS.md (between its own markers).
// Run: npm run bench:autoscheduler -- [--workloads gemm1024,stencil3d_130] [--trials 500]
//      [--seed 0] [--budget 15] [--rounds 15] [--quick] [--write] [--resume] [--note TEXT] [--list]
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ops } from "../ts/index.js";
import { parseAutoBenchArgs, QUICK_WORKLOADS } from "./autoscheduler/args.js";
import { trialsToBestSvg } from "./autoscheduler/curve_svg.js";
import { checkVariants, medians, timeInterleaved, tuneWorkload, variantsOf, workloadData } from "./autoscheduler/harness.js";
import { renderSection, resultsTable, spliceSection, type WorkloadResult } from "./autoscheduler/report.js";
import { allWorkloads } from "./autoscheduler/workloads.js";

const OUT = join("bench", "out", "autoscheduler");
const args = parseAutoBenchArgs(process.argv.slice(2));
const every = allWorkloads();
if (args.list) {
  for (const w of every) console.log(`${w.name.padEnd(22)} ${w.title}`);
  process.exit(0);
}
const names = args.workloads.length === 0 ? (args.quick ? QUICK_WORKLOADS : every.map((w) => w.name)) : args.workloads.includes("all") ? every.map((w) => w.name) : args.workloads;
const chosen = names.map((n) => {
  const w = every.find((x) => x.name === n);
  if (!w) throw new Error(`bench:autoscheduler: unknown workload ${n} (--list shows them)`);
  return w;
});
const lanes = ops.targetInfo().lanes("float32");
const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, float32 vectors of ${lanes}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`;
console.log(`bench:autoscheduler: ${chosen.length} workloads, ${args.trials} trials${args.budgetMinutes ? ` or ${args.budgetMinutes} min` : ""} each, seed ${args.seed}, ${args.rounds} rounds; ${machine}`);
mkdirSync(OUT, { recursive: true });

const results: WorkloadResult[] = [];
for (const w of chosen) {
  console.log(`${w.name}: tuning`);
  const tune = await tuneWorkload(w, {
    trials: args.trials, seed: args.seed, records: join(OUT, `${w.name}.records.jsonl`), resume: args.resume,
    budgetSeconds: args.budgetMinutes === undefined ? undefined : args.budgetMinutes * 60, log: (l) => console.log(l),
  });
  writeFileSync(join(OUT, `${w.name}.curve.csv`), `trial,seconds,best,elapsed\n${tune.curve.map((p) => `${p.trial},${p.seconds ?? ""},${p.best ?? ""},${p.elapsed.toFixed(2)}`).join("\n")}\n`);
  console.log(`${w.name}: tuned in ${tune.seconds.toFixed(0)} s, ${tune.result.trials.length} trials (${tune.errors} errors), best ${(tune.result.bestSeconds * 1e3).toFixed(3)} ms (${tune.result.bestOrigin}) at trial ${tune.bestAt}; checking and timing`);
  const variants = variantsOf(w, tune.result, lanes);
  const data = workloadData(w, args.seed + 1);
  const ok = checkVariants(variants, data, w.rtol);
  for (const v of variants) if (v.wrong) console.log(`${w.name}: ${v.name} is WRONG (${v.wrong}); not timed`);
  const m = medians(timeInterleaved(ok, data, args.rounds, args.quick ? 0.05 : 0.2));
  const r: WorkloadResult = { workload: w, tune, medians: m, wrong: new Map(variants.filter((v) => v.wrong).map((v) => [v.name, v.wrong!])) };
  results.push(r);
  console.log(resultsTable([r]).split("\n").slice(2).join("\n"));
}
writeFileSync(join(OUT, "trials_to_best.svg"), trialsToBestSvg(results.map((r) => ({ name: r.workload.name, curve: r.tune.curve })), `autoScheduler.tune: trials to best (seed ${args.seed})`));
console.log(`\n${resultsTable(results)}\n\nwrote ${join(OUT, "trials_to_best.svg")} and the records and curves in ${OUT}/`);
if (args.write) {
  const command = `npm run bench:autoscheduler -- ${process.argv.slice(2).filter((a) => a !== "--write").join(" ")}`.trim();
  const section = renderSection(results, { date: new Date().toISOString().slice(0, 10), command, machine, rounds: args.rounds, note: args.note });
  writeFileSync("BENCHMARKS.md", spliceSection(readFileSync("BENCHMARKS.md", "utf8"), section));
  console.log("wrote BENCHMARKS.md (its auto-scheduler part)");
}
