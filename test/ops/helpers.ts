// Helpers for the ops tests: deterministic inputs, running a graph four ways (ops.schedule's
// default schedule built and in the interpreter, TE's unscheduled schedule built and in the
// interpreter) and comparing each with a plain JS reference.

import type { ExecutionContext } from "ava";
import { build, interpret, lower, nd, ops, te } from "../../ts/index.js";
import { prng } from "../helpers/random.js";

export type Mode = "compiled" | "interpreted" | "compiled, unscheduled" | "interpreted, unscheduled";
export const ALL_MODES: Mode[] = ["compiled", "interpreted", "compiled, unscheduled", "interpreted, unscheduled"];

export function shapeOf(t: te.Tensor): number[] {
  return t.shape.map((d) => Number(String(d)));
}

export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Floats in [-1, 1) for `t`, from `seed`. */
export function input(t: te.Tensor, seed: number): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: size(shapeOf(t)) }, () => r() * 2 - 1);
}

/** The output of `Y` from `data` (one array an input) in `mode`. */
export function runOps(Y: te.Tensor, inputs: te.Tensor[], data: Float32Array[], mode: Mode, opts: ops.OpsScheduleOptions = {}): Float32Array {
  const s = mode.endsWith("unscheduled") ? te.createSchedule(Y.op) : ops.schedule(Y, opts);
  const args = [...inputs, Y];
  const arrays = [...data.map((d, i) => nd.array(d, shapeOf(inputs[i]))), nd.empty(shapeOf(Y))];
  if (mode.startsWith("compiled")) build(s, args).getFunction("main")(...arrays);
  else interpret(lower(s, args), arrays, { poisonAllocations: true });
  return arrays[arrays.length - 1].toTypedArray() as Float32Array;
}

/** Asserts |got - want| <= tol · max(1, |want|) everywhere, naming the first element that is not. */
export function assertClose(t: ExecutionContext, got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  t.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
      t.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (tolerance ${tol})`);
      return;
    }
  }
  t.pass();
}

/** Runs `Y` in every mode of `modes` and compares each with `want`. */
export function checkModes(t: ExecutionContext, Y: te.Tensor, inputs: te.Tensor[], data: Float32Array[], want: ArrayLike<number>, tol: number, modes: Mode[] = ALL_MODES, what = ""): void {
  for (const m of modes) assertClose(t, runOps(Y, inputs, data, m), want, tol, `${what}${what ? ", " : ""}${m}`);
}

/** Row-major strides of `shape`. */
export function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}
