// Stage.tensorize with te.declTensorIntrin beyond TVM's own tests: a dot-product intrinsic and
// a GEMM tile intrinsic, as packed calls to JS functions and as TIR bodies, built and run (and
// interpreted) against JS references. The refusals are in tensorize_errors.test.ts.

import test from "ava";
import "../runtime/helpers.js"; // a private compile cache for this test process
import { te, tir, lower, build, nd, registerFunc, interpret, scheduleToPrimFunc } from "../../ts/index.js";
import type { NDArray } from "../../ts/runtime/ndarray.js";
import type { Buffer } from "../../ts/ir/buffer.js";
import { uniqueName } from "../extern/helpers.js";

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    a[i] = ((x >> 8) % 200) / 50 - 2;
  }
  return a;
}

function maxRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  return worst;
}

function bodyText(mod: { toString(): string }): string[] {
  const lines = mod.toString().split("\n");
  return lines.slice(lines.findIndex((l) => l.includes("buffer_map")) + 1, -1).map((l) => l.trimEnd());
}

// ---- a dot product: z[0] = sum_k x[k] * y[k] over 16 elements -------------------------------

function dotIntrin(names: { dot: string; reset: string; dotAdd: string }, withReset: boolean) {
  const x = te.placeholder([16], "float32", "x");
  const y = te.placeholder([16], "float32", "y");
  const k = te.reduceAxis([0, 16], "k");
  const z = te.compute([1], () => te.sum(x.at(k).mul(y.at(k)), k), "z");
  return te.declTensorIntrin(z.op, (ins, outs) => [
    tir.callPacked(names.dot, ins[0], ins[1], outs[0]),
    withReset ? tir.callPacked(names.reset, outs[0]) : null,
    tir.callPacked(names.dotAdd, ins[0], ins[1], outs[0]),
  ], {
    name: "dot16",
    defaultBufferParams: { offsetFactor: 16 },
    // The output is one element of C: its offset is any row, so no offset factor.
    binds: new Map([[z, tir.declBuffer([1], "float32", "z", { elemOffset: te.var("z_off") })]]),
  });
}

function registerDot() {
  const names = { dot: uniqueName("dot"), reset: uniqueName("dot_reset"), dotAdd: uniqueName("dot_add") };
  const calls = { dot: 0, reset: 0, dotAdd: 0 };
  const dot = (x: NDArray, y: NDArray): number => {
    let acc = 0;
    for (let i = 0; i < x.shape[0]; i++) acc += x.get([i]) * y.get([i]);
    return acc;
  };
  registerFunc(names.dot, (x: NDArray, y: NDArray, z: NDArray) => { calls.dot++; z.set([0], dot(x, y)); });
  registerFunc(names.dotAdd, (x: NDArray, y: NDArray, z: NDArray) => { calls.dotAdd++; z.set([0], z.get([0]) + dot(x, y)); });
  registerFunc(names.reset, (z: NDArray) => { calls.reset++; z.set([0], 0); });
  return { names, calls };
}

