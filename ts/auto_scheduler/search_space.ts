// The search space, from rules on the program (after MetaSchedule's default CPU rules and Ansor's
// sketches): which primitives every candidate applies, and which decisions (decisions.ts) are
// left to the search. The rules, in order:
// - inline: an elementwise compute that is not an output and feeds no extern is inlined;
// - multi-level tiling of each reduction with constant extents: data-parallel axes in four levels,
//   reduction axes in two, ordered S S R S R S; the reduction computed into a tile at a level of
//   the outer loops (compute location: level 1 or 2) of either its one elementwise consumer
//   (fused, e.g. a bias and activation) or a cacheWrite copy (optional); the innermost tile of the
//   last two axes is a register tile sized from the vector lanes and register count;
// - rfactor: a reduction whose output has too few points to keep the cores busy is split and
//   factored over its outer part, which runs in parallel;
// - other computes (outputs, producers of externs): the innermost axis split by a vector length
//   and vectorized, the outer axes fused and parallel;
// - fuse-and-parallel: a decision says how many outer tile loops are fused into the parallel one;
// - unroll: `auto_unroll_max_step` of 0, 16, 64 or 512 on the outermost loop of a tiled stage;
// - tiled externs are scheduled around: one read by a vectorized stage is computed either at the
//   root or at that stage's parallel loop (its region map gives it a tile), and its call is
//   measured with everything else.
// Reduction blocking and input packing (layout changes) are not rules yet: the schedule API has
// no primitive for them.

import type { IterVar } from "../ir/iter_var.js";
import type { Operation } from "../te/operation.js";
import type { Stage } from "../schedule/stage.js";
import type { Decisions, DecisionSpec } from "./decisions.js";
import { analyzeProgram, type OpInfo, readsElementwise } from "./program_analysis.js";
import type { Trace } from "./trace.js";
import { TraceBuilder } from "./trace_builder.js";

/** What the rules size things by. */
export interface SpaceTarget {
  /** Vector register width in bytes (nativeVectorBytes). */
  vectorBytes: number;
  /** Logical cores. */
  cores: number;
}

/** The decisions left to the search and how a set of them becomes a schedule. */
export interface SearchSpace {
  specs: DecisionSpec[];
  /** The trace of the schedule the decisions choose (throws where the schedule API refuses it). */
  build(d: Decisions): Trace;
  /** Whether the decisions are worth measuring: a parallel loop has at least one iteration a core where the extents allow it. */
  accept(d: Decisions): boolean;
}

const UNROLL_STEPS = [0, 16, 64, 512];
const MAX_VECTOR = 64;

interface Plan {
  inline: Operation[];
  tiled: { r: OpInfo; fuseInto?: Operation; n: number }[];
  rfactored: OpInfo[];
  vectorized: OpInfo[];
  /** Tileable externs that may be computed at their consumer's parallel loop. */
  attachedExterns: { x: OpInfo; consumer: Operation }[];
}

function allConst(xs: (number | undefined)[]): xs is number[] {
  return xs.every((x) => x !== undefined);
}

