// The scan kind (TVM's ScanOp methods and its cases in ScheduleOps): its bounds, its
// statements, the stages it places and the tensors that are its output under other names.
// Bounds: every step of the init is needed, the update is needed at the current step of the
// time loop, both over the spatial ranges asked of the scan; the scan's own time range starts
// at the init's end, and a spatial axis shrinks to what consumers ask only where it is a fix
// point (scan_graph.ts). Statements: `attr [scan] "scan_init_scope"` around the whole scan
// (the init's stages go there), then the time loop whose body is `attr [scan]
// "scan_update_scope" = t` (the update's stages go there); schedule-ops removes both markers
// once the stages are placed, as TVM's does. Init, update and state placeholder are all the
// scan's output: written and read as it, with no storage of their own.

import { DataType } from "../../ir/dtype.js";
import { IntImm, type PrimExpr, type Var } from "../../ir/expr.js";
import { IterVar, Range } from "../../ir/iter_var.js";
import { add, constant, sub } from "../../ir/op.js";
import { Analyzer } from "../../arith/analyzer.js";
import { IntSet, unionSets } from "../../arith/int_set.js";
import { AttrStmt, Evaluate, ProducerRealize, type Stmt } from "../../ir/stmt.js";
import type { Operation } from "../../te/operation.js";
import { ScanOp } from "../../te/scan.js";
import type { OpKind, PlacedStage } from "../op_kind.js";
import { checkScanSchedule, markScanBody } from "../scan_schedule.js";
import { makeBoundCheck, makeIfNest, makeLoopNest, mergeNest } from "../loop_nest.js";
import type { TensorDom } from "../op_bounds.js";
import { scanFixPointAnalysis } from "../scan_graph.js";
import type { Stage } from "../stage.js";

/** `attr [scan] "scan_init_scope" = 0`: where the init's stages are placed. */
export const SCAN_INIT_SCOPE = "scan_init_scope";
/** `attr [scan] "scan_update_scope" = t`: the time loop's body, where the update's stages are placed. */
export const SCAN_UPDATE_SCOPE = "scan_update_scope";

/** What a scan reads of its init and update, given the index sets of its axes. */
export function propScanBoundToInputs(op: ScanOp, domMap: ReadonlyMap<Var, IntSet>, tmap: TensorDom): void {
  let sp = 0;
  op.init.forEach((init, i) => {
    const update = op.update[i];
    const initDom = tmap.get(init);
    const updateDom = tmap.get(update);
    initDom?.[0].push(IntSet.fromRange(new Range(new IntImm(init.shape[0].dtype, 0), init.shape[0])));
    updateDom?.[0].push(domMap.get(op.scanAxis.var)!);
    for (let k = 1; k < update.ndim; k++, sp++) {
      const set = domMap.get(op.spatialAxis[sp].var)!;
      initDom?.[k].push(set);
      updateDom?.[k].push(set);
    }
  });
}

/** Ranges of a scan's time and spatial axes from what its consumers asked for. */
export function gatherScanBound(op: ScanOp, tmap: TensorDom, rmap: Map<IterVar, Range>): void {
  const ana = new Analyzer();
  const timeRequests = op.outputs.flatMap((t) => tmap.get(t)?.[0] ?? []);
  const sdom = op.scanAxis.dom!;
  const r = timeRequests.length === 0 ? sdom : unionSets(timeRequests).coverRange(sdom);
  rmap.set(op.scanAxis, new Range(sdom.min, ana.simplify(sub(add(r.extent, r.min), sdom.min))));
  const fixPoint = scanFixPointAnalysis(op);
  let sp = 0;
  op.outputs.forEach((t, i) => {
    for (let k = 1; k < op.update[i].ndim; k++, sp++) {
      const iv = op.spatialAxis[sp];
      const requests = tmap.get(t)?.[k] ?? [];
      rmap.set(iv, fixPoint.get(iv)!.value !== 0 && requests.length > 0 ? unionSets(requests).coverRange(iv.dom!) : iv.dom!);
    }
  });
}

