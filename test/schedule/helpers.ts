// Helpers for the schedule tests: random inputs, running a lowered program with
// the interpreter, and evaluating a bound expression at given variable values.

import { lower, nd } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";
import { Analyzer } from "../../ts/arith/analyzer.js";
import { IntImm, type PrimExpr, type Var } from "../../ts/ir/expr.js";
import { substitute } from "../../ts/ir/substitute.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { Tensor } from "../../ts/te/tensor.js";
import { randomInt } from "../helpers/random.js";

export function shapeOf(t: Tensor): number[] {
  return t.shape.map((d, i) => {
    if (!(d instanceof IntImm)) throw new Error(`tensor '${t.name}': dimension ${i} is not constant (${d})`);
    return d.value;
  });
}

/** A random array for `t`: small integers for integer dtypes, floats in [-1, 1) otherwise. */
export function randomInput(t: Tensor, rand: () => number): nd.NDArray {
  const shape = shapeOf(t);
  const n = shape.reduce((a, b) => a * b, 1);
  const dt = t.dtype.toString();
  if (dt.startsWith("int")) {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = randomInt(rand, -9, 9);
    return nd.array(a, shape);
  }
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return nd.array(a, shape);
}

/** Lowers `s` and runs it on `inputs`; returns the outputs' contents. */
export function run(s: Schedule, inputs: Tensor[], outputs: Tensor[], data: nd.NDArray[]): number[][] {
  const mod = lower(s, [...inputs, ...outputs]);
  const outs = outputs.map((t) => nd.empty(shapeOf(t), t.dtype.toString()));
  interpret(mod, [...data, ...outs], { poisonAllocations: true });
  return outs.map((o) => Array.from(o.toTypedArray() as ArrayLike<number>));
}

/** The integer value of `e` with the variables bound to `values` (after simplification). */
export function evalInt(e: PrimExpr, values: [Var, number][]): number {
  const r = new Analyzer().simplify(substitute(e, new Map(values.map(([v, x]) => [v, new IntImm(v.dtype, x)]))));
  if (!(r instanceof IntImm)) throw new Error(`${e} did not evaluate to a constant with ${values.map(([v, x]) => `${v.name}=${x}`).join(", ")}: ${r}`);
  return r.value;
}
