// npm run fuzz -- --cases N --seed S --jobs J [--case K] [--batch B] [--no-shrink]
// The differential fuzzer's command line: runs the campaign, prints the summary, and exits 1
// when a case was wrong, crashed, failed to build or had undefined behaviour in its reference.

import { formatSummary, runFuzz, type FuzzOptions } from "./driver.js";

function parse(argv: string[]): FuzzOptions {
  const o: FuzzOptions = { cases: 200, seed: 1, jobs: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`fuzz: ${a} needs a non-negative integer, got '${argv[i]}'`);
      return v;
    };
    switch (a) {
      case "--cases": o.cases = num(); break;
      case "--seed": o.seed = num(); break;
      case "--jobs": o.jobs = Math.max(1, num()); break;
      case "--case": o.only = num(); break;
      case "--batch": o.batch = Math.max(1, num()); break;
      case "--no-shrink": o.shrink = false; break;
      default: throw new Error(`fuzz: unknown option '${a}' (options: --cases N --seed S --jobs J --case K --batch B --no-shrink)`);
    }
  }
  return o;
}

const opts = parse(process.argv.slice(2));
const summary = await runFuzz(opts);
console.log(formatSummary(summary, opts));
process.exitCode = summary.wrong + summary.crashes + summary.buildErrors + summary.invalid + summary.knownExternTile > 0 ? 1 : 0;
