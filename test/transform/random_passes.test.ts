// Random small programs under random schedules (uneven splits, vectorize, unroll, parallel,
// computeAt, auto-unroll pragmas) and random pass options: every pass of lower() must keep the
// results of the function it is given, on random inputs, with fresh allocations poisoned.
import test from "ava";
import { te } from "../../ts/index.js";
import type { IterVar } from "../../ts/ir/iter_var.js";
import type { LowerOptions } from "../../ts/lower.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { Stage } from "../../ts/schedule/stage.js";
import { pick, prng } from "../helpers/random.js";
import { assertPipelinePreserves, loops, vectorStoreLanes } from "./helpers.js";

/** `producers`: [stage, its consumer] pairs, consumers after their producers in the list. */
type Program = { s: Schedule; args: te.Tensor[]; stages: { out: te.Tensor; producers: [te.Tensor, te.Tensor][] } };

function elementwise(): Program {
  const A = te.placeholder([6, 10], "float32", "A");
  const B = te.compute([6, 10], (i, j) => A.at(i, j).mul(2), "B");
  const C = te.compute([6, 10], (i, j) => B.at(i, j).add(B.at(i, 9 - 0)).add(1), "C");
  const D = te.compute([6, 10], (i, j) => C.at(i, j).sub(A.at(i, j)), "D");
  return { s: te.createSchedule(D.op), args: [A, D], stages: { out: D, producers: [[B, C], [C, D]] } };
}

function matmul(): Program {
  const A = te.placeholder([6, 5], "float32", "A");
  const B = te.placeholder([5, 7], "float32", "B");
  const k = te.reduceAxis([0, 5], "k");
  const C = te.compute([6, 7], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
  const D = te.compute([6, 7], (i, j) => C.at(i, j).mul(3), "D");
  return { s: te.createSchedule(D.op), args: [A, B, D], stages: { out: D, producers: [[C, D]] } };
}

function blur(): Program {
  const A = te.placeholder([20], "float32", "A");
  const B = te.compute([18], (i) => A.at(i).add(A.at(i.add(1))).add(A.at(i.add(2))), "B");
  const C = te.compute([16], (i) => B.at(i).add(B.at(i.add(2))), "C");
  return { s: te.createSchedule(C.op), args: [A, C], stages: { out: C, producers: [[B, C]] } };
}

function rowMax(): Program {
  const A = te.placeholder([5, 12], "float32", "A");
  const k = te.reduceAxis([0, 12], "k");
  const M = te.compute([5], (i) => te.max(A.at(i, k), k), "M");
  const E = te.compute([5, 12], (i, j) => te.exp(A.at(i, j).sub(M.at(i))), "E");
  return { s: te.createSchedule(E.op), args: [A, E], stages: { out: E, producers: [[M, E]] } };
}

const PROGRAMS = [elementwise, matmul, blur, rowMax];

function randomSchedule(p: Program, r: () => number): void {
  const { s } = p;
  const out: Stage = s.stage(p.stages.out);
  // Split some axes of the output by random (often uneven) factors.
  for (const ax of [...out.leafIterVars]) {
    if (r() < 0.6) out.split(ax, { factor: pick(r, [2, 3, 4, 8]) });
  }
  const leaves = (st: Stage): IterVar[] => st.leafIterVars;
  const tryDo = (f: () => void): void => {
    try {
      f();
    } catch {
      // An illegal choice (e.g. vectorizing a reduction axis): skip it.
    }
  };
  if (r() < 0.7) tryDo(() => out.vectorize(leaves(out)[leaves(out).length - 1]));
  if (r() < 0.4 && leaves(out).length > 1) tryDo(() => out.unroll(pick(r, leaves(out).slice(1, -1).concat(leaves(out)[0]))));
  if (r() < 0.5) tryDo(() => out.parallel(leaves(out)[0]));
  if (r() < 0.3) tryDo(() => out.pragma(leaves(out)[0], "auto_unroll_max_step", pick(r, [4, 16, 64])));
  // Producers from the last: each is inlined, computed at a loop of its consumer (or of the
  // stage its consumer was inlined into), or left at the root.
  const inlined = new Map<te.Tensor, te.Tensor>();
  for (const [prod, consumer] of [...p.stages.producers].reverse()) {
    const st = s.stage(prod);
    let target = consumer;
    while (inlined.has(target)) target = inlined.get(target)!;
    const choice = r();
    if (choice < 0.4) {
      tryDo(() => st.computeAt(s.stage(target), pick(r, leaves(s.stage(target)))));
    } else if (choice < 0.55 && !(prod.op as { reduceAxis?: unknown[] }).reduceAxis?.length) {
      tryDo(() => st.computeInline());
      inlined.set(prod, target);
      continue; // an inlined stage has no loops left to schedule
    }
    if (r() < 0.4) {
      const pl = leaves(st);
      if (pl.length > 0) tryDo(() => st.vectorize(pl[pl.length - 1]));
    }
    if (r() < 0.3) {
      const pl = leaves(st);
      if (pl.length > 0) tryDo(() => st.split(pl[0], { factor: pick(r, [2, 3]) }));
    }
  }
}

test("random schedules and pass options: every pass keeps the results", (t) => {
  const r = prng(20240611);
  let checked = 0;
  const seen = { vector: 0, laneByLane: 0, copies: 0 };
  for (let trial = 0; trial < 400; trial++) {
    const p = PROGRAMS[trial % PROGRAMS.length]();
    randomSchedule(p, r);
    const opts: LowerOptions = {
      partitionConstLoop: r() < 0.5,
      simpleMode: r() < 0.2,
      autoUnrollMaxStep: r() < 0.3 ? 16 : 0,
      unrollExplicit: r() < 0.8,
    };
    const order = r() < 0.5 ? "reverse" : "shuffle";
    t.notThrows(() => {
      const f = assertPipelinePreserves(t, p.s, p.args, { ...opts, seeds: [trial], interp: { poisonAllocations: true, parallelOrder: order } });
      const ls = loops(f.body);
      if (vectorStoreLanes(f.body).length > 0) seen.vector++;
      if (ls.some((l) => l.loopVar.name.endsWith(".s"))) seen.laneByLane++;
      if (new Set(ls.map((l) => l.loopVar.name)).size < new Set(ls.map((l) => l.loopVar)).size) seen.copies++;
    }, `trial ${trial}`);
    checked++;
  }
  t.is(checked, 400);
  // The programs exercise the passes: vector code, lane-by-lane statements, partitioned or unrolled copies.
  t.log(seen);
  t.true(seen.vector > 100 && seen.laneByLane > 10 && seen.copies > 20, JSON.stringify(seen));
});
