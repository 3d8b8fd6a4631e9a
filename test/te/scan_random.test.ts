// Random schedules of scan programs must not change their results: an RNN step (a reduction
// over h[t-1], an elementwise stage, an input projection outside the body) and a two-state
// recurrence get seeded random primitives on every stage — split, fuse, reorder, tile,
// vectorize, unroll, parallel (not on the time axis), computeAt at random loops of readers
// (into the scan too), computeInline of elementwise stages, cacheRead, and splits of the time
// axis. Each is interpreted (uninitialized memory poisoned, parallel iterations shuffled) and
// compared with the unscheduled program. A refusal must be a clear Error from a primitive or
// lower(); most schedules must be accepted.
import test from "ava";
import { lower, nd, te } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import type { IterVar } from "../../ts/ir/iter_var.js";
import { ComputeOp } from "../../ts/te/compute.js";
import { ScanOp } from "../../ts/te/scan.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { Stage } from "../../ts/schedule/stage.js";
import type { Tensor } from "../../ts/te/tensor.js";
import { pick, prng, randomFloats, randomInt } from "../helpers/random.js";

interface Program { name: string; inputs: Tensor[]; outputs: Tensor[]; shapes: number[][] }

function programs(): Program[] {
  const list: Program[] = [];
  {
    const [T, n, m] = [5, 6, 4];
    const X = te.placeholder([T, m], "float32", "X");
    const W = te.placeholder([n, n], "float32", "W");
    const U = te.placeholder([n, m], "float32", "U");
    const h = te.placeholder([T, n], "float32", "h");
    const h0 = te.compute([1, n], (_, i) => te.tanh(X.at(0, te.floormod(i, m))), "h0");
    const j = te.reduceAxis([0, m], "j");
    const xproj = te.compute([T, n], (t, i) => te.sum(U.at(i, j).mul(X.at(t, j)), j), "xproj");
    const k = te.reduceAxis([0, n], "k");
    const hid = te.compute([T, n], (t, i) => te.sum(W.at(i, k).mul(h.at(t.sub(1), k)), k), "hid");
    const pre = te.compute([T, n], (t, i) => hid.at(t, i).add(xproj.at(t, i)), "pre");
    const upd = te.compute([T, n], (t, i) => te.tanh(pre.at(t, i)), "upd");
    const res = te.scan(h0, upd, h, { name: "rnn" });
    list.push({ name: "rnn", inputs: [X, W, U], outputs: [res], shapes: [[T, m], [n, n], [n, m]] });
  }
  {
    const [T, n] = [6, 7];
    const X = te.placeholder([T, n], "float32", "X");
    const A = te.placeholder([T, n], "float32", "A");
    const B = te.placeholder([T, n], "float32", "B");
    const a0 = te.compute([1, n], (_, i) => X.at(0, i), "a0");
    const b0 = te.compute([1, n], (_, i) => X.at(0, i).mul(0.5), "b0");
    const mix = te.compute([T, n], (t, i) => A.at(t.sub(1), i).add(B.at(t.sub(1), te.floormod(i.add(1), n))), "mix");
    const aU = te.compute([T, n], (t, i) => mix.at(t, i).mul(0.5).add(X.at(t, i)), "aU");
    const bU = te.compute([T, n], (t, i) => B.at(t.sub(1), i).sub(mix.at(t, i).mul(0.25)), "bU");
    const outs = te.scan([a0, b0], [aU, bU], [A, B], { name: "pair" }) as Tensor[];
    list.push({ name: "two states", inputs: [X], outputs: outs, shapes: [[T, n]] });
  }
  return list;
}

const FACTORS = [1, 2, 3, 4, 5];

