// lower_intrin: maps TIR's math intrinsics to the C library (TVM's LowerIntrin for the C target):
// `tir.exp` of float32 becomes `call_pure_extern("expf", x)`, of float64 `"exp"`, and so on for
// log, sqrt, tanh, sin, floor, fabs, pow, … (vector operands keep their dtype: the code generator
// gives float32 vectors of exp, exp2, log, log2, tanh, erf, pow and sqrt its vector math,
// c_vector_math.ts, and applies the others lane by lane). Intrinsics libm lacks are expanded:
// sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) below, e = exp(-|x|) (no overflow),
// rsqrt(x) = 1 / sqrt(x), exp10(x) = pow(10, x); round is nearbyint (half to even, as TVM and the
// interpreter round).

import { DTypeError, IRError, InternalError, UnsupportedError } from "../errors.js";
import { Call, Let, type PrimExpr, Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator } from "../ir/functor.js";
import { intrinsicInfo } from "../ir/intrinsics.js";
import * as op from "../ir/op.js";
import { pureExtern } from "./host_builtins.js";

function libmName(fn: string, e: Call): string {
  const t = e.dtype;
  if (!t.isFloat()) throw new DTypeError(`lowerIntrin: ${e.op} needs a float argument, got ${t} in ${e}`);
  if (t.bits === 32) return `${fn}f`;
  if (t.bits === 64) return fn;
  throw new UnsupportedError(`lowerIntrin: ${e.op} of ${t} is not supported by the C backend (float32 and float64 are); cast to float32 first`);
}

class IntrinLower extends StmtExprMutator {
  override visitCall(call: Call): PrimExpr {
    const e = super.visitCall(call) as Call;
    if (!e.op.startsWith("tir.")) return e;
    const info = intrinsicInfo(e.op);
    const lowering = info?.lowering;
    if (lowering === undefined) return e;
    if (info?.arity !== undefined && e.args.length !== info.arity) {
      throw new IRError(`lowerIntrin: ${e.op} takes ${info.arity} argument${info.arity === 1 ? "" : "s"}, got ${e.args.length} in ${e}`);
    }
    const fn = e.op.slice(4);
    const one = (): PrimExpr => op.constant(1, e.dtype);
    if (lowering !== "expand") return pureExtern(e.dtype, libmName(lowering.libm, e), ...e.args);
    switch (fn) {
      case "sigmoid": {
        // With e = exp(-|x|): 1 / (1 + e) for x >= 0 and e / (1 + e) below, so no exp overflows
        // (1 / (1 + exp(-x)) gives 0 instead of a subnormal below x = -88.7 in float32).
        libmName(fn, e);
        const x = new Var("sigmoid_x", e.dtype);
        const ex = new Var("sigmoid_e", e.dtype);
        const nonNegative = op.ge(x, op.constant(0, e.dtype));
        const expNegAbs = pureExtern(e.dtype, libmName("exp", e), op.select(nonNegative, op.neg(x), x));
        const denom = op.add(one(), ex);
        return new Let(x, e.args[0], new Let(ex, expNegAbs, op.select(nonNegative, op.div(one(), denom), op.div(ex, denom))));
      }
      case "rsqrt":
        return op.div(one(), pureExtern(e.dtype, libmName("sqrt", e), e.args[0]));
      case "exp10":
        return pureExtern(e.dtype, libmName("pow", e), op.constant(10, e.dtype), e.args[0]);
      default:
        throw new InternalError(`lowerIntrin: the registry says ${e.op} is expanded here, but lowerIntrin has no expansion for it`);
    }
  }
}

export function lowerIntrin(f: PrimFunc): PrimFunc {
  return f.withBody(new IntrinLower().visitStmt(f.body));
}
