// The structural check of tensorize (TVM's TensorIntrinMatcher / VerifyTensorizeBody): the
// stage's body is rewritten into the intrinsic's terms — each input read becomes a read of the
// intrinsic's placeholder at the index relative to the input's region, each axis covered by
// the call becomes the intrinsic's axis plus the region's start, an axis of extent 1 outside
// the intrinsic's rank becomes its value — then both bodies are simplified and must be the
// same expression. A mismatch is an Error naming the stage, the axis, and the first place
// where the two expressions differ.

import { type PrimExpr, ProducerLoad, Reduce, Var, isConstInt } from "../ir/expr.js";
import { StmtExprMutator } from "../ir/functor.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { add, sub } from "../ir/op.js";
import { printExpr } from "../ir/printer.js";
import { structuralEqual } from "../ir/structural_equal.js";
import { substitute } from "../ir/substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import type { ComputeOp } from "../te/compute.js";
import type { Tensor } from "../te/tensor.js";
import type { TensorIntrin } from "../te/tensor_intrin.js";
import type { Stage } from "./stage.js";
import type { TensorizeRegion } from "./tensorize_region.js";
import { ScheduleError } from "../errors.js";

interface InputEntry { tensor: Tensor; start: number; region: Range[] }

class IntrinMatcher extends StmtExprMutator {
  readonly inputs = new Map<Tensor, InputEntry>();
  readonly vars = new Map<Var, PrimExpr>();
  readonly axes = new Map<IterVar, IterVar>();

  override visitProducerLoad(e: ProducerLoad): PrimExpr {
    const base = super.visitProducerLoad(e) as ProducerLoad;
    const entry = this.inputs.get(base.producer as Tensor);
    if (!entry) return base;
    const indices: PrimExpr[] = [];
    for (let i = entry.start; i < entry.region.length; i++) indices.push(sub(base.indices[i], entry.region[i].min));
    return new ProducerLoad(entry.tensor, indices);
  }

  override visitVar(v: Var): PrimExpr { return this.vars.get(v) ?? v; }

  override visitReduce(e: Reduce): PrimExpr {
    const base = super.visitReduce(e) as Reduce;
    const axis = base.axis.flatMap((iv) => (this.axes.has(iv) ? [this.axes.get(iv)!] : []));
    return new Reduce(base.combiner, base.source, axis, base.condition, base.valueIndex, base.init);
  }
}

/** Where a tensorize check failed: "tensorize of stage 'C' at axis 'j.inner' with intrinsic 'gemv'". */
export function tensorizeWhere(stage: Stage, intrin: TensorIntrin, loc: number): string {
  return `tensorize of stage '${stage.name}' at axis '${stage.leafIterVars[loc].name}' with intrinsic '${intrin.name}'`;
}

/**
 * The stage's body in the intrinsic's terms (TVM's MatchTensorizeBody), and the ranges of the
 * variables it uses (the stage's leaf loops and the intrinsic's axes).
 */