function plan(infos: OpInfo[], target: SpaceTarget): Plan {
  const byOp = new Map(infos.map((i) => [i.op, i]));
  const inline = infos.filter((i) => i.kind === "elementwise" && !i.isOutput && i.op.numOutputs === 1 && i.consumers.length > 0
    // Not into an extern (it reads buffers) nor into another kind of op (a scan reads its init and update as its state).
    && i.consumers.every((c) => byOp.get(c)?.kind !== "extern" && byOp.get(c)?.kind !== "opaqueExtern" && byOp.get(c)?.kind !== "other")).map((i) => i.op);
  const inlined = new Set(inline);
  // The consumers of an op once inlined ops are looked through (and whether every read on the way is elementwise).
  const effective = (op: Operation): { ops: Operation[]; elementwise: boolean } => {
    const out: Operation[] = [];
    let elementwise = true;
    const walk = (p: Operation) => {
      for (const c of byOp.get(p)!.consumers) {
        if (!readsElementwise(c, p)) elementwise = false;
        if (inlined.has(c)) walk(c);
        else if (!out.includes(c)) out.push(c);
      }
    };
    walk(op);
    return { ops: out, elementwise };
  };
  const p: Plan = { inline, tiled: [], rfactored: [], vectorized: [], attachedExterns: [] };
  const fusedConsumers = new Set<Operation>();
  for (const i of infos) {
    if (i.kind !== "reduction" || i.op.numOutputs !== 1 || !allConst(i.extents) || !allConst(i.reduceExtents)) continue;
    const points = i.extents.reduce((a, b) => a * b, 1);
    const reduce = i.reduceExtents.reduce((a, b) => a * b, 1);
    if (points < 4 * target.cores && reduce >= 256 && i.reduceExtents.length > 0) {
      p.rfactored.push(i);
      continue;
    }
    if (i.extents.length === 0) continue;
    const eff = effective(i.op);
    const c = eff.ops.length === 1 ? byOp.get(eff.ops[0]) : undefined;
    const fusable = !i.isOutput && c !== undefined && c.kind === "elementwise" && eff.elementwise && !fusedConsumers.has(c.op)
      && c.extents.length === i.extents.length && c.extents.every((e, k) => e === i.extents[k]);
    if (fusable) fusedConsumers.add(c.op);
    p.tiled.push({ r: i, fuseInto: fusable ? c.op : undefined, n: i.extents.length });
  }
  for (const i of infos) {
    if (i.kind !== "elementwise" || inlined.has(i.op) || fusedConsumers.has(i.op) || !allConst(i.extents) || i.extents.length === 0) continue;
    p.vectorized.push(i);
  }
  const vectorizedOps = new Set(p.vectorized.map((v) => v.op));
  for (const i of infos) {
    if (i.kind !== "extern" || i.isOutput) continue;
    const eff = effective(i.op);
    if (eff.ops.length === 1 && vectorizedOps.has(eff.ops[0])) p.attachedExterns.push({ x: i, consumer: eff.ops[0] });
  }
  return p;
}

function lanesOf(op: Operation, target: SpaceTarget): number {
  const bytes = Math.max(1, op.outputDType(0).bits / 8);
  return Math.max(1, Math.floor(target.vectorBytes / bytes));
}

function specsOf(p: Plan, target: SpaceTarget): DecisionSpec[] {
  const specs: DecisionSpec[] = [];
  const registers = target.vectorBytes >= 64 ? 32 : 16;
  for (const { r, fuseInto, n } of p.tiled) {
    const name = r.op.name;
    const lanes = lanesOf(r.op, target);
    r.extents.forEach((e, a) => {
      const register = n >= 2 && a >= n - 2 ? { role: a === n - 1 ? "col" as const : "row" as const, lanes, registers } : n === 1 ? { role: "col" as const, lanes, registers } : undefined;
      specs.push({ kind: "tile", name: `${name}.tile${a}`, extent: e!, levels: 3, register });
    });
    r.reduceExtents.forEach((e, a) => specs.push({ kind: "tile", name: `${name}.rtile${a}`, extent: e!, levels: 1 }));
    if (!fuseInto) specs.push({ kind: "choice", name: `${name}.cacheWrite`, options: [1, 0] });
    specs.push({ kind: "choice", name: `${name}.computeAt`, options: [2, 1] });
    specs.push({ kind: "choice", name: `${name}.parallel`, options: Array.from({ length: n }, (_, k) => k + 1) });
    specs.push({ kind: "choice", name: `${name}.unroll`, options: UNROLL_STEPS });
  }
  for (const r of p.rfactored) {
    const parts = [2, 4, 8, 16, 32].filter((x) => x <= r.reduceExtents[0]!);
    specs.push({ kind: "choice", name: `${r.op.name}.rfactor`, options: parts.length > 0 ? parts : [1] });
  }
  for (const v of p.vectorized) {
    const lanes = lanesOf(v.op, target);
    const last = v.extents[v.extents.length - 1]!;
    const widths = [lanes, 2 * lanes, 4 * lanes].filter((w) => w <= last);
    specs.push({ kind: "choice", name: `${v.op.name}.vector`, options: widths.length > 0 ? widths : [last <= MAX_VECTOR ? last : 1] });
    specs.push({ kind: "choice", name: `${v.op.name}.parallel`, options: Array.from({ length: v.extents.length }, (_, k) => k) });
  }
  for (const { x } of p.attachedExterns) specs.push({ kind: "choice", name: `${x.op.name}.computeAt`, options: [0, 1] });
  return specs;
}

