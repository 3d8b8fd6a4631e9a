// Finds extern stages without a region map that are computed at a loop of another stage: like
// TVM, tejit allocates their whole output there and calls them on the whole tensor in every
// iteration of the enclosing loops. lower() warns about each (or refuses, with {strict: true}),
// through the extern kind's `warnings` (op_kinds/extern.ts).

import { IntImm, type PrimExpr } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { mul } from "../ir/op.js";
import { Analyzer } from "../arith/analyzer.js";
import { ExternOp } from "../te/extern.js";
import { type AttachPath, createAttachPath } from "./attach_path.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

export interface OpaqueExternUse {
  extern: string;
  /** The loops enclosing it, outermost first. */
  loops: string[];
  /** How many times it is called (the product of the loop extents). */
  calls: PrimExpr;
  /** Elements of its whole output, allocated there. */
  elements: PrimExpr;
  message: string;
}

/** Opaque externs under computeAt in a normalized schedule with inferred bounds. */
export function findOpaqueExternsUnderComputeAt(sch: Schedule, bounds: ReadonlyMap<IterVar, Range>): OpaqueExternUse[] {
  const paths = createAttachPath(sch);
  return sch.stages.flatMap((st) => opaqueExternUse(st, paths, bounds) ?? []);
}

/** How stage `st` runs when it is an opaque extern under computeAt (undefined otherwise). */
export function opaqueExternUse(st: Stage, paths: AttachPath, bounds: ReadonlyMap<IterVar, Range>): OpaqueExternUse | undefined {
  const ana = new Analyzer();
  const op = st.op;
  if (!(op instanceof ExternOp) || op.regionMap !== undefined || st.attachType !== "scope") return undefined;
  const path = [...(paths.get(op) ?? [])].reverse();
  const calls = ana.simplify(path.reduce<PrimExpr>((a, iv) => mul(a, bounds.get(iv)?.extent ?? new IntImm("int32", 1)), new IntImm("int32", 1)));
  const elements = ana.simplify(op.output(0).shape.reduce<PrimExpr>((a, e) => mul(a, e), new IntImm("int32", 1)));
  const loops = path.map((iv) => iv.name);
  const message =
    `extern '${op.name}' is computed at loop '${st.attachIvar!.name}' of '${st.attachStage!.name}' but has no regionMap: ` +
    `as in TVM, it allocates its whole output (${elements} elements) and is called on the whole tensor in every iteration ` +
    `of ${loops.join(", ")} (${calls} calls). To tile it, declare te.extern(..., {regionMap: "elementwise"}) or a function ` +
    `from the output region to the input regions (see docs/extern.md).`;
  return { extern: op.name, loops, calls, elements, message };
}
