// Argument check shared by the passes: a pass given something other than a PrimFunc says so,
// naming itself, instead of failing somewhere inside.

import { ArgumentError } from "../errors.js";
import { PrimFunc } from "../ir/function.js";
import { describe } from "../ir/op.js";
import { Stmt } from "../ir/stmt.js";

export function checkPrimFunc(f: unknown, pass: string): asserts f is PrimFunc {
  if (!(f instanceof PrimFunc) || !(f.body instanceof Stmt)) {
    throw new ArgumentError(`${pass}: expected a PrimFunc, got ${describe(f)}`);
  }
}
