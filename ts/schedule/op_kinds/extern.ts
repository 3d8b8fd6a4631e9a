// The extern kind (TVM's ExternOp): without a region map it reads whole inputs, has no axes and
// realizes its whole output; with one, its axes are its output's dimensions, inputs follow the
// map from the output region, and each call covers a tile (extern_provide.ts builds the
// bind scopes and, for split axes, the loops over tiles).

import { IntImm } from "../../ir/expr.js";
import { Range } from "../../ir/iter_var.js";
import { ExternOp } from "../../te/extern.js";
import { buildExternProvide, buildExternRealize, externLoopAxes } from "../extern_provide.js";
import { checkRegionMap, externInputRegions } from "../extern_region.js";
import { gatherAxesBound, pushRequest } from "../op_bounds.js";
import type { OpKind } from "../op_kind.js";
import { createAttachPath } from "../attach_path.js";
import { opaqueExternUse } from "../opaque_extern.js";

export const externKind: OpKind<ExternOp> = {
  name: "extern",
  matches: (op): op is ExternOp => op instanceof ExternOp,
  check: (op) => checkRegionMap(op),
  warnings(_op, stage, sch, bounds) {
    const use = opaqueExternUse(stage, createAttachPath(sch), bounds);
    return use ? [use.message] : [];
  },
  propBoundToInputs(op, ana, domMap, tmap) {
    const regions = externInputRegions(op, domMap, ana);
    op.inputs.forEach((t, k) => {
      if (!tmap.has(t)) return;
      regions[k].forEach((s, d) => pushRequest(tmap, t, d, s));
    });
  },
  gatherBound: gatherAxesBound,
  // A tiled extern's leaves that are not loops span the tile each call covers.
  spannedLeaves(stage) {
    const op = stage.op as ExternOp;
    if (op.regionMap === undefined) return new Set();
    const loops = externLoopAxes(stage);
    return new Set(stage.leafIterVars.filter((iv) => !loops.includes(iv)));
  },
  buildProvide: buildExternProvide,
  buildRealize: (op, _stage, domMap, body) => buildExternRealize(op, domMap, body),
  explain(op, stage, bounds) {
    if (op.regionMap === undefined) {
      const reasons = ["extern without region map: whole tensor (its consumers' requests do not shrink it)"];
      if (stage.attachType === "scope") reasons.push("it is called on the whole tensor in every iteration of its attach loop; declare regionMap to tile it");
      return { kind: "extern", ranges: op.output(0).shape.map((e) => new Range(new IntImm(e.dtype, 0), e)), reasons };
    }
    return { kind: "extern (tiled)", ranges: op.axis.map((iv) => bounds.get(iv)!), reasons: stage.isOutput ? ["output of the schedule: its whole shape"] : [] };
  },
};
