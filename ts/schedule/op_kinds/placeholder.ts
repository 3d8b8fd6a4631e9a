// The placeholder kind: an input of the program. It has no statement and no axes; its tensor is
// a function argument (lower() requires it among the args unless another op owns it).

import { IntImm } from "../../ir/expr.js";
import { Range } from "../../ir/iter_var.js";
import { PlaceholderOp } from "../../te/placeholder.js";
import type { OpKind } from "../op_kind.js";
import { InternalError } from "../../errors.js";

export const placeholderKind: OpKind<PlaceholderOp> = {
  name: "placeholder",
  matches: (op): op is PlaceholderOp => op instanceof PlaceholderOp,
  isInput: true,
  propBoundToInputs() {},
  gatherBound() {},
  buildProvide(op) {
    throw new InternalError(`placeholder '${op.name}' is an input: it has no statement to build`);
  },
  buildRealize(op) {
    throw new InternalError(`placeholder '${op.name}' is an input: its storage is the argument passed in`);
  },
  explain(op) {
    return { kind: "placeholder", ranges: op.shape.map((e) => new Range(new IntImm(e.dtype, 0), e)), reasons: ["an input: its whole shape"] };
  },
};
