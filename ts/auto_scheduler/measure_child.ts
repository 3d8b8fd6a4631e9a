// The process measurements run in (forked by measure_run.ts), so that a candidate that crashes
// takes only this process down and one that hangs can be killed. It serves tasks over IPC, one
// at a time, until its parent disconnects; for each it imports the job's setup module first,
// loads the reference and candidate libraries, makes the inputs from the seed, runs the
// reference once (or reads its outputs from the per-workload cache file), runs the candidate
// once and checks its outputs, then times it in repeats until the median is stable. Before each run it announces the run and its time budget
// and waits until the parent has the message, so the parent's watchdog always knows what is
// running; the last message is the outcome.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { MeasureArg } from "./measure_job.js";

/** What the parent sends: the libraries to load and the job's run settings. */
export interface ChildTask {
  candidateLib: string;
  referenceLib: string;
  entry: string;
  args: MeasureArg[];
  dataSeed: number;
  rtol: number;
  timeoutMs: number;
  minRepeats: number;
  maxRepeats: number;
  stableWithin: number;
  setupModule?: string;
  threads?: number;
  /** File holding the reference's outputs for these inputs (written here when missing). */
  referenceCache: string;
  /** Milliseconds the reference run may take. */
  referenceBudgetMs: number;
}

/** What the child sends: a run about to start and how long it may take, or the outcome. */
export type ChildMessage =
  | { kind: "run"; what: string; budgetMs: number }
  | { kind: "outcome"; seconds: number[] }
  | { kind: "outcome"; wrong: string }
  | { kind: "outcome"; failed: string }
  | { kind: "outcome"; fatal: string };

/** A repeat lasts about this long (calls a repeat = this / one call's time), timed natively. */
const REPEAT_SECONDS = 0.01;

function send(m: ChildMessage): Promise<void> {
  return new Promise((res, rej) => process.send!(m, (e: Error | null) => (e ? rej(e) : res())));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function setupUrl(spec: string): string {
  return spec.startsWith(".") || isAbsolute(spec) ? pathToFileURL(resolve(spec)).href : spec;
}

async function measure(task: ChildTask): Promise<ChildMessage> {
  if (task.setupModule !== undefined) {
    try {
      await import(setupUrl(task.setupModule));
    } catch (e) {
      return { kind: "outcome", fatal: `the setup module '${task.setupModule}' failed to load: ${(e as Error).message}` };
    }
  }
  const { loadModule } = await import("../runtime/module.js");
  const { setNumThreads } = await import("../runtime/threads.js");
  const { makeArray, compareOutput } = await import("./measure_data.js");
  setNumThreads(task.threads ?? 0);
  const reference = loadModule(task.referenceLib).getFunction(task.entry);
  const candidateModule = loadModule(task.candidateLib);
  const candidate = candidateModule.getFunction(task.entry);
  const refArgs = task.args.map((a, i) => makeArray(a, i, task.dataSeed, false));
  const candArgs = task.args.map((a, i) => (a.role === "input" ? refArgs[i] : makeArray(a, i, task.dataSeed, true)));
  const outputs = task.args.flatMap((a, i) => (a.role === "output" ? [i] : []));

  if (existsSync(task.referenceCache)) {
    const bytes = readFileSync(task.referenceCache);
    let at = 0;
    for (const i of outputs) {
      const data = refArgs[i].data;
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes.subarray(at, at + data.byteLength));
      at += data.byteLength;
    }
  } else {
    await send({ kind: "run", what: "the reference", budgetMs: task.referenceBudgetMs });
    try {
      reference(...refArgs);
    } catch (e) {
      return { kind: "outcome", fatal: `the reference failed: ${(e as Error).message}` };
    }
    const parts = outputs.map((i) => { const d = refArgs[i].data; return Buffer.from(d.buffer, d.byteOffset, d.byteLength); });
    const tmp = `${task.referenceCache}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat(parts));
    renameSync(tmp, task.referenceCache);
  }

  await send({ kind: "run", what: "the candidate's first run", budgetMs: task.timeoutMs });
  const start = process.hrtime.bigint();
  try {
    candidate(...candArgs);
  } catch (e) {
    return { kind: "outcome", failed: (e as Error).message };
  }
  const first = Number(process.hrtime.bigint() - start) / 1e9;
  for (const i of outputs) {
    const why = compareOutput(task.args[i].name, candArgs[i].data, refArgs[i].data, task.args[i].dtype, task.rtol);
    if (why !== undefined) return { kind: "outcome", wrong: why };
  }

  const number = first >= REPEAT_SECONDS ? 1 : Math.min(10_000, Math.ceil(REPEAT_SECONDS / Math.max(first, 1e-7)));
  const timer = candidateModule.timeEvaluator(task.entry, { number, repeat: 1 });
  // One call may take timeoutMs; a repeat of many short calls gets their expected time ten times over.
  const budgetMs = number === 1 ? 2 * task.timeoutMs : task.timeoutMs + 10 * REPEAT_SECONDS * 1000;
  const seconds: number[] = [];
  let last = Number.NaN;
  while (seconds.length < task.maxRepeats) {
    await send({ kind: "run", what: `repeat ${seconds.length + 1} (${number} calls)`, budgetMs });
    try {
      seconds.push(timer(...candArgs).results[0]);
    } catch (e) {
      return { kind: "outcome", failed: (e as Error).message };
    }
    const m = median(seconds);
    if (seconds.length >= task.minRepeats && Math.abs(m - last) <= task.stableWithin * m) break;
    last = m;
  }
  return { kind: "outcome", seconds };
}

process.on("message", (task: ChildTask) => {
  measure(task)
    .catch((e: unknown): ChildMessage => ({ kind: "outcome", fatal: (e as Error).stack ?? String(e) }))
    .then(send)
    .catch(() => process.exit(1));
});
process.on("disconnect", () => process.exit(0));
