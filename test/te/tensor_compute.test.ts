// Tensor compute ops (te.compute over intrin.call, TVM's TensorComputeOp) beyond TVM's cases: a
// tensor compute computed at its consumer's loop (one intrinsic output a call, built and run
// against JS), a scalar-parameter intrinsic over a reduction without reset, explainBounds, and
// the errors of malformed calls and unsupported schedules.
import test from "ava";
import { build, explainBounds, lower, nd, registerFunc, te, tir } from "../../ts/index.js";
import { ArgumentError, DTypeError, ScheduleError, ShapeError } from "../../ts/errors.js";
import type { NDArray } from "../../ts/runtime/ndarray.js";

let serial = 0;
/** scale16: z = x * 2 over 16 elements, a JS function counting its calls. */
function scale16() {
  const fname = `tc_scale16_${process.pid}_${serial++}`;
  const seen = { calls: 0 };
  registerFunc(fname, (xs: NDArray, zs: NDArray) => {
    seen.calls++;
    for (let i = 0; i < 16; i++) zs.set([i], xs.get([i]) * 2);
  });
  const x = te.placeholder([16], "float32", "x");
  const z = te.compute([16], (i) => x.at(i).mul(2), "z");
  const intrin = te.declTensorIntrin(z.op, (ins, outs) => tir.callPacked(fname, ins[0], outs[0]), { name: "scale16", defaultBufferParams: { offsetFactor: 16 } });
  return { intrin, seen };
}

test("a tensor compute computed at its consumer's row loop: one row of storage, one call a row", (t) => {
  const { intrin, seen } = scale16();
  const A = te.placeholder([4, 16], "float32", "A");
  const C = te.compute([4, 16], (i) => intrin.call(te.slice(A, i, [0, 16])), "C");
  const D = te.compute([4, 16], (i, j) => C.at(i, j).add(1), "D");
  const s = te.createSchedule(D.op);
  s.stage(C).computeAt(s.stage(D), D.op.axis[0]);
  const text = lower(s, [A, D], { simpleMode: true }).toString();
  t.true(text.includes("allocate(C, float32, [16])"), text);
  const a = nd.array(Float32Array.from({ length: 64 }, (_, i) => i), [4, 16]);
  const d = nd.empty([4, 16]);
  build(s, [A, D]).getFunction("main")(a, d);
  t.is(seen.calls, 4);
  t.deepEqual(Array.from(d.toTypedArray()), Array.from({ length: 64 }, (_, i) => i * 2 + 1));
  const ex = explainBounds(s).stages.find((st) => st.stage === "C")!;
  t.like(ex, { kind: "tensor compute", attach: "at D.i", region: ["i:(i + 1)", "0:16"] });
  t.deepEqual(ex.reasons.slice(-1), ["each call of intrinsic 'scale16' writes [16] of its last dimensions"]);
});

test("a reduction without reset: the body in the first iteration, the update in the others", (t) => {
  // z = sum over the 8 elements of x, times a scalar parameter b; C[i] = sum over k of the calls.
  const names = { body: `tc_sum_${process.pid}`, update: `tc_sum_add_${process.pid}` };
  const calls = { body: 0, update: 0 };
  const sum = (xs: NDArray, b: number) => { let acc = 0; for (let q = 0; q < 8; q++) acc += xs.get([q]) * b; return acc; };
  registerFunc(names.body, (xs: NDArray, zs: NDArray, b: number) => { calls.body++; zs.set([0], sum(xs, b)); });
  registerFunc(names.update, (xs: NDArray, zs: NDArray, b: number) => { calls.update++; zs.set([0], zs.get([0]) + sum(xs, b)); });
  const x = te.placeholder([8], "float32", "x");
  const b = te.var("b", "float32");
  const q = te.reduceAxis([0, 8], "q");
  const z = te.compute([1], () => te.sum(x.at(q.var).mul(b), [q]), "z");
  const intrin = te.declTensorIntrin(z.op, (ins, outs, sp) => [
    tir.callPacked(names.body, ins[0], outs[0], sp[0]), null, tir.callPacked(names.update, ins[0], outs[0], sp[0]),
  ], { scalarParams: [b], defaultBufferParams: { offsetFactor: 1 } });
  const A = te.placeholder([3, 4, 8], "float32", "A");
  const k = te.reduceAxis([0, 4], "k");
  const C = te.compute([3, 1], (i) => intrin.call(te.slice(A, i, k.var, [0, 8]), te.const(0.5, "float32"), { reduceAxis: k }), "C");
  const s = te.createSchedule(C.op);
  const av = Float32Array.from({ length: 96 }, (_, i) => (i % 5) - 2);
  const out = nd.empty([3, 1]);
  build(s, [A, C]).getFunction("main")(nd.array(av, [3, 4, 8]), out);
  t.deepEqual(calls, { body: 3, update: 9 });
  const want = [0, 1, 2].map((i) => Array.from(av.slice(i * 32, i * 32 + 32)).reduce((p, v) => p + v * 0.5, 0));
  t.deepEqual(Array.from(out.toTypedArray()), want);
});

test("malformed calls and unsupported schedules are refused, naming the intrinsic or the stage", (t) => {
  const { intrin } = scale16();
  const A = te.placeholder([4, 16], "float32", "A");
  t.throws(() => te.compute([4, 16], (i) => intrin.call(te.slice(A, i, [0, 16]), te.slice(A, i, [0, 16]))), {
    instanceOf: ArgumentError, message: "call of intrinsic 'scale16': takes 1 tensor slices (one per input of 'z'), got 2",
  });
  t.throws(() => te.compute([4, 16], (i) => intrin.call(te.slice(A, i, [0, 16]), 3)), {
    instanceOf: ArgumentError, message: "call of intrinsic 'scale16': takes 0 scalar arguments (its scalarParams), got 1",
  });
  t.throws(() => te.compute([4, 16], () => (intrin.call as (...a: unknown[]) => never)(A)), {
    instanceOf: ArgumentError, message: "call of intrinsic 'scale16': argument 0 is the tensor 'A'; pass a region of it, te.slice(A, ...)",
  });
  const I = te.placeholder([4, 16], "int32", "I");
  t.throws(() => te.compute([4, 16], (i) => intrin.call(te.slice(I, i, [0, 16]))), { instanceOf: DTypeError, message: /slice 0 of 'I' is int32, the intrinsic's input 'x' float32/ });
  t.throws(() => te.compute([4, 8], (i) => intrin.call(te.slice(A, i, [0, 16]))), {
    instanceOf: ShapeError, message: "compute 'compute': its fcompute takes 1 indices, so the other dimensions [8] must be the output shape of intrinsic 'scale16', [16]",
  });
  t.throws(() => te.slice(A, 0, 1, 2), { instanceOf: ShapeError, message: "slice of 'A': 3 indices for a 2-dimensional tensor" });
  const C = te.compute([4, 16], (i) => intrin.call(te.slice(A, i, [0, 16])), "C");
  const D = te.compute([4, 16], (i, j) => C.at(i, j).add(1), "D");
  const s = te.createSchedule(D.op);
  t.throws(() => s.stage(C).computeInline(), { instanceOf: ScheduleError, message: "stage 'C': only compute stages can be inlined (this is a TensorComputeOp)" });
});
