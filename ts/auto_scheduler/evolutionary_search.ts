// The evolutionary search over measured candidates. The first batch holds the seeds (the
// unscheduled program, the default schedule when there is one, the rules' first guess
// (rule_seed.ts), the best records of this workload on this target); then every batch is filled with mutants of good candidates (a parent is the
// better of two drawn from the fastest eight; one or two of its decisions change: a tile level,
// the compute location, the parallel depth, the unroll step) and, a quarter of the time, a fresh
// sample of the rules' space. A candidate already measured (or recorded) is never proposed again,
// nor one whose parallel loop leaves cores idle (the space's accept).
// Measurements are told back in job order, and every random choice comes from one seeded Rng, so
// the same seed and the same records give the same candidates, whatever order results arrive in.

import { type Decisions, decisionsKey, mutateDecisions, Rng, sampleDecisions } from "./decisions.js";
import type { MeasureError } from "./measure_job.js";
import type { SearchSpace } from "./search_space.js";
import type { Trace } from "./trace.js";

/** Where a candidate came from. */
export type Origin = "unscheduled" | "default" | "rules" | "record" | "sample" | "mutation";

/** A schedule to measure: a trace (with the decisions behind it, for rule-made ones). */
export interface Candidate {
  trace: Trace;
  decisions?: Decisions;
  origin: Origin;
  /** Why it could not be made (the schedule API refused the decisions): an error, not measured. */
  error?: MeasureError;
}

/** A candidate with its outcome. */
export interface Measured extends Candidate {
  median?: number;
  error?: MeasureError;
}

const POPULATION = 8;
const FRESH = 0.25;

/** The key that identifies a candidate's schedule. */
export function traceKey(c: { trace: Trace; origin: Origin }): string {
  return c.origin === "default" ? "default" : JSON.stringify(c.trace);
}

/** Evolutionary search state: propose batches, be told their times. */
export class EvolutionarySearch {
  private readonly rng: Rng;
  private readonly seen = new Set<string>();
  private readonly measured: Measured[] = [];
  private seeds: Candidate[];

  constructor(private readonly space: SearchSpace, seed: number, seeds: Candidate[], known: Measured[]) {
    this.rng = new Rng(seed);
    for (const k of known) {
      this.seen.add(traceKey(k));
      this.measured.push(k);
    }
    this.seeds = seeds.filter((c) => !this.seen.has(traceKey(c)));
  }

  /** The fastest good candidates, fastest first (ties kept in the order they were measured). */
  population(): Measured[] {
    return this.measured.filter((m) => m.median !== undefined && m.error === undefined)
      .map((m, i) => ({ m, i })).sort((a, b) => a.m.median! - b.m.median! || a.i - b.i).map((x) => x.m);
  }

  private parent(): Measured | undefined {
    const pool = this.population().filter((m) => m.decisions !== undefined).slice(0, POPULATION);
    if (pool.length === 0) return undefined;
    const a = this.rng.pick(pool);
    const b = this.rng.pick(pool);
    return a.median! <= b.median! ? a : b;
  }

  private make(decisions: Decisions, origin: Origin): Candidate {
    try {
      return { trace: this.space.build(decisions), decisions, origin };
    } catch (e) {
      return { trace: [], decisions, origin, error: { kind: "build", message: (e as Error).message } };
    }
  }

  /** Up to `n` new candidates (fewer when the space has no new ones). */
  next(n: number): Candidate[] {
    const out: Candidate[] = [];
    while (out.length < n && this.seeds.length > 0) {
      const c = this.seeds.shift()!;
      const key = traceKey(c);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      out.push(c);
    }
    for (let attempt = 0; out.length < n && attempt < 40 * n; attempt++) {
      const parent = this.space.specs.length > 0 && !this.rng.chance(FRESH) ? this.parent() : undefined;
      let d: Decisions;
      if (parent) {
        d = mutateDecisions(this.rng, this.space.specs, parent.decisions!);
        if (this.rng.chance(0.5)) d = mutateDecisions(this.rng, this.space.specs, d);
      } else d = sampleDecisions(this.rng, this.space.specs);
      if (!this.space.accept(d)) continue;
      const c = this.make(d, parent ? "mutation" : "sample");
      const key = c.error ? `error:${decisionsKey(d)}` : traceKey(c);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      out.push(c);
    }
    return out;
  }

  /** The outcomes of candidates, in the order they were proposed. */
  tell(results: Measured[]): void {
    this.measured.push(...results);
  }
}
