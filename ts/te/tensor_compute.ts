// Tensor compute ops (TVM's TensorComputeOp): a compute whose body is a tensor intrinsic called
// over slices of tensors, `te.compute([n, 16], (i) => vadd.call(te.slice(A, i, [0, 16]), ...))`.
// The fcompute's parameters are the op's schedulable axes (its loops); the remaining output
// dimensions are the intrinsic's output, written whole by each call (opaque axes, no loops).
// Its scheduling behaviour (bounds, statements) is the op kind in schedule/op_kinds/tensor_compute.ts.

import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import { type ExprLike, PrimExpr, Var, isConstInt } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { describe, toExpr } from "../ir/op.js";
import { Analyzer } from "../arith/analyzer.js";
import { Operation } from "./operation.js";
import { Tensor } from "./tensor.js";
import type { TensorIntrin } from "./tensor_intrin.js";

/** A region of a tensor passed to a tensor intrinsic (TVM's `A[i, 0:16]`): one range a dimension. */
export class TensorSlice {
  /**
   * @param tensor The tensor sliced.
   * @param region One range a dimension of it.
   */
  constructor(readonly tensor: Tensor, readonly region: Range[]) {}
  /** `A[min:+extent, ...]`. */
  toString(): string { return `${this.tensor.name}[${this.region.map((r) => `${r.min}:+${r.extent}`).join(", ")}]`; }
}

/**
 * A slice of `t` (TVM's `A[i, 0:16]`): each index is an expression (one element) or a
 * `[start, stop)` pair; missing trailing dimensions are taken whole.
 * @throws ArgumentError when `t` is not a tensor or an index is neither; ShapeError for too many indices.
 */
export function slice(t: Tensor, ...indices: (ExprLike | [ExprLike, ExprLike])[]): TensorSlice {
  if (!(t instanceof Tensor)) throw new ArgumentError(`slice: expects a tensor, got ${describe(t)}`);
  if (indices.length > t.ndim) throw new ShapeError(`slice of '${t.name}': ${indices.length} indices for a ${t.ndim}-dimensional tensor`);
  const region = t.shape.map((extent, d) => {
    if (d >= indices.length) return new Range(toExpr(0, extent.dtype), extent);
    const x = indices[d];
    if (Array.isArray(x)) {
      if (x.length !== 2) throw new ArgumentError(`slice of '${t.name}': index ${d} must be an expression or a [start, stop) pair, got ${x.length} values`);
      const [lo, hi] = [toExpr(x[0]), toExpr(x[1])];
      return new Range(lo, new Analyzer().simplify(hi.sub(lo)));
    }
    if (!(x instanceof PrimExpr) && typeof x !== "number") throw new ArgumentError(`slice of '${t.name}': index ${d} must be an expression or a [start, stop) pair, got ${describe(x)}`);
    return new Range(toExpr(x), toExpr(1, toExpr(x).dtype));
  });
  return new TensorSlice(t, region);
}

/** Options of {@link TensorIntrin.call}. */
export interface TensorIntrinCallOptions {
  /** The reduction axes the call reduces over (outside the intrinsic; TVM's reduce_axis). */
  reduceAxis?: IterVar | IterVar[];
}

/** A call of a tensor intrinsic (TVM's TensorIntrinCall): what an fcompute returns to make a {@link TensorComputeOp}. */
export class TensorIntrinCall {
  /**
   * @param intrin The intrinsic called.
   * @param tensors The sliced tensors, one per input of the intrinsic.
   * @param regions The slice of each.
   * @param reduceAxis The reductions the call accumulates over.
   * @param scalarInputs The values of the intrinsic's scalar parameters.
   */
  constructor(
    readonly intrin: TensorIntrin,
    readonly tensors: Tensor[],
    readonly regions: Range[][],
    readonly reduceAxis: IterVar[],
    readonly scalarInputs: PrimExpr[],
  ) {}
}

