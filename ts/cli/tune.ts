// `tejit tune FILE`: tunes the program module's outputs with autoScheduler.tune (its schedule is
// ignored: the search starts from the program) and prints the best time and schedule (as TE
// code); every measurement is appended to the records file (default NAME.records.jsonl), which
// a later run continues from and applyHistoryBest reads. `--queue MODULE` measures with the
// MeasureQueue that module's default export makes (a function returning one), for example
// a BullMQQueue on a Redis server; the default is the LocalQueue.

import { ArgumentError } from "../errors.js";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tune } from "../auto_scheduler/tune.js";
import { traceText } from "../auto_scheduler/trace.js";
import type { MeasureQueue } from "../auto_scheduler/measure_job.js";
import { loadProgram } from "./program_file.js";

export interface TuneFlags {
  trials?: number;
  seed?: number;
  records?: string;
  timeout?: number;
  batch?: number;
  queue?: string;
  name?: string;
}

async function queueFrom(path: string): Promise<MeasureQueue> {
  const mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
  const make = mod.default;
  if (typeof make !== "function") throw new ArgumentError(`--queue ${path}: the module's default export must be a function returning a MeasureQueue`);
  const q = (await (make as () => unknown)()) as Partial<MeasureQueue> | null;
  if (!q || typeof q.measure !== "function" || typeof q.close !== "function") throw new ArgumentError(`--queue ${path}: its default export returned no MeasureQueue (an object with measure and close)`);
  return q as MeasureQueue;
}

function ms(s: number): string { return `${(s * 1e3).toFixed(3)} ms`; }

export async function tuneCommand(file: string, flags: TuneFlags, out: (s: string) => void): Promise<void> {
  const p = await loadProgram(file);
  const name = flags.name ?? p.name ?? p.options.name ?? "main";
  const records = flags.records ?? `${name}.records.jsonl`;
  const queue = flags.queue !== undefined ? await queueFrom(flags.queue) : undefined;
  try {
    const r = await tune(p.schedule.outputs, {
      args: p.args, name, trials: flags.trials, seed: flags.seed, records, timeoutMs: flags.timeout, batchSize: flags.batch, queue,
      cc: p.options.cc, cflags: p.options.cflags, target: p.options.target,
    });
    const errors = r.trials.filter((t) => t.error).length;
    const unscheduled = r.trials.find((t) => t.origin === "unscheduled")?.median;
    out(`workload ${r.workloadKey}, target ${r.targetKey}: ${r.trials.length} trials (${errors} errors), records in ${records}\n`);
    out(`best: ${ms(r.bestSeconds)} (${r.bestOrigin})${unscheduled !== undefined ? `; unscheduled: ${ms(unscheduled)}` : ""}\n`);
    out(`${traceText(r.bestTrace)}\n`);
  } finally {
    await queue?.close();
  }
}