for (const withReset of [true, false]) {
  test(`a dot-product intrinsic tensorizes a row-wise dot product split by 16 (${withReset ? "reset + update" : "body, then update"})`, (t) => {
    const { names, calls } = registerDot();
    const [n, m] = [8, 64];
    const A = te.placeholder([n, m], "float32", "A");
    const B = te.placeholder([n, m], "float32", "B");
    const k = te.reduceAxis([0, m], "k");
    const C = te.compute([n], (i) => te.sum(A.at(i, k).mul(B.at(i, k)), k), "C");
    const s = te.createSchedule(C.op);
    const [, ki] = s.stage(C).split(k, { factor: 16 });
    s.stage(C).tensorize(ki, dotIntrin(names, withReset));
    const text = bodyText(lower(s, [A, B, C], { simpleMode: true }));
    t.is(text[0], "  for (i: int32, 0, 8) {");
    t.is(text.filter((l) => l.includes(names.reset)).length, withReset ? 1 : 0);
    if (!withReset) t.true(text.includes("      if @tir.likely((0 < k.outer), dtype=bool) {"), text.join("\n"));
    const a = rand(n * m, 1);
    const b = rand(n * m, 2);
    const want = Array.from({ length: n }, (_, i) => {
      let acc = 0;
      for (let j = 0; j < m; j++) acc += a[i * m + j] * b[i * m + j];
      return acc;
    });
    const c = nd.array(new Float32Array(n).fill(Number.NaN));
    build(s, [A, B, C]).getFunction("main")(nd.array(a, [n, m]), nd.array(b, [n, m]), c);
    t.true(maxRelError(c.toTypedArray(), want) < 1e-5);
    t.deepEqual(calls, withReset ? { dot: 0, reset: n, dotAdd: n * 4 } : { dot: n, reset: 0, dotAdd: n * 3 });
    const d = nd.array(new Float32Array(n).fill(Number.NaN));
    interpret(lower(s, [A, B, C]), [nd.array(a, [n, m]), nd.array(b, [n, m]), d]);
    t.true(maxRelError(d.toTypedArray(), want) < 1e-5);
  });
}

test("a dot-product intrinsic with a TIR body (body, then update): built and interpreted", (t) => {
  const x = te.placeholder([16], "float32", "x");
  const y = te.placeholder([16], "float32", "y");
  const k = te.reduceAxis([0, 16], "k");
  const z = te.compute([1], () => te.sum(x.at(k).mul(y.at(k)), k), "z");
  const dot = (xx: Buffer, yy: Buffer, zz: Buffer, accumulate: boolean) => {
    const ib = tir.irBuilder();
    const [X, Y, Z] = [ib.bufferPtr(xx), ib.bufferPtr(yy), ib.bufferPtr(zz)];
    if (!accumulate) Z.set(0, te.const(0, "float32"));
    ib.forRange(0, 16, "k", (kk) => Z.set(0, Z.get(0).add(X.get(kk).mul(Y.get(kk)))));
    return ib.get();
  };
  const intrin = te.declTensorIntrin(z.op, (ins, outs) => [dot(ins[0], ins[1], outs[0], false), null, dot(ins[0], ins[1], outs[0], true)], {
    name: "dot16",
    defaultBufferParams: { offsetFactor: 16 },
    binds: new Map([[z, tir.declBuffer([1], "float32", "z", { elemOffset: te.var("z_off") })]]),
  });
  const [n, m] = [5, 48];
  const A = te.placeholder([n, m], "float32", "A");
  const B = te.placeholder([n, m], "float32", "B");
  const r = te.reduceAxis([0, m], "r");
  const C = te.compute([n], (i) => te.sum(A.at(i, r).mul(B.at(i, r)), r), "C");
  const s = te.createSchedule(C.op);
  const [, ri] = s.stage(C).split(r, { factor: 16 });
  s.stage(C).tensorize(ri, intrin);
  const text = bodyText(lower(s, [A, B, C], { simpleMode: true }));
  t.deepEqual(text.slice(0, 4), [
    "  for (i: int32, 0, 5) {",
    "    for (r.outer: int32, 0, 3) {",
    "      if @tir.likely((0 < r.outer), dtype=bool) {",
    "        for (k: int32, 0, 16) {",
  ]);
  const a = rand(n * m, 11);
  const b = rand(n * m, 12);
  const want = Array.from({ length: n }, (_, i) => {
    let acc = 0;
    for (let j = 0; j < m; j++) acc += a[i * m + j] * b[i * m + j];
    return acc;
  });
  const c = nd.array(new Float32Array(n).fill(Number.NaN));
  build(s, [A, B, C]).getFunction("main")(nd.array(a, [n, m]), nd.array(b, [n, m]), c);
  t.true(maxRelError(c.toTypedArray(), want) < 1e-5);
  const d = nd.array(new Float32Array(n).fill(Number.NaN));
  interpret(lower(s, [A, B, C]), [nd.array(a, [n, m]), nd.array(b, [n, m]), d]);
  t.true(maxRelError(d.toTypedArray(), want) < 1e-5);
});

