// Random schedules must not change results. Ten small programs (elementwise chain, broadcast,
// matmul in float and int, blur and 5-point stencils, multi-axis sums, max/argmax, a reduction
// feeding another, softmax) get 200 random schedules in all, from a seeded PRNG: splits with
// even and uneven factors, fuse, reorder, tile, computeAt at random loops of consumers,
// computeInline/computeRoot, cacheRead/cacheWrite, rfactor, and vectorize/unroll/parallel. Each
// is lowered and run by the interpreter (uninitialized memory poisoned, parallel iterations
// shuffled) and compared with the unscheduled program: exactly for integer programs and
// max/argmax, to a tight tolerance for float sums whose order changes. A schedule tejit
// refuses must be refused by a primitive or by lower() with a clear Error; they are counted,
// and most schedules must be accepted. Structure is checked too: computeAt inside a tile
// allocates the tile (with its halo).

import test from "ava";
import { te, lower, nd, schedule, ScheduleError } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import type { PrimExpr } from "../../ts/ir/expr.js";
import type { IterVar } from "../../ts/ir/iter_var.js";
import { ComputeOp } from "../../ts/te/compute.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { Stage } from "../../ts/schedule/stage.js";
import { pick, prng, randomInt } from "../helpers/random.js";
import { randomInput, shapeOf } from "./helpers.js";

interface Program {
  name: string;
  inputs: te.Tensor[];
  outputs: te.Tensor[];
  /** Compare exactly (integers, max/argmax) or to a tolerance (float sums). */
  exact: boolean;
}

