// Statements of a tensorized compute stage (TVM's MakeTensorize): the loops outside the
// tensorized axis, then the intrinsic's statement in place of the loop nest under it, inside
// one `buffer_bind_scope` per input and output that binds the intrinsic's buffers to the
// regions the nest covers (storage flattening turns them into data/offset/shape/strides).
// When a reduction loop runs outside the tensorized axis (a split reduction), the intrinsic
// accumulates: its reset runs before the reduction loops (or, without a reset, its body runs
// in the first reduction iteration and its update in the others), its update inside them.

import type { PrimExpr, Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { constant, eq, gt, likely, logicalOr } from "../ir/op.js";
import { printExpr } from "../ir/printer.js";
import { AssertStmt, AttrStmt, For, IfThenElse, LetStmt, SeqStmt, type Stmt, noOp } from "../ir/stmt.js";
import { StringImm, isConstInt } from "../ir/expr.js";
import { tuple } from "../ir/builtin.js";
import { substitute, usesVar } from "../ir/substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import type { ComputeOp } from "../te/compute.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import type { Buffer } from "../ir/buffer.js";
import { BUFFER_BIND_SCOPE } from "./extern_provide.js";
import { makeBoundCheck, makeIfNest, makeLoopNest, mergeNest } from "./loop_nest.js";
import { passDownBitMaskOr } from "./message_passing.js";
import type { Stage } from "./stage.js";
import { tensorizeWhere, verifyTensorizeBody } from "./tensorize_match.js";
import { inferTensorizeRegion, tensorizedLeaf } from "./tensorize_region.js";
import { ScheduleError } from "../errors.js";

/** Whether the stage has a tensorized axis (its statements come from {@link buildTensorizeProvide}). */
export function isTensorized(stage: Stage): boolean {
  return tensorizedLeaf(stage) >= 0;
}

/** The substitution of a loop nest's value map (root axis variables to their values). */
export function varMap(valueMap: ReadonlyMap<IterVar, PrimExpr>): Map<Var, PrimExpr> {
  const m = new Map<Var, PrimExpr>();
  for (const [iv, v] of valueMap) if (v !== iv.var) m.set(iv.var, v);
  return m;
}

/** A `buffer_bind_scope` binding `buffer` to `region` of `tensor` (TVM's tensorize and TensorComputeOp binds). */
export function bindScope(buffer: Buffer, tensor: Tensor, region: readonly Range[]): Stmt {
  const args: PrimExpr[] = [];
  for (const r of region) args.push(r.min, r.extent);
  return new AttrStmt([buffer, tensor], BUFFER_BIND_SCOPE, tuple(args), noOp());
}

/** The loop nests of the stage (TVM's ComputeLoopNest): the main nest and a reduction's init nest. */
export interface LoopNests {
  main: Stmt[][];
  mainVmap: Map<IterVar, PrimExpr>;
  mainPreds: PrimExpr[];
  /** The first leaf position whose loop touches a reduce axis (TVM's num_common_loop). */
  common: number;
  init: Stmt[][];
  initVmap: Map<IterVar, PrimExpr>;
  initPreds: PrimExpr[];
}

/** The loop nests of a compute-like stage (ComputeOp or TensorComputeOp). */
export function makeLoopNests(op: Operation, stage: Stage, domMap: ReadonlyMap<IterVar, Range>): LoopNests {
  const leaves = stage.leafIterVars;
  const mainVmap = new Map<IterVar, PrimExpr>();
  const main = makeLoopNest(stage, domMap, 0, false, new Set(), mainVmap);
  const mainPreds = makeBoundCheck(stage, domMap, mainVmap, false, new Set()).map((p) => likely(p));
  const nests: LoopNests = { main, mainVmap, mainPreds, common: leaves.length, init: [], initVmap: new Map(), initPreds: [] };
  if (op.reduceAxis.length === 0) return nests;
  // 1: touches a data-parallel axis, 2: a reduce axis (a fused loop may touch both).
  const flags = new Map<IterVar, number>();
  for (const iv of op.reduceAxis) flags.set(iv, 2);
  for (const iv of op.axis) flags.set(iv, 1);
  passDownBitMaskOr(stage, flags);
  const first = leaves.findIndex((iv) => ((flags.get(iv) ?? 0) & 2) !== 0);
  nests.common = first < 0 ? leaves.length : first;
  for (let i = 0; i < nests.common; i++) nests.initVmap.set(leaves[i], mainVmap.get(leaves[i])!);
  const skip = new Set<IterVar>();
  for (const [iv, flag] of flags) if (flag === 2) skip.add(iv);
  nests.init = makeLoopNest(stage, domMap, nests.common, true, skip, nests.initVmap);
  nests.initPreds = makeBoundCheck(stage, domMap, nests.initVmap, true, skip).map((p) => likely(p));
  return nests;
}

/** Refuses a split guard that depends on a loop inside the tensorized axis (TVM's VerifyTensorizeLoopNest). */
function checkGuards(where: string, nests: Stmt[][][], loc: number, stage: Stage, preds: PrimExpr[]): void {
  const banned = new Set<Var>(stage.leafIterVars.slice(loc).map((iv) => iv.var));
  for (const nest of nests) {
    for (let i = loc + 1; i < nest.length; i++) {
      for (const s of nest[i]) {
        if (s instanceof For) banned.add(s.loopVar);
        else if (s instanceof LetStmt) banned.add(s.variable);
      }
    }
  }
  for (const p of preds) {
    if (usesVar(p, (v) => banned.has(v))) {
      throw new ScheduleError(`${where}: the split guard ${printExpr(p)} depends on a loop inside the tensorized axis (split so that the tensorized loops divide evenly)`);
    }
  }
}

export function buildTensorizeProvide(op: ComputeOp, stage: Stage, domMap: ReadonlyMap<IterVar, Range>): Stmt {
  const region = inferTensorizeRegion(stage, domMap);
  const loc = region.loc;
  const leaves = stage.leafIterVars;
  const intrin = stage.iterVarAttrs.get(leaves[loc])!.tensorIntrin!;
  const where = tensorizeWhere(stage, intrin, loc);

  const { main: mainNest, mainVmap, mainPreds, common, init: initNest, initVmap, initPreds } = makeLoopNests(op, stage, domMap);
  checkGuards(where, [mainNest, initNest], loc, stage, [...mainPreds, ...initPreds]);
  verifyTensorizeBody(stage, mainVmap, domMap, region, intrin);

  // The binds: each input's region, and the output region (over the data-parallel axes).
  const inputs = op.inputTensors();
  const inputBinds = inputs.map((t, i) => bindScope(intrin.buffers[i], t, region.inRegion.get(t)!));
  const outRegion = op.axis.map((iv) => region.outDom.get(iv)!);
  const outputBinds = op.outputs.map((t, i) => bindScope(intrin.buffers[inputs.length + i], t, outRegion));

  // The intrinsic's reduction must start at 0 and cover what the nest reduces.
  const ana = new Analyzer();
  for (const [iv, r] of domMap) ana.bind(iv.var, r, true);
  const binds = new Map<Var, PrimExpr>();
  const asserts: Stmt[] = [];
  const bind = (arg: PrimExpr, value: PrimExpr, what: string): void => {
    if (arg.kind === "Var" && !binds.has(arg as Var)) {
      binds.set(arg as Var, value);
      return;
    }
    const cond = ana.simplify(eq(substitute(arg, binds), value));
    if (isConstInt(cond, 1)) return;
    if (isConstInt(cond)) throw new ScheduleError(`${where}: the intrinsic's ${what} is ${printExpr(arg)}, the loop nest's ${printExpr(value)}`);
    asserts.push(new AssertStmt(cond, new StringImm(`${where}: the intrinsic's ${what} must equal the loop nest's`), noOp()));
  };
  const intrinReduce = intrin.op.reduceAxis;
  const start = op.reduceAxis.length - intrinReduce.length;
  for (let i = start; i < op.reduceAxis.length; i++) {
    const target = intrinReduce[i - start];
    const iv = op.reduceAxis[i];
    bind(target.dom!.min, constant(0, iv.dom!.min.dtype), `reduction '${target.name}' start`);
    bind(target.dom!.extent, region.outDom.get(iv)!.extent, `reduction '${target.name}' extent`);
  }

  // An intrinsic statement inside the binds of its inputs and outputs, with the reduction checks.
  const bound = (s: Stmt): Stmt => mergeNest(asserts, substitute(mergeNest(inputBinds, mergeNest(outputBinds, s)), binds));

  if (loc <= common) {
    // Every reduction loop is inside the tensorized axis: one call computes the result.
    if (!intrin.body) throw new ScheduleError(`${where}: the intrinsic has no body (only reset/update), but the whole reduction is inside the tensorized axis`);
    const nest = [...mainNest.slice(0, loc + 1), makeIfNest(mainPreds)];
    return substitute(mergeNest(nest, bound(intrin.body)), varMap(mainVmap));
  }
  // A reduction loop runs outside: reset/update (or body in the first iteration).
  if (!intrin.reduceUpdate) {
    throw new ScheduleError(`${where}: a reduction loop runs outside the tensorized axis, so the intrinsic needs an update (fcompute returning [body, reset, update])`);
  }
  const commonNest = mainNest.slice(0, common + 1);
  const updateNest = [...mainNest.slice(common + 1, loc + 1), makeIfNest(mainPreds)];
  if (intrin.reduceInit) {
    const initLevels = [...initNest.slice(0, loc + 1), makeIfNest(initPreds)];
    const init = mergeNest(initLevels, substitute(mergeNest(outputBinds, intrin.reduceInit), varMap(initVmap)));
    const update = mergeNest(updateNest, substitute(bound(intrin.reduceUpdate), varMap(mainVmap)));
    return mergeNest(commonNest, SeqStmt.flatten([init, update]));
  }
  if (!intrin.body) throw new ScheduleError(`${where}: the intrinsic has neither a reset nor a body to start the reduction with`);
  const conds: PrimExpr[] = [];
  const firstIterVars = new Set<Var>();
  for (let i = 0; i < loc; i++) {
    const iv = leaves[i];
    if (iv.iterType !== "CommReduce") continue;
    conds.push(likely(gt(iv.var, domMap.get(iv)!.min)));
    firstIterVars.add(iv.var);
  }
  for (const p of mainPreds) {
    if (usesVar(p, (v) => firstIterVars.has(v))) {
      throw new ScheduleError(`${where}: the split guard ${printExpr(p)} depends on a reduction loop outside the tensorized axis, which decides whether the intrinsic resets or updates`);
    }
  }
  const step = conds.length === 0 ? intrin.body : new IfThenElse(conds.reduce((a, b) => logicalOr(a, b)), intrin.reduceUpdate, intrin.body);
  const update = mergeNest(updateNest, substitute(bound(step), varMap(mainVmap)));
  return mergeNest(commonNest, update);
}
