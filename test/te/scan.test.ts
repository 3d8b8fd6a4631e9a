// te.scan (TVM's scan): a cumulative sum and an RNN-style recurrence, scheduled and built,
// checked against JS references and the TIR interpreter; the lowered text of the simple
// cumulative sum; and the errors a malformed scan gets.
import test from "ava";
import { build, explainBounds, lower, nd, te } from "../../ts/index.js";
import { Operation } from "../../ts/te/operation.js";
import type { ScanOp } from "../../ts/te/scan.js";
import { scanKind } from "../../ts/schedule/op_kinds/scan.js";
import { inferBound } from "../../ts/schedule/bound.js";
import { workloadKey, workloadText } from "../../ts/auto_scheduler/workload_key.js";
import { searchSpace } from "../../ts/auto_scheduler/search_space.js";
import { Rng, sampleDecisions } from "../../ts/auto_scheduler/decisions.js";
import { replayTrace } from "../../ts/auto_scheduler/trace.js";
import { DataType } from "../../ts/ir/dtype.js";
import { IntImm } from "../../ts/ir/expr.js";
import { interpret } from "../../ts/interp/index.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { Tensor } from "../../ts/te/tensor.js";
import { prng } from "../helpers/random.js";
import type { PrimExpr } from "../../ts/ir/expr.js";

function cumsumProgram(m: number | PrimExpr, n: number | PrimExpr) {
  const X = te.placeholder([m, n], "float32", "X");
  const state = te.placeholder([m, n], "float32", "state");
  const init = te.compute([1, n], (_, i) => X.at(0, i), "init");
  const update = te.compute([m, n], (t, i) => state.at(t.sub(1), i).add(X.at(t, i)), "update");
  const res = te.scan(init, update, state, { name: "cumsum" });
  return { X, state, init, update, res };
}

function cumsumRef(x: Float32Array, m: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < n; i++) out[i] = x[i];
  for (let t = 1; t < m; t++) for (let i = 0; i < n; i++) out[t * n + i] = Math.fround(out[(t - 1) * n + i] + x[t * n + i]);
  return out;
}

function randomArray(len: number, seed: number): Float32Array {
  const rand = prng(seed);
  return new Float32Array(len).map(() => rand() * 2 - 1);
}

/** Builds and interprets `s` on `inputs`; returns both results of the output. */
function runBoth(s: Schedule, args: Tensor[], inputs: nd.NDArray[], outShape: number[]): { built: Float32Array; interpreted: Float32Array } {
  const built = nd.empty(outShape, "float32");
  build(s, args).getFunction("main")(...inputs, built);
  const interpreted = nd.empty(outShape, "float32");
  interpret(lower(s, args), [...inputs, interpreted], { poisonAllocations: true });
  return { built: built.toTypedArray() as Float32Array, interpreted: interpreted.toTypedArray() as Float32Array };
}

test("cumulative sum: the lowered text has TVM's form (init nest, then the time loop from init's end)", (t) => {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const { X, res } = cumsumProgram(m, n);
  t.deepEqual(res.shape, [m, n]);
  t.is(res.name, "cumsum");
  const s = te.createSchedule(res.op);
  t.is(String(lower(s, [X, res])), [
    "primfn(X_1: handle, cumsum_1: handle) -> ()",
    '  attr = {"global_symbol": "main", "tir.noalias": True}',
    "  buffers = {X: Buffer(X_2: Pointer(float32), float32, [m: int32, n: int32], []),",
    "             cumsum: Buffer(cumsum_2: Pointer(float32), float32, [m, n], [])}",
    "  buffer_map = {X_1: X, cumsum_1: cumsum} {",
    "  for (i: int32, 0, n) {",
    "    cumsum_2[i] = (float32*)X_2[i]",
    "  }",
    "  for (cumsum.idx: int32, 0, (m - 1)) {",
    "    for (i_1: int32, 0, n) {",
    "      cumsum_2[(((cumsum.idx + 1)*n) + i_1)] = ((float32*)cumsum_2[((cumsum.idx*n) + i_1)] + (float32*)X_2[(((cumsum.idx + 1)*n) + i_1)])",
    "    }",
    "  }",
    "}",
  ].join("\n"));
});

