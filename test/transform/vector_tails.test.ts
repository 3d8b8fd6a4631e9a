// Vector tails (issue 10 item 2): an uneven split of a vectorized axis lowers to a guard-free
// vector main part and a tail — a narrower vector for a constant extent, a scalar loop for a
// symbolic one — never a guard on every lane. The lowered text is checked exactly, and every
// kernel is built, run and interpreted on many shapes (below the vector width, exactly it, one
// more, symbolic extents 0 and 1) against a plain JS reference, exactly (the inputs are
// quarters, so every float result is exact), with a sentinel past each output to catch a store
// beyond its end.
import test, { type ExecutionContext } from "ava";
import "../codegen/helpers.js";
import { STRICT } from "../codegen/helpers.js";
import { te, lower, nd } from "../../ts/index.js";
import { IRModule, type PrimFunc } from "../../ts/ir/function.js";
import { buildModule } from "../../ts/codegen/build_module.js";
import { interpret } from "../../ts/interp/index.js";
import { postOrderVisit } from "../../ts/ir/functor.js";
import { IfThenElse, type Stmt, Store } from "../../ts/ir/stmt.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { LowerArg } from "../../ts/schedule/postproc_to_primfunc.js";
import { prng } from "../helpers/random.js";
import { assertPipelinePreserves, bodyText, quiet } from "./helpers.js";

const SENTINEL = 12345.5;

/** `n` quarters in [-2, 2] from `seed` (products and sums of a few stay exact in float32). */
function quarters(n: number, seed: number): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: n }, () => Math.round(r() * 16 - 8) / 4);
}

/** An output of `n` elements, filled with NaN, inside a buffer with a sentinel past its end. */
function output(n: number): { view: Float32Array; tail: Float32Array } {
  const whole = new Float32Array(n + 16).fill(Number.NaN);
  whole.fill(SENTINEL, n);
  return { view: whole.subarray(0, n), tail: whole.subarray(n) };
}

interface Kernel {
  name: string;
  func: PrimFunc;
  /** Input shapes and the output shape, given the symbolic sizes. */
  shapes: (vars: Record<string, number>) => { inputs: number[][]; output: number[] };
  /** The JS reference: the output from the inputs. */
  reference: (inputs: Float32Array[], vars: Record<string, number>) => Float32Array;
  /** Values of the symbolic sizes to run with ([{}] for a constant shape). */
  runs: Record<string, number>[];
}

/** Builds every kernel into one module, runs and interprets each on each of its runs, compares with the reference. */
function checkKernels(t: ExecutionContext, kernels: Kernel[]): void {
  const mod = buildModule(new IRModule(new Map(kernels.map((k) => [k.name, k.func]))), { cflags: STRICT });
  for (const k of kernels) {
    for (const vars of k.runs) {
      const what = `${k.name} ${JSON.stringify(vars)}`;
      const { inputs, output: outShape } = k.shapes(vars);
      const data = inputs.map((shape, i) => quarters(shape.reduce((a, b) => a * b, 1), 7 + i));
      const size = outShape.reduce((a, b) => a * b, 1);
      const want = k.reference(data, vars);
      const scalars = Object.keys(vars).filter((v) => k.func.params.some((p) => p.name === v)).map((v) => vars[v]);
      for (const how of ["compiled", "interpreted"] as const) {
        const out = output(size);
        const args = [...data.map((d, i) => nd.array(d, inputs[i])), nd.array(out.view, outShape), ...scalars];
        if (how === "compiled") mod.getFunction(k.name)(...args);
        else interpret(k.func, args, { poisonAllocations: true });
        t.deepEqual(Array.from(out.view), Array.from(want), `${what} ${how}`);
        t.true(out.tail.every((x) => x === SENTINEL), `${what} ${how}: a store past the output's end`);
      }
    }
  }
}

function lowered(s: Schedule, args: LowerArg[], name: string): PrimFunc {
  return lower(s, args, { ...quiet, name }).get(name);
}

/** The conditions of the ifs in `s` that run lane by lane (inside a loop over the lanes, `x.s`, that the vectorizer made). */
function laneGuards(s: Stmt): string[] {
  const out: string[] = [];
  postOrderVisit(s, (n) => {
    if (n instanceof IfThenElse && /\.s\b|\.s\)/.test(n.condition.toString())) out.push(n.condition.toString());
  });
  return out;
}

