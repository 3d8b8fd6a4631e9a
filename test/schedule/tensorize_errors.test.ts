// The refusals of Stage.tensorize and te.declTensorIntrin: each Error names the stage, the
// axis and the intrinsic, and says what differs or what is missing.

import test from "ava";
import "../runtime/helpers.js"; // a private compile cache for this test process
import { te, tir, lower, build, nd, registerFunc } from "../../ts/index.js";
import type { NDArray } from "../../ts/runtime/ndarray.js";
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

function vaddIntrin(n: number, f: (a: tir.PrimExpr, b: tir.PrimExpr) => tir.PrimExpr, fname = "vadd", dtype = "float32") {
  const x = te.placeholder([n], dtype, "vx");
  const y = te.placeholder([n], dtype, "vy");
  const z = te.compute([n], (i) => f(x.at(i), y.at(i)), "vz");
  return te.declTensorIntrin(z.op, (ins, outs) => tir.callPacked(fname, ins[0], ins[1], outs[0]),
    { name: "vadd", defaultBufferParams: { offsetFactor: 16 } });
}

const fma = (a: tir.PrimExpr, b: tir.PrimExpr) => a.mul(b).add(b);

function fmaProgram(m: number, factor: number) {
  const x = te.placeholder([m], "float32", "x");
  const y = te.placeholder([m], "float32", "y");
  const z = te.compute([m], (i) => fma(x.at(i), y.at(i)), "z");
  const s = te.createSchedule(z.op);
  const [xo, xi] = s.stage(z).split(z.op.axis[0], { factor });
  return { x, y, z, s, xo, xi, lowered: () => lower(s, [x, y, z]) };
}

test("a loop nest that does not compute the intrinsic's expression is refused, naming stage, axis and the difference", (t) => {
  const p = fmaProgram(128, 16);
  p.s.stage(p.z).tensorize(p.xi, vaddIntrin(16, (a, b) => a.add(b).add(b)));
  t.throws(p.lowered, {
    message: "tensorize of stage 'z' at axis 'i.inner' with intrinsic 'vadd': the loop nest does not compute what the intrinsic declares: the stage has (vx[i]*vy[i]) where the intrinsic has (vx[i] + vy[i]) (stage: ((vx[i]*vy[i]) + vy[i]); intrinsic: ((vx[i] + vy[i]) + vy[i]))",
  });
});

test("a different reducer, extent, dtype or number of inputs is refused", (t) => {
  const p = fmaProgram(128, 32);
  p.s.stage(p.z).tensorize(p.xi, vaddIntrin(16, fma));
  t.throws(p.lowered, { message: "tensorize of stage 'z' at axis 'i.inner' with intrinsic 'vadd': data-parallel axis 'i' covers 32 iterations inside the tensorized axis, the intrinsic's axis 'i' 16" });

  const q = fmaProgram(128, 16);
  q.s.stage(q.z).tensorize(q.xi, vaddIntrin(16, fma, "vadd", "float64"));
  t.throws(q.lowered, { message: "tensorize of stage 'z' at axis 'i.inner' with intrinsic 'vadd': input 'x' is float32, the intrinsic's 'vx' float64" });

  const r = fmaProgram(128, 16);
  const vx = te.placeholder([16], "float32", "vx");
  const sq = te.compute([16], (i) => vx.at(i).mul(vx.at(i)), "sq");
  r.s.stage(r.z).tensorize(r.xi, te.declTensorIntrin(sq.op, (ins, outs) => tir.callPacked("sq", ins[0], outs[0]), { name: "sq" }));
  t.throws(r.lowered, { message: "tensorize of stage 'z' at axis 'i.inner' with intrinsic 'sq': the stage reads 2 tensors ('x', 'y'), the intrinsic 1 ('vx')" });

  const A = te.placeholder([8, 64], "float32", "A");
  const k = te.reduceAxis([0, 64], "k");
  const C = te.compute([8], (i) => te.max(A.at(i, k), k), "C");
  const x = te.placeholder([64], "float32", "x");
  const kk = te.reduceAxis([0, 64], "kk");
  const z = te.compute([1], () => te.sum(x.at(kk), kk), "z");
  const s = te.createSchedule(C.op);
  s.stage(C).tensorize(k, te.declTensorIntrin(z.op, (ins, outs) => tir.callPacked("sum64", ins[0], outs[0]), { name: "sum64" }));
  t.throws(() => lower(s, [A, C]), {
    message: "tensorize of stage 'C' at axis 'k' with intrinsic 'sum64': the loop nest does not compute what the intrinsic declares: the stage reduces with max(x, y) over (x, y), identity -3.40282e+38f32 where the intrinsic reduces with (x + y) over (x, y), identity 0f32 (stage: reduce max(x, y) of x[kk] over kk; intrinsic: reduce (x + y) of x[kk] over kk)",
  });
});

