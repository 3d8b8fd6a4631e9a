// Exact scalar semantics of the fuzzer's dtypes, written for the reference evaluator (and kept
// apart from the interpreter's, so the two oracles are independent): integers wrap to their
// width after every operation, float32 rounds with Math.fround, division of integers truncates
// (div, mod) or floors (floordiv, floormod) as TVM defines them. An int32 result outside the
// int32 range is signed overflow — undefined behaviour in C — and is reported, not wrapped.

import type { DType } from "./spec.js";

export class UndefinedBehaviour extends Error {}

export function round(dt: DType, x: number): number {
  switch (dt) {
    case "float32": return Math.fround(x);
    case "float64": return x;
    case "int32":
      if (!Number.isInteger(x) || x < -2147483648 || x > 2147483647) throw new UndefinedBehaviour(`int32 overflow: ${x}`);
      return x;
    case "int8": return (x << 24) >> 24;
    case "uint8": return x & 0xff;
  }
}

/** Float -> integer conversion truncates; out of the target's range it is undefined in C. */
export function convert(to: DType, from: DType, x: number): number {
  if (to === "float32" || to === "float64") return round(to, x);
  if (from === "float32" || from === "float64") {
    const t = Math.trunc(x);
    const [lo, hi] = to === "int32" ? [-2147483648, 2147483647] : to === "int8" ? [-128, 127] : [0, 255];
    if (!(t >= lo && t <= hi)) throw new UndefinedBehaviour(`float ${x} converted to ${to} is out of range`);
    return t;
  }
  return to === "int32" ? x | 0 : round(to, x);
}

export function epsilon(dt: DType): number {
  return dt === "float32" ? 2 ** -24 : dt === "float64" ? 2 ** -53 : 0;
}

export function intDiv(op: "div" | "mod" | "floordiv" | "floormod", a: number, b: number): number {
  if (b === 0) throw new UndefinedBehaviour("integer division by zero");
  const q = op === "div" || op === "mod" ? Math.trunc(a / b) : Math.floor(a / b);
  return op === "div" || op === "floordiv" ? q : a - q * b;
}