// ---- a GEMM tile: c[8, 8] += a[8, 16] * b[16, 8], strided buffers ---------------------------

const [TM, TN, TK] = [8, 8, 16];

function gemmPattern() {
  const a = te.placeholder([TM, TK], "float32", "a");
  const b = te.placeholder([TK, TN], "float32", "b");
  const k = te.reduceAxis([0, TK], "k");
  const c = te.compute([TM, TN], (i, j) => te.sum(a.at(i, k).mul(b.at(k, j)), k), "c");
  const strided = (name: string, shape: number[]) =>
    tir.declBuffer(shape, "float32", name, { offsetFactor: 1, strides: [te.var(`${name}_ld`), 1], elemOffset: te.var(`${name}_off`) });
  const binds = new Map([[a, strided("a", [TM, TK])], [b, strided("b", [TK, TN])], [c.op.output(0), strided("c", [TM, TN])]]);
  return { op: c.op, binds };
}

function gemmProgram(n: number, intrin: ReturnType<typeof te.declTensorIntrin>) {
  const A = te.placeholder([n, n], "float32", "A");
  const B = te.placeholder([n, n], "float32", "B");
  const k = te.reduceAxis([0, n], "k");
  const C = te.compute([n, n], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
  const s = te.createSchedule(C.op);
  const sc = s.stage(C);
  const [io, jo, ii, ji] = sc.tile(C.op.axis[0], C.op.axis[1], TM, TN);
  const [ko, ki] = sc.split(k, { factor: TK });
  sc.reorder(io, jo, ko, ii, ji, ki);
  sc.tensorize(ii, intrin);
  sc.parallel(io);
  return { A, B, C, s };
}

function gemmReference(n: number, a: Float32Array, b: Float32Array): Float32Array {
  const c = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let kk = 0; kk < n; kk++) {
    const av = a[i * n + kk];
    for (let j = 0; j < n; j++) c[i * n + j] += av * b[kk * n + j];
  }
  return c;
}

test("a GEMM tile intrinsic whose reset and update are packed calls to JS functions", (t) => {
  const names = { reset: uniqueName("gemm_reset"), update: uniqueName("gemm_update") };
  const seen: { shape: number[]; strides: number[] }[] = [];
  registerFunc(names.reset, (c: NDArray) => {
    for (let i = 0; i < c.shape[0]; i++) for (let j = 0; j < c.shape[1]; j++) c.set([i, j], 0);
  });
  registerFunc(names.update, (a: NDArray, b: NDArray, c: NDArray) => {
    if (seen.length < 1) seen.push({ shape: [...a.shape], strides: [...a.strides] });
    for (let i = 0; i < c.shape[0]; i++) for (let j = 0; j < c.shape[1]; j++) {
      let acc = c.get([i, j]);
      for (let kk = 0; kk < a.shape[1]; kk++) acc += a.get([i, kk]) * b.get([kk, j]);
      c.set([i, j], acc);
    }
  });
  const { op, binds } = gemmPattern();
  const intrin = te.declTensorIntrin(op, (ins, outs) => [
    null, tir.callPacked(names.reset, outs[0]), tir.callPacked(names.update, ins[0], ins[1], outs[0]),
  ], { name: "gemm8x8x16", binds });
  const n = 32;
  const { A, B, C, s } = gemmProgram(n, intrin);
  t.deepEqual(bodyText(lower(s, [A, B, C], { simpleMode: true })).map((l) => l.replace(/@tir\.tvm_stack_make_array.*/, "…")), [
    "  for (i.outer: int32, 0, 4) \"parallel\" {",
    "    for (j.outer: int32, 0, 4) {",
    `      @tir.tvm_call_packed("${names.reset}", …`,
    "      for (k.outer: int32, 0, 2) {",
    `        @tir.tvm_call_packed("${names.update}", …`,
    "      }",
    "    }",
    "  }",
  ]);
  const a = rand(n * n, 3);
  const b = rand(n * n, 4);
  const c = nd.empty([n, n]);
  build(s, [A, B, C]).getFunction("main")(nd.array(a, [n, n]), nd.array(b, [n, n]), c);
  t.true(maxRelError(c.toTypedArray(), gemmReference(n, a, b)) < 1e-5);
  t.deepEqual(seen, [{ shape: [TM, TK], strides: [n, 1] }]);
});

