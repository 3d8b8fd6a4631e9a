// The element function of a fuzzed extern (out = f(in) * mul + add, f = fabs for the callExtern
// kind), in the extern's dtype. The JS extern computes it, and the evaluator uses it as the
// extern's meaning; the irBuilder and callExtern bodies are the same formula in TIR.

import { round } from "./dtype_math.js";
import type { DType, ExternSpec } from "./spec.js";

export function externElement(dt: DType, ext: Pick<ExternSpec, "impl" | "mul" | "add">): (x: number) => number {
  return (x) => {
    const v = ext.impl === "callextern" ? Math.abs(x) : x;
    return round(dt, round(dt, v * ext.mul) + ext.add);
  };
}
