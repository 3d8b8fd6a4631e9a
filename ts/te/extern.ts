// ExternOp: a stage computed by arbitrary code (usually a packed call) on whole buffers.
// As in TVM, fcompute receives placeholder buffers for inputs and outputs and returns the body;
// lowering binds them to the real buffers with buffer_bind_scope and marks the body with
// `extern_scope`. Without a region map the op is opaque (no axes, whole-tensor regions).

import { ArgumentError, DTypeError } from "../errors.js";
import { DataType, type DTypeLike } from "../ir/dtype.js";
import { Buffer, declBuffer } from "../ir/buffer.js";
import { type ExprLike, PrimExpr, Var } from "../ir/expr.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { describe, toExpr } from "../ir/op.js";
import { Evaluate, Stmt } from "../ir/stmt.js";
import { Operation } from "./operation.js";
import { Tensor } from "./tensor.js";
import { toShape } from "./shape.js";
import { checkName } from "./name.js";

/** A region: one {min, extent} a dimension. */
export type Region = { min: PrimExpr; extent: PrimExpr }[];

/** How an extern's input regions follow from its output region (see docs/extern.md). */
export type RegionMap = "elementwise" | ((out: Region) => Region[]);

/**
 * The op of a tensor computed by external code, a statement over buffers (TVM's ExternOp);
 * made by {@link extern}.
 */
export class ExternOp extends Operation {
  /**
   * @param name The op's name.
   * @param tag A free-form tag.
   * @param attrs Free-form attributes.
   * @param inputs The tensors read.
   * @param inputPlaceholders The buffers the body sees for the inputs.
   * @param outputPlaceholders The buffers the body writes, one an output.
   * @param body The statement that computes the outputs.
   * @param outputShapes The shape of each output.
   * @param regionMap How input regions follow from an output region, when the extern is tileable.
   * @param axes One axis a dimension of the output, when it has a region map.
   */
  constructor(
    name: string,
    tag: string,
    attrs: Readonly<Record<string, unknown>>,
    readonly inputs: Tensor[],
    readonly inputPlaceholders: Buffer[],
    readonly outputPlaceholders: Buffer[],
    readonly body: Stmt,
    readonly outputShapes: PrimExpr[][],
    readonly regionMap?: RegionMap,
    private readonly axes: IterVar[] = [],
  ) {
    super(name, tag, attrs);
  }

  get numOutputs(): number { return this.outputPlaceholders.length; }
  outputShape(i: number): PrimExpr[] { return this.outputShapes[i]; }
  outputDType(i: number): DataType { return this.outputPlaceholders[i].dtype; }
  inputTensors(): Tensor[] { return this.inputs; }
  /** One axis per output dimension when the extern has a region map; none otherwise. */
  override get axis(): IterVar[] { return this.axes; }
  rootIterVars(): IterVar[] { return [...this.axes]; }

  replaceInputs(map: ReadonlyMap<Tensor, Tensor>): Operation {
    const inputs = this.inputs.map((t) => map.get(t) ?? t);
    if (inputs.every((t, i) => t === this.inputs[i])) return this;
    return new ExternOp(this.name, this.tag, this.attrs, inputs, this.inputPlaceholders, this.outputPlaceholders, this.body, this.outputShapes, this.regionMap, this.axes);
  }
}

/** Options of {@link extern}. */
export interface ExternOptions {
  /** The op's name, "extern" by default. */
  name?: string;
  /** A free-form tag. */
  tag?: string;
  /** The output dtype (one for all outputs, or one an output); float32 by default. */
  dtype?: DTypeLike | DTypeLike[];
  /**
   * The buffers the body sees for the inputs (TVM's in_buffers), e.g. with strides or an offset
   * factor; declared from the inputs' shapes by default.
   */
  inBuffers?: Buffer[];
  /** The buffers the body writes (TVM's out_buffers); declared from the output shapes by default. */
  outBuffers?: Buffer[];
  /** Free-form attributes. */
  attrs?: Record<string, unknown>;
  /** Makes the extern tileable: "elementwise" or a function from the output region to input regions. */
  regionMap?: RegionMap;
}

export type ExternFCompute = (ins: Buffer[], outs: Buffer[]) => Stmt | PrimExpr;

function isShapeList(shape: unknown): shape is ExprLike[][] {
  return Array.isArray(shape) && shape.length > 0 && Array.isArray(shape[0]);
}

/**
 * A stage computed by external code: `extern(shape, [A], (ins, outs) => tir.callPacked("f",
 * ins[0], outs[0]))`. Several output shapes give several tensors.
 */
