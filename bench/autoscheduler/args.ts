// The command line of `npm run bench:autoscheduler`: --workloads a,b (names, or "all"), --trials N,
// --seed N, --budget MINUTES (a workload's tuning time), --rounds N, --quick, --write, --resume,
// --note TEXT, --list. Bad input is an Error naming the option.

/** The parsed command line. */
export interface AutoBenchArgs {
  workloads: string[];
  trials: number;
  seed: number;
  budgetMinutes?: number;
  rounds: number;
  quick: boolean;
  write: boolean;
  resume: boolean;
  list: boolean;
  note?: string;
}

/** The workloads --quick runs when none are named: one of each kind. */
export const QUICK_WORKLOADS = ["gemm1024", "gemm1000", "gemm3x4096x4096", "conv56x64to64k3", "softmax4096x1024", "mm_bias_gelu512", "stencil3d_130", "batch_matmul64x32"];

/** Parses `argv` (after the script). Defaults: 500 trials and 15 minutes a workload (issue 13's budget), 15 rounds; --quick: 32 trials, 5 rounds. */
export function parseAutoBenchArgs(argv: string[]): AutoBenchArgs {
  const a: AutoBenchArgs = { workloads: [], trials: 0, seed: 0, rounds: 0, quick: false, write: false, resume: false, list: false };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`bench:autoscheduler: ${name} needs a value`);
    return v;
  };
  const int = (v: string, name: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`bench:autoscheduler: ${name} expects an integer >= ${min}, got ${v}`);
    return n;
  };
  let budgetSet = false;
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === "--quick") a.quick = true;
    else if (s === "--write") a.write = true;
    else if (s === "--resume") a.resume = true;
    else if (s === "--list") a.list = true;
    else if (s === "--note") a.note = value(i++, s);
    else if (s === "--workloads") a.workloads = value(i++, s).split(",").filter((x) => x !== "");
    else if (s === "--trials") a.trials = int(value(i++, s), s, 1);
    else if (s === "--seed") a.seed = int(value(i++, s), s, 0);
    else if (s === "--rounds") a.rounds = int(value(i++, s), s, 1);
    else if (s === "--budget") {
      const v = value(i++, s);
      const m = Number(v);
      if (!(m > 0)) throw new Error(`bench:autoscheduler: --budget expects minutes > 0, got ${v}`);
      a.budgetMinutes = m;
      budgetSet = true;
    } else throw new Error(`bench:autoscheduler: unknown option ${s} (options: --workloads a,b --trials N --seed N --budget MIN --rounds N --quick --write --resume --note TEXT --list)`);
  }
  if (a.trials === 0) a.trials = a.quick ? 32 : 500;
  if (a.rounds === 0) a.rounds = a.quick ? 5 : 15;
  if (!budgetSet && !a.quick) a.budgetMinutes = 15;
  return a;
}
