// The run half of a measurement: a child process (measure_child.ts) loads the two libraries and
// runs the reference and the candidate, while this side keeps a watchdog. The child announces
// each run with its time budget; a run over its budget is killed (SIGKILL) and recorded as a
// timeout, a child that dies (SIGSEGV, abort, exit) as a crash with the end of its stderr.
// Failures that are not the candidate's (the child does not start, the setup module does not
// load, the reference crashes or hangs) are Errors, so a queue can retry them elsewhere.
// A child that answered is kept for the next job with the same setup module (starting Node costs
// about a second); one that was killed, died or saw its kernel fail is replaced. Idle children
// do not keep this process alive.
import { TuneError } from "../errors.js";
import { fork, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CompiledJob } from "./measure_compile.js";
import type { ChildMessage, ChildTask } from "./measure_child.js";
import type { MeasureResult } from "./measure_job.js";

/** Milliseconds the child may take to start and load its libraries (not the job's timeout). */
const STARTUP_MS = 60_000;

// Under tsx (tests, development) the child is the .ts file; in the package, the compiled .js.
const here = fileURLToPath(import.meta.url);
const CHILD = here.replace(/measure_run\.(ts|js)$/, (_m, ext: string) => `measure_child.${ext}`);
const TS_SELF = here.endsWith(".ts");

/** How a child loads tsx: resolved from here, so it works whatever the working directory. */
function tsxImport(): string {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return "tsx";
  }
}

let cacheDir: string | undefined;
/** This process's directory of reference outputs (one file a workload, inputs and entry). */
function referenceCacheDir(): string {
  if (cacheDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "tejit-measure-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    cacheDir = dir;
  }
  return cacheDir;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A measuring child and the end of its stderr. */
interface Child {
  proc: ChildProcess;
  stderr: string;
  /** Whether it runs under tsx (for a .ts setup module, or tejit itself as .ts). */
  tsx: boolean;
  /** The setup module of its jobs: a child serves only jobs with the same one. */
  setup: string | undefined;
}

const idle: Child[] = [];

function spawnChild(tsx: boolean, setup: string | undefined): Child {
  const proc = fork(CHILD, [], {
    execArgv: tsx ? ["--import", tsxImport()] : [],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "advanced",
  });
  const c: Child = { proc, stderr: "", tsx, setup };
  proc.stderr!.on("data", (d: Buffer) => { c.stderr = (c.stderr + d.toString()).slice(-2000); });
  return c;
}

function setBusy(c: Child, busy: boolean): void {
  for (const h of [c.proc, c.proc.channel, c.proc.stderr] as unknown as ({ ref?(): void; unref?(): void } | null | undefined)[]) {
    if (busy) h?.ref?.();
    else h?.unref?.();
  }
}

/** Stops this process's idle measuring children (the next job starts a new one). */
export function releaseIdleMeasuringProcesses(): void {
  for (const c of idle.splice(0)) c.proc.disconnect();
}

/** Runs a compiled job in a child process; `worker` names this measuring process. */
export function runCompiledJob(c: CompiledJob, worker: string): Promise<MeasureResult> {
  const { job } = c;
  const refKey = createHash("sha256")
    .update(JSON.stringify([c.referenceLib, job.entry, job.args, job.dataSeed, job.setupModule ?? null]))
    .digest("hex");
  const task: ChildTask = {
    candidateLib: c.candidateLib,
    referenceLib: c.referenceLib,
    entry: job.entry,
    args: job.args,
    dataSeed: job.dataSeed,
    rtol: job.rtol,
    timeoutMs: job.timeoutMs,
    minRepeats: job.minRepeats,
    maxRepeats: job.maxRepeats,
    stableWithin: job.stableWithin,
    setupModule: job.setupModule,
    threads: job.threads,
    referenceCache: join(referenceCacheDir(), `${refKey}.bin`),
    referenceBudgetMs: Math.max(STARTUP_MS, 20 * job.timeoutMs),
  };
  // A .ts setup module needs tsx in the child even when tejit itself runs compiled.
  const tsx = TS_SELF || (job.setupModule !== undefined && /\.[cm]?ts$/.test(job.setupModule));
  const reuse = idle.findIndex((x) => x.tsx === tsx && x.setup === job.setupModule);
  const child = reuse >= 0 ? idle.splice(reuse, 1)[0] : spawnChild(tsx, job.setupModule);
  child.stderr = "";
  setBusy(child, true);
  const tail = (): string => (child.stderr.trim() === "" ? "" : `; its stderr ends: ${child.stderr.trim().slice(-1500)}`);
  const result = (r: Omit<MeasureResult, "id" | "worker">): MeasureResult => ({ id: job.id, ...r, worker });

  return new Promise<MeasureResult>((resolve, reject) => {
    let what = "startup";
    let budget = STARTUP_MS;
    let done = false;
    let timer: NodeJS.Timeout;
    const { proc } = child;
    const finish = (r: MeasureResult | Error, keep = false): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.off("message", onMessage);
      proc.off("close", onClose);
      proc.off("error", onError);
      if (keep && proc.connected) {
        setBusy(child, false);
        idle.push(child);
      } else if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    const notTheCandidate = (): boolean => what === "startup" || what === "the reference";
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (notTheCandidate()) finish(new TuneError(`measure ${job.id}: ${what === "startup" ? "the measuring process did not load the libraries" : "the reference did not finish"} within ${budget} ms; killed${tail()}`));
        else finish(result({ error: { kind: "timeout", message: `${what} ran longer than ${budget} ms (timeoutMs ${job.timeoutMs}); killed` } }));
      }, budget);
    };
    const onMessage = (m: ChildMessage): void => {
      if (m.kind === "run") {
        what = m.what;
        budget = m.budgetMs;
        arm();
      } else if ("seconds" in m) finish(result({ seconds: m.seconds, median: median(m.seconds) }), true);
      else if ("wrong" in m) finish(result({ error: { kind: "wrong", message: m.wrong } }), true);
      // A kernel that returned an error may have left its process in any state: not reused.
      else if ("failed" in m) finish(result({ error: { kind: "crash", message: `${what} failed: ${m.failed}` } }));
      else finish(new TuneError(`measure ${job.id}: ${m.fatal}`));
    };
    const onError = (e: Error): void => finish(new TuneError(`measure ${job.id}: cannot run the measuring process: ${e.message}`));
    // "close", not "exit": it comes after the IPC channel is drained, so an outcome sent just
    // before exiting is never mistaken for a death.
    const onClose = (code: number | null, signal: string | null): void => {
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      if (notTheCandidate()) finish(new TuneError(`measure ${job.id}: the measuring process ${how} during ${what}${tail()}`));
      else finish(result({ error: { kind: "crash", message: `the measuring process ${how} during ${what}${tail()}` } }));
    };
    proc.on("message", onMessage);
    proc.on("error", onError);
    proc.on("close", onClose);
    arm();
    proc.send(task);
  });
}
