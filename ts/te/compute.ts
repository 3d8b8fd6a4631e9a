// ComputeOp: a tensor defined elementwise by an expression of its indices (optionally a
// reduction over reduce axes, or several outputs sharing one loop nest).

import { guardStack } from "../stack_guard.js";
import { ArgumentError, ShapeError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { type ExprLike, PrimExpr, ProducerLoad, Reduce, Var } from "../ir/expr.js";
import { ExprMutator, ExprVisitor } from "../ir/functor.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { describe, toExpr } from "../ir/op.js";
import { Operation } from "./operation.js";
import { Tensor } from "./tensor.js";
import { toShape } from "./shape.js";
import { axisNames, paramNames } from "./fn_params.js";
import { TensorIntrinCall, makeTensorComputeOp } from "./tensor_compute.js";
import { checkName } from "./name.js";
import { isReduceAxisVar } from "./reduce.js";

/**
 * The op of a tensor defined elementwise by an expression of its indices (TVM's ComputeOp),
 * optionally a reduction; made by {@link compute}. Several bodies give several outputs sharing
 * one loop nest.
 */
export class ComputeOp extends Operation {
  /**
   * @param name The op's name.
   * @param tag A free-form tag.
   * @param attrs Free-form attributes.
   * @param axes One data-parallel axis a dimension of the output.
   * @param body The value of each output at the axes (a Reduce for a reduction).
   * @throws Error when the body is not a valid compute body (see compute's errors).
   */
  constructor(
    name: string,
    tag: string,
    attrs: Readonly<Record<string, unknown>>,
    private readonly axes: IterVar[],
    readonly body: PrimExpr[],
  ) {
    super(name, tag, attrs);
    validateBody(name, body);
  }

  override get axis(): IterVar[] { return this.axes; }
  override get reduceAxis(): IterVar[] {
    const b = this.body[0];
    return b instanceof Reduce ? b.axis : [];
  }
  get numOutputs(): number { return this.body.length; }
  outputShape(): PrimExpr[] { return this.axes.map((iv) => iv.dom!.extent); }
  outputDType(i: number): DataType { return this.body[i].dtype; }
  rootIterVars(): IterVar[] { return [...this.axes, ...this.reduceAxis]; }

  inputTensors(): Tensor[] {
    const found: Tensor[] = [];
    class Collector extends ExprVisitor {
      override visitProducerLoad(e: ProducerLoad): void {
        const t = e.producer as Tensor;
        if (!found.includes(t)) found.push(t);
        super.visitProducerLoad(e);
      }
    }
    const c = new Collector();
    this.body.forEach((b) => c.visitExpr(b));
    return found;
  }

  replaceInputs(map: ReadonlyMap<Tensor, Tensor>): Operation {
    const body = replaceTensorReads(this.body, map);
    if (body.every((b, i) => b === this.body[i])) return this;
    return new ComputeOp(this.name, this.tag, this.attrs, this.axes, body);
  }

  /** A copy whose body is `body` (same axes). */
  withBody(body: PrimExpr[]): ComputeOp {
    return new ComputeOp(this.name, this.tag, this.attrs, this.axes, body);
  }
}

/** Replaces reads of tensors in `exprs`; multi-value reductions stay shared between outputs. */
export function replaceTensorReads(exprs: PrimExpr[], map: ReadonlyMap<Tensor, Tensor>): PrimExpr[] {
  if (map.size === 0) return exprs;
  class Replacer extends ExprMutator {
    override visitProducerLoad(e: ProducerLoad): PrimExpr {
      const base = super.visitProducerLoad(e) as ProducerLoad;
      const t = map.get(base.producer as Tensor);
      return t ? new ProducerLoad(t, base.indices) : base;
    }
  }
  const r = new Replacer();
  if (exprs[0] instanceof Reduce && exprs.length > 1) {
    const first = r.visitExpr(exprs[0]) as Reduce;
    if (first === exprs[0]) return exprs;
    return exprs.map((_, i) => new Reduce(first.combiner, first.source, first.axis, first.condition, i, first.init));
  }
  return exprs.map((e) => r.visitExpr(e));
}

function validateBody(name: string, body: PrimExpr[]): void {
  if (body.length === 0) throw new ArgumentError(`compute '${name}': fcompute returned no expression`);
  const isReduce = body[0] instanceof Reduce;
  body.forEach((b, i) => {
    if (!(b instanceof PrimExpr)) throw new ArgumentError(`compute '${name}': fcompute must return an expression, got ${describe(b)}`);
    if ((b instanceof Reduce) !== isReduce) {
      throw new ArgumentError(`compute '${name}': outputs must be all reductions or none (output ${i} differs)`);
    }
    if (b instanceof Reduce && i > 0) {
      const r0 = body[0] as Reduce;
      if (b.axis.length !== r0.axis.length || b.axis.some((a, k) => a !== r0.axis[k]) || b.combiner !== r0.combiner) {
        throw new ArgumentError(`compute '${name}': the reductions of a multi-output compute must share combiner and axes`);
      }
    }
    const nested = b instanceof Reduce ? [...b.source, b.condition] : [b];
    class NestedReduce extends ExprVisitor {
      override visitReduce(): void {
        throw new ArgumentError(`compute '${name}': a reduction may only be the top level of a compute body, not nested inside an expression`);
      }
    }
    nested.forEach((e) => new NestedReduce().visitExpr(e));
  });
}

/** Refuses a user's body that uses a reduce axis outside a reduction over it (rfactor's own ops may). */
function checkReduceAxesInReducers(name: string, body: PrimExpr[]): void {
  for (const b of body) {
    const loose = reduceAxisOutsideReducer(b);
    if (loose) {
      throw new ArgumentError(`compute '${name}': reduce axis '${loose.name}' is used outside a reduction over it; ` +
        `use it inside a reducer over that axis, e.g. te.sum(A.at(i, ${loose.name}), ${loose.name}) (or a data-parallel index instead)`);
    }
  }
}

/** A reduce axis variable `e` uses outside a Reduce over that axis, if any. */
function reduceAxisOutsideReducer(e: PrimExpr): Var | undefined {
  let found: Var | undefined;
  const bound = new Set<Var>();
  class Finder extends ExprVisitor {
    override visitVar(v: Var): void {
      if (!found && isReduceAxisVar(v) && !bound.has(v)) found = v;
    }
    override visitReduce(r: Reduce): void {
      const mine = r.axis.map((a) => a.var).filter((v) => !bound.has(v));
      mine.forEach((v) => bound.add(v));
      r.source.forEach((s) => this.visitExpr(s));
      this.visitExpr(r.condition);
      mine.forEach((v) => bound.delete(v));
      r.init.forEach((s) => this.visitExpr(s));
    }
  }
  new Finder().visitExpr(e);
  return found;
}

export interface ComputeOptions {
  tag?: string;
  attrs?: Record<string, unknown>;
  /**
   * The axes' names (TVM's varargs_names), instead of fcompute's parameter names. Useful where a
   * tool renames parameters: under tsx (esbuild), `(x) => ...` in a file that also has a
   * top-level `x` arrives as `(x2) => ...`.
   */
  axisNames?: readonly string[];
}

function checkAxisNames(names: unknown, ndim: number, name: string): string[] {
  if (!Array.isArray(names) || names.some((n) => typeof n !== "string" || n === "")) {
    throw new ArgumentError(`compute '${name}': axisNames must be an array of non-empty strings, got ${describe(names)}`);
  }
  if (names.length !== ndim) throw new ShapeError(`compute '${name}': axisNames has ${names.length} names (${names.join(", ")}) but the shape has ${ndim} dimensions`);
  return [...names];
}

/**
 * What {@link compute} returns for an fcompute returning `R`: a Tensor, or one Tensor a value
 * when it returns an array. A body that does not typecheck (its type is `any`, or not an
 * expression) counts as a single output, so the mistake gives one type error, at the body, and
 * not one more at every later use of the tensor.
 */
export type ComputeResult<R> = 0 extends 1 & R ? Tensor : [R] extends [readonly unknown[]] ? Tensor[] : Tensor;

/**
 * A tensor computed elementwise (TVM's te.compute): `fcompute` gets one index variable a
 * dimension and returns the element's value; its parameter names become the loop names. An
 * fcompute returning an array (e.g. a multi-value reduction) gives one tensor per element,
 * sharing one loop nest.
 * @param shape The output shape (numbers or integer expressions), or a length for 1-D.
 * @param fcompute The element at the indices: an expression (a number is a constant), or an array of them.
 * @param name The op's name ("compute" by default): the tensor's and the loop nest's name.
 * @param opts A tag and attributes.
 * @returns The tensor, or one tensor a value when fcompute returns an array.
 * @throws Error naming the compute when fcompute is not a function, returns something that is
 * not an expression, takes a different number of parameters than `shape` has dimensions, or
 * nests a reduction inside an expression.
 * @example
 * ```ts
 * const A = te.placeholder([n, m], "float32", "A");
 * const k = te.reduceAxis([0, m], "k");
 * const B = te.compute([n], (i) => te.sum(A.at(i, k), k), "B");
 * const C = te.compute([n, m], (i, j) => A.at(i, j).mul(2).add(1), "C");
 * ```
 */
export function compute<R extends ExprLike | ExprLike[] | TensorIntrinCall>(
  shape: ExprLike[] | number | PrimExpr,
  fcompute: (...indices: Var[]) => R,
  name = "compute",
  opts: ComputeOptions = {},
): ComputeResult<R> {
  checkName("compute", name);
  if (typeof fcompute !== "function") throw new ArgumentError(`compute '${name}': fcompute must be a function of the indices, got ${describe(fcompute)}`);
  const dims = toShape(shape, `compute '${name}'`);
  // Fewer indices than dimensions: a tensor intrinsic's call over the rest (te/tensor_compute.ts).
  const params = opts.axisNames === undefined ? paramNames(fcompute) : undefined;
  if (params && !params.variadic && params.names.length > 0 && params.names.length < dims.length) {
    const outer = dims.slice(0, params.names.length).map((d, i) => new IterVar(new Range(toExpr(0, d.dtype), d), new Var(params.names[i], d.dtype), "DataPar"));
    const call = fcompute(...outer.map((iv) => iv.var));
    if (call instanceof TensorIntrinCall) return tensorComputeResult(name, opts, dims, outer, call) as ComputeResult<R>;
  }
  const names = opts.axisNames === undefined ? axisNames(fcompute, dims.length, `compute '${name}'`) : checkAxisNames(opts.axisNames, dims.length, name);
  const axes = dims.map((d, i) => new IterVar(new Range(toExpr(0, d.dtype), d), new Var(names[i], d.dtype), "DataPar"));
  const result = fcompute(...axes.map((iv) => iv.var));
  if (result instanceof TensorIntrinCall) return tensorComputeResult(name, opts, dims, axes, result) as ComputeResult<R>;
  if (result === undefined || result === null) {
    throw new ArgumentError(`compute '${name}': fcompute returned ${result}; it must return an expression (e.g. A.at(i).add(1))`);
  }
  const list: unknown[] = Array.isArray(result) ? result : [result];
  const body = list.map((e, i) => {
    if (!(e instanceof PrimExpr) && typeof e !== "number" && typeof e !== "boolean") {
      throw new ArgumentError(`compute '${name}': fcompute must return an expression, got ${describe(e)}${list.length > 1 ? ` for output ${i}` : ""}`);
    }
    return toExpr(e);
  });
  const op = guardStack(`compute '${name}'`, () => {
    const made = new ComputeOp(name, opts.tag ?? "", opts.attrs ?? {}, axes, body);
    checkReduceAxesInReducers(name, body);
    return made;
  });
  return (Array.isArray(result) ? op.outputs : op.output(0)) as ComputeResult<R>;
}

function tensorComputeResult(name: string, opts: ComputeOptions, dims: PrimExpr[], axes: IterVar[], call: TensorIntrinCall): Tensor | Tensor[] {
  const op = makeTensorComputeOp(name, opts.tag ?? "", opts.attrs ?? {}, dims, axes, call);
  return op.numOutputs === 1 ? op.output(0) : op.outputs;
}