test("cumulative sum: built and interpreted, it matches the JS reference", (t) => {
  const [m, n] = [7, 5];
  const { X, res } = cumsumProgram(m, n);
  const s = te.createSchedule(res.op);
  const x = randomArray(m * n, 1);
  const { built, interpreted } = runBoth(s, [X, res], [nd.array(x, [m, n])], [m, n]);
  const ref = cumsumRef(x, m, n);
  t.deepEqual(Array.from(built), Array.from(ref));
  t.deepEqual(Array.from(interpreted), Array.from(ref));
});

test("cumulative sum with symbolic sizes: one kernel runs any m and n", (t) => {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const { X, res } = cumsumProgram(m, n);
  const f = build(te.createSchedule(res.op), [X, res]).getFunction("main");
  for (const [mm, nn] of [[1, 3], [2, 1], [9, 4]]) {
    const x = randomArray(mm * nn, mm * 10 + nn);
    const out = nd.empty([mm, nn], "float32");
    f(nd.array(x, [mm, nn]), out);
    t.deepEqual(Array.from(out.toTypedArray()), Array.from(cumsumRef(x, mm, nn)), `m=${mm} n=${nn}`);
  }
});

/** An RNN step: h[t] = tanh(W h[t-1] + U x[t]), h[0] = tanh(x[0] mod m). */
function rnnProgram(T: number, n: number, m: number) {
  const X = te.placeholder([T, m], "float32", "X");
  const W = te.placeholder([n, n], "float32", "W");
  const U = te.placeholder([n, m], "float32", "U");
  const h = te.placeholder([T, n], "float32", "h");
  const init = te.compute([1, n], (_, i) => te.tanh(X.at(0, te.floormod(i, m))), "h0");
  const j = te.reduceAxis([0, m], "j");
  const xproj = te.compute([T, n], (t, i) => te.sum(U.at(i, j).mul(X.at(t, j)), j), "xproj");
  const k = te.reduceAxis([0, n], "k");
  const hid = te.compute([T, n], (t, i) => te.sum(W.at(i, k).mul(h.at(t.sub(1), k)), k), "hid");
  const upd = te.compute([T, n], (t, i) => te.tanh(hid.at(t, i).add(xproj.at(t, i))), "upd");
  const res = te.scan(init, upd, h, { name: "rnn" });
  return { X, W, U, h, init, xproj, hid, upd, res };
}

function rnnRef(x: Float32Array, w: Float32Array, u: Float32Array, T: number, n: number, m: number): Float32Array {
  const h = new Float32Array(T * n);
  for (let i = 0; i < n; i++) h[i] = Math.tanh(x[i % m]);
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < n; i++) {
      let a = 0;
      for (let k = 0; k < n; k++) a += w[i * n + k] * h[(t - 1) * n + k];
      let b = 0;
      for (let j = 0; j < m; j++) b += u[i * m + j] * x[t * m + j];
      h[t * n + i] = Math.tanh(a + b);
    }
  }
  return h;
}

function assertClose(t: import("ava").ExecutionContext, got: Float32Array, want: Float32Array, tol: number, what: string): void {
  t.is(got.length, want.length, what);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  t.true(worst <= tol, `${what}: largest difference ${worst} > ${tol}`);
}

const RNN_SCHEDULES: [string, (p: ReturnType<typeof rnnProgram>, s: Schedule) => void][] = [
  ["default", () => {}],
  ["update split and vectorized, xproj computed inside the scan at the update's outer loop, hid parallel", (p, s) => {
    const su = s.stage(p.upd);
    const [io, ii] = su.split(p.upd.op.axis[1], { factor: 4 });
    su.vectorize(ii);
    s.stage(p.xproj).computeAt(su, io);
    const [ho] = s.stage(p.hid).split(p.hid.op.axis[1], { factor: 2 });
    s.stage(p.hid).parallel(ho);
  }],
  ["hid computed at the update's row (one element a step), uneven split, init vectorized", (p, s) => {
    const su = s.stage(p.upd);
    const [io, ii] = su.split(p.upd.op.axis[1], { factor: 3 });
    s.stage(p.hid).computeAt(su, ii);
    su.parallel(io);
    const [, i0i] = s.stage(p.init).split(p.init.op.axis[1], { factor: 4 });
    s.stage(p.init).vectorize(i0i);
  }],
  ["xproj computed at the update's time axis", (p, s) => {
    s.stage(p.xproj).computeAt(s.stage(p.upd), p.upd.op.axis[0]);
  }],
];

