// The rules' search space: every candidate sampled from it (or mutated) is a schedule the API
// accepts and that computes what the unscheduled program computes (run by the TIR interpreter);
// the rules apply where they should (inline, cacheWrite or fused tile, rfactor, vectorize,
// parallel, a tiled extern computed at its consumer).

import test from "ava";
import { lower, nd } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { mutateDecisions, Rng, sampleDecisions } from "../../ts/auto_scheduler/decisions.js";
import { searchSpace } from "../../ts/auto_scheduler/search_space.js";
import { replayTrace } from "../../ts/auto_scheduler/trace.js";
import { createSchedule } from "../../ts/schedule/schedule.js";
import { prng } from "../helpers/random.js";
import { randomInput, shapeOf } from "../schedule/helpers.js";
import { elementwise, matmul, matmulBiasRelu, type TestProgram, totalSum, withExtern } from "./programs.js";

const TARGET = { vectorBytes: 32, cores: 2 };

function runSchedule(p: TestProgram, trace: Parameters<typeof replayTrace>[1] | undefined, data: nd.NDArray[]): number[] {
  const s = trace ? replayTrace(p.outputs, trace) : createSchedule(p.outputs.map((t) => t.op));
  const mod = lower(s, [...p.inputs, ...p.outputs]);
  const out = nd.empty(shapeOf(p.outputs[0]));
  interpret(mod, [...data, out], { poisonAllocations: true });
  return Array.from(out.toTypedArray() as Float32Array);
}

function checkSpace(t: import("ava").ExecutionContext, p: TestProgram, samples: number): string[] {
  const space = searchSpace(p.outputs.map((o) => o.op), TARGET);
  const rand = prng(7);
  const data = p.inputs.map((x) => randomInput(x, rand));
  const want = runSchedule(p, undefined, data);
  const rng = new Rng(3);
  const steps: string[] = [];
  let d = sampleDecisions(rng, space.specs);
  for (let i = 0; i < samples; i++) {
    d = i % 2 === 0 ? sampleDecisions(rng, space.specs) : mutateDecisions(rng, space.specs, d);
    const trace = space.build(d);
    steps.push(...trace.map((s) => s.p));
    const got = runSchedule(p, trace, data);
    const worst = got.reduce((m, v, k) => Math.max(m, Math.abs(v - want[k]) / Math.max(1, Math.abs(want[k]))), 0);
    t.true(worst < 1e-4, `${p.name}, decisions ${JSON.stringify(d)}: max relative error ${worst}`);
  }
  return steps;
}

test("matmul: every sampled and mutated candidate is valid and right; S S R S R S tiling with a cache tile", (t) => {
  const steps = checkSpace(t, matmul(12), 8);
  for (const p of ["split", "reorder", "cacheWrite", "computeAt", "parallel", "vectorize"]) t.true(steps.includes(p as never), `no ${p} step`);
});

test("matmul + bias + relu: the bias add is inlined, the matmul tile is computed inside the relu's", (t) => {
  const p = matmulBiasRelu(12, 20, 12);
  const steps = checkSpace(t, p, 6);
  t.true(steps.includes("computeInline"));
  const space = searchSpace(p.outputs.map((o) => o.op), TARGET);
  t.false(space.specs.some((s) => s.name === "C.cacheWrite"), "a fused consumer needs no cache stage");
  const trace = space.build(sampleDecisions(new Rng(1), space.specs));
  t.deepEqual(trace[0], { p: "computeInline", stage: "D" });
  t.true(trace.some((s) => s.p === "computeAt" && s.stage === "C" && s.target === "E"));
});

test("a full sum is factored: the partial sums run in parallel", (t) => {
  const steps = checkSpace(t, totalSum(1024), 6);
  t.true(steps.includes("rfactor"));
});

test("elementwise: the producer is inlined, the output vectorized and parallel", (t) => {
  const steps = checkSpace(t, elementwise([4, 6, 40]), 8);
  for (const p of ["computeInline", "vectorize", "parallel"]) t.true(steps.includes(p as never), `no ${p} step`);
});

test("a tiled extern is scheduled around: its producer stays a buffer, and it may be computed at its consumer's parallel loop", (t) => {
  const p = withExtern([6, 4, 16], `as_ext_${process.pid}`);
  const space = searchSpace(p.outputs.map((o) => o.op), TARGET);
  t.true(space.specs.some((s) => s.name === "ext.computeAt"));
  const steps = checkSpace(t, p, 8);
  t.false(steps.includes("computeInline"), "P feeds the extern: it cannot be inlined");
  t.true(steps.includes("computeAt"));
});

test("decisions that leave a core without parallel work are not accepted", (t) => {
  const p = matmul(64);
  const space = searchSpace(p.outputs.map((o) => o.op), TARGET);
  const d = { "C.tile0": [4, 4, 4], "C.tile1": [2, 4, 8], "C.rtile0": [4], "C.cacheWrite": [1], "C.computeAt": [2], "C.parallel": [1], "C.unroll": [0] };
  t.false(space.accept(d), "one iteration of the parallel loop for two cores");
  t.false(space.accept({ ...d, "C.parallel": [2] }), "i.outer fused with j.outer: still 1 x 1");
  t.true(space.accept({ ...d, "C.tile1": [1, 4, 8], "C.parallel": [2] }), "1 x 2 iterations");
  t.true(space.accept({ ...d, "C.tile0": [2, 4, 4] }), "2 iterations");
});