function storeLanes(s: Stmt): number[] {
  const out: number[] = [];
  postOrderVisit(s, (n) => {
    if (n instanceof Store) out.push(n.value.dtype.lanes);
  });
  return out;
}

/** B = A * 2 over n elements, split by `factor`, the inner loop vectorized. */
function scale1d(n: number | te.Var, factor = 16) {
  const A = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (i) => A.at(i).mul(2), "B");
  const s = te.createSchedule(B.op);
  const [, xi] = s.stage(B).split(B.op.axis[0], { factor });
  s.stage(B).vectorize(xi);
  return { s, args: [A, B] };
}

test("a 56-wide row split by 16: three 16-lane vectors and an 8-lane tail, no guard", (t) => {
  const { s, args } = scale1d(56);
  t.is(bodyText(lower(s, args)), [
    "  for (i.outer: int32, 0, 3) {",
    "    B_2[ramp((i.outer*16), 1, 16)] = ((float32x16*)A_2[ramp((i.outer*16), 1, 16)]*broadcast(2f32, 16))",
    "  }",
    "  B_2[ramp(48, 1, 8)] = ((float32x8*)A_2[ramp(48, 1, 8)]*broadcast(2f32, 8))",
  ].join("\n"));
  assertPipelinePreserves(t, s, args);
});

test("one more than the width: one vector and a scalar store; below the width: one narrower vector", (t) => {
  const wider = scale1d(17);
  t.is(bodyText(lower(wider.s, wider.args)), [
    "  B_2[ramp(0, 1, 16)] = ((float32x16*)A_2[ramp(0, 1, 16)]*broadcast(2f32, 16))",
    "  B_2[16] = ((float32*)A_2[16]*2f32)",
  ].join("\n"));
  const small = scale1d(5);
  t.is(bodyText(lower(small.s, small.args)), "  B_2[ramp(0, 1, 5)] = ((float32x5*)A_2[ramp(0, 1, 5)]*broadcast(2f32, 5))");
});

test("elementwise over constant extents around the vector width: built, run and interpreted, equal to JS", (t) => {
  const kernels: Kernel[] = [];
  for (const n of [1, 2, 5, 7, 8, 9, 15, 16, 17, 33, 56, 1000]) {
    for (const factor of [4, 16]) {
      const { s, args } = scale1d(n, factor);
      const func = lowered(s, args, `scale_${n}_${factor}`);
      t.deepEqual(laneGuards(func.body), [], `n=${n} factor=${factor}`);
      kernels.push({
        name: `scale_${n}_${factor}`, func, runs: [{}],
        shapes: () => ({ inputs: [[n]], output: [n] }),
        reference: ([a]) => a.map((x) => x * 2),
      });
    }
  }
  checkKernels(t, kernels);
});

test("a symbolic extent: a vector loop over floordiv(n, 16) and a scalar tail loop of floormod(n, 16), no guard", (t) => {
  const n = te.var("n");
  const { s, args } = scale1d(n);
  const func = lowered(s, args, "scale_n");
  t.is(bodyText(func), [
    "  if (1 <= n) {",
    "    for (i.outer: int32, 0, floordiv(n, 16)) {",
    "      B_2[ramp((i.outer*16), 1, 16)] = ((float32x16*)A_2[ramp((i.outer*16), 1, 16)]*broadcast(2f32, 16))",
    "    }",
    "    if (0 < floormod(n, 16)) {",
    "      for (i.inner: int32, 0, floormod(n, 16)) {",
    "        B_2[((floordiv(n, 16)*16) + i.inner)] = ((float32*)A_2[((floordiv(n, 16)*16) + i.inner)]*2f32)",
    "      }",
    "    }",
    "  }",
  ].join("\n"));
  checkKernels(t, [{
    name: "scale_n", func,
    runs: [0, 1, 2, 15, 16, 17, 31, 32, 33, 56, 1000].map((v) => ({ n: v })),
    shapes: ({ n: v }) => ({ inputs: [[v]], output: [v] }),
    reference: ([a]) => a.map((x) => x * 2),
  }]);
});