for (const [name, schedule] of RNN_SCHEDULES) {
  test(`RNN recurrence (tanh of a matmul-like reduction of h[t-1]), ${name}: built and interpreted match the JS reference`, (t) => {
    const [T, n, m] = [6, 8, 5];
    const p = rnnProgram(T, n, m);
    const s = te.createSchedule(p.res.op);
    schedule(p, s);
    const x = randomArray(T * m, 2);
    const w = randomArray(n * n, 3).map((v) => v * 0.5);
    const u = randomArray(n * m, 4);
    const inputs = [nd.array(x, [T, m]), nd.array(w, [n, n]), nd.array(u, [n, m])];
    const { built, interpreted } = runBoth(s, [p.X, p.W, p.U, p.res], inputs, [T, n]);
    const ref = rnnRef(x, w, u, T, n, m);
    assertClose(t, built, ref, 1e-5, "built");
    assertClose(t, interpreted, ref, 1e-5, "interpreted");
  });
}

test("RNN: the update's stages run inside the time loop, one step of storage each; xproj at the update's loop is tiled", (t) => {
  const p = rnnProgram(6, 8, 5);
  const s = te.createSchedule(p.res.op);
  RNN_SCHEDULES[1][1](p, s);
  const text = String(lower(s, [p.X, p.W, p.U, p.res]));
  t.regex(text, /allocate\(hid, float32, \[8\]\)/, "hid holds one step (8), not all 6 steps");
  t.regex(text, /allocate\(xproj, float32, \[4\]\)/, "xproj holds one tile of the update's split");
  const loop = text.indexOf("for (rnn.idx: int32, 0, 5)");
  t.true(loop > 0 && text.indexOf("for (i.outer: int32, 0, 4) \"parallel\"") > loop, "hid's parallel loop is inside the time loop");
  t.regex(text, /rnn_2\[ramp\(\(\(\(rnn\.idx\*8\) \+ \(i\.outer_1\*4\)\) \+ 8\), 1, 4\)\] = @tir\.tanh\(/, "the update stores step t = rnn.idx + 1 as a vector");
});

test("a two-step init: Fibonacci-like state[t] = state[t-1] + state[t-2], and a multi-state scan advancing together", (t) => {
  const m = 10;
  const S = te.placeholder([m, 2], "int32", "S");
  const init = te.compute([2, 2], (t, i) => t.add(i).add(1), "init");
  const update = te.compute([m, 2], (t, i) => S.at(t.sub(1), i).add(S.at(t.sub(2), i)), "update");
  const fib = te.scan(init, update, S, { name: "fib" });
  const s = te.createSchedule(fib.op);
  t.regex(String(lower(s, [fib])), /for \(fib\.idx: int32, 0, 8\)/, "the time loop starts after the init's two steps");
  const out = nd.empty([m, 2], "int32");
  build(s, [fib]).getFunction("main")(out);
  const ref: number[] = [1, 2, 2, 3];
  for (let k = 2; k < m; k++) ref.push(ref[(k - 1) * 2] + ref[(k - 2) * 2], ref[(k - 1) * 2 + 1] + ref[(k - 2) * 2 + 1]);
  t.deepEqual(Array.from(out.toTypedArray()), ref);

  // Two states: a[t] = a[t-1] + b[t-1], b[t] = b[t-1] * 2 (rows of 3).
  const A = te.placeholder([m, 3], "float32", "A");
  const B = te.placeholder([m, 3], "float32", "B");
  const X = te.placeholder([1, 3], "float32", "X");
  const a0 = te.compute([1, 3], (_, i) => X.at(0, i), "a0");
  const b0 = te.compute([1, 3], () => te.const(1, "float32"), "b0");
  const aU = te.compute([m, 3], (t, i) => A.at(t.sub(1), i).add(B.at(t.sub(1), i)), "aU");
  const bU = te.compute([m, 3], (t, i) => B.at(t.sub(1), i).mul(2), "bU");
  const outs = te.scan([a0, b0], [aU, bU], [A, B], { name: "pair" }) as Tensor[];
  t.deepEqual(outs.map((o) => o.name), ["pair.v0", "pair.v1"]);
  const s2 = te.createSchedule(outs[0].op);
  const x = new Float32Array([0.5, -1, 2]);
  const ra = nd.empty([m, 3], "float32");
  const rb = nd.empty([m, 3], "float32");
  build(s2, [X, ...outs]).getFunction("main")(nd.array(x, [1, 3]), ra, rb);
  const wantA: number[] = [];
  const wantB: number[] = [];
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < 3; i++) {
      wantB.push(2 ** k);
      wantA.push(x[i] + (2 ** k - 1));
    }
  }
  t.deepEqual(Array.from(rb.toTypedArray()), wantB);
  t.deepEqual(Array.from(ra.toTypedArray()), wantA);
  const ia = nd.empty([m, 3], "float32");
  const ib = nd.empty([m, 3], "float32");
  interpret(lower(s2, [X, ...outs]), [nd.array(x, [1, 3]), ia, ib]);
  t.deepEqual(Array.from(ia.toTypedArray()), wantA);
  t.deepEqual(Array.from(ib.toTypedArray()), wantB);
});

