// The command line of `npm run bench`: kernel ids or groups, and --threads, --rounds, --quick,
// --write, --note, --list, --legacy, --disasm. Bad input is an Error naming the option.

/** The parsed command line. */
export interface BenchArgs {
  kernels: string[];
  threads: number[];
  rounds: number;
  quick: boolean;
  write: boolean;
  list: boolean;
  legacy: boolean;
  /** Print each tejit entry's hot loop from its library's disassembly (hot_loop.ts). */
  disasm: boolean;
  note?: string;
}

/** Parses `argv` (after the script) for a machine with `cores` cores. */
export function parseArgs(argv: string[], cores: number): BenchArgs {
  const a: BenchArgs = { kernels: [], threads: cores > 1 ? [1, cores] : [1], rounds: 0, quick: false, write: false, list: false, legacy: false, disasm: false };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`bench: ${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === "--quick") a.quick = true;
    else if (s === "--write") a.write = true;
    else if (s === "--list") a.list = true;
    else if (s === "--legacy") a.legacy = true;
    else if (s === "--disasm") a.disasm = true;
    else if (s === "--note") a.note = value(i++, s);
    else if (s === "--rounds") {
      const n = Number(value(i++, s));
      if (!Number.isInteger(n) || n < 1) throw new Error(`bench: --rounds expects a positive integer, got ${argv[i]}`);
      a.rounds = n;
    } else if (s === "--threads") {
      const v = value(i++, s);
      const t = v.split(",").map(Number);
      if (t.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`bench: --threads expects positive integers separated by commas (e.g. 1,${cores}), got ${v}`);
      a.threads = t;
    } else if (s.startsWith("--")) throw new Error(`bench: unknown option ${s} (known: --threads, --rounds, --quick, --write, --note, --list, --legacy, --disasm)`);
    else a.kernels.push(s);
  }
  if (a.rounds === 0) a.rounds = a.quick ? 3 : 5;
  return a;
}