test("a symbolic row width inside a constant loop: a vector main loop and a scalar tail per row", (t) => {
  const w = te.var("w");
  const A = te.placeholder([3, w], "float32", "A");
  const B = te.compute([3, w], (i, j) => A.at(i, j).add(1), "B");
  const s = te.createSchedule(B.op);
  const [, ji] = s.stage(B).split(B.op.axis[1], { factor: 8 });
  s.stage(B).vectorize(ji);
  const func = lowered(s, [A, B], "rows_w");
  t.is(bodyText(func), [
    "  for (i: int32, 0, 3) {",
    "    if (1 <= w) {",
    "      for (j.outer: int32, 0, floordiv(w, 8)) {",
    "        B_2[ramp(((j.outer*8) + (i*w)), 1, 8)] = ((float32x8*)A_2[ramp(((j.outer*8) + (i*w)), 1, 8)] + broadcast(1f32, 8))",
    "      }",
    "      if (0 < floormod(w, 8)) {",
    "        for (j.inner: int32, 0, floormod(w, 8)) {",
    "          B_2[(((floordiv(w, 8)*8) + (i*w)) + j.inner)] = ((float32*)A_2[(((floordiv(w, 8)*8) + (i*w)) + j.inner)] + 1f32)",
    "        }",
    "      }",
    "    }",
    "  }",
  ].join("\n"));
  checkKernels(t, [{
    name: "rows_w", func,
    runs: [0, 1, 7, 8, 9, 20].map((v) => ({ w: v })),
    shapes: ({ w: v }) => ({ inputs: [[3, v]], output: [3, v] }),
    reference: ([a]) => a.map((x) => x + 1),
  }]);
});

/** C[i, j] = sum_k A[i, k] * B[k, j], j split by 8 and vectorized inside k. */
function matmulRow(m: number, kk: number, n: number) {
  const A = te.placeholder([m, kk], "float32", "A");
  const B = te.placeholder([kk, n], "float32", "B");
  const k = te.reduceAxis([0, kk], "k");
  const C = te.compute([m, n], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
  const s = te.createSchedule(C.op);
  const sc = s.stage(C);
  const [jo, ji] = sc.split(C.op.axis[1], { factor: 8 });
  sc.reorder(C.op.axis[0], jo, k, ji);
  sc.vectorize(ji);
  return { s, args: [A, B, C] };
}

function matmulRef(m: number, kk: number, n: number) {
  return ([a, b]: Float32Array[]): Float32Array => {
    const c = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let r = 0; r < kk; r++) acc = Math.fround(acc + Math.fround(a[i * kk + r] * b[r * n + j]));
      c[i * n + j] = acc;
    }
    return c;
  };
}

test("a reduction whose vectorized inner axis has a tail: init and update are vectors in both parts", (t) => {
  const { s, args } = matmulRow(4, 8, 20);
  t.is(bodyText(lower(s, args)), [
    "  for (i: int32, 0, 4) {",
    "    for (j.outer: int32, 0, 2) {",
    "      C_2[ramp(((i*20) + (j.outer*8)), 1, 8)] = broadcast(0f32, 8)",
    "      for (k: int32, 0, 8) {",
    "        C_2[ramp(((i*20) + (j.outer*8)), 1, 8)] = ((float32x8*)C_2[ramp(((i*20) + (j.outer*8)), 1, 8)] + (broadcast((float32*)A_2[((i*8) + k)], 8)*(float32x8*)B_2[ramp(((k*20) + (j.outer*8)), 1, 8)]))",
    "      }",
    "    }",
    "    C_2[ramp(((i*20) + 16), 1, 4)] = broadcast(0f32, 4)",
    "    for (k_1: int32, 0, 8) {",
    "      C_2[ramp(((i*20) + 16), 1, 4)] = ((float32x4*)C_2[ramp(((i*20) + 16), 1, 4)] + (broadcast((float32*)A_2[((i*8) + k_1)], 4)*(float32x4*)B_2[ramp(((k_1*20) + 16), 1, 4)]))",
    "    }",
    "  }",
  ].join("\n"));
  const kernels: Kernel[] = [];
  for (const [m, kk, n] of [[4, 8, 20], [3, 5, 7], [2, 3, 8], [2, 4, 9], [5, 6, 17], [1, 2, 1]]) {
    const mm = matmulRow(m, kk, n);
    const func = lowered(mm.s, mm.args, `mm_${m}_${kk}_${n}`);
    t.deepEqual(laneGuards(func.body), [], `${m}x${kk}x${n}`);
    kernels.push({
      name: `mm_${m}_${kk}_${n}`, func, runs: [{}],
      shapes: () => ({ inputs: [[m, kk], [kk, n]], output: [m, n] }),
      reference: matmulRef(m, kk, n),
    });
  }
  checkKernels(t, kernels);
});

