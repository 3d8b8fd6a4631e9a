// A PrimFunc built by hand for a test: the parameters are buffers and scalar variables in order;
// each buffer is passed as a handle `<name>_handle` bound to it in the buffer map, as lowering
// produces them. Functions are tir.noalias, as lowered ones are.

import { Buffer } from "../../ts/ir/buffer.js";
import { Var } from "../../ts/ir/expr.js";
import { PrimFunc } from "../../ts/ir/function.js";
import type { Stmt } from "../../ts/ir/stmt.js";

/** A PrimFunc named `name` over `params` (buffers or scalar vars) with `body`. */
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
  return new PrimFunc(vars, body, map, { global_symbol: name, "tir.noalias": true });
}
