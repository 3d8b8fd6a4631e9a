// The interpreter on what lower() produces: the seed program (an extern stage calling a JS
// function, attached with computeAt), and a matmul under a split/reorder/parallel schedule —
// run before flattening (scheduleToPrimFunc) and after (lower), against JS references.
import test from "ava";
import { te, tir, lower } from "../../ts/index.js";
import { scheduleToPrimFunc } from "../../ts/lower.js";
import { type NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";
import { interpret } from "../../ts/interp/index.js";

test("the seed program runs: the extern is called once per outer iteration on the whole tensor", (t) => {
  const calls: number[][] = [];
  registerFunc("interp_test_seed_plus_one", (input: NDArray, output: NDArray) => {
    calls.push([...input.shape, ...output.shape]);
    output.copyFrom(input.toTypedArray().map((v) => v + 1));
  }, { override: true });
  const shape = [3, 4, 8];
  const build = () => {
    const dataIn = te.placeholder(shape);
    const dataMid = te.extern(shape, [dataIn], (ins, outs) => tir.callPacked("interp_test_seed_plus_one", ins[0], outs[0])) as te.Tensor;
    const dataOut = te.compute(shape, (i, j, k) => dataMid.at(i, j, k).mul(2));
    const s = te.createSchedule(dataOut.op);
    s.stage(dataMid).computeAt(s.stage(dataOut), s.stage(dataOut).op.axis[0]);
    return { s, args: [dataIn, dataOut] };
  };
  const input = Float32Array.from({ length: 96 }, (_, i) => i * 0.5);
  const early = build();
  const late = build();
  for (const f of [scheduleToPrimFunc(early.s, early.args, { onWarning: () => {} }), lower(late.s, late.args, { onWarning: () => {} })]) {
    calls.length = 0;
    const out = empty(shape);
    interpret(f, [array(input, shape), out], { poisonAllocations: true });
    t.deepEqual(Array.from(out.toTypedArray()), Array.from(input, (v) => (v + 1) * 2));
    t.deepEqual(calls, [[3, 4, 8, 3, 4, 8], [3, 4, 8, 3, 4, 8], [3, 4, 8, 3, 4, 8]]);
  }
});

test("a scheduled matmul gives the reference result before and after flattening, in any parallel order", (t) => {
  const n = 12;
  const build = (schedule: boolean) => {
    const A = te.placeholder([n, n], "float32", "A");
    const B = te.placeholder([n, n], "float32", "B");
    const k = te.reduceAxis([0, n], "k");
    const C = te.compute([n, n], (i, j) => te.sum(A.at(i, k.var).mul(B.at(k.var, j)), [k]), "C");
    const s = te.createSchedule(C.op);
    if (schedule) {
      const st = s.stage(C);
      const [i, j] = st.op.axis;
      const [jo, ji] = st.split(j, { factor: 5 }); // uneven: 12 = 5 + 5 + 2
      st.reorder(i, jo, k, ji);
      st.parallel(i);
    }
    return { s, args: [A, B, C] };
  };
  const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.3));
  const ref: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let r = 0; r < n; r++) acc = Math.fround(acc + Math.fround(a[i * n + r] * b[r * n + j]));
      ref.push(acc);
    }
  }
  for (const schedule of [false, true]) {
    const early = build(schedule);
    const late = build(schedule);
    for (const f of [scheduleToPrimFunc(early.s, early.args), lower(late.s, late.args, { onWarning: () => {} })]) {
      for (const parallelOrder of ["forward", "reverse", "shuffle"] as const) {
        const c = empty([n, n]);
        interpret(f, [array(a, [n, n]), array(b, [n, n]), c], { parallelOrder, poisonAllocations: true });
        t.deepEqual(Array.from(c.toTypedArray()), ref, `schedule ${schedule}, ${parallelOrder}`);
      }
    }
  }
});