/** A 3x3 convolution of width `w`, its output row split by `factor` and vectorized innermost (inside the reduction). */
function convRow(w: number, factor: number, vectorOutsideReduction = false) {
  const [C, H, K] = [3, 2, 2];
  const X = te.placeholder([C, H + 2, w + 2], "float32", "X");
  const Wt = te.placeholder([K, C, 3, 3], "float32", "W");
  const rc = te.reduceAxis([0, C], "rc");
  const ry = te.reduceAxis([0, 3], "ry");
  const rx = te.reduceAxis([0, 3], "rx");
  const Y = te.compute([K, H, w], (k, y, x) => te.sum(X.at(rc, y.add(ry), x.add(rx)).mul(Wt.at(k, rc, ry, rx)), [rc, ry, rx]), "Y");
  const s = te.createSchedule(Y.op);
  const st = s.stage(Y);
  const [xo, xi] = st.split(Y.op.axis[2], { factor });
  if (vectorOutsideReduction) st.reorder(Y.op.axis[0], Y.op.axis[1], xo, xi, rc, ry, rx);
  else st.reorder(Y.op.axis[0], Y.op.axis[1], xo, rc, ry, rx, xi);
  st.vectorize(xi);
  const ref = ([x, wt]: Float32Array[]): Float32Array => {
    const out = new Float32Array(K * H * w);
    for (let k = 0; k < K; k++) for (let y = 0; y < H; y++) for (let xx = 0; xx < w; xx++) {
      let acc = 0;
      for (let c = 0; c < C; c++) for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) {
        acc = Math.fround(acc + Math.fround(x[(c * (H + 2) + y + dy) * (w + 2) + xx + dx] * wt[((k * C + c) * 3 + dy) * 3 + dx]));
      }
      out[(k * H + y) * w + xx] = acc;
    }
    return out;
  };
  return { s, args: [X, Wt, Y], shapes: { inputs: [[C, H + 2, w + 2], [K, C, 3, 3]], output: [K, H, w] }, ref };
}

test("a conv row of width 56 split by 16: 16-lane vectors in the main part, an 8-lane tail, no guard", (t) => {
  const kernels: Kernel[] = [];
  for (const outside of [false, true]) {
    const c = convRow(56, 16, outside);
    const func = lowered(c.s, c.args, `conv56_${outside}`);
    t.false(/\bif\b/.test(bodyText(func)), bodyText(func));
    t.deepEqual([...new Set(storeLanes(func.body))].sort((a, b) => a - b), [8, 16]);
  }
  for (const [w, factor] of [[56, 16], [5, 8], [8, 8], [9, 8], [17, 16], [20, 8]]) {
    for (const outside of [false, true]) {
      const c = convRow(w, factor, outside);
      const name = `conv_${w}_${factor}_${outside ? "outside" : "inside"}`;
      const func = lowered(c.s, c.args, name);
      t.deepEqual(laneGuards(func.body), [], name);
      kernels.push({ name, func, runs: [{}], shapes: () => c.shapes, reference: c.ref });
    }
  }
  checkKernels(t, kernels);
});

test("fused axes split unevenly: 8-lane vectors and a 3-lane tail", (t) => {
  const A = te.placeholder([5, 7], "float32", "A");
  const B = te.compute([5, 7], (i, j) => A.at(i, j).add(1), "B");
  const s = te.createSchedule(B.op);
  const st = s.stage(B);
  const [, fi] = st.split(st.fuse(B.op.axis[0], B.op.axis[1]), { factor: 8 });
  st.vectorize(fi);
  const func = lowered(s, [A, B], "fused");
  t.is(bodyText(func), [
    "  for (i.j.fused.outer: int32, 0, 4) {",
    "    B_2[ramp((i.j.fused.outer*8), 1, 8)] = ((float32x8*)A_2[ramp((i.j.fused.outer*8), 1, 8)] + broadcast(1f32, 8))",
    "  }",
    "  B_2[ramp(32, 1, 3)] = ((float32x3*)A_2[ramp(32, 1, 3)] + broadcast(1f32, 3))",
  ].join("\n"));
  checkKernels(t, [{ name: "fused", func, runs: [{}], shapes: () => ({ inputs: [[5, 7]], output: [5, 7] }), reference: ([a]) => a.map((x) => x + 1) }]);
});