function randomSchedule(p: Program, rand: () => number, log: string[]): Schedule {
  const s = te.createSchedule(p.outputs[0].op);
  const steps = randomInt(rand, 1, 6);
  for (let n = 0; n < steps; n++) {
    const stages = s.stages.filter((st) => (st.op instanceof ComputeOp && st.attachType !== "inline") || st.op instanceof ScanOp);
    const st = pick(rand, stages);
    const leaves = st.leafIterVars;
    const kind = pick(rand, ["split", "split", "fuse", "reorder", "tile", "computeAt", "computeAt", "computeInline", "cacheRead", "vectorize", "unroll", "parallel"] as const);
    const nm = (iv: IterVar) => iv.name;
    if (leaves.length === 0) continue;
    switch (kind) {
      case "split": {
        const iv = pick(rand, leaves);
        const f = pick(rand, FACTORS);
        log.push(`${st.name}.split(${nm(iv)}, ${f})`);
        st.split(iv, { factor: f });
        break;
      }
      case "fuse": {
        if (leaves.length < 2) break;
        const i = randomInt(rand, 0, leaves.length - 2);
        log.push(`${st.name}.fuse(${nm(leaves[i])}, ${nm(leaves[i + 1])})`);
        st.fuse(leaves[i], leaves[i + 1]);
        break;
      }
      case "reorder": {
        if (leaves.length < 2) break;
        const order = [...leaves].sort(() => rand() - 0.5);
        log.push(`${st.name}.reorder(${order.map(nm).join(", ")})`);
        st.reorder(...order);
        break;
      }
      case "tile": {
        if (leaves.length < 2) break;
        const [fx, fy] = [pick(rand, FACTORS), pick(rand, FACTORS)];
        log.push(`${st.name}.tile(${nm(leaves[0])}, ${nm(leaves[1])}, ${fx}, ${fy})`);
        st.tile(leaves[0], leaves[1], fx, fy);
        break;
      }
      case "computeAt": {
        // A scan's init always runs before the time loop (computeAt of it is refused, and tested in scan.test.ts).
        const inits = new Set(s.stages.flatMap((y) => (y.op instanceof ScanOp ? y.op.init.map((t) => t.op) : [])));
        const prods = stages.filter((x) => !x.isOutput && !(x.op instanceof ScanOp) && !inits.has(x.op));
        if (prods.length === 0) break;
        const prod = pick(rand, prods);
        // A stage of a scan's body goes at loops of its body only (others are refused, tested in scan.test.ts).
        const readers = stages.filter((x) => x !== prod && s.readsTransitively(x.op, prod.op) && x.leafIterVars.length > 0 &&
          (prod.scanStage === undefined || x.scanStage === prod.scanStage));
        if (readers.length === 0) break;
        const target = pick(rand, readers);
        const iv = pick(rand, target.leafIterVars);
        log.push(`${prod.name}.computeAt(${target.name}, ${nm(iv)})`);
        prod.computeAt(target, iv);
        break;
      }
      case "computeInline": {
        const cands = stages.filter((x) => !x.isOutput && x.op instanceof ComputeOp && x.op.reduceAxis.length === 0 &&
          !s.stages.some((y) => y.attachStage === x) && !s.stages.some((y) => y.op instanceof ScanOp && [...y.op.init, ...y.op.update].some((t) => t.op === x.op)));
        if (cands.length === 0) break;
        const x = pick(rand, cands);
        log.push(`${x.name}.computeInline()`);
        x.computeInline();
        break;
      }
      case "cacheRead": {
        const readers = stages.filter((x) => x.op instanceof ComputeOp && x.op.inputTensors().some((t) => p.inputs.includes(t)));
        if (readers.length === 0) break;
        const r = pick(rand, readers);
        const t = pick(rand, r.op.inputTensors().filter((x) => p.inputs.includes(x)));
        log.push(`cacheRead(${t.name}, local, [${r.name}])`);
        const c = s.cacheRead(t, "local", [r.op]);
        if (rand() < 0.6) {
          const iv = pick(rand, s.stage(r.op).leafIterVars);
          log.push(`${c.name}.computeAt(${r.name}, ${nm(iv)})`);
          s.stage(c).computeAt(s.stage(r.op), iv);
        }
        break;
      }
      case "vectorize": {
        const inner = leaves[leaves.length - 1];
        if (inner.iterType !== "DataPar") break;
        log.push(`${st.name}.vectorize(${nm(inner)})`);
        st.vectorize(inner);
        break;
      }
      case "unroll": {
        const iv = pick(rand, leaves);
        log.push(`${st.name}.unroll(${nm(iv)})`);
        st.unroll(iv);
        break;
      }
      case "parallel": {
        const iv = leaves[0];
        if (iv.iterType !== "DataPar" || s.stages.some((y) => [...y.iterVarAttrs.values()].some((a) => a.iterType === "Parallelized"))) break;
        log.push(`${st.name}.parallel(${nm(iv)})`);
        st.parallel(iv);
        break;
      }
    }
  }
  return s;
}

function execute(s: Schedule, p: Program, data: nd.NDArray[]): number[][] {
  const outs = p.outputs.map((t) => nd.empty(t.shape.map((d) => Number(String(d))), "float32"));
  interpret(lower(s, [...p.inputs, ...p.outputs]), [...data, ...outs], { poisonAllocations: true, parallelOrder: "shuffle" });
  return outs.map((o) => Array.from(o.toTypedArray() as Float32Array));
}

const REFUSALS = [
  /^invalid schedule: stage '[^']+' is computed at loop '[^']+', but its consumer '[^']+' is not inside that loop/,
  /^stage '[^']+': (cannot|can only) /,
  /^stage '[^']+' is the (init|update) of scan/,
  /^stage '[^']+' is in the body of scan '[^']+' but is computed at /,
];

const COUNT = Number(process.env.TEJIT_RANDOM_SCHEDULES ?? 40);

for (const p of programs()) {
  test(`random schedules of a scan (${p.name}) give the unscheduled results`, (t) => {
    const data = p.inputs.map((x, i) => nd.array(randomFloats(p.shapes[i].reduce((a, b) => a * b, 1), 100 + i), p.shapes[i]));
    const want = execute(te.createSchedule(p.outputs[0].op), p, data);
    const rand = prng(Number(process.env.TEJIT_RANDOM_SEED ?? 11));
    let accepted = 0;
    for (let k = 0; k < COUNT; k++) {
      const log: string[] = [];
      let got: number[][];
      try {
        got = execute(randomSchedule(p, rand, log), p, data);
      } catch (e) {
        const ok = e instanceof Error && REFUSALS.some((r) => r.test(e.message));
        if (!ok) t.fail(`schedule ${k} [${log.join("; ")}] failed: ${(e as Error).stack}`);
        continue;
      }
      accepted++;
      got.forEach((g, o) => {
        const bad = g.findIndex((v, i) => !(Math.abs(v - want[o][i]) <= 1e-5 + 1e-4 * Math.abs(want[o][i])));
        if (bad >= 0) t.fail(`schedule ${k} [${log.join("; ")}]: output ${o} element ${bad} is ${g[bad]}, expected ${want[o][bad]}`);
      });
    }
    t.true(accepted >= COUNT * 0.6, `only ${accepted} of ${COUNT} schedules accepted`);
  });
}