test("a scan read by a later stage: a fix-point axis shrinks to what the consumer asks (init and update too), one that is not stays whole", (t) => {
  const [m, n] = [5, 6];
  const { X, res } = cumsumProgram(m, n);
  const C = te.compute([m, 2], (t, i) => res.at(t, i.add(1)).mul(2), "C");
  const s = te.createSchedule(C.op);
  const text = String(lower(s, [X, C]));
  t.regex(text, /allocate\(cumsum, float32, \[10\]\)/, "columns 1..2 of the 5 steps: the spatial axis is a fix point, so it shrinks");
  const x = randomArray(m * n, 9);
  const out = nd.empty([m, 2], "float32");
  build(s, [X, C]).getFunction("main")(nd.array(x, [m, n]), out);
  const full = cumsumRef(x, m, n);
  const want: number[] = [];
  for (let k = 0; k < m; k++) want.push(full[k * n + 1] * 2, full[k * n + 2] * 2);
  t.deepEqual(Array.from(out.toTypedArray()), want.map(Math.fround));

  // The RNN's h[t, i] reads every h[t-1, k]: no fix point, so all 8 columns of every step are kept.
  const p = rnnProgram(6, 8, 5);
  const first = te.compute([6], (tt) => p.res.at(tt, 0), "first");
  const s2 = te.createSchedule(first.op);
  t.regex(String(lower(s2, [p.X, p.W, p.U, first])), /allocate\(rnn, float32, \[48\]\)/);
  const x2 = randomArray(30, 2);
  const w2 = randomArray(64, 3).map((v) => v * 0.5);
  const u2 = randomArray(40, 4);
  const got = nd.empty([6], "float32");
  build(s2, [p.X, p.W, p.U, first]).getFunction("main")(nd.array(x2, [6, 5]), nd.array(w2, [8, 8]), nd.array(u2, [8, 5]), got);
  const ref = rnnRef(x2, w2, u2, 6, 8, 5);
  assertClose(t, got.toTypedArray() as Float32Array, Float32Array.from({ length: 6 }, (_, k) => ref[k * 8]), 1e-5, "first column");
});