function tirGemmIntrin() {
  const { op, binds } = gemmPattern();
  const reset = (cc: Buffer) => {
    const ib = tir.irBuilder();
    const C = ib.bufferPtr(cc);
    ib.forRange(0, TM, "i", (i) => ib.forRange(0, TN, "j", (j) => C.set([i, j], te.const(0, "float32"))));
    return ib.get();
  };
  const update = (aa: Buffer, bb: Buffer, cc: Buffer) => {
    const ib = tir.irBuilder();
    const [Ap, Bp, Cp] = [ib.bufferPtr(aa), ib.bufferPtr(bb), ib.bufferPtr(cc)];
    ib.forRange(0, TM, "i", (i) => ib.forRange(0, TN, "j", (j) => ib.forRange(0, TK, "k", (k) => {
      Cp.set([i, j], Cp.get([i, j]).add(Ap.get([i, k]).mul(Bp.get([k, j]))));
    })));
    return ib.get();
  };
  return te.declTensorIntrin(op, (ins, outs) => [null, reset(outs[0]), update(ins[0], ins[1], outs[0])], { name: "gemm8x8x16", binds });
}

test("a GEMM tile intrinsic with a TIR body: built and interpreted", (t) => {
  const n = 32;
  const { A, B, C, s } = gemmProgram(n, tirGemmIntrin());
  const text = bodyText(lower(s, [A, B, C], { simpleMode: true }));
  t.deepEqual(text, [
    "  for (i.outer: int32, 0, 4) \"parallel\" {",
    "    for (j.outer: int32, 0, 4) {",
    "      for (i: int32, 0, 8) {",
    "        for (j: int32, 0, 8) {",
    "          C_2[((((i.outer*256) + (i*32)) + (j.outer*8)) + j)] = 0f32",
    "        }",
    "      }",
    "      for (k.outer: int32, 0, 2) {",
    "        for (i_1: int32, 0, 8) {",
    "          for (j_1: int32, 0, 8) {",
    "            for (k: int32, 0, 16) {",
    "              C_2[((((i.outer*256) + (i_1*32)) + (j.outer*8)) + j_1)] = ((float32*)C_2[((((i.outer*256) + (i_1*32)) + (j.outer*8)) + j_1)] + ((float32*)A_2[((((i.outer*256) + (i_1*32)) + (k.outer*16)) + k)]*(float32*)B_2[((((k.outer*512) + (k*32)) + (j.outer*8)) + j_1)]))",
    "            }",
    "          }",
    "        }",
    "      }",
    "    }",
    "  }",
  ]);
  const a = rand(n * n, 5);
  const b = rand(n * n, 6);
  const want = gemmReference(n, a, b);
  const c = nd.array(new Float32Array(n * n).fill(Number.NaN), [n, n]);
  build(s, [A, B, C]).getFunction("main")(nd.array(a, [n, n]), nd.array(b, [n, n]), c);
  t.true(maxRelError(c.toTypedArray(), want) < 1e-5);
  const d = nd.array(new Float32Array(n * n).fill(Number.NaN), [n, n]);
  interpret(lower(s, [A, B, C]), [nd.array(a, [n, n]), nd.array(b, [n, n]), d], { parallelOrder: "shuffle" });
  t.true(maxRelError(d.toTypedArray(), want) < 1e-5);
});