/** The scan's statement: the init marker around the time loop, the update marker inside it. */
export function buildScanProvide(op: ScanOp, stage: Stage, domMap: ReadonlyMap<IterVar, Range>): Stmt {
  const zero = new IntImm(DataType.int32(), 0);
  const provide = new AttrStmt(op, SCAN_UPDATE_SCOPE, op.scanAxis.var, new Evaluate(zero));
  const init = new AttrStmt(op, SCAN_INIT_SCOPE, zero, new Evaluate(zero));
  const vmap = new Map<IterVar, PrimExpr>();
  const nest = makeLoopNest(stage, domMap, 0, false, new Set(), vmap);
  nest[0].push(init);
  nest.push(makeIfNest(makeBoundCheck(stage, domMap, vmap, false, new Set())));
  return mergeNest(nest, provide);
}

/** Realizes each state over all steps up to the time range's end and the spatial ranges. */
export function buildScanRealize(op: ScanOp, domMap: ReadonlyMap<IterVar, Range>, body: Stmt): Stmt {
  const ana = new Analyzer();
  const sdom = domMap.get(op.scanAxis)!;
  const tdom = new Range(new IntImm(sdom.min.dtype, 0), ana.simplify(add(sdom.extent, sdom.min)));
  let realize = body;
  let sp = 0;
  const bounds = op.update.map((u) => {
    const b = [tdom];
    for (let k = 1; k < u.ndim; k++, sp++) b.push(domMap.get(op.spatialAxis[sp])!);
    return b;
  });
  for (let i = op.numOutputs - 1; i >= 0; i--) realize = new ProducerRealize(op.output(i), bounds[i], constant(true), realize);
  return realize;
}

export const scanKind: OpKind<ScanOp> = {
  name: "scan",
  matches: (op): op is ScanOp => op instanceof ScanOp,
  check: checkScanSchedule,
  ownedPlaceholders: (op) => op.statePlaceholder,
  onCreateSchedule: markScanBody,
  propBoundToInputs: (op, _ana, domMap, tmap) => propScanBoundToInputs(op, domMap, tmap),
  gatherBound: gatherScanBound,
  buildProvide: buildScanProvide,
  buildRealize: (op, _stage, domMap, body) => buildScanRealize(op, domMap, body),
  markers: [SCAN_INIT_SCOPE, SCAN_UPDATE_SCOPE],
  // The init's stages go before the time loop wherever they are attached (as in TVM); the
  // body's stages computed at the root go inside it.
  placedStages(op, stage, sch) {
    const placed: PlacedStage[] = op.init.map((t) => ({ stage: sch.stage(t.op), marker: SCAN_INIT_SCOPE }));
    for (const st of sch.stages) {
      if (st.scanStage === stage && st.attachType === "root") placed.push({ stage: st, marker: SCAN_UPDATE_SCOPE });
    }
    return placed;
  },
  aliases(op: ScanOp, originOp: Operation) {
    return op.update.flatMap((u, i) => {
      const to = originOp.output(i);
      return [
        { from: op.init[i], to, ownStorage: false },
        { from: u, to, ownStorage: false },
        { from: op.statePlaceholder[i], to, ownStorage: true },
      ];
    });
  },
  explain(op, stage, bounds) {
    const ana = new Analyzer();
    const sdom = bounds.get(op.scanAxis)!;
    const ranges = [new Range(new IntImm(sdom.min.dtype, 0), ana.simplify(add(sdom.min, sdom.extent)))];
    const dims = op.update[0].ndim;
    for (let k = 1; k < dims; k++) ranges.push(bounds.get(op.spatialAxis[k - 1])!);
    const reasons = [`init covers steps [0:${op.init[0].shape[0]}), the update the time loop ${op.scanAxis.name} over the rest`];
    if (stage.isOutput) reasons.push("output of the schedule: its whole shape");
    const fixPoint = scanFixPointAnalysis(op);
    const whole = op.spatialAxis.slice(0, dims - 1).filter((iv) => fixPoint.get(iv)!.value === 0);
    if (whole.length > 0 && !stage.isOutput) reasons.push(`no fix point along ${whole.map((iv) => iv.name).join(", ")}: each step reads all of it, so it stays whole`);
    return { kind: "scan", ranges, reasons };
  },
};