test("errors: a malformed scan is refused, naming the scan, the tensors and what differs", (t) => {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const X = te.placeholder([m, n], "float32", "X");
  const state = te.placeholder([m, n], "float32", "state");
  const init = te.compute([1, n], (_, i) => X.at(0, i), "init");
  const update = te.compute([m, n], (tt, i) => state.at(tt.sub(1), i).add(X.at(tt, i)), "update");
  const msg = (f: () => unknown) => t.throws(f)?.message;
  t.is(msg(() => te.scan(init, update, update)),
    "scan 'scan': statePlaceholder 'update' must be a placeholder (te.placeholder of the state's shape), got the output of ComputeOp 'update'");
  const wide = te.compute([m, n.add(1)], (tt, i) => state.at(tt.sub(1), te.min(i, n.sub(1))), "wide");
  t.is(msg(() => te.scan(init, wide, state)),
    "scan 'scan': update 'wide' has shape [m, (n + 1)] but state 'state' has [m, n] (dimension 1 differs); the update must have the state's shape");
  const init3 = te.compute([1, 3], (_, i) => X.at(0, i), "init3");
  t.is(msg(() => te.scan(init3, update, state)),
    "scan 'scan': init 'init3' has shape [1, 3] but state 'state' has [m, n] (dimension 1 differs); init must match the state in every dimension but the first");
  const flat = te.compute([n], (i) => X.at(0, i), "flat");
  t.is(msg(() => te.scan(flat, update, state)), "scan 'scan': init 'flat' has 1 dimensions [n] but state 'state' has 2 [m, n]");
  const shortState = te.placeholder([m.sub(1), n], "float32", "shortState");
  t.is(msg(() => te.scan(init, update, shortState)),
    "scan 'scan': state 'shortState' has (m - 1) steps (dimension 0) but the update 'update' has m; they must match");
  const istate = te.placeholder([m, n], "int32", "istate");
  t.is(msg(() => te.scan(init, update, istate)),
    "scan 'scan': init 'init' (float32), update 'update' (float32) and state 'istate' (int32) must have one dtype");
  t.is(msg(() => te.scan([init], [update], [state, state])),
    "scan 'scan': init, update and statePlaceholder must have the same length, got 1, 1 and 2");
  t.is(msg(() => te.scan([], [], [])), "scan 'scan': needs at least one state (init, update and statePlaceholder are empty)");
  t.is(msg(() => te.scan(init, 3 as unknown as Tensor, state)), "scan 'scan': update must be a tensor, got number 3");
  const S4 = te.placeholder([4, 2], "float32", "S4");
  const init4 = te.compute([4, 2], (a, b) => a.add(b).cast("float32"), "init4");
  const upd4 = te.compute([4, 2], (a, b) => S4.at(a.sub(1), b), "upd4");
  t.is(msg(() => te.scan(init4, upd4, S4)), "scan 'scan': init covers 4 steps but the state has 4: nothing is left for the update to compute");
  t.is(msg(() => te.scan(init, update, state, { name: "" })), "scan: name must be a non-empty string, got ''");
  const res = te.scan(init, update, state);
  const s = te.createSchedule(res.op);
  s.stage(update).computeInline();
  const s2 = te.createSchedule(res.op);
  // The body is a group (TVM's scan group): computing it at the scan's own loop is refused at once.
  t.is(msg(() => s2.stage(update).computeAt(s2.stage(res), (res.op as ScanOp).scanAxis)),
    "stage 'update': cannot compute at 'scan', which is outside its group-stage(update) (a stage of a group can only be computed at a stage of the same group; place the group with group.computeAt)");
  const s3 = te.createSchedule(res.op);
  s3.stage(init).computeAt(s3.stage(res), (res.op as ScanOp).scanAxis);
  t.is(msg(() => lower(s3, [X, res])),
    "stage 'init' is the init of scan 'scan': it runs before the scan's time loop wherever it is attached, so computeAt at 'scan.idx' of 'scan' would do nothing; leave it at the root");
  const axis = (res.op as ScanOp).scanAxis;
  t.is(msg(() => s.stage(res).parallel(axis)),
    "stage 'scan': cannot parallelize ordered axis 'scan.idx': each iteration reads what the previous ones wrote (a scan's time axis)");
  t.is(msg(() => s.stage(res).vectorize(axis)),
    "stage 'scan': cannot vectorize axis 'scan.idx' of type Ordered: only data-parallel axes can be vectorized");
  t.is(msg(() => lower(s, [X, res])),
    "stage 'update' is the update of scan 'scan' and cannot be inlined: it writes the scan's state (inline the stages it reads instead)");
});