export function matchTensorizeBody(
  stage: Stage, domMap: ReadonlyMap<IterVar, Range>, region: TensorizeRegion, intrin: TensorIntrin,
): { body: PrimExpr[]; iterSpace: Map<Var, Range> } {
  const op = stage.op as ComputeOp;
  const where = tensorizeWhere(stage, intrin, region.loc);
  const iterSpace = new Map<Var, Range>();
  for (const iv of stage.leafIterVars) {
    const r = domMap.get(iv);
    if (r) iterSpace.set(iv.var, r);
  }
  const ana = new Analyzer();
  for (const [v, r] of iterSpace) ana.bind(v, r, true);
  const m = new IntrinMatcher();
  const inputs = op.inputTensors();
  if (inputs.length !== intrin.inputs.length) {
    throw new ScheduleError(`${where}: the stage reads ${inputs.length} tensors (${inputs.map((t) => `'${t.name}'`).join(", ")}), the intrinsic ${intrin.inputs.length} (${intrin.inputs.map((t) => `'${t.name}'`).join(", ")})`);
  }
  inputs.forEach((t, i) => {
    const tensor = intrin.inputs[i];
    const reg = region.inRegion.get(t)!;
    if (reg.length < tensor.ndim) {
      throw new ScheduleError(`${where}: input '${t.name}' has ${reg.length} dimensions, fewer than the intrinsic's '${tensor.name}' (${tensor.ndim})`);
    }
    if (String(t.dtype) !== String(tensor.dtype)) {
      throw new ScheduleError(`${where}: input '${t.name}' is ${t.dtype}, the intrinsic's '${tensor.name}' ${tensor.dtype}`);
    }
    const start = reg.length - tensor.ndim;
    for (let d = 0; d < start; d++) {
      const ext = ana.simplify(reg[d].extent);
      if (!isConstInt(ext, 1)) {
        throw new ScheduleError(`${where}: input '${t.name}' is read over a region of extent ${ext} in dimension ${d}, but the intrinsic's '${tensor.name}' has only ${tensor.ndim} dimensions (shape [${tensor.shape.join(", ")}]): the extra leading dimensions must have extent 1`);
      }
    }
    m.inputs.set(t, { tensor, start, region: reg });
  });
  const intrinOp = intrin.op;
  const mapAxes = (mine: IterVar[], theirs: IterVar[], what: string): void => {
    if (mine.length < theirs.length) {
      throw new ScheduleError(`${where}: the stage has ${mine.length} ${what} axes, the intrinsic's '${intrinOp.name}' ${theirs.length}`);
    }
    const start = mine.length - theirs.length;
    mine.forEach((iv, i) => {
      const r = region.outDom.get(iv)!;
      if (i < start) {
        const ext = ana.simplify(r.extent);
        if (!isConstInt(ext, 1)) {
          throw new ScheduleError(`${where}: ${what} axis '${iv.name}' covers ${ext} iterations inside the tensorized axis, but the intrinsic has only ${theirs.length} ${what} axes: the extra outer ones must cover one iteration`);
        }
        m.vars.set(iv.var, r.min);
        return;
      }
      const target = theirs[i - start];
      m.vars.set(iv.var, add(target.var, r.min));
      m.axes.set(iv, target);
      iterSpace.set(target.var, target.dom!);
      const extent = ana.simplify(sub(r.extent, target.dom!.extent));
      if (isConstInt(extent) && extent.value !== 0) {
        throw new ScheduleError(`${where}: ${what} axis '${iv.name}' covers ${ana.simplify(r.extent)} iterations inside the tensorized axis, the intrinsic's axis '${target.name}' ${target.dom!.extent}`);
      }
    });
  };
  mapAxes(op.axis, intrinOp.axis, "data-parallel");
  mapAxes(op.reduceAxis, intrinOp.reduceAxis, "reduction");
  return { body: op.body.map((e) => m.visitExpr(e)), iterSpace };
}

/** `provided`'s reducer replaced by `intrinsic`'s when they are the same function (renamed variables). */
export function unifyCombiner(provided: PrimExpr, intrinsic: PrimExpr): PrimExpr {
  if (!(provided instanceof Reduce) || !(intrinsic instanceof Reduce)) return provided;
  const a = provided.combiner;
  const b = intrinsic.combiner;
  if (a === b || a.lhs.length !== b.lhs.length || a.rhs.length !== b.rhs.length) return provided;
  const rename = new Map<Var, PrimExpr>();
  a.lhs.forEach((v, i) => rename.set(v, b.lhs[i]));
  a.rhs.forEach((v, i) => rename.set(v, b.rhs[i]));
  const same = a.result.length === b.result.length
    && a.result.every((e, i) => structuralEqual(substitute(e, rename), b.result[i]))
    && a.identity.every((e, i) => structuralEqual(e, b.identity[i]));
  return same ? new Reduce(b, provided.source, provided.axis, provided.condition, provided.valueIndex, provided.init) : provided;
}

