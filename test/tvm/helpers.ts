// Helpers for the ports of TVM's tests: build a schedule with the C backend and run it on
// arrays, and fill arrays with seeded values, so each port checks numbers, not only structure.

import { build, nd } from "../../ts/index.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { Tensor } from "../../ts/te/tensor.js";
import type { Var } from "../../ts/ir/expr.js";
import { prng } from "../helpers/random.js";

/** Builds `s` over `args` and calls it on `arrays` (inputs, outputs and scalars, in `args` order). */
export function buildAndRun(s: Schedule, args: (Tensor | Var)[], arrays: (nd.NDArray | number)[]): void {
  build(s, args, { name: "main" }).getFunction("main")(...arrays);
}

/** A float32 array of `shape` with values in [-1, 1) from seed `seed`. */
export function randomF32(shape: number[], seed: number): nd.NDArray {
  const rand = prng(seed);
  const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < a.length; i++) a[i] = rand() * 2 - 1;
  return nd.array(a, shape);
}

/** The contents of an array as plain numbers. */
export function values(a: nd.NDArray): number[] {
  return Array.from(a.toTypedArray() as ArrayLike<number>);
}