function programs(): Program[] {
  const list: Program[] = [];
  {
    const A = te.placeholder([8, 12], "int32", "A");
    const B = te.compute([8, 12], (i, j) => A.at(i, j).mul(2), "B");
    const C = te.compute([8, 12], (i, j) => B.at(i, j).add(3), "C");
    const D = te.compute([8, 12], (i, j) => C.at(i, j).mul(C.at(i, j)).sub(B.at(i, j)), "D");
    list.push({ name: "elementwise chain", inputs: [A], outputs: [D], exact: true });
  }
  {
    const A = te.placeholder([6, 10], "float32", "A");
    const bias = te.placeholder([10], "float32", "bias");
    const B = te.compute([6, 10], (i, j) => A.at(i, j).add(bias.at(j)), "B");
    const C = te.compute([6, 10], (i, j) => B.at(i, j).max(te.const(0, "float32")).mul(A.at(i, j)), "C");
    list.push({ name: "broadcast", inputs: [A, bias], outputs: [C], exact: true });
  }
  {
    const A = te.placeholder([12, 10], "float32", "A");
    const W = te.placeholder([10, 14], "float32", "W");
    const k = te.reduceAxis([0, 10], "k");
    const C = te.compute([12, 14], (i, j) => te.sum(A.at(i, k).mul(W.at(k, j)), k), "C");
    const D = te.compute([12, 14], (i, j) => C.at(i, j).mul(0.5), "D");
    list.push({ name: "matmul float", inputs: [A, W], outputs: [D], exact: false });
  }
  {
    const A = te.placeholder([8, 9], "int32", "A");
    const B = te.placeholder([9, 7], "int32", "B");
    const k = te.reduceAxis([0, 9], "k");
    const C = te.compute([8, 7], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
    list.push({ name: "matmul int", inputs: [A, B], outputs: [C], exact: true });
  }
  {
    const A = te.placeholder([12, 14], "int32", "A");
    const Bx = te.compute([12, 12], (i, j) => A.at(i, j).add(A.at(i, j.add(1))).add(A.at(i, j.add(2))), "Bx");
    const By = te.compute([10, 12], (i, j) => Bx.at(i, j).add(Bx.at(i.add(1), j)).add(Bx.at(i.add(2), j)), "By");
    list.push({ name: "separable blur", inputs: [A], outputs: [By], exact: true });
  }
  {
    const A = te.placeholder([10, 10], "float32", "A");
    const P = te.compute([10, 10], (i, j) => A.at(i, j).mul(A.at(i, j)), "P");
    const S = te.compute([8, 8], (i, j) => {
      const y = i.add(1);
      const x = j.add(1);
      return P.at(y, x).mul(4).sub(P.at(y.sub(1), x)).sub(P.at(y.add(1), x)).sub(P.at(y, x.sub(1))).sub(P.at(y, x.add(1)));
    }, "S");
    const C = te.compute([8, 8], (i, j) => S.at(i, j).mul(S.at(i, j)), "C");
    list.push({ name: "5-point stencil", inputs: [A], outputs: [C], exact: false });
  }
  {
    const A = te.placeholder([5, 6, 7], "int32", "A");
    const k1 = te.reduceAxis([0, 6], "k1");
    const k2 = te.reduceAxis([0, 7], "k2");
    const S1 = te.compute([5], (i) => te.sum(A.at(i, k1, k2), [k1, k2]), "S1");
    const k3 = te.reduceAxis([0, 7], "k3");
    const S2 = te.compute([5, 6], (i, j) => te.sum(A.at(i, j, k3).mul(A.at(i, j, k3)), k3), "S2");
    list.push({ name: "sums", inputs: [A], outputs: [S1, S2], exact: true });
  }
  {
    const V = te.placeholder([6, 11], "float32", "V");
    const k = te.reduceAxis([0, 11], "k");
    const M = te.compute([6], (i) => te.max(V.at(i, k), k), "M");
    const argmax = te.commReducer(
      (x: PrimExpr[], y: PrimExpr[]) => [te.select(x[1].ge(y[1]), x[0], y[0]), te.select(x[1].ge(y[1]), x[1], y[1])],
      () => [te.const(-1, "int32"), te.minValue("float32")],
      "argmax",
    );
    const k2 = te.reduceAxis([0, 11], "k2");
    const [I, Mx] = te.compute([6], (i) => argmax([k2.var, V.at(i, k2)], k2), "T");
    list.push({ name: "max and argmax", inputs: [V], outputs: [M, I, Mx], exact: true });
  }
  {
    const A = te.placeholder([7, 9], "int32", "A");
    const k = te.reduceAxis([0, 9], "k");
    const Sm = te.compute([7], (i) => te.sum(A.at(i, k), k), "Sm");
    const Cn = te.compute([7, 9], (i, j) => A.at(i, j).mul(9).sub(Sm.at(i)), "Cn");
    const k2 = te.reduceAxis([0, 9], "k2");
    const V = te.compute([7], (i) => te.sum(Cn.at(i, k2).mul(Cn.at(i, k2)), k2), "V");
    list.push({ name: "reduction feeding a reduction", inputs: [A], outputs: [V], exact: true });
  }
  {
    const X = te.placeholder([5, 12], "float32", "X");
    const k = te.reduceAxis([0, 12], "k");
    const Mx = te.compute([5], (i) => te.max(X.at(i, k), k), "Mx");
    const E = te.compute([5, 12], (i, j) => te.exp(X.at(i, j).sub(Mx.at(i))), "E");
    const k2 = te.reduceAxis([0, 12], "k2");
    const Sm = te.compute([5], (i) => te.sum(E.at(i, k2), k2), "Sm");
    const Y = te.compute([5, 12], (i, j) => E.at(i, j).div(Sm.at(i)), "Y");
    list.push({ name: "softmax", inputs: [X], outputs: [Y], exact: false });
  }
  return list;
}

const FACTORS = [1, 2, 3, 4, 5, 8];

class Gen {
  constructor(private readonly rand: () => number) {}
  int(lo: number, hi: number): number { return randomInt(this.rand, lo, hi); }
  pick<T>(xs: readonly T[]): T { return pick(this.rand, xs); }
  chance(p: number): boolean { return this.rand() < p; }
  subset<T>(xs: readonly T[]): T[] {
    const out = xs.filter(() => this.chance(0.6));
    return out.length > 0 ? out : [this.pick(xs)];
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

const isCompute = (st: Stage): boolean => st.op instanceof ComputeOp && st.attachType !== "inline";
const readsDirectly = (reader: Stage, producer: Stage): boolean => reader.op.inputTensors().some((t) => t.op === producer.op);

/** Applies 1-7 random primitives to a fresh schedule of `p`; returns the schedule and what was done. */
function randomSchedule(p: Program, g: Gen, log: string[] = []): { s: Schedule; log: string[] } {
  const s = te.createSchedule([...new Set(p.outputs.map((t) => t.op))]);
  const steps = g.int(1, MAX_STEPS);
  for (let n = 0; n < steps; n++) {
    const stages = s.stages.filter(isCompute);
    const st = g.pick(stages);
    const leaves = st.leafIterVars;
    const kind = g.pick(["split", "split", "fuse", "reorder", "tile", "computeAt", "computeAt", "computeInline", "computeRoot",
      "cacheRead", "cacheWrite", "rfactor", "vectorize", "unroll", "parallel"] as const);
    const name = (iv: IterVar): string => iv.name;
    switch (kind) {
      case "split": {
        const iv = g.pick(leaves);
        const f = g.pick(FACTORS);
        const nparts = g.chance(0.3);
        log.push(`${st.name}.split(${name(iv)}, ${nparts ? "nparts" : "factor"}=${f})`);
        st.split(iv, nparts ? { nparts: f } : { factor: f });
        break;
      }
      case "fuse": {
        if (leaves.length < 2) break;
        const i = g.int(0, leaves.length - 2);
        log.push(`${st.name}.fuse(${name(leaves[i])}, ${name(leaves[i + 1])})`);
        st.fuse(leaves[i], leaves[i + 1]);
        break;
      }
      case "reorder": {
        if (leaves.length < 2) break;
        const order = g.shuffle(g.subset(leaves));
        log.push(`${st.name}.reorder(${order.map(name).join(", ")})`);
        st.reorder(...order);
        break;
      }
      case "tile": {
        if (leaves.length < 2) break;
        const i = g.int(0, leaves.length - 2);
        const [fx, fy] = [g.pick(FACTORS), g.pick(FACTORS)];
        log.push(`${st.name}.tile(${name(leaves[i])}, ${name(leaves[i + 1])}, ${fx}, ${fy})`);
        st.tile(leaves[i], leaves[i + 1], fx, fy);
        break;
      }
      case "computeAt": {
        const producers = stages.filter((x) => !x.isOutput);
        if (producers.length === 0) break;
        const prod = g.pick(producers);
        const direct = stages.filter((x) => x !== prod && readsDirectly(x, prod));
        const any = stages.filter((x) => x !== prod && s.readsTransitively(x.op, prod.op));
        const target = g.chance(0.8) && direct.length > 0 ? g.pick(direct) : any.length > 0 ? g.pick(any) : undefined;
        if (!target || target.leafIterVars.length === 0) break;
        const iv = g.pick(target.leafIterVars);
        log.push(`${prod.name}.computeAt(${target.name}, ${name(iv)})`);
        prod.computeAt(target, iv);
        break;
      }
      case "computeInline": {
        const cands = stages.filter((x) => !x.isOutput && x.op.numOutputs === 1 && x.op.reduceAxis.length === 0 &&
          !s.stages.some((y) => y.attachStage === x));
        if (cands.length === 0) break;
        const x = g.pick(cands);
        log.push(`${x.name}.computeInline()`);
        x.computeInline();
        break;
      }
      case "computeRoot": {
        const attached = stages.filter((x) => x.attachType === "scope");
        if (attached.length === 0) break;
        const x = g.pick(attached);
        log.push(`${x.name}.computeRoot()`);
        x.computeRoot();
        break;
      }
      case "cacheRead": {
        const producers = s.stages.filter((x) => x.attachType !== "inline" && stages.some((r) => readsDirectly(r, x)));
        if (producers.length === 0) break;
        const prod = g.pick(producers);
        const tensor = prod.op.output(g.int(0, prod.op.numOutputs - 1));
        const readers = stages.filter((r) => r.op.inputTensors().includes(tensor));
        if (readers.length === 0) break;
        const chosen = g.subset(readers);
        const scope = g.pick(["local", "shared", "global"]);
        log.push(`cacheRead(${tensor.name}, ${scope}, [${chosen.map((r) => r.name).join(", ")}])`);
        const cache = s.cacheRead(tensor, scope, chosen.map((r) => r.op));
        if (g.chance(0.6)) {
          const r = g.pick(chosen);
          const iv = r.leafIterVars.length > 0 ? g.pick(r.leafIterVars) : undefined;
          if (iv) {
            log.push(`${cache.name}.computeAt(${r.name}, ${name(iv)})`);
            s.stage(cache).computeAt(r, iv);
          }
        }
        break;
      }
      case "cacheWrite": {
        const outs = st.op.outputs;
        const scope = g.pick(["local", "global"]);
        log.push(`cacheWrite(${st.name}, ${scope})`);
        const caches = outs.length === 1 ? [s.cacheWrite(outs[0], scope)] : s.cacheWrite(outs, scope);
        if (g.chance(0.6) && st.leafIterVars.length > 0) {
          const iv = g.pick(st.leafIterVars);
          log.push(`${caches[0].op.name}.computeAt(${st.name}, ${name(iv)})`);
          s.stage(caches[0]).computeAt(st, iv);
        }
        break;
      }
      case "rfactor": {
        const reds = stages.filter((x) => x.leafIterVars.some((iv) => iv.iterType === "CommReduce"));
        if (reds.length === 0) break;
        const x = g.pick(reds);
        const iv = g.pick(x.leafIterVars.filter((v) => v.iterType === "CommReduce"));
        const nd0 = x.op.axis.length;
        const fa = g.chance(0.7) ? 0 : g.int(-(nd0 + 1), nd0);
        log.push(`rfactor(${x.name}, ${name(iv)}, ${fa})`);
        const rf = s.rfactor(x.op.outputs, iv, fa);
        if (g.chance(0.5)) {
          const xs = s.stage(x.op);
          const at = g.pick(xs.leafIterVars);
          log.push(`${rf[0].op.name}.computeAt(${xs.name}, ${name(at)})`);
          s.stage(rf[0]).computeAt(xs, at);
        }
        break;
      }
      case "vectorize": {
        const data = leaves.filter((iv) => iv.iterType === "DataPar");
        if (data.length === 0) break;
        const inner = leaves[leaves.length - 1];
        const iv = inner.iterType === "DataPar" && g.chance(0.8) ? inner : g.pick(data);
        log.push(`${st.name}.vectorize(${name(iv)})`);
        st.vectorize(iv);
        break;
      }
      case "unroll": {
        if (leaves.length === 0) break;
        const iv = g.pick(leaves);
        log.push(`${st.name}.unroll(${name(iv)})`);
        st.unroll(iv);
        break;
      }
      case "parallel": {
        const roots = stages.filter((x) => x.attachType === "root" && x.leafIterVars.length > 0 && x.leafIterVars[0].iterType === "DataPar" &&
          !s.stages.some((y) => y.iterVarAttrs.get(y.leafIterVars[0])?.iterType === "Parallelized"));
        if (roots.length === 0) break;
        const x = g.pick(roots);
        log.push(`${x.name}.parallel(${name(x.leafIterVars[0])})`);
        x.parallel(x.leafIterVars[0]);
        break;
      }
    }
  }
  return { s, log };
}

function execute(mod: ReturnType<typeof lower>, p: Program, data: nd.NDArray[]): number[][] {
  const outs = p.outputs.map((t) => nd.empty(shapeOf(t), t.dtype.toString()));
  interpret(mod, [...data, ...outs], { poisonAllocations: true, parallelOrder: "shuffle" });
  return outs.map((o) => Array.from(o.toTypedArray() as ArrayLike<number>));
}

function close(got: number[], want: number[], exact: boolean): string | undefined {
  for (let i = 0; i < want.length; i++) {
    const ok = exact ? Object.is(got[i], want[i]) : Math.abs(got[i] - want[i]) <= 1e-5 + 1e-4 * Math.abs(want[i]);
    if (!ok) return `element ${i}: got ${got[i]}, expected ${want[i]}`;
  }
  return undefined;
}

/**
 * A refusal must be a plain Error from a primitive or from lower() saying what it refuses and
 * why: an invalid attach point, or one of the primitives' documented refusals. Internal
 * errors ("no range for …", a TypeError) are not refusals: they fail the test.
 */
const REFUSALS = [
  /^invalid schedule: stage '[^']+' is computed at loop '[^']+', but its consumer '[^']+' is not inside that loop/,
  /^(cacheWrite|cacheRead|rfactor) of '[^']+': /,
  /^stage '[^']+': (cannot|can only) /,
  /^stage '[^']+': a reduction cannot be inlined/,
];
/** A refusal of an invalid schedule: a ScheduleError (not a TypeError or a bug's InternalError) with one of the messages above. */
function isClearRefusal(e: unknown): boolean {
  return e instanceof ScheduleError && REFUSALS.some((r) => r.test(e.message));
}

