// Helpers for the interpreter tests: evaluate one expression of scalar parameters through a
// one-element output buffer.
import { declBuffer } from "../../ts/ir/buffer.js";
import { IntImm, type PrimExpr, type Var } from "../../ts/ir/expr.js";
import { Store } from "../../ts/ir/stmt.js";
import { empty, type TypedArray } from "../../ts/runtime/ndarray.js";
import { interpret } from "../../ts/interp/index.js";
import { primFunc } from "../helpers/prim_func.js";

/**
 * Evaluates `build(vars)` with the scalar variables bound to `values`, by storing it into a
 * one-element buffer of its dtype: the raw stored element (number or bigint) is returned.
 */
export function evalExpr(vars: Var[], values: (number | bigint)[], build: (...v: Var[]) => PrimExpr): number | bigint {
  const e = build(...vars);
  const out = declBuffer([1], e.dtype, "out");
  const f = primFunc([...vars, out], new Store(out.data, e, new IntImm("int32", 0)));
  const o = empty([1], e.dtype.toString());
  interpret(f, [...values, o]);
  return (o.data as TypedArray)[0];
}
