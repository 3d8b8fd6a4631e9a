// The rules' first guess (rule_seed.ts): a register tile sized from the target's vector width and
// register count, the whole reduction around it in a cacheWrite tile, the fewest parallel loops
// that keep the cores busy; its schedule computes what the unscheduled program computes, and
// tune() measures it in the first batch.

import test from "ava";
import { lower, nd, te } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { ruleSeed } from "../../ts/auto_scheduler/rule_seed.js";
import { searchSpace } from "../../ts/auto_scheduler/search_space.js";
import { replayTrace } from "../../ts/auto_scheduler/trace.js";
import { tune } from "../../ts/auto_scheduler/tune.js";
import { createSchedule } from "../../ts/schedule/schedule.js";
import { prng } from "../helpers/random.js";
import { randomInput, shapeOf } from "../schedule/helpers.js";
import { FakeQueue } from "./in_process_queue.js";
import { elementwise, matmul, type TestProgram, withExtern } from "./programs.js";

function batchMatmul(batch: number, n: number): TestProgram {
  const A = te.placeholder([batch, n, n], "float32", "A");
  const B = te.placeholder([batch, n, n], "float32", "B");
  const k = te.reduceAxis([0, n], "k");
  const C = te.compute([batch, n, n], (b, i, j) => te.sum(A.at(b, i, k).mul(B.at(b, k, j)), k), "C");
  return { name: "batchMatmul", inputs: [A, B], outputs: [C] };
}

function run(p: TestProgram, trace: Parameters<typeof replayTrace>[1] | undefined, data: nd.NDArray[]): Float32Array {
  const s = trace ? replayTrace(p.outputs, trace) : createSchedule(p.outputs.map((o) => o.op));
  const out = nd.empty(shapeOf(p.outputs[0]));
  interpret(lower(s, [...p.inputs, ...p.outputs]), [...data, out], { poisonAllocations: true });
  return out.toTypedArray() as Float32Array;
}

test("AVX-512: a 8 x 32 register tile (two vectors of 16 columns, rows within 32 registers), k whole, the batch in parallel", (t) => {
  const p = batchMatmul(4, 32);
  const d = ruleSeed(searchSpace(p.outputs.map((o) => o.op), { vectorBytes: 64, cores: 2 }), 2)!;
  t.deepEqual(d, {
    "C.tile0": [1, 1, 1], "C.tile1": [1, 1, 8], "C.tile2": [1, 1, 32], "C.rtile0": [1],
    "C.cacheWrite": [1], "C.computeAt": [2], "C.parallel": [1], "C.unroll": [64],
  });
});

test("AVX2: two vectors of 8 columns and 4 rows (a divisor of 32 within 16 registers)", (t) => {
  const p = batchMatmul(4, 32);
  const d = ruleSeed(searchSpace(p.outputs.map((o) => o.op), { vectorBytes: 32, cores: 2 }), 2)!;
  t.deepEqual([d["C.tile1"], d["C.tile2"]], [[1, 1, 4], [1, 1, 16]]);
});

test("odd extents: one vector of columns when two do not divide, rows a non-divisor when no divisor is close", (t) => {
  const p = matmul(24);
  const d = ruleSeed(searchSpace(p.outputs.map((o) => o.op), { vectorBytes: 32, cores: 2 }), 2)!;
  t.deepEqual(d["C.tile1"], [1, 1, 8]);
  t.deepEqual(d["C.tile0"], [1, 1, 8]);
  const q = matmul(13);
  const e = ruleSeed(searchSpace(q.outputs.map((o) => o.op), { vectorBytes: 32, cores: 2 }), 2)!;
  t.deepEqual(e["C.tile1"], [1, 1, 8], "the widest multiple of the lanes that fits 13");
  t.deepEqual(e["C.tile0"], [1, 1, 8], "13 has no divisor near 8: 8 rows and a guarded tail");
});

test("a single parallel loop that would leave a core idle is deepened until it keeps both busy", (t) => {
  const p = batchMatmul(1, 16);
  const space = searchSpace(p.outputs.map((o) => o.op), { vectorBytes: 64, cores: 2 });
  const d = ruleSeed(space, 2)!;
  t.deepEqual(d["C.parallel"], [2], "the batch of one is fused with the row tiles");
  t.true(space.accept(d));
});

for (const [name, p, target] of [
  ["batch matmul, AVX-512", batchMatmul(3, 20), { vectorBytes: 64, cores: 2 }],
  ["matmul 13, AVX2", matmul(13), { vectorBytes: 32, cores: 2 }],
  ["elementwise", elementwise([3, 5, 37]), { vectorBytes: 32, cores: 2 }],
] as const) {
  test(`the guess computes what the unscheduled program computes: ${name}`, (t) => {
    const space = searchSpace(p.outputs.map((o) => o.op), target);
    const d = ruleSeed(space, 2)!;
    const rand = prng(11);
    const data = p.inputs.map((x) => randomInput(x, rand));
    const want = run(p, undefined, data);
    const got = run(p, space.build(d), data);
    t.is(got.length, want.length);
    for (let i = 0; i < want.length; i++) if (Math.abs(got[i] - want[i]) > 1e-4 * Math.max(1, Math.abs(want[i]))) t.fail(`element ${i}: ${got[i]} != ${want[i]}`);
    t.pass();
  });
}

test("tune measures the guess in the first batch, after the unscheduled program", async (t) => {
  const p = batchMatmul(2, 16);
  const r = await tune(p.outputs, { args: [...p.inputs, ...p.outputs], trials: 4, batchSize: 4, seed: 0, queue: new FakeQueue(), progress: false });
  t.deepEqual(r.trials.slice(0, 2).map((x) => x.origin), ["unscheduled", "rules"]);
  t.true(r.trials[1].trace.some((s) => s.p === "cacheWrite"));
});

test("a tiled extern is computed at its consumer's parallel loop", (t) => {
  const p = withExtern([8, 4, 32], `rule_seed_ext_${process.pid}`);
  const space = searchSpace(p.outputs.map((o) => o.op), { vectorBytes: 32, cores: 2 });
  const d = ruleSeed(space, 2)!;
  t.deepEqual(d["ext.computeAt"], [1]);
  t.true(space.build(d).some((s) => s.p === "computeAt" && s.stage === "ext"));
});