// 20 a program by default (200 in all); more, and other seeds, for a longer run:
// TEJIT_RANDOM_SCHEDULES=500 TEJIT_RANDOM_SEED=7 npx ava test/schedule/random_schedules.test.ts
const PER_PROGRAM = Number(process.env.TEJIT_RANDOM_SCHEDULES ?? 20);
const SEED = Number(process.env.TEJIT_RANDOM_SEED ?? 1000);
const MAX_STEPS = Number(process.env.TEJIT_RANDOM_STEPS ?? 7);
/** TEJIT_RANDOM_SIMPLE=1 lowers without loop partitioning (TVM's simple_mode), to tell a pass's fault from a schedule's. */
const LOWER_OPTS = { simpleMode: process.env.TEJIT_RANDOM_SIMPLE === "1" };

for (const [index, p] of programs().entries()) {
  test(`random schedules keep the results: ${p.name}`, (t) => {
    const g = new Gen(prng(SEED + index));
    const data = p.inputs.map((x) => randomInput(x, prng(77 + index)));
    const ref = execute(lower(te.createSchedule([...new Set(p.outputs.map((x) => x.op))]), [...p.inputs, ...p.outputs]), p, data);
    let accepted = 0;
    const acceptedLogs: string[] = [];
    const refusals: string[] = [];
    for (let n = 0; n < PER_PROGRAM; n++) {
      let built: { s: Schedule; log: string[] } | undefined;
      let mod: ReturnType<typeof lower>;
      const partial: string[] = [];
      try {
        built = randomSchedule(p, g, partial);
        mod = lower(built.s, [...p.inputs, ...p.outputs], LOWER_OPTS);
      } catch (e) {
        const where = partial.join("; ");
        if (!isClearRefusal(e)) {
          t.fail(`schedule ${n} [${where}] was refused without a clear Error: ${(e as Error)?.stack ?? e}`);
          return;
        }
        refusals.push(`${(e as Error).message}`);
        continue;
      }
      let got: number[][];
      try {
        got = execute(mod, p, data);
      } catch (e) {
        t.fail(`schedule ${n} [${built.log.join("; ")}] lowered but failed to run: ${(e as Error).message}\n${mod.toString()}`);
        return;
      }
      for (let o = 0; o < p.outputs.length; o++) {
        const diff = close(got[o], ref[o], p.exact);
        if (diff) {
          t.fail(`schedule ${n} [${built.log.join("; ")}] changed output ${p.outputs[o].name}: ${diff}\n${mod.toString()}`);
          return;
        }
      }
      accepted++;
      acceptedLogs.push(built.log.join("; "));
    }
    if (process.env.TEJIT_SCHEDULE_LOG) for (const l of acceptedLogs) t.log(l);
    t.log(`${accepted} of ${PER_PROGRAM} accepted; refused: ${refusals.length === 0 ? "none" : refusals.map((r) => r.slice(0, 100)).join(" | ")}`);
    // Longer random schedules (TEJIT_RANDOM_STEPS) are refused more often.
    t.true(accepted >= PER_PROGRAM * (MAX_STEPS > 7 ? 0.5 : 0.7), `only ${accepted} of ${PER_PROGRAM} schedules were accepted`);
  });
}