test("an outer axis split unevenly and fused with the vector axis: the guard through floordiv is cut too", (t) => {
  const kernels: Kernel[] = [];
  for (const [rows, cols, factor] of [[10, 16, 3], [7, 8, 2], [5, 4, 4], [1, 8, 3]]) {
    const A = te.placeholder([rows, cols], "float32", "A");
    const B = te.compute([rows, cols], (i, j) => A.at(i, j).add(1), "B");
    const s = te.createSchedule(B.op);
    const st = s.stage(B);
    const [, ii] = st.split(B.op.axis[0], { factor });
    st.vectorize(st.fuse(ii, B.op.axis[1]));
    const name = `outer_${rows}_${cols}_${factor}`;
    const func = lowered(s, [A, B], name);
    if (rows === 10) {
      t.is(bodyText(func), [
        "  for (i.outer: int32, 0, 3) {",
        "    B_2[ramp((i.outer*48), 1, 48)] = ((float32x48*)A_2[ramp((i.outer*48), 1, 48)] + broadcast(1f32, 48))",
        "  }",
        "  B_2[ramp(144, 1, 16)] = ((float32x16*)A_2[ramp(144, 1, 16)] + broadcast(1f32, 16))",
      ].join("\n"));
    }
    t.deepEqual(laneGuards(func.body), [], name);
    kernels.push({ name, func, runs: [{}], shapes: () => ({ inputs: [[rows, cols]], output: [rows, cols] }), reference: ([a]) => a.map((x) => x + 1) });
  }
  checkKernels(t, kernels);
});

test("a guard that does not depend on the lanes stays one scalar if around the vector body (not cut)", (t) => {
  const A = te.placeholder([10, 20], "float32", "A");
  const B = te.compute([10, 20], (i, j) => A.at(i, j).add(1), "B");
  const s = te.createSchedule(B.op);
  const st = s.stage(B);
  const [, , , ji] = st.tile(B.op.axis[0], B.op.axis[1], 4, 8);
  st.vectorize(ji);
  const func = lowered(s, [A, B], "tile");
  t.is(bodyText(func), [
    "  for (i.outer: int32, 0, 3) {",
    "    for (j.outer: int32, 0, 2) {",
    "      for (i.inner: int32, 0, 4) {",
    "        if (((i.outer*4) + i.inner) < 10) {",
    "          B_2[ramp((((i.outer*80) + (i.inner*20)) + (j.outer*8)), 1, 8)] = ((float32x8*)A_2[ramp((((i.outer*80) + (i.inner*20)) + (j.outer*8)), 1, 8)] + broadcast(1f32, 8))",
    "        }",
    "      }",
    "    }",
    "    for (i.inner_1: int32, 0, 4) {",
    "      if (((i.outer*4) + i.inner_1) < 10) {",
    "        B_2[ramp((((i.outer*80) + (i.inner_1*20)) + 16), 1, 4)] = ((float32x4*)A_2[ramp((((i.outer*80) + (i.inner_1*20)) + 16), 1, 4)] + broadcast(1f32, 4))",
    "      }",
    "    }",
    "  }",
  ].join("\n"));
  checkKernels(t, [{ name: "tile", func, runs: [{}], shapes: () => ({ inputs: [[10, 20]], output: [10, 20] }), reference: ([a]) => a.map((x) => x + 1) }]);
});