/** The first (outermost-first, leftmost) pair of sub-expressions that differ. */
function firstDifference(a: PrimExpr, b: PrimExpr): [PrimExpr, PrimExpr] {
  if (a.kind !== b.kind || String(a.dtype) !== String(b.dtype)) return [a, b];
  const ca = children(a);
  const cb = children(b);
  if (ca.length !== cb.length || ca.length === 0) return [a, b];
  for (let i = 0; i < ca.length; i++) if (!structuralEqual(ca[i], cb[i])) return firstDifference(ca[i], cb[i]);
  return [a, b];
}

function children(e: PrimExpr): PrimExpr[] {
  const o = e as unknown as Record<string, unknown>;
  if (e instanceof Reduce) return [...e.source, e.condition];
  if (e instanceof ProducerLoad) return e.indices;
  const out: PrimExpr[] = [];
  for (const key of ["a", "b", "value", "condition", "trueValue", "falseValue"]) {
    const v = o[key];
    if (v && typeof v === "object" && "kind" in v && "dtype" in v) out.push(v as PrimExpr);
  }
  if (Array.isArray(o.args)) out.push(...(o.args as PrimExpr[]));
  return out;
}

function describeReducer(r: Reduce): string {
  const c = r.combiner;
  return `${c.result.map(printExpr).join(", ")} over (${[...c.lhs, ...c.rhs].map((v) => v.name).join(", ")}), identity ${c.identity.map(printExpr).join(", ")}`;
}

function describeBody(e: PrimExpr): string {
  if (!(e instanceof Reduce)) return printExpr(e);
  return `reduce ${e.combiner.result.map(printExpr).join(", ")} of ${e.source.map(printExpr).join(", ")} over ${e.axis.map((iv) => iv.name).join(", ")}`;
}

/**
 * Checks that the stage computes what the intrinsic declares (TVM's VerifyTensorizeBody).
 * @throws Error naming the stage, the axis, the intrinsic and what differs.
 */
export function verifyTensorizeBody(
  stage: Stage, valueMap: ReadonlyMap<IterVar, PrimExpr>, domMap: ReadonlyMap<IterVar, Range>,
  region: TensorizeRegion, intrin: TensorIntrin,
): void {
  const where = tensorizeWhere(stage, intrin, region.loc);
  const { body, iterSpace } = matchTensorizeBody(stage, domMap, region, intrin);
  const intrinBody = intrin.op.body;
  if (body.length !== intrinBody.length) {
    throw new ScheduleError(`${where}: the stage computes ${body.length} outputs, the intrinsic's '${intrin.op.name}' ${intrinBody.length}`);
  }
  const ana = new Analyzer();
  for (const [v, r] of iterSpace) ana.bind(v, r, true);
  const vmap = new Map<Var, PrimExpr>();
  for (const [iv, v] of valueMap) if (v !== iv.var) vmap.set(iv.var, v);
  body.forEach((e, i) => {
    const rhs = ana.simplify(substitute(intrinBody[i], vmap));
    const lhs = unifyCombiner(ana.simplify(substitute(e, vmap)), rhs);
    if (String(lhs.dtype) !== String(rhs.dtype)) {
      throw new ScheduleError(`${where}: the stage computes ${lhs.dtype}, the intrinsic's declaration ${rhs.dtype}`);
    }
    if (!structuralEqual(lhs, rhs)) {
      const [x, y] = firstDifference(lhs, rhs);
      const what = x instanceof Reduce && y instanceof Reduce
        ? `the stage reduces with ${describeReducer(x)} where the intrinsic reduces with ${describeReducer(y)}`
        : `the stage has ${printExpr(x)} where the intrinsic has ${printExpr(y)}`;
      throw new ScheduleError(`${where}: the loop nest does not compute what the intrinsic declares: ${what} (stage: ${describeBody(lhs)}; intrinsic: ${describeBody(rhs)})`);
    }
  });
}