test("a write cache computed at a tile loop, tensorized by 4 x 8 blocks: the reset runs in the init nest, over .init loops", (t) => {
  const [TM, TN, TK] = [4, 8, 8];
  const a = te.placeholder([TM, TK], "float32", "a");
  const b = te.placeholder([TK, TN], "float32", "b");
  const kk = te.reduceAxis([0, TK], "k");
  const c = te.compute([TM, TN], (i, j) => te.sum(a.at(i, kk).mul(b.at(kk, j)), kk), "c");
  const sb = (name: string, shape: number[]) => tir.declBuffer(shape, "float32", name, { offsetFactor: 1, strides: [te.var(`${name}_ld`), 1] });
  const intrin = te.declTensorIntrin(c.op, (ins, outs) => {
    const mk = (reset: boolean) => { const ib = tir.irBuilder(); const [A, B, C] = [ib.bufferPtr(ins[0]), ib.bufferPtr(ins[1]), ib.bufferPtr(outs[0])];
      ib.forRange(0, TM, "i", (i) => ib.forRange(0, TN, "j", (j) => { if (reset) C.set([i, j], 0); else ib.forRange(0, TK, "k", (k) => C.set([i, j], C.get([i, j]).add(A.get([i, k]).mul(B.get([k, j]))))); }));
      return ib.get(); };
    return [null, mk(true), mk(false)];
  }, { binds: new Map([[a, sb("a", [TM, TK])], [b, sb("b", [TK, TN])], [c.op.output(0), sb("c", [TM, TN])]]) });
  const n = 32;
  const A = te.placeholder([n, n], "float32", "A");
  const B = te.placeholder([n, n], "float32", "B");
  const k = te.reduceAxis([0, n], "k");
  const C = te.compute([n, n], (i, j) => te.sum(A.at(i, k).mul(B.at(k, j)), k), "C");
  const s = te.createSchedule(C.op);
  const CC = s.cacheWrite(C, "global");
  const [xo, yo] = s.stage(C).tile(C.op.axis[0], C.op.axis[1], 16, 16);
  s.stage(CC).computeAt(s.stage(C), yo);
  const [cx, cy] = s.stage(CC).op.axis;
  const [ko, ki] = s.stage(CC).split(s.stage(CC).op.reduceAxis[0], { factor: TK });
  // k.outer outermost in the tile: the tile's blocks are reset, then updated block by block.
  const [cxo, cxi] = s.stage(CC).split(cx, { factor: TM });
  const [cyo, cyi] = s.stage(CC).split(cy, { factor: TN });
  s.stage(CC).reorder(ko, cxo, cyo, cxi, cyi, ki);
  s.stage(CC).tensorize(cxi, intrin);
  s.stage(C).parallel(xo);
  const mod = lower(s, [A, B, C], { simpleMode: true });
  t.deepEqual(mod.toString().split("\n").filter((l) => /for \(|allocate/.test(l)).map((l) => l.trimEnd()), [
    "  for (i.outer: int32, 0, 2) \"parallel\" {",
    "    allocate(C.global, float32, [256]);",
    "    for (j.outer: int32, 0, 2) {",
    "      for (i.c.outer.init: int32, 0, 4) {",
    "        for (j.c.outer.init: int32, 0, 2) {",
    "          for (i: int32, 0, 4) {",
    "            for (j: int32, 0, 8) {",
    "      for (k.outer: int32, 0, 4) {",
    "        for (i.c.outer: int32, 0, 4) {",
    "          for (j.c.outer: int32, 0, 2) {",
    "            for (i_1: int32, 0, 4) {",
    "              for (j_1: int32, 0, 8) {",
    "                for (k: int32, 0, 8) {",
    "      for (i.inner: int32, 0, 16) {",
    "        for (j.inner: int32, 0, 16) {",
  ]);
  const av = Float32Array.from({ length: n * n }, (_, i) => (i % 7) - 3), bv = Float32Array.from({ length: n * n }, (_, i) => (i % 5) - 2);
  const want = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let acc = 0; for (let q = 0; q < n; q++) acc += av[i * n + q] * bv[q * n + j]; want[i * n + j] = acc; }
  const out = nd.empty([n, n]);
  build(s, [A, B, C]).getFunction("main")(nd.array(av, [n, n]), nd.array(bv, [n, n]), out);
  t.deepEqual([...out.toTypedArray()], [...want]);
  const out2 = nd.empty([n, n]);
  interpret(lower(s, [A, B, C]), [nd.array(av, [n, n]), nd.array(bv, [n, n]), out2]);
  t.deepEqual([...out2.toTypedArray()], [...want]);
});