test("a parallel outer loop keeps its vector rows and tails; simple mode and partitionConstLoop agree in results", (t) => {
  const A = te.placeholder([6, 20], "float32", "A");
  const B = te.compute([6, 20], (i, j) => A.at(i, j).mul(2), "B");
  const s = te.createSchedule(B.op);
  const [, ji] = s.stage(B).split(B.op.axis[1], { factor: 8 });
  s.stage(B).parallel(B.op.axis[0]);
  s.stage(B).vectorize(ji);
  t.is(bodyText(lower(s, [A, B])), [
    "  for (i: int32, 0, 6) \"parallel\" {",
    "    for (j.outer: int32, 0, 2) {",
    "      B_2[ramp(((i*20) + (j.outer*8)), 1, 8)] = ((float32x8*)A_2[ramp(((i*20) + (j.outer*8)), 1, 8)]*broadcast(2f32, 8))",
    "    }",
    "    B_2[ramp(((i*20) + 16), 1, 4)] = ((float32x4*)A_2[ramp(((i*20) + 16), 1, 4)]*broadcast(2f32, 4))",
    "  }",
  ].join("\n"));
  const kernels: Kernel[] = [];
  for (const [name, opts] of [["par_default", {}], ["par_simple", { simpleMode: true }], ["par_const", { partitionConstLoop: true }], ["par_novec", { disableVectorize: true }]] as const) {
    kernels.push({
      name, func: lower(s, [A, B], { ...quiet, ...opts, name }).get(name), runs: [{}],
      shapes: () => ({ inputs: [[6, 20]], output: [6, 20] }), reference: ([a]) => a.map((x) => x * 2),
    });
  }
  checkKernels(t, kernels);
});

/** Row sums of a rows x n matrix: the reduction split by 8, rfactored, the partial sums vectorized inside the row. */
function rowSum(rows: number, n: number) {
  const A = te.placeholder([rows, n], "float32", "A");
  const k = te.reduceAxis([0, n], "k");
  const B = te.compute([rows], (i) => te.sum(A.at(i, k), k), "B");
  const s = te.createSchedule(B.op);
  const [, ki] = s.stage(B).split(k, { factor: 8 });
  const BF = s.rfactor(B, ki) as te.Tensor;
  s.stage(BF).computeAt(s.stage(B), s.stage(B).leafIterVars[0]);
  s.stage(BF).reorder(BF.op.axis[1], BF.op.reduceAxis[0], BF.op.axis[0]);
  s.stage(BF).vectorize(BF.op.axis[0]);
  return { s, args: [A, B] };
}

test("a reduction split unevenly and rfactored into vector partial sums: vector updates and a 4-lane tail", (t) => {
  const { s, args } = rowSum(3, 20);
  t.is(bodyText(lower(s, args)), [
    "  attr [B.rf: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(B.rf, float32, [8]);",
    "  for (ax0: int32, 0, 3) {",
    "    B.rf[ramp(0, 1, 8)] = broadcast(0f32, 8)",
    "    for (k.outer: int32, 0, 2) {",
    "      B.rf[ramp(0, 1, 8)] = ((float32x8*)B.rf[ramp(0, 1, 8)] + (float32x8*)A_2[ramp(((ax0*20) + (k.outer*8)), 1, 8)])",
    "    }",
    "    B.rf[ramp(0, 1, 4)] = ((float32x4*)B.rf[ramp(0, 1, 4)] + (float32x4*)A_2[ramp(((ax0*20) + 16), 1, 4)])",
    "    B_2[ax0] = 0f32",
    "    for (k.inner.v: int32, 0, 8) {",
    "      B_2[ax0] = ((float32*)B_2[ax0] + (float32*)B.rf[k.inner.v])",
    "    }",
    "  }",
  ].join("\n"));
  const kernels: Kernel[] = [];
  for (const n of [1, 5, 8, 9, 20, 37]) {
    const r = rowSum(3, n);
    const func = lowered(r.s, r.args, `rowsum_${n}`);
    t.deepEqual(laneGuards(func.body), [], `n=${n}`);
    kernels.push({
      name: `rowsum_${n}`, func, runs: [{}],
      shapes: () => ({ inputs: [[3, n]], output: [3] }),
      reference: ([a]) => {
        // The kernel's order: lane l sums k = l, l + 8, ...; then the lanes in order.
        const out = new Float32Array(3);
        for (let i = 0; i < 3; i++) {
          const lanes = new Float32Array(8);
          for (let kk = 0; kk < n; kk++) lanes[kk % 8] = Math.fround(lanes[kk % 8] + a[i * n + kk]);
          out[i] = lanes.reduce((x, y) => Math.fround(x + y), 0);
        }
        return out;
      },
    });
  }
  checkKernels(t, kernels);
});
