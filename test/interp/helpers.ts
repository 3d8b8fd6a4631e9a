// Helpers for the interpreter tests: build a PrimFunc from buffers and scalar variables, and
// evaluate one expression of scalar parameters through a one-element output buffer.
import { Buffer, declBuffer } from "../../ts/ir/buffer.js";
import { IntImm, type PrimExpr, Var } from "../../ts/ir/expr.js";
import { PrimFunc } from "../../ts/ir/function.js";
import { type Stmt, Store } from "../../ts/ir/stmt.js";
import { empty, type TypedArray } from "../../ts/runtime/ndarray.js";
import { interpret } from "../../ts/interp/index.js";

/** A PrimFunc whose parameters are `params` in order: a handle with a buffer for each Buffer. */
export function primFunc(params: (Buffer | Var)[], body: Stmt, name = "main"): PrimFunc {
  const vars: Var[] = [];
  const map = new Map<Var, Buffer>();
  for (const p of params) {
    if (p instanceof Buffer) {
      const h = new Var(`${p.name}_handle`, "handle");
      vars.push(h);
      map.set(h, p);
    } else {
      vars.push(p);
    }
  }
  return new PrimFunc(vars, body, map, { global_symbol: name });
}

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
