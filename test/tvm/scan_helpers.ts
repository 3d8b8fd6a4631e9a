// Helpers of the ports of TVM's te.scan cases (test_te_schedule_ops, test_te_schedule_graph,
// test_te_schedule_bound_inference, test_te_tensor): scan programs of TVM's tests, and building
// and interpreting a program with both results compared.
import { build, lower, nd, te } from "../../ts/index.js";
import type { Tensor } from "../../ts/te/tensor.js";
import { interpret } from "../../ts/interp/index.js";

/** Runs `args` (inputs given, outputs made) built and interpreted; both results of each output. */
export function runBoth(s: te.Schedule, args: Tensor[], inputs: nd.NDArray[], outShapes: number[][]): number[][] {
  const outsBuilt = outShapes.map((sh) => nd.empty(sh, "float32"));
  build(s, args).getFunction("main")(...inputs, ...outsBuilt);
  const outsInterp = outShapes.map((sh) => nd.empty(sh, "float32"));
  interpret(lower(s, args), [...inputs, ...outsInterp], { poisonAllocations: true });
  outsBuilt.forEach((o, i) => {
    const a = Array.from(o.toTypedArray() as Float32Array);
    const b = Array.from(outsInterp[i].toTypedArray() as Float32Array);
    if (a.join() !== b.join()) throw new Error(`output ${i}: built ${a} but interpreted ${b}`);
  });
  return outsBuilt.map((o) => Array.from(o.toTypedArray() as Float32Array));
}

/** rows[t][i] = f(t, i) for a [m, n] result. */
export function table(m: number, n: number, f: (t: number, i: number) => number): number[] {
  const out: number[] = [];
  for (let t = 0; t < m; t++) for (let i = 0; i < n; i++) out.push(f(t, i));
  return out;
}

export function onesScan() {
  const m = te.var("m");
  const n = te.var("n");
  const x = te.compute([m, n], () => te.const(1, "float32"), "x");
  const sState = te.placeholder([m, n]);
  const sInit = te.compute([1, n], (_, i) => x.at(0, i));
  const sUpdate = te.compute([m, n], (t, i) => sState.at(t.sub(1), i).add(x.at(t, i)));
  const res = te.scan(sInit, sUpdate, sState);
  return { m, n, x, sState, sInit, sUpdate, res };
}

export function twoStateInputs() {
  const m = te.var("m");
  const n = te.var("n");
  const x = te.compute([m, n], () => te.const(1, "float32"), "x");
  const sState1 = te.placeholder([m, n]);
  const sState2 = te.placeholder([m, n]);
  const sInit1 = te.compute([1, n], (_, i) => x.at(0, i));
  const sInit2 = te.compute([1, n], (_, i) => x.at(0, i));
  return { m, n, x, sState1, sState2, sInit1, sInit2 };
}

export function graphScan() {
  const m = te.var("m");
  const n = te.var("n");
  const x = te.compute([m, n], () => te.const(1, "float32"), "x");
  const sState = te.placeholder([m, n]);
  const sInit = te.compute([1, n], (_, i) => x.at(0, i), "s_init");
  const xTrans = te.compute([m, n], (i, j) => x.at(i, j).add(1), "x_trans");
  const sUp1 = te.compute([m, n], (tt, i) => sState.at(tt.sub(1), i).add(1), "up1");
  const sUpdate = te.compute([m, n], (tt, i) => sUp1.at(tt, i).add(xTrans.at(tt, i)), "update");
  const sScan = te.scan(sInit, sUpdate, sState);
  return { x, sState, sInit, xTrans, sUp1, sUpdate, sScan };
}
