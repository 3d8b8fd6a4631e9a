// Tuning records: JSON lines, one a measurement: the workload key, the target key (and the
// target's description, so a reader can see what machine it was), the schedule as a trace, its
// times or its error, and metadata (when, which worker, which seed and trial). loadRecords reads
// a file (a missing file is no records; a line that is not a record is an Error naming the
// line), appendRecords adds lines; bestRecord picks the fastest good record of a workload on a
// target. A trace recorded on a program spelt with other names is renamed for this one by
// translateTrace, through the names the record keeps.

import { ArgumentError } from "../errors.js";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { MeasureError } from "./measure_job.js";
import type { TargetDescription } from "./target_key.js";
import type { Trace, TraceStep } from "./trace.js";
import type { WorkloadNames } from "./workload_key.js";

/** One measurement of one schedule of one workload on one target. */
export interface TuningRecord {
  /** Format version (1). */
  version: 1;
  /** The program's structural hash (workload_key.ts). */
  workloadKey: string;
  /** The measuring machine and compiler (target_key.ts). */
  targetKey: string;
  /** The schedule, replayable on the program (replayTrace). */
  trace: Trace;
  /** Seconds of each timed run, when it ran and was right. */
  seconds?: number[];
  /** Median of `seconds`. */
  median?: number;
  /** Why it has no time. */
  error?: MeasureError;
  /** The stage and axis names of the program the trace names (to rename it for another spelling). */
  names?: WorkloadNames;
  /** The search's decisions behind the trace (so a later search can mutate it). */
  decisions?: Record<string, number[]>;
  /** What the target key hashes, readable. */
  target?: TargetDescription;
  /** When, by whom and in which search it was measured. */
  meta?: { time?: string; worker?: string; seed?: number; trial?: number; tejit?: string; [k: string]: unknown };
}

function checkRecord(x: unknown, where: string): TuningRecord {
  const r = x as Partial<TuningRecord> | null;
  if (r === null || typeof r !== "object" || Array.isArray(r)) throw new ArgumentError(`${where}: a record must be a JSON object`);
  if (r.version !== 1) throw new ArgumentError(`${where}: unknown record version ${JSON.stringify(r.version)} (expected 1)`);
  if (typeof r.workloadKey !== "string" || typeof r.targetKey !== "string") throw new ArgumentError(`${where}: a record needs workloadKey and targetKey strings`);
  if (!Array.isArray(r.trace)) throw new ArgumentError(`${where}: a record needs a trace (an array of steps)`);
  if (r.median === undefined && r.error === undefined) throw new ArgumentError(`${where}: a record needs a median time or an error`);
  return r as TuningRecord;
}

/** The records of a JSON-lines file (none when it does not exist; blank lines skipped). */
export function loadRecords(path: string): TuningRecord[] {
  if (!existsSync(path)) return [];
  const out: TuningRecord[] = [];
  readFileSync(path, "utf8").split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let x: unknown;
    try {
      x = JSON.parse(line);
    } catch (e) {
      throw new ArgumentError(`${path}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    out.push(checkRecord(x, `${path}:${i + 1}`));
  });
  return out;
}

/** Appends records to a JSON-lines file (created if missing), one line each. */
export function appendRecords(path: string, records: readonly TuningRecord[]): void {
  if (records.length === 0) return;
  appendFileSync(path, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
}

/** Records as given: a path is loaded, an array is taken as it is. */
export function recordsOf(records: string | readonly TuningRecord[] | undefined): TuningRecord[] {
  if (records === undefined) return [];
  if (typeof records === "string") return loadRecords(records);
  if (!Array.isArray(records)) throw new ArgumentError(`autoScheduler: records must be a file path or an array of records, got ${typeof records}`);
  return records.map((r, i) => checkRecord(r, `records[${i}]`));
}

/** The fastest record of `workloadKey` on `targetKey` that ran and was right (any target when targetKey is undefined). */
export function bestRecord(records: readonly TuningRecord[], workloadKey: string, targetKey?: string): TuningRecord | undefined {
  let best: TuningRecord | undefined;
  for (const r of records) {
    if (r.workloadKey !== workloadKey || (targetKey !== undefined && r.targetKey !== targetKey)) continue;
    if (r.error !== undefined || r.median === undefined || !Number.isFinite(r.median)) continue;
    if (best === undefined || r.median < best.median!) best = r;
  }
  return best;
}

/** A loop name with each root-axis part renamed (split and fuse names are built from them). */
function renameLoop(name: string, axes: Map<string, string>): string {
  const [base, k] = name.split("#");
  const parts = base.split(".").map((p) => axes.get(p) ?? p);
  return k === undefined ? parts.join(".") : `${parts.join(".")}#${k}`;
}

function renameStage(name: string, stages: Map<string, string>): string {
  const [base, k] = name.split("#");
  const [head, ...rest] = base.split(".");
  const renamed = [stages.get(head) ?? head, ...rest].join(".");
  return k === undefined ? renamed : `${renamed}#${k}`;
}

/**
 * `trace`, recorded on a program named `from`, renamed for the same program named `to`: stages
 * by position, and each stage's loops by its own axes' positions (a cache or rfactor stage,
 * "C.global", uses the axes of the stage it was made from).
 */
export function translateTrace(trace: readonly TraceStep[], from: WorkloadNames, to: WorkloadNames): Trace {
  const stages = new Map<string, string>();
  const axesOf = new Map<string, Map<string, string>>();
  from.stages.forEach((n, i) => {
    if (to.stages[i] !== undefined && n !== to.stages[i]) stages.set(n, to.stages[i]);
    const m = new Map<string, string>();
    (from.axes[i] ?? []).forEach((a, k) => { const b = to.axes[i]?.[k]; if (b !== undefined && b !== a) m.set(a, b); });
    if (!axesOf.has(n)) axesOf.set(n, m);
  });
  if (stages.size === 0 && [...axesOf.values()].every((m) => m.size === 0)) return trace.map((s) => ({ ...s }));
  const st = (n: string) => renameStage(n, stages);
  const lp = (stage: string, n: string) => renameLoop(n, axesOf.get(stage.split("#")[0].split(".")[0]) ?? new Map());
  return trace.map((s): TraceStep => {
    switch (s.p) {
      case "cacheRead": return { ...s, tensor: st(s.tensor), readers: s.readers.map(st) };
      case "cacheWrite": case "computeInline": case "computeRoot": case "storageAlign": return { ...s, stage: st(s.stage) };
      case "fuse": case "reorder": return { ...s, stage: st(s.stage), loops: s.loops.map((l) => lp(s.stage, l)) };
      case "tile": return { ...s, stage: st(s.stage), x: lp(s.stage, s.x), y: lp(s.stage, s.y) };
      case "computeAt": return { ...s, stage: st(s.stage), target: st(s.target), loop: lp(s.target, s.loop) };
      default: return { ...s, stage: st(s.stage), loop: lp(s.stage, s.loop) };
    }
  });
}
