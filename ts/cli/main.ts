// The `tejit` command: `tejit info`, `tejit lower FILE`, `tejit build FILE --emit c|so`,
// `tejit bench FILE`, `tejit tune FILE`, `tejit cache ls|clear|prune`, `tejit worker --redis URL`.
// Errors print as one `tejit: message` line
// on stderr with exit status 1 (2 for a command line that cannot be parsed); `--help` says it all.

import { ArgumentError } from "../errors.js";
import { parseArgs } from "node:util";
import { benchCommand, buildCommand, lowerCommand } from "./commands.js";
import { cacheCommand } from "./cache.js";
import { tuneCommand } from "./tune.js";
import { workerCommand } from "./worker.js";
import { collectInfo, renderInfo } from "./info.js";
import { version } from "../version.js";

export const USAGE = `usage: tejit <command> [options]

commands:
  info [--json]                       compiler, CPU and vector width, threads, compile cache
  lower FILE [-o OUT] [--name N]      print the lowered TIR of a program module
  build FILE [--emit c|so] [-o OUT] [--name N] [--cflags "..."]
                                      write the program's C source, or its shared library
                                      (default: so, to NAME.so)
  bench FILE [--var n=1024 ...] [--number N] [--repeat R]
                                      build the program and time it on random inputs
  tune FILE [--trials N] [--seed S] [--records FILE] [--timeout MS] [--batch N] [--queue MODULE]
                                      search for the program's fastest schedule, measuring
                                      candidates; records appended to FILE (NAME.records.jsonl)
  cache ls | clear | prune [--max-mb N]
                                      list, empty, or shrink the compile cache (oldest first)
  worker --redis URL [--concurrency N] [--target-key KEY]
                                      measure auto-scheduler candidates from the Redis queue
                                      of this machine's target key until SIGINT/SIGTERM

A program module (.js, .mjs, or .ts with tsx installed) exports \`schedule\` and \`args\`
(optionally \`name\` and \`options\`), or a default export of them or a function returning them.

  --help, -h       this text
  --version, -v    tejit's version`;

class UsageError extends ArgumentError {}

/** Runs the command line `argv` (without node and the script); returns the exit status. */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        json: { type: "boolean" },
        output: { type: "string", short: "o" },
        name: { type: "string" },
        emit: { type: "string" },
        cflags: { type: "string" },
        var: { type: "string", multiple: true },
        number: { type: "string" },
        repeat: { type: "string" },
        "max-mb": { type: "string" },
        trials: { type: "string" },
        seed: { type: "string" },
        records: { type: "string" },
        timeout: { type: "string" },
        batch: { type: "string" },
        queue: { type: "string" },
        redis: { type: "string" },
        concurrency: { type: "string" },
        "target-key": { type: "string" },
      },
    });
  } catch (e) {
    err(`tejit: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    out(`${version}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") {
    out(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  const count = (flag: "number" | "repeat" | "max-mb" | "trials" | "timeout" | "batch" | "concurrency"): number | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < (flag === "max-mb" ? 0 : 1)) throw new UsageError(`--${flag} expects a ${flag === "max-mb" ? "non-negative" : "positive"} integer, got '${v}'`);
    return Number(v);
  };
  const file = (): string => {
    if (rest.length !== 1) throw new UsageError(`${command} expects one FILE (a program module), got ${rest.length === 0 ? "none" : rest.join(" ")}`);
    return rest[0];
  };
  try {
    switch (command) {
      case "info": {
        const info = collectInfo();
        out(values.json ? `${JSON.stringify(info, null, 2)}\n` : `${renderInfo(info)}\n`);
        return 0;
      }
      case "lower":
        await lowerCommand(file(), values, out);
        return 0;
      case "build":
        await buildCommand(file(), values, out);
        return 0;
      case "bench":
        await benchCommand(file(), { ...values, vars: values.var ?? [], number: count("number"), repeat: count("repeat") }, out);
        return 0;
      case "tune": {
        const seed = values.seed;
        if (seed !== undefined && !/^-?\d+$/.test(seed)) throw new UsageError(`--seed expects an integer, got '${seed}'`);
        await tuneCommand(file(), {
          trials: count("trials"), seed: seed === undefined ? undefined : Number(seed), records: values.records,
          timeout: count("timeout"), batch: count("batch"), queue: values.queue, name: values.name,
        }, out);
        return 0;
      }
      case "cache":
        cacheCommand(rest, { maxMb: count("max-mb") }, out);
        return 0;
      case "worker":
        if (rest.length > 0) throw new UsageError(`worker takes no FILE, got ${rest.join(" ")}`);
        return await workerCommand({ redis: values.redis, concurrency: count("concurrency"), targetKey: values["target-key"] }, out);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`tejit: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    err(`tejit: ${(e as Error).message}\n`);
    return 1;
  }
}