/** `intrin.call(...args)`: slices are the intrinsic's inputs, in order; other arguments its scalar parameters. */
export function callTensorIntrin(intrin: TensorIntrin, args: unknown[]): TensorIntrinCall {
  const where = `call of intrinsic '${intrin.name}'`;
  let opts: TensorIntrinCallOptions = {};
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && !(last instanceof PrimExpr) && !(last instanceof TensorSlice) && !(last instanceof Tensor)) {
    opts = last as TensorIntrinCallOptions;
    args = args.slice(0, -1);
  }
  const slices: TensorSlice[] = [];
  const scalars: PrimExpr[] = [];
  args.forEach((a, i) => {
    if (a instanceof TensorSlice) slices.push(a);
    else if (a instanceof Tensor) throw new ArgumentError(`${where}: argument ${i} is the tensor '${a.name}'; pass a region of it, te.slice(${a.name}, ...)`);
    else if (a instanceof PrimExpr || typeof a === "number") scalars.push(toExpr(a));
    else throw new ArgumentError(`${where}: argument ${i} must be a te.slice or an expression, got ${describe(a)}`);
  });
  if (slices.length !== intrin.inputs.length) {
    throw new ArgumentError(`${where}: takes ${intrin.inputs.length} tensor slices (one per input of '${intrin.op.name}'), got ${slices.length}`);
  }
  slices.forEach((s, i) => {
    const want = intrin.inputs[i];
    if (s.tensor.dtype !== want.dtype) throw new DTypeError(`${where}: slice ${i} of '${s.tensor.name}' is ${s.tensor.dtype}, the intrinsic's input '${want.name}' ${want.dtype}`);
  });
  if (scalars.length !== intrin.scalarParams.length) {
    throw new ArgumentError(`${where}: takes ${intrin.scalarParams.length} scalar arguments (its scalarParams), got ${scalars.length}`);
  }
  const ra = opts.reduceAxis === undefined ? [] : Array.isArray(opts.reduceAxis) ? opts.reduceAxis : [opts.reduceAxis];
  ra.forEach((iv) => {
    if (!(iv instanceof IterVar) || iv.iterType !== "CommReduce") throw new ArgumentError(`${where}: reduceAxis must be te.reduceAxis axes, got ${describe(iv)}`);
  });
  return new TensorIntrinCall(intrin, slices.map((s) => s.tensor), slices.map((s) => s.region), ra, scalars);
}

/** A compute whose body is a tensor intrinsic over tensor slices (TVM's TensorComputeOp). */
export class TensorComputeOp extends Operation {
  /**
   * @param axes Every output dimension: the schedulable ones (DataPar), then the intrinsic's (Opaque).
   * @param reduceAxes The reductions the call is inside of.
   * @param schedulableNdim How many leading axes are loops.
   * @param intrin The intrinsic called.
   * @param inputs The sliced tensors, one per input of the intrinsic.
   * @param inputRegions The slice of each, one range a dimension (over the axes' variables).
   * @param scalarInputs The values of the intrinsic's scalar parameters.
   */
  constructor(
    name: string,
    tag: string,
    attrs: Readonly<Record<string, unknown>>,
    readonly axes: IterVar[],
    readonly reduceAxes: IterVar[],
    readonly schedulableNdim: number,
    readonly intrin: TensorIntrin,
    readonly inputs: Tensor[],
    readonly inputRegions: Range[][],
    readonly scalarInputs: PrimExpr[],
  ) {
    super(name, tag, attrs);
  }

  get numOutputs(): number { return this.intrin.buffers.length - this.intrin.inputs.length; }
  outputShape(): PrimExpr[] { return this.axes.map((iv) => iv.dom!.extent); }
  outputDType(i: number): DataType { return this.intrin.buffers[this.intrin.inputs.length + i].dtype; }
  inputTensors(): Tensor[] { return [...this.inputs]; }
  rootIterVars(): IterVar[] { return [...this.axes, ...this.reduceAxes]; }
  override get axis(): IterVar[] { return this.axes; }
  override get reduceAxis(): IterVar[] { return this.reduceAxes; }

  replaceInputs(map: ReadonlyMap<Tensor, Tensor>): Operation {
    if (!this.inputs.some((t) => map.has(t))) return this;
    const inputs = this.inputs.map((t) => map.get(t) ?? t);
    return new TensorComputeOp(this.name, this.tag, this.attrs, this.axes, this.reduceAxes, this.schedulableNdim, this.intrin, inputs, this.inputRegions, this.scalarInputs);
  }
}

/**
 * The op of `te.compute(shape, fcompute)` when fcompute returned an intrinsic call: `axes` are
 * the schedulable axes (one per fcompute parameter); the rest of `shape` must be the intrinsic's
 * output shape.
 * @throws ShapeError when the remaining dimensions are not the intrinsic's output's.
 */
export function makeTensorComputeOp(name: string, tag: string, attrs: Readonly<Record<string, unknown>>, shape: PrimExpr[], axes: IterVar[], call: TensorIntrinCall): TensorComputeOp {
  const intrin = call.intrin;
  const outShape = intrin.op.outputs[0].shape;
  const rest = shape.slice(axes.length);
  const ana = new Analyzer();
  // Their trailing dimensions must match where both are known (the intrinsic's output may have
  // leading unit dimensions more, as TVM allows; the binding checks the rest).
  const common = Math.min(rest.length, outShape.length);
  const differs = rest.slice(rest.length - common).some((d, i) => {
    const diff = ana.simplify(d.sub(outShape[outShape.length - common + i]));
    return isConstInt(diff) && diff.value !== 0;
  });
  if (differs) {
    throw new ShapeError(`compute '${name}': its fcompute takes ${axes.length} indices, so the other dimensions [${rest.join(", ")}] must be the output shape of intrinsic '${intrin.name}', [${outShape.join(", ")}]`);
  }
  const opaque = rest.map((d, i) => new IterVar(new Range(toExpr(0, d.dtype), d), new Var(`ax${i}`, d.dtype), "Opaque"));
  return new TensorComputeOp(name, tag, attrs, [...axes, ...opaque], call.reduceAxis, axes.length, intrin, call.tensors, call.regions, call.scalarInputs);
}
