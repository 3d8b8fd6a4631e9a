// A pool of worker processes (fuzz/worker.ts) checking batches of cases. A worker that dies or
// hangs while checking a batch is replaced; the batch is split into single cases and checked
// again, so the case that crashed is found and reported as a crash (with the signal or exit code
// and the end of its stderr), and the other cases of its batch still get their results.

import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Result } from "./check.js";
import type { Case } from "./spec.js";

export type Outcome = Result & { case?: Case };

type Batch = { seed: number; indices: number[] } | { cases: Case[] };
interface Pending { batch: Batch; resolve: (r: Outcome[]) => void; isolated: boolean }

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

class Worker {
  child: ChildProcess;
  stderr = "";
  ready: Promise<void>;
  constructor() {
    this.child = fork(WORKER, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"], env: process.env });
    this.child.stderr!.on("data", (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
    this.ready = new Promise((res) => this.child.once("message", () => res()));
  }
}

export class Pool {
  private idle: Worker[] = [];
  private queue: Pending[] = [];
  private nextId = 0;
  private running = 0;
  constructor(private readonly jobs: number, private readonly timeoutMs = 180_000) {}

  /** Checks a batch; resolves with one outcome per case, in order. */
  run(batch: Batch): Promise<Outcome[]> {
    return new Promise((resolve) => {
      this.queue.push({ batch, resolve, isolated: false });
      this.pump();
    });
  }

  close(): void {
    for (const w of this.idle) w.child.kill();
    this.idle = [];
  }

  private pump(): void {
    while (this.queue.length > 0 && this.running < this.jobs) {
      const p = this.queue.shift()!;
      this.running++;
      void this.dispatch(p).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async dispatch(p: Pending): Promise<void> {
    const w = this.idle.pop() ?? new Worker();
    await w.ready;
    const id = this.nextId++;
    const outcome = await new Promise<{ results?: Outcome[]; death?: string }>((res) => {
      const timer = setTimeout(() => { w.child.kill("SIGKILL"); finish({ death: `timed out after ${this.timeoutMs} ms` }); }, this.timeoutMs);
      const onMessage = (m: { id: number; results: Outcome[] }): void => { if (m.id === id) finish({ results: m.results }); };
      const onExit = (code: number | null, signal: string | null): void => finish({ death: signal ? `killed by ${signal}` : `exited with code ${code}` });
      const finish = (x: { results?: Outcome[]; death?: string }): void => {
        clearTimeout(timer);
        w.child.off("message", onMessage);
        w.child.off("exit", onExit);
        res(x);
      };
      w.child.on("message", onMessage);
      w.child.once("exit", onExit);
      w.child.send({ id, ...p.batch });
    });
    if (outcome.results) {
      this.idle.push(w);
      p.resolve(outcome.results);
      return;
    }
    w.child.kill("SIGKILL");
    const size = "cases" in p.batch ? p.batch.cases.length : p.batch.indices.length;
    if (size === 1) {
      p.resolve([{ status: "crash", detail: `the worker ${outcome.death}; stderr: ${w.stderr.trim().slice(-1500)}`, case: "cases" in p.batch ? p.batch.cases[0] : undefined }]);
      return;
    }
    // Isolate: every case of the batch again, one a batch.
    const singles: Batch[] = "cases" in p.batch ? p.batch.cases.map((c) => ({ cases: [c] })) : p.batch.indices.map((i) => ({ seed: (p.batch as { seed: number }).seed, indices: [i] }));
    // (Not awaited here: this batch's slot is freed first, so the singles can run even with one job.)
    const parts = singles.map((b) => new Promise<Outcome[]>((resolve) => this.queue.unshift({ batch: b, resolve, isolated: true })));
    void Promise.all(parts).then((xs) => p.resolve(xs.flat()));
  }
}