function one(d: Decisions, name: string, fallback: number): number {
  return d[name]?.[0] ?? fallback;
}

/** S S R S R S tiling of a reduction, in one stage or as a tile computed inside its consumer. */
function tileReduction(tb: TraceBuilder, t: Plan["tiled"][number], d: Decisions): void {
  const name = t.r.op.name;
  const tiles = t.r.extents.map((_, a) => d[`${name}.tile${a}`] ?? [1, 1, 1]);
  const rtiles = t.r.reduceExtents.map((_, a) => d[`${name}.rtile${a}`]?.[0] ?? 1);
  const unroll = one(d, `${name}.unroll`, 0);
  const par = one(d, `${name}.parallel`, 1);
  let inner = tb.stage(t.r.op);
  let outer: Stage | undefined;
  if (t.fuseInto) outer = tb.stage(t.fuseInto);
  else if (one(d, `${name}.cacheWrite`, 1) === 1) {
    outer = inner;
    inner = tb.cacheWrite(inner, "global");
  }
  const vectorizeLast = (st: Stage, iv: IterVar | undefined, extent: number) => {
    if (iv && extent > 1 && extent <= MAX_VECTOR) tb.annotate(st, iv, "vectorize");
  };
  const splitInner = (st: Stage, iv: IterVar, factor: number): [IterVar, IterVar] => tb.split(st, iv, factor);
  if (!outer) {
    const lv: IterVar[][] = [[], [], [], []];
    inner.op.axis.forEach((ax, a) => {
      const [t1, t2, t3] = tiles[a];
      const [a0, r0] = splitInner(inner, ax, t1 * t2 * t3);
      const [a1, r1] = splitInner(inner, r0, t2 * t3);
      const [a2, a3] = splitInner(inner, r1, t3);
      lv[0].push(a0); lv[1].push(a1); lv[2].push(a2); lv[3].push(a3);
    });
    const k0: IterVar[] = [];
    const k1: IterVar[] = [];
    inner.op.reduceAxis.forEach((ax, a) => {
      const [x, y] = splitInner(inner, ax, rtiles[a]);
      k0.push(x); k1.push(y);
    });
    tb.reorder(inner, [...lv[0], ...lv[1], ...k0, ...lv[2], ...k1, ...lv[3]]);
    const fused = tb.fuse(inner, lv[0].slice(0, par));
    tb.annotate(inner, fused, "parallel");
    vectorizeLast(inner, lv[3][lv[3].length - 1], tiles[tiles.length - 1][2]);
    if (unroll > 0) tb.pragma(inner, fused, "auto_unroll_max_step", unroll);
    return;
  }
  // Outer: levels 0 and 1 of the tile loops; the reduction's tile is computed at one of them.
  const at = one(d, `${name}.computeAt`, 2);
  const l0: IterVar[] = [];
  const l1: IterVar[] = [];
  const rest: IterVar[] = [];
  outer.op.axis.forEach((ax, a) => {
    const [t1, t2, t3] = tiles[a];
    const [a0, r0] = splitInner(outer!, ax, t1 * t2 * t3);
    const [a1, r1] = splitInner(outer!, r0, t2 * t3);
    l0.push(a0); l1.push(a1); rest.push(r1);
  });
  tb.reorder(outer, [...l0, ...l1, ...rest]);
  const fused = tb.fuse(outer, l0.slice(0, par));
  tb.annotate(outer, fused, "parallel");
  const lastOuter = l0.length > par ? l0[l0.length - 1] : fused;
  tb.computeAt(inner, outer, at === 1 ? lastOuter : l1[l1.length - 1]);
  const lastTile = tiles[tiles.length - 1];
  vectorizeLast(outer, rest[rest.length - 1], lastTile[1] * lastTile[2]);
  // Inner: the rest of the spatial levels and the reduction's two.
  const s1: IterVar[] = [];
  const s2: IterVar[] = [];
  const s3: IterVar[] = [];
  inner.op.axis.forEach((ax, a) => {
    const [, t2, t3] = tiles[a];
    const [x, y] = splitInner(inner, ax, t3);
    if (at === 1) {
      const [p, q] = splitInner(inner, x, t2);
      s1.push(p); s2.push(q);
    } else s2.push(x);
    s3.push(y);
  });
  const k0: IterVar[] = [];
  const k1: IterVar[] = [];
  inner.op.reduceAxis.forEach((ax, a) => {
    const [x, y] = splitInner(inner, ax, rtiles[a]);
    k0.push(x); k1.push(y);
  });
  tb.reorder(inner, [...s1, ...k0, ...s2, ...k1, ...s3]);
  vectorizeLast(inner, s3[s3.length - 1], lastTile[2]);
  if (unroll > 0) tb.pragma(inner, inner.leafIterVars[0], "auto_unroll_max_step", unroll);
}