test("explainBounds: the scan's region and why; the update is explained inside the time loop", (t) => {
  const [m, n] = [5, 6];
  const { X, res } = cumsumProgram(m, n);
  const C = te.compute([m, 2], (tt, i) => res.at(tt, i.add(1)).mul(2), "C");
  const e = explainBounds(te.createSchedule(C.op));
  t.like(e.get("cumsum"), { kind: "scan", attach: "root", region: ["0:5", "1:3"], elements: "10" });
  t.deepEqual(e.get("cumsum").reasons, ["init covers steps [0:1), the update the time loop cumsum.idx over the rest"]);
  t.like(e.get("update"), { kind: "compute", attach: "in cumsum's time loop", region: ["(cumsum.idx + 1):(cumsum.idx + 2)", "1:3"], elements: "2" });
  t.truthy(X);
});

test("an op no op kind handles is refused when the schedule is made, naming its class", (t) => {
  class OddOp extends Operation {
    get numOutputs() { return 1; }
    outputShape() { return [new IntImm("int32", 2)]; }
    outputDType() { return DataType.float32(); }
    inputTensors() { return []; }
    rootIterVars() { return []; }
    replaceInputs() { return this; }
  }
  const odd = new OddOp("odd").output(0);
  const B = te.compute([2], (i) => odd.at(i).add(1), "B");
  t.is(t.throws(() => te.createSchedule(B.op))?.message, "op 'odd' is a OddOp, which no op kind handles; register one in ts/schedule/op_kinds/index.ts");
});