export function extern(shape: ExprLike[], inputs: Tensor[], fcompute: ExternFCompute, opts?: ExternOptions): Tensor;
export function extern(shapes: ExprLike[][], inputs: Tensor[], fcompute: ExternFCompute, opts?: ExternOptions): Tensor[];
export function extern(shape: ExprLike[] | ExprLike[][], inputs: Tensor[], fcompute: ExternFCompute, opts: ExternOptions = {}): Tensor | Tensor[] {
  const name = opts.name ?? "extern";
  checkName("extern", name);
  const what = `extern '${name}'`;
  if (!Array.isArray(inputs) || inputs.some((t) => !(t instanceof Tensor))) {
    throw new ArgumentError(`${what}: inputs must be an array of tensors, got ${describe(inputs)}`);
  }
  if (typeof fcompute !== "function") throw new ArgumentError(`${what}: fcompute must be a function (ins, outs) => statement, got ${describe(fcompute)}`);
  const multi = isShapeList(shape);
  const shapes = (multi ? shape : [shape as ExprLike[]]).map((s, i) => toShape(s, `${what} output ${i}`));
  let dtypes: DataType[];
  if (opts.dtype === undefined) {
    const types = [...new Set(inputs.map((t) => t.dtype))];
    if (types.length !== 1) {
      throw new DTypeError(`${what}: cannot infer the output dtype from inputs (${types.length === 0 ? "none" : types.join(", ")}); pass {dtype}`);
    }
    dtypes = shapes.map(() => types[0]);
  } else {
    const list = Array.isArray(opts.dtype) ? opts.dtype : shapes.map(() => opts.dtype as DTypeLike);
    if (list.length !== shapes.length) throw new DTypeError(`${what}: ${shapes.length} output shapes but ${list.length} dtypes`);
    dtypes = list.map((t) => DataType.parse(t));
  }
  const tileable = opts.regionMap !== undefined;
  if (tileable && opts.regionMap !== "elementwise" && typeof opts.regionMap !== "function") {
    throw new ArgumentError(`${what}: regionMap must be "elementwise" or a function from the output region to input regions, got ${describe(opts.regionMap)}`);
  }
  // A tileable extern's placeholders stand for tiles: their shape, strides and offset are
  // variables that lowering binds to the tile's; an opaque one's stand for whole tensors.
  const placeholderBuffer = (s: PrimExpr[], t: DataType, bufName: string): Buffer =>
    declBuffer(tileable ? s.map((_, d) => new Var(`${bufName}.extent${d}`, "int32")) : s, t, bufName, {
      elemOffset: new Var("elem_offset", "int32"),
      strides: tileable ? s.map((_, d) => new Var(`${bufName}.stride${d}`, "int32")) : undefined,
    });
  const inBuffers = opts.inBuffers ?? inputs.map((t) => placeholderBuffer(t.shape, t.dtype, t.op.name));
  const outBuffers = opts.outBuffers ?? shapes.map((s, i) => placeholderBuffer(s, dtypes[i], name));
  if (inBuffers.length !== inputs.length) throw new ArgumentError(`${what}: ${inputs.length} inputs but ${inBuffers.length} inBuffers`);
  if (outBuffers.length !== shapes.length) throw new ArgumentError(`${what}: ${shapes.length} outputs but ${outBuffers.length} outBuffers`);
  const result = fcompute(inBuffers, outBuffers);
  if (result === undefined || result === null) {
    throw new ArgumentError(`${what}: fcompute returned ${result}; it must return a statement or an expression, e.g. tir.callPacked("f", ins[0], outs[0]) or an irBuilder's get()`);
  }
  let body: Stmt;
  if (result instanceof Stmt) body = result;
  else if (result instanceof PrimExpr) body = new Evaluate(result);
  else throw new ArgumentError(`${what}: fcompute must return a statement or an expression, got ${describe(result)}`);
  let axes: IterVar[] = [];
  if (tileable) {
    if (shapes.length !== 1) throw new ArgumentError(`${what}: a region map needs exactly one output, got ${shapes.length}`);
    axes = shapes[0].map((d, i) => new IterVar(new Range(toExpr(0, d.dtype), d), new Var(`${name}.ax${i}`, d.dtype), "DataPar"));
  }
  const op = new ExternOp(name, opts.tag ?? "", opts.attrs ?? {}, inputs, inBuffers, outBuffers, body, shapes, opts.regionMap, axes);
  return multi ? op.outputs : op.output(0);
}
