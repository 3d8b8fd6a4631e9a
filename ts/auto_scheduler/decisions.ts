// The search's decisions: the free parameters of the rules' schedules (tile sizes, where a tile
// is computed, how many outer loops run in parallel, the unroll step), each with its domain, and
// how they are sampled and mutated. Tile sizes are legal (positive, their product at most the
// extent) and drawn both as divisors of the extent (its prime factors spread over the levels) and
// as non-divisors (the tail is guarded); a register tile (the innermost level of the last two
// axes) is drawn to fit the target's vector registers. All randomness comes from a seeded Rng,
// so a seed gives the same decisions.

import { prng } from "../interp/prng.js";

/** A seeded source of random choices. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) { this.next = prng(seed); }
  /** A float in [0, 1). */
  float(): number { return this.next(); }
  /** An integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
  /** One of `xs`. */
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  /** True with probability p. */
  chance(p: number): boolean { return this.next() < p; }
}

/** The values of the decisions, by name (a tile: its inner factors, outermost first; a choice: one value). */
export type Decisions = Record<string, number[]>;

/** A tile of an axis of `extent` into `levels` inner factors (the outermost level is what is left). */
export interface TileSpec {
  kind: "tile";
  name: string;
  extent: number;
  levels: number;
  /** The innermost factor is the column (a multiple of `lanes`) or row count of a register tile. */
  register?: { role: "col" | "row"; lanes: number; registers: number };
}

/** One of a list of values. */
export interface ChoiceSpec {
  kind: "choice";
  name: string;
  options: number[];
}

export type DecisionSpec = TileSpec | ChoiceSpec;

function primeFactors(n: number): number[] {
  const out: number[] = [];
  let x = n;
  for (let p = 2; p * p <= x; p++) while (x % p === 0) { out.push(p); x /= p; }
  if (x > 1) out.push(x);
  return out;
}

const NON_DIVISORS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

/** Inner factors whose product divides `extent`: each prime factor goes to a random level. */
function perfectTile(rng: Rng, extent: number, levels: number): number[] {
  const f = new Array<number>(levels).fill(1);
  for (const p of primeFactors(extent)) {
    const level = rng.int(levels + 1) - 1;
    if (level >= 0) f[level] *= p;
  }
  return f;
}

/** Inner factors from a list of small sizes, innermost first, the product kept within `extent`. */
function looseTile(rng: Rng, extent: number, levels: number): number[] {
  const f = new Array<number>(levels).fill(1);
  let left = extent;
  for (let l = levels - 1; l >= 0; l--) {
    const fit = NON_DIVISORS.filter((x) => x <= left);
    f[l] = rng.pick(fit);
    left = Math.floor(left / f[l]);
  }
  return f;
}

function product(xs: readonly number[]): number { return xs.reduce((a, b) => a * b, 1); }

/** The register tile's innermost factor: columns a multiple of the lanes, rows within the registers. */
function registerFactor(rng: Rng, spec: TileSpec, colVectors: number): number {
  const r = spec.register!;
  if (r.role === "col") {
    const options = [1, 2, 4].map((m) => m * r.lanes).filter((x) => x <= spec.extent);
    return options.length > 0 ? rng.pick(options) : 1;
  }
  const rows = Math.max(1, Math.min(spec.extent, 12, Math.floor((r.registers - 2) / Math.max(1, colVectors))));
  return 1 + rng.int(rows);
}

/** Keeps a tile legal: factors >= 1 and their product at most the extent (shrinking outer levels first). */
export function legalTile(f: number[], extent: number): number[] {
  const out = f.map((x) => Math.max(1, Math.floor(x)));
  for (let l = 0; l < out.length && product(out) > extent; l++) {
    out[l] = Math.max(1, Math.floor(out[l] / Math.ceil(product(out) / extent)));
  }
  for (let l = 0; l < out.length && product(out) > extent; l++) out[l] = 1;
  return out;
}

/** Samples every decision of `specs` (the register tile's column before its rows). */
export function sampleDecisions(rng: Rng, specs: readonly DecisionSpec[]): Decisions {
  const d: Decisions = {};
  let colVectors = 1;
  const ordered = [...specs.filter((s) => s.kind === "tile" && s.register?.role === "col"), ...specs.filter((s) => !(s.kind === "tile" && s.register?.role === "col"))];
  for (const s of ordered) {
    if (s.kind === "choice") {
      d[s.name] = [rng.pick(s.options)];
      continue;
    }
    let f = rng.chance(0.6) ? perfectTile(rng, s.extent, s.levels) : looseTile(rng, s.extent, s.levels);
    if (s.register && rng.chance(0.8)) {
      const inner = registerFactor(rng, s, colVectors);
      if (s.register.role === "col") colVectors = Math.max(1, Math.round(inner / s.register.lanes));
      f[s.levels - 1] = inner;
      f = legalTile(f, s.extent);
    }
    d[s.name] = f;
  }
  // Keep a name order independent of the sampling order, so decisions print and hash the same.
  return Object.fromEntries(specs.map((s) => [s.name, d[s.name]]));
}

/** Changes one decision of `d` (a tile level, or another option of a choice). */
export function mutateDecisions(rng: Rng, specs: readonly DecisionSpec[], d: Decisions): Decisions {
  const out: Decisions = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, [...v]]));
  const mutable = specs.filter((s) => (s.kind === "choice" ? s.options.length > 1 : s.extent > 1));
  if (mutable.length === 0) return out;
  const s = rng.pick(mutable);
  if (s.kind === "choice") {
    const others = s.options.filter((o) => o !== out[s.name]?.[0]);
    out[s.name] = [rng.pick(others)];
    return out;
  }
  const f = out[s.name] ? [...out[s.name]] : new Array<number>(s.levels).fill(1);
  const how = rng.int(3);
  if (how === 0 && s.levels > 1) {
    // Move a prime factor from one level to another (keeps the product).
    const from = rng.int(s.levels);
    const to = rng.int(s.levels);
    const primes = primeFactors(f[from]);
    if (primes.length > 0 && from !== to) {
      const p = rng.pick(primes);
      f[from] /= p;
      f[to] *= p;
    } else {
      f[to] = rng.pick(NON_DIVISORS.filter((x) => x <= s.extent));
    }
  } else if (how === 1) {
    const level = rng.int(s.levels);
    f[level] = rng.pick(NON_DIVISORS.filter((x) => x <= s.extent));
  } else {
    out[s.name] = sampleDecisions(rng, [s])[s.name];
    return out;
  }
  out[s.name] = legalTile(f, s.extent);
  return out;
}

/** A stable text of the decisions (for de-duplication). */
export function decisionsKey(d: Decisions): string {
  return JSON.stringify(Object.keys(d).sort().map((k) => [k, d[k]]));
}