function rfactorReduction(tb: TraceBuilder, r: OpInfo, d: Decisions): void {
  const parts = one(d, `${r.op.name}.rfactor`, 1);
  const st = tb.stage(r.op);
  if (parts <= 1) return;
  const [ko] = tb.splitParts(st, st.op.reduceAxis[0], parts);
  const rf = tb.rfactor(st, ko, 0);
  tb.annotate(rf, rf.leafIterVars[0], "parallel");
}

/** Split-and-vectorize the innermost axis, fuse the outer ones and run them in parallel; returns the parallel loop. */
function vectorizeStage(tb: TraceBuilder, v: OpInfo, d: Decisions): IterVar | undefined {
  const st = tb.stage(v.op);
  const width = one(d, `${v.op.name}.vector`, 1);
  const axes = [...st.op.axis];
  const last = axes.pop()!;
  const outerAxes = [...axes];
  if (width > 1) {
    const [lo, li] = tb.split(st, last, width);
    tb.annotate(st, li, "vectorize");
    outerAxes.push(lo);
  } else outerAxes.push(last);
  const depth = Math.min(one(d, `${v.op.name}.parallel`, 0) + 1, outerAxes.length);
  const fused = tb.fuse(st, outerAxes.slice(0, depth));
  tb.annotate(st, fused, "parallel");
  return fused;
}

/** Iterations of each tiled stage's fused parallel loop, and how many it could have at most. */
function parallelWork(p: Plan, d: Decisions, cores: number): boolean {
  for (const { r } of p.tiled) {
    const par = one(d, `${r.op.name}.parallel`, 1);
    let points = 1;
    let most = 1;
    for (let a = 0; a < par; a++) {
      const [t1, t2, t3] = d[`${r.op.name}.tile${a}`] ?? [1, 1, 1];
      points *= Math.ceil(r.extents[a]! / (t1 * t2 * t3));
      most *= r.extents[a]!;
    }
    if (points < Math.min(cores, most)) return false;
  }
  return true;
}

/** The search space of the program producing `outputs` on `target`. */
export function searchSpace(outputs: readonly Operation[], target: SpaceTarget): SearchSpace {
  const infos = analyzeProgram(outputs);
  const p = plan(infos, target);
  const specs = specsOf(p, target);
  return {
    specs,
    accept: (d: Decisions) => parallelWork(p, d, target.cores),
    build(d: Decisions): Trace {
      const tb = new TraceBuilder(outputs);
      for (const op of p.inline) tb.computeInline(tb.stage(op));
      for (const t of p.tiled) tileReduction(tb, t, d);
      for (const r of p.rfactored) rfactorReduction(tb, r, d);
      const parallelLoop = new Map<Operation, IterVar | undefined>();
      for (const v of p.vectorized) parallelLoop.set(v.op, vectorizeStage(tb, v, d));
      for (const { x, consumer } of p.attachedExterns) {
        const loop = parallelLoop.get(consumer);
        if (loop && one(d, `${x.op.name}.computeAt`, 0) === 1) tb.computeAt(tb.stage(x.op), tb.stage(consumer), loop);
      }
      return tb.steps;
    },
  };
}

