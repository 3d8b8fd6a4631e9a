// ScanOp: a recurrence over the first dimension of its states (TVM's te.scan). Steps
// [0, init.shape[0]) of each state come from `init`; every later step t comes from `update`,
// which may read the state placeholder at earlier steps (state[t - 1]). The op's outputs are
// the whole states; lowering runs the update's stages inside the scan's time loop.

import { Analyzer } from "../arith/analyzer.js";
import type { DataType } from "../ir/dtype.js";
import { IntImm, type PrimExpr, Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { describe, sub } from "../ir/op.js";
import { Operation } from "./operation.js";
import { PlaceholderOp } from "./placeholder.js";
import { Tensor } from "./tensor.js";
import { checkName } from "./name.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";

/**
 * The op of a scan (TVM's ScanOp); made by {@link scan}. Its root axes are the scan axis (the
 * time loop, over [init.shape[0], update.shape[0])) and one opaque spatial axis a non-time
 * dimension of each state.
 */
export class ScanOp extends Operation {
  /**
   * @param name The op's name.
   * @param tag A free-form tag.
   * @param attrs Free-form attributes.
   * @param scanAxis The time axis.
   * @param init The first steps of each state.
   * @param update Each state at step t (for every step after the init's).
   * @param statePlaceholder The placeholders update reads the states through.
   * @param inputs Tensors the update reads besides the states (they bound the scan's body).
   * @param spatialAxis One axis a non-time dimension of each state, in state order.
   */
  constructor(
    name: string,
    tag: string,
    attrs: Readonly<Record<string, unknown>>,
    readonly scanAxis: IterVar,
    readonly init: Tensor[],
    readonly update: Tensor[],
    readonly statePlaceholder: Tensor[],
    readonly inputs: Tensor[],
    readonly spatialAxis: IterVar[],
  ) {
    super(name, tag, attrs);
  }

  get numOutputs(): number { return this.update.length; }
  outputShape(i: number): PrimExpr[] { return this.statePlaceholder[i].shape; }
  outputDType(i: number): DataType { return this.update[i].dtype; }
  inputTensors(): Tensor[] { return [...this.init, ...this.update]; }
  rootIterVars(): IterVar[] { return [this.scanAxis, ...this.spatialAxis]; }

  replaceInputs(map: ReadonlyMap<Tensor, Tensor>): Operation {
    const init = this.init.map((t) => map.get(t) ?? t);
    const update = this.update.map((t) => map.get(t) ?? t);
    if (init.every((t, i) => t === this.init[i]) && update.every((t, i) => t === this.update[i])) return this;
    return new ScanOp(this.name, this.tag, this.attrs, this.scanAxis, init, update, this.statePlaceholder, this.inputs, this.spatialAxis);
  }
}

/** Options of {@link scan}. */
export interface ScanOptions {
  /** Tensors the update reads besides the states (TVM's inputs): the scan's body stops at them. */
  inputs?: Tensor | Tensor[];
  /** The op's name, "scan" by default (the time loop is `<name>.idx`). */
  name?: string;
  /** A free-form tag. */
  tag?: string;
  /** Free-form attributes. */
  attrs?: Record<string, unknown>;
}

function tensorList(v: unknown, what: string, arg: string): Tensor[] {
  const list = Array.isArray(v) ? v : [v];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${what}: ${arg}${Array.isArray(v) ? `[${i}]` : ""} must be a tensor, got ${describe(t)}`);
  });
  return list as Tensor[];
}

/**
 * A recurrence over the first dimension of `statePlaceholder` (TVM's te.scan): steps
 * [0, init.shape[0]) are `init`, each later step t is `update` at t, which reads earlier steps
 * through the placeholder (`state.at(t.sub(1), i)`). Several states (arrays) give several
 * outputs that advance together.
 * @param init The first steps: shape [k, ...state.shape[1:]].
 * @param update Every step: the state's shape, usually reading the placeholder at t - 1.
 * @param statePlaceholder A placeholder of the state's shape and dtype.
 * @param opts Inputs, name ("scan"), tag, attrs.
 * @returns The state tensor, or one a state when given arrays of two or more.
 * @throws Error when the lists differ in length, a state is not a placeholder, or shapes or dtypes disagree.
 * @example
 * ```ts
 * const m = te.sizeVar("m"), n = te.sizeVar("n");
 * const X = te.placeholder([m, n], "float32", "X");
 * const state = te.placeholder([m, n], "float32", "state");
 * const init = te.compute([1, n], (_, i) => X.at(0, i), "init");
 * const update = te.compute([m, n], (t, i) => state.at(t.sub(1), i).add(X.at(t, i)), "update");
 * const cumsum = te.scan(init, update, state);
 * ```
 */
export function scan(init: Tensor, update: Tensor, statePlaceholder: Tensor, opts?: ScanOptions): Tensor;
export function scan(init: Tensor[], update: Tensor[], statePlaceholder: Tensor[], opts?: ScanOptions): Tensor | Tensor[];
export function scan(init: Tensor | Tensor[], update: Tensor | Tensor[], statePlaceholder: Tensor | Tensor[], opts: ScanOptions = {}): Tensor | Tensor[] {
  if (opts === null || typeof opts !== "object") throw new ArgumentError(`scan: options must be an object {inputs, name, tag, attrs}, got ${describe(opts)}`);
  const name = opts.name ?? "scan";
  checkName("scan", name);
  const what = `scan '${name}'`;
  const inits = tensorList(init, what, "init");
  const updates = tensorList(update, what, "update");
  const states = tensorList(statePlaceholder, what, "statePlaceholder");
  const inputs = opts.inputs === undefined ? [] : tensorList(opts.inputs, what, "inputs");
  if (inits.length === 0) throw new ArgumentError(`${what}: needs at least one state (init, update and statePlaceholder are empty)`);
  if (inits.length !== updates.length || inits.length !== states.length) {
    throw new ArgumentError(`${what}: init, update and statePlaceholder must have the same length, got ${inits.length}, ${updates.length} and ${states.length}`);
  }
  const ana = new Analyzer();
  const same = (a: PrimExpr, b: PrimExpr) => ana.canProveEqual(a, b);
  const shapeText = (t: Tensor) => `[${t.shape.join(", ")}]`;
  const axisMin = inits[0].shape[0];
  const axisEnd = updates[0].shape[0];
  const spatial: IterVar[] = [];
  for (let i = 0; i < inits.length; i++) {
    const [ini, upd, st] = [inits[i], updates[i], states[i]];
    const which = inits.length > 1 ? ` (state ${i})` : "";
    if (!(st.op instanceof PlaceholderOp)) {
      throw new ShapeError(`${what}: statePlaceholder '${st.name}'${which} must be a placeholder (te.placeholder of the state's shape), got the output of ${st.op.constructor.name} '${st.op.name}'`);
    }
    if (st.ndim === 0) throw new DTypeError(`${what}: state '${st.name}'${which} has no dimensions; its first dimension is the scan's time axis`);
    if (ini.dtype !== st.dtype || upd.dtype !== st.dtype) {
      throw new DTypeError(`${what}: init '${ini.name}' (${ini.dtype}), update '${upd.name}' (${upd.dtype}) and state '${st.name}' (${st.dtype})${which} must have one dtype`);
    }
    if (ini.ndim !== st.ndim) throw new ShapeError(`${what}: init '${ini.name}' has ${ini.ndim} dimensions ${shapeText(ini)} but state '${st.name}' has ${st.ndim} ${shapeText(st)}`);
    if (upd.ndim !== st.ndim) throw new ShapeError(`${what}: update '${upd.name}' has ${upd.ndim} dimensions ${shapeText(upd)} but state '${st.name}' has ${st.ndim} ${shapeText(st)}`);
    if (!same(ini.shape[0], axisMin)) throw new ShapeError(`${what}: init '${ini.name}' has ${ini.shape[0]} steps but init '${inits[0].name}' has ${axisMin}; every init must cover the same steps`);
    if (!same(st.shape[0], axisEnd)) {
      throw new ShapeError(`${what}: state '${st.name}' has ${st.shape[0]} steps (dimension 0) but the update '${updates[0].name}' has ${axisEnd}; they must match`);
    }
    for (let k = 0; k < upd.ndim; k++) {
      if (!same(upd.shape[k], st.shape[k])) {
        throw new ShapeError(`${what}: update '${upd.name}' has shape ${shapeText(upd)} but state '${st.name}' has ${shapeText(st)} (dimension ${k} differs); the update must have the state's shape`);
      }
      if (k > 0 && !same(ini.shape[k], st.shape[k])) {
        throw new ShapeError(`${what}: init '${ini.name}' has shape ${shapeText(ini)} but state '${st.name}' has ${shapeText(st)} (dimension ${k} differs); init must match the state in every dimension but the first`);
      }
      if (k > 0) spatial.push(new IterVar(new Range(new IntImm(upd.shape[k].dtype, 0), upd.shape[k]), new Var(`${name}.out${i}.i${k}`, upd.shape[k].dtype), "Opaque"));
    }
  }
  if (ana.canProve(sub(axisEnd, axisMin).le(0))) {
    throw new ShapeError(`${what}: init covers ${axisMin} steps but the state has ${axisEnd}: nothing is left for the update to compute`);
  }
  const axisDom = new Range(axisMin, ana.simplify(sub(axisEnd, axisMin)));
  const scanAxis = new IterVar(axisDom, new Var(`${name}.idx`, axisMin.dtype), "Ordered");
  const op = new ScanOp(name, opts.tag ?? "", opts.attrs ?? {}, scanAxis, inits, updates, states, inputs, spatial);
  return op.numOutputs === 1 ? op.output(0) : op.outputs;
}