test("a GEMV intrinsic of lower rank binds the trailing dimensions of C's rows: built, and interpreted before and after flattening", (t) => {
  const names = { reset: uniqueName("gemv_reset"), update: uniqueName("gemv_update") };
  registerFunc(names.reset, (z: NDArray) => { for (let i = 0; i < z.shape[0]; i++) z.set([i], 0); });
  registerFunc(names.update, (w: NDArray, x: NDArray, z: NDArray) => {
    for (let i = 0; i < z.shape[0]; i++) {
      let acc = z.get([i]);
      for (let j = 0; j < x.shape[0]; j++) acc += w.get([i, j]) * x.get([j]);
      z.set([i], acc);
    }
  });
  const w = te.placeholder([16, 16], "float32", "w");
  const x = te.placeholder([16], "float32", "x");
  const kk = te.reduceAxis([0, 16], "k");
  const zt = te.compute([16], (i) => te.sum(w.at(i, kk).mul(x.at(kk)), kk), "z");
  const W = tir.declBuffer([16, 16], "float32", "W", { strides: [te.var("ldw"), 1], offsetFactor: 16 });
  const gemv = te.declTensorIntrin(zt.op, (ins, outs) => [
    null, tir.callPacked(names.reset, outs[0]), tir.callPacked(names.update, ins[0], ins[1], outs[0]),
  ], { name: "gemv16", binds: new Map([[w, W]]), defaultBufferParams: { offsetFactor: 16 } });
  const [n, m, l] = [3, 32, 48];
  const A = te.placeholder([n, l], "float32", "A");
  const B = te.placeholder([m, l], "float32", "B");
  const r = te.reduceAxis([0, l], "r");
  const C = te.compute([n, m], (i, j) => te.sum(B.at(j, r).mul(A.at(i, r)), r), "C");
  const s = te.createSchedule(C.op);
  const [jo, ji] = s.stage(C).split(C.op.axis[1], { factor: 16 });
  const [ro, ri] = s.stage(C).split(r, { factor: 16 });
  s.stage(C).reorder(jo, ro, ji, ri);
  s.stage(C).tensorize(ji, gemv);
  const a = rand(n * l, 8);
  const b = rand(m * l, 9);
  const want = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let q = 0; q < l; q++) want[i * m + j] += b[j * l + q] * a[i * l + q];
  const run = (f: (args: NDArray[]) => void): Float32Array => {
    const c = nd.array(new Float32Array(n * m).fill(Number.NaN), [n, m]);
    f([nd.array(a, [n, l]), nd.array(b, [m, l]), c]);
    return c.toTypedArray() as Float32Array;
  };
  t.true(maxRelError(run((args) => build(s, [A, B, C]).getFunction("main")(...args)), want) < 1e-5);
  t.true(maxRelError(run((args) => interpret(lower(s, [A, B, C]), args)), want) < 1e-5);
  t.true(maxRelError(run((args) => interpret(scheduleToPrimFunc(s, [A, B, C]), args)), want) < 1e-5);
});