test("the random generator refuses with clear errors in only a minority of 200 schedules", (t) => {
  // Counted again over all programs, without running them, so the total is one number.
  let refused = 0;
  let total = 0;
  for (const [index, p] of programs().entries()) {
    const g = new Gen(prng(1000 + index));
    for (let n = 0; n < 20; n++) {
      total++;
      try {
        const { s } = randomSchedule(p, g);
        lower(s, [...p.inputs, ...p.outputs]);
      } catch (e) {
        t.true(isClearRefusal(e), String(e));
        refused++;
      }
    }
  }
  t.is(total, 200);
  t.log(`${refused} of ${total} random schedules refused`);
  t.true(refused <= total * 0.25, `${refused} of ${total} refused`);
});

test("computeAt inside a tile allocates the tile with its halo, and caches inside the tile too", (t) => {
  const A = te.placeholder([20, 24], "int32", "A");
  const B = te.compute([20, 24], (i, j) => A.at(i, j).mul(3), "B");
  const C = te.compute([18, 22], (i, j) => B.at(i, j).add(B.at(i.add(2), j.add(2))), "C");
  const s = te.createSchedule(C.op);
  const [, yo] = s.stage(C).tile(C.op.axis[0], C.op.axis[1], 4, 8);
  s.stage(B).computeAt(s.stage(C), yo);
  // cacheWrite resets C's loops, so B's attach loop would vanish: refused, naming both.
  t.throws(() => s.cacheWrite(C, "local"), { message: /^cacheWrite of 'C': stage 'B' is computed at loop 'j\.outer' of 'C', which this rewrite removes/ });
  // Attach B to the cache stage instead: the cache's 6x11 tile needs (6+2)x(11+2) of B.
  const s2 = te.createSchedule(C.op);
  const CW2 = s2.cacheWrite(C, "local");
  const [, yo3] = s2.stage(C).tile(C.op.axis[0], C.op.axis[1], 6, 11);
  s2.stage(CW2).computeAt(s2.stage(C), yo3);
  s2.stage(B).computeAt(s2.stage(CW2), CW2.op.axis[0]);
  const bounds = schedule.inferBound(s2.normalize());
  t.is(bounds.get(CW2.op.axis[0])!.extent.toString(), "6");
  t.is(bounds.get(CW2.op.axis[1])!.extent.toString(), "11");
  t.is(bounds.get(B.op.axis[0])!.extent.toString(), "3");
  t.is(bounds.get(B.op.axis[1])!.extent.toString(), "13");
  const text = lower(s2, [A, C]).toString();
  t.regex(text, /allocate\(C\.local, int32, \[66\]\)/);
  t.regex(text, /allocate\(B, int32, \[39\]\)/);
  // And the plain tile: B at C's tile loop covers (4+2)x(8+2).
  const s3 = te.createSchedule(C.op);
  const [, yo4] = s3.stage(C).tile(C.op.axis[0], C.op.axis[1], 4, 8);
  s3.stage(B).computeAt(s3.stage(C), yo4);
  t.regex(lower(s3, [A, C]).toString(), /allocate\(B, int32, \[60\]\)/);
  const a = randomInput(A, prng(5));
  const want = execute(lower(te.createSchedule(C.op), [A, C]), { name: "", inputs: [A], outputs: [C], exact: true }, [a]);
  for (const sx of [s2, s3]) t.deepEqual(execute(lower(sx, [A, C]), { name: "", inputs: [A], outputs: [C], exact: true }, [a]), want);
});