test("the time axis split unevenly, a stage computed at its inner loop: guarded, built and interpreted as the JS reference", (t) => {
  const [T, n] = [7, 4];
  const X = te.placeholder([T, n], "float32", "X");
  const h = te.placeholder([T, n], "float32", "h");
  const xp = te.compute([T, n], (tt, i) => X.at(tt, i).mul(2), "xp");
  const init = te.compute([1, n], (_, i) => X.at(0, i), "h0");
  const upd = te.compute([T, n], (tt, i) => h.at(tt.sub(1), i).add(xp.at(tt, i)), "upd");
  const res = te.scan(init, upd, h, { name: "acc" });
  const s = te.createSchedule(res.op);
  const [, ti] = s.stage(res).split((res.op as ScanOp).scanAxis, { factor: 4 });
  s.stage(xp).computeAt(s.stage(res), ti);
  const text = String(lower(s, [X, res]));
  t.regex(text, /allocate\(xp, float32, \[4\]\)/, "xp holds one step");
  t.regex(text, /for \(acc\.idx\.inner: int32, 0, 4\) \{\n\s+for \(i_1: int32, 0, 4\) \{\n\s+if \(\(\(acc\.idx\.outer\*4\) \+ acc\.idx\.inner\) < 6\) \{/, "xp's step is guarded in the tail");
  const x = new Float32Array(T * n).map((_, k) => k);
  const want = new Float32Array(T * n);
  for (let tt = 0; tt < T; tt++) for (let i = 0; i < n; i++) want[tt * n + i] = tt === 0 ? x[i] : want[(tt - 1) * n + i] + 2 * x[tt * n + i];
  const { built, interpreted } = runBoth(s, [X, res], [nd.array(x, [T, n])], [T, n]);
  t.deepEqual(Array.from(built), Array.from(want));
  t.deepEqual(Array.from(interpreted), Array.from(want));
});

test("the scan's own statement, before stages are placed: TVM's scan_init_scope and scan_update_scope markers", (t) => {
  const m = te.sizeVar("m");
  const n = te.sizeVar("n");
  const { res } = cumsumProgram(m, n);
  const s = te.createSchedule(res.op).normalize();
  const st = s.stage(res);
  t.is(String(scanKind.buildProvide(st.op as ScanOp, st, inferBound(s))), [
    'attr [cumsum] "scan_init_scope" = 0;',
    "for (cumsum.idx: int32, 0, (m: int32 - 1)) {",
    '  attr [IterVar(cumsum.idx, (nullptr), "Ordered", "")] "loop_scope" = cumsum.idx;',
    '  attr [cumsum] "scan_update_scope" = cumsum.idx_1: int32;',
    "  0",
    "}",
  ].join("\n"), "the init's stages go in the first marker (before the loop), the update's in the second; the printed program has neither");
});

test("the auto-scheduler's workload key tells scans apart by how their states are wired", (t) => {
  const make = (swap: boolean) => {
    const A = te.placeholder([6, 3], "float32", "A");
    const B = te.placeholder([6, 3], "float32", "B");
    const a0 = te.compute([1, 3], () => te.const(1, "float32"), "a0");
    const b0 = te.compute([1, 3], () => te.const(1, "float32"), "b0");
    const aU = te.compute([6, 3], (tt, i) => A.at(tt.sub(1), i).add(B.at(tt.sub(1), i)), "aU");
    const bU = te.compute([6, 3], (tt, i) => B.at(tt.sub(1), i).mul(2), "bU");
    const outs = (swap ? te.scan([b0, a0], [bU, aU], [B, A]) : te.scan([a0, b0], [aU, bU], [A, B])) as Tensor[];
    return outs[0].op;
  };
  t.not(workloadKey([make(false)]), workloadKey([make(true)]));
  t.is(workloadKey([make(false)]), workloadKey([make(false)]), "and gives one key to two scans built alike");
  t.regex(workloadText([make(false)]), /\n6 out scan \[6:int32,3:int32\]:float32;\[6:int32,3:int32\]:float32 init\(t0\.0,t1\.0\) update\(t4\.0,t5\.0\) state\(t2\.0,t3\.0\) inputs\(\)$/);
});

test("listing inputs puts the stages between them and the update into the body: computed one step at a time", (t) => {
  const [T, n] = [5, 3];
  const make = (inputs: boolean) => {
    const X = te.placeholder([T, n], "float32", "X");
    const h = te.placeholder([T, n], "float32", "h");
    const xp = te.compute([T, n], (tt, i) => X.at(tt, i).mul(2), "xp");
    const init = te.compute([1, n], (_, i) => X.at(0, i), "h0");
    const upd = te.compute([T, n], (tt, i) => h.at(tt.sub(1), i).add(xp.at(tt, i)), "upd");
    return { X, res: te.scan(init, upd, h, { name: "acc", inputs: inputs ? [X] : undefined }) };
  };
  const x = new Float32Array(T * n).map((_, k) => k);
  const want = [0, 1, 2, 6, 9, 12, 18, 23, 28, 36, 43, 50, 60, 69, 78];
  for (const [inputs, size] of [[true, 3], [false, 12]] as const) {
    const { X, res } = make(inputs);
    const s = te.createSchedule(res.op);
    t.regex(String(lower(s, [X, res])), new RegExp(`allocate\\(xp, float32, \\[${size}\\]\\)`), inputs ? "one step of xp, inside the loop" : "xp for steps 1..4 (the update's), before the scan");
    const { built, interpreted } = runBoth(s, [X, res], [nd.array(x, [T, n])], [T, n]);
    t.deepEqual(Array.from(built), want);
    t.deepEqual(Array.from(interpreted), want);
  }
});

test("the auto-scheduler's search space over an RNN scan: every sampled schedule is accepted and computes the unscheduled result", (t) => {
  const [T, n, m] = [6, 8, 5];
  const p = rnnProgram(T, n, m);
  const space = searchSpace([p.res.op], { vectorBytes: 32, cores: 2 });
  const x = randomArray(T * m, 2);
  const w = randomArray(n * n, 3).map((v) => v * 0.5);
  const u = randomArray(n * m, 4);
  const inputs = [nd.array(x, [T, m]), nd.array(w, [n, n]), nd.array(u, [n, m])];
  const args = [p.X, p.W, p.U, p.res];
  const ref = rnnRef(x, w, u, T, n, m);
  const rng = new Rng(5);
  const steps: string[] = [];
  for (let k = 0; k < 12; k++) {
    const trace = space.build(sampleDecisions(rng, space.specs));
    trace.forEach((step) => steps.push("stage" in step ? `${step.p} ${step.stage}` : step.p));
    const out = nd.empty([T, n], "float32");
    interpret(lower(replayTrace([p.res], trace), args), [...inputs, out], { poisonAllocations: true, parallelOrder: "shuffle" });
    assertClose(t, out.toTypedArray() as Float32Array, ref, 1e-5, `sample ${k}`);
  }
  t.true(steps.length > 0, "the rules schedule the scan's stages");
  t.false(steps.some((x) => x === "computeInline h0" || x === "computeInline upd"), "the init and update are never inlined (they are the scan's state)");
});