test("a split reduction needs an update; a split guard inside the tensorized axis is refused", (t) => {
  const A = te.placeholder([8, 64], "float32", "A");
  const k = te.reduceAxis([0, 64], "k");
  const C = te.compute([8], (i) => te.sum(A.at(i, k), k), "C");
  const x = te.placeholder([16], "float32", "x");
  const kk = te.reduceAxis([0, 16], "kk");
  const z = te.compute([1], () => te.sum(x.at(kk), kk), "z");
  const s = te.createSchedule(C.op);
  const [, ki] = s.stage(C).split(k, { factor: 16 });
  s.stage(C).tensorize(ki, te.declTensorIntrin(z.op, (ins, outs) => tir.callPacked("sum16", ins[0], outs[0]), { name: "sum16" }));
  t.throws(() => lower(s, [A, C]), { message: "tensorize of stage 'C' at axis 'k.inner' with intrinsic 'sum16': a reduction loop runs outside the tensorized axis, so the intrinsic needs an update (fcompute returning [body, reset, update])" });

  const p = fmaProgram(100, 16);
  p.s.stage(p.z).tensorize(p.xi, vaddIntrin(16, fma));
  t.throws(p.lowered, { message: "tensorize of stage 'z' at axis 'i.inner' with intrinsic 'vadd': the split guard @tir.likely(((i.inner + (i.outer*16)) < 100), dtype=bool) depends on a loop inside the tensorized axis (split so that the tensorized loops divide evenly)" });
});

test("an element offset that is not a multiple of the offset factor fails the kernel's assertion", (t) => {
  const fname = uniqueName("vadd8");
  let calls = 0;
  registerFunc(fname, (a: NDArray, b: NDArray, c: NDArray) => {
    calls++;
    for (let i = 0; i < c.shape[0]; i++) c.set([i], a.get([i]) * b.get([i]) + b.get([i]));
  });
  const p = fmaProgram(128, 8);
  p.s.stage(p.z).tensorize(p.xi, vaddIntrin(8, fma, fname));
  t.true(p.lowered().toString().includes(`assert((floormod(i.outer, 2) == 0), "buffer 'vx' bound to 'x': the element offset is not a multiple of the offset factor 16")`));
  const f = build(p.s, [p.x, p.y, p.z]).getFunction("main");
  t.throws(() => f(nd.array(rand(128, 1)), nd.array(rand(128, 2)), nd.empty([128])), { message: /buffer 'vx' bound to 'x': the element offset is not a multiple of the offset factor 16/ });
  t.is(calls, 1); // i.outer = 0 ran; i.outer = 1 failed
});

test("tensorize and declTensorIntrin refuse bad arguments", (t) => {
  const p = fmaProgram(128, 16);
  const intrin = vaddIntrin(16, fma);
  t.throws(() => p.s.stage(p.z).tensorize(p.z.op.axis[0], intrin), { message: "stage 'z': cannot tensorize axis 'i': it is no longer a leaf (it was already split or fused)" });
  t.throws(() => p.s.stage(p.z).tensorize(p.xi, {} as never), { message: "stage 'z': tensorize expects a TensorIntrin (te.declTensorIntrin), got an object (Object)" });
  t.throws(() => p.s.stage(p.x).tensorize(p.xi, intrin), { message: "stage 'x': only compute stages can be tensorized (this is a PlaceholderOp)" });
  p.s.stage(p.z).tensorize(p.xi, intrin);
  t.throws(() => p.s.stage(p.z).tensorize(p.xo, intrin), { message: "stage 'z': axis 'i.inner' is already tensorized; a stage has one tensorized axis" });
  for (const [action, f] of [
    ["split", () => p.s.stage(p.z).split(p.xi, { factor: 4 })],
    ["fuse", () => p.s.stage(p.z).fuse(p.xo, p.xi)],
    ["vectorize", () => p.s.stage(p.z).vectorize(p.xi)],
    ["unroll", () => p.s.stage(p.z).unroll(p.xi)],
  ] as const) {
    t.throws(f, { message: `stage 'z': cannot ${action} axis 'i.inner': it is tensorized (schedule the loops before tensorize)` });
  }

  const x = te.placeholder([16], "float32", "x");
  const y = te.compute([16], (i) => x.at(i), "y");
  const z = te.compute([16], (i) => y.at(i), "z");
  t.throws(() => te.declTensorIntrin(x.op, () => tir.callPacked("f")), { message: "declTensorIntrin 'tensor_intrin': the pattern must be a compute op (te.compute(...).op), got an object (PlaceholderOp)" });
  t.throws(() => te.declTensorIntrin(z.op, () => tir.callPacked("f")), { message: "declTensorIntrin 'tensor_intrin': input 'y' of 'z' must be a placeholder (an intrinsic's pattern reads placeholders only), got ComputeOp(y)" });
  t.throws(() => te.declTensorIntrin(y.op, () => 3 as never), { message: "declTensorIntrin 'tensor_intrin': the body must be a statement, an expression (a call) or null, got number 3" });
  t.throws(() => te.declTensorIntrin(y.op, () => tir.callPacked("f"), { binds: new Map([[x, tir.declBuffer([16], "int32", "X")]]) }),
    { message: "declTensorIntrin 'tensor_intrin': buffer 'X' bound to 'x' has dtype int32, the tensor float32" });
  t.throws(() => te.declTensorIntrin(y.op, () => [null, null, null]), { message: "declTensorIntrin 'tensor_intrin': fcompute returned neither a body nor an update" });
});
