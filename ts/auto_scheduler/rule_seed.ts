// The rules' own first guess at the decisions, measured in the first batch beside the
// unscheduled program and the `ops` default (as an expert's first schedule of a kernel with no
// library schedule: Ansor and MetaSchedule start from random samples only, which for a small
// program can take many trials to reach a register tile). It is one deterministic point of the
// space, read from the specs alone:
// - a register tile: two vectors of columns where that divides the axis (else one vector, else
//   the widest multiple of the lanes that fits), and as many rows as the vector registers left
//   hold (a divisor of the axis when one is at least half of that);
// - every other tile level 1: the tile's loops stay at the outer levels, the reduction is not
//   split (its whole extent runs around the register tile, as a micro-kernel's k loop);
// - the reduction accumulated in a cacheWrite tile computed at the inner tile level;
// - the fewest fused outer loops in parallel that keep every core busy (the space's accept);
// - unroll step 64 (the register tile's rows unrolled), the narrowest vector of a vectorized
//   stage, a tiled extern computed at its consumer's parallel loop (tiled by its region map),
//   rfactor at its first option.

import type { ChoiceSpec, Decisions, DecisionSpec, TileSpec } from "./decisions.js";
import type { SearchSpace } from "./search_space.js";

/** The largest divisor of `n` that is at most `most`. */
function divisorAtMost(n: number, most: number): number {
  for (let d = Math.min(n, most); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

function columns(s: TileSpec): number {
  const lanes = s.register!.lanes;
  for (const c of [2 * lanes, lanes]) if (c <= s.extent && s.extent % c === 0) return c;
  const fit = Math.floor(Math.min(s.extent, 2 * lanes) / lanes) * lanes;
  return fit > 0 ? fit : s.extent;
}

function rows(s: TileSpec, colVectors: number): number {
  const r = s.register!;
  const most = Math.max(1, Math.min(s.extent, 8, Math.floor((r.registers - 2) / Math.max(1, colVectors))));
  const d = divisorAtMost(s.extent, most);
  return 2 * d >= most ? d : most;
}

function tileOf(s: TileSpec, colVectors: number): number[] {
  const f = new Array<number>(s.levels).fill(1);
  if (s.register?.role === "col") f[s.levels - 1] = columns(s);
  else if (s.register?.role === "row") f[s.levels - 1] = rows(s, colVectors);
  return f;
}

// Preferred values, first that is an option: a reduction's tile at the inner tile level (2), an
// extern at its consumer's parallel loop (1).
const PREFERRED: Record<string, number[]> = { cacheWrite: [1], computeAt: [2, 1], unroll: [64] };

function choiceOf(s: ChoiceSpec): number {
  const kind = s.name.slice(s.name.lastIndexOf(".") + 1);
  return (PREFERRED[kind] ?? []).find((v) => s.options.includes(v)) ?? s.options[0];
}

/**
 * The rules' first guess for `space` on `cores` cores, or undefined when the space has no decisions or no
 * parallel depth keeps the cores busy.
 */
export function ruleSeed(space: SearchSpace, cores: number): Decisions | undefined {
  const specs: readonly DecisionSpec[] = space.specs;
  if (specs.length === 0) return undefined;
  const d: Decisions = {};
  // Columns first: the rows of a register tile depend on how many vectors its columns take.
  const colVectors = new Map<string, number>();
  for (const s of specs) {
    if (s.kind !== "tile" || s.register?.role !== "col") continue;
    const f = tileOf(s, 1);
    d[s.name] = f;
    colVectors.set(s.name.slice(0, s.name.lastIndexOf(".")), Math.max(1, Math.round(f[f.length - 1] / s.register.lanes)));
  }
  for (const s of specs) {
    if (d[s.name]) continue;
    d[s.name] = s.kind === "tile" ? tileOf(s, colVectors.get(s.name.slice(0, s.name.lastIndexOf("."))) ?? 1) : [choiceOf(s)];
  }
  const ordered = Object.fromEntries(specs.map((s) => [s.name, d[s.name]]));
  // The parallel depths: the fewest fused tile loops with an iteration a core.
  const parallel = specs.filter((s): s is ChoiceSpec => s.kind === "choice" && s.name.endsWith(".parallel"));
  for (const s of parallel) {
    const stage = s.name.slice(0, -".parallel".length);
    const tiles = specs.filter((x): x is TileSpec => x.kind === "tile" && x.name.startsWith(`${stage}.tile`));
    if (tiles.length === 0) continue;
    let points = 1;
    for (const depth of s.options) {
      const tile = tiles[depth - 1];
      if (!tile) break;
      points *= Math.ceil(tile.extent / ordered[tile.name].reduce((a, b) => a * b, 1));
      ordered[s.name] = [depth];
      if (points >= cores) break;
    }
  }
  for (let step = 0; step < 8; step++) {
    if (space.accept(ordered)) return ordered;
    const grow = parallel.find((s) => s.options.indexOf(ordered[s.name][0]) < s.options.length - 1);
    if (!grow) return undefined;
    ordered[grow.name] = [grow.options[grow.options.indexOf(ordered[grow.name][0]) + 1]];
  }
  return space.accept(ordered) ? ordered : undefined;
}
