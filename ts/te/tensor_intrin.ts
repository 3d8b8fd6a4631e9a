// Tensor intrinsics (TVM's te.decl_tensor_intrin / TensorIntrin): a compute op that is the
// pattern a loop nest must match, one buffer per input and output of that op, and the
// statements that replace a matching nest: the body (the whole computation), and for a
// reduction whose reduce loop is split outside the tensorized axis, a reset (zero the output)
// and an update (accumulate into it). `s.stage(C).tensorize(axis, intrin)` uses it.

import { Buffer, type BufferOptions, declBuffer } from "../ir/buffer.js";
import { type ExprLike, PrimExpr, Var } from "../ir/expr.js";
import { type TensorIntrinCall, type TensorIntrinCallOptions, type TensorSlice, callTensorIntrin } from "./tensor_compute.js";
import { Evaluate, Stmt } from "../ir/stmt.js";
import { describe } from "../ir/op.js";
import { ComputeOp } from "./compute.js";
import type { Operation } from "./operation.js";
import { PlaceholderOp } from "./placeholder.js";
import type { Tensor } from "./tensor.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";

/** A statement of an intrinsic, or an expression (a call) evaluated as one; null/undefined: none. */
export type IntrinStmt = Stmt | PrimExpr | null | undefined;

/** Options of {@link declTensorIntrin} (TVM's keyword arguments, camelCased). */
export interface TensorIntrinOptions {
  /** The intrinsic's name, "tensor_intrin" by default. */
  name?: string;
  /** The buffer to use for some of the op's inputs or outputs (by default one is declared per tensor). */
  binds?: ReadonlyMap<Tensor, Buffer>;
  /**
   * Parameters of the buffers declared by default (TVM's default_buffer_params): `offsetFactor`
   * (the element offset of a bound region must be a multiple of it; it makes the offset a
   * variable), `dataAlignment`, `strides`, `scope`.
   */
  defaultBufferParams?: Pick<BufferOptions, "offsetFactor" | "dataAlignment" | "strides" | "scope">;
  /**
   * Variables of the pattern that are scalar arguments of the intrinsic (TVM's scalar_params):
   * fcompute gets them as its third argument; a call (`intrin.call(...)`, a tensor compute)
   * gives their values, which replace them in its statements.
   */
  scalarParams?: Var[];
}

/** A declared tensor intrinsic (TVM's TensorIntrin). */
export class TensorIntrin {
  /**
   * @param name Its name (for messages).
   * @param op The compute op it implements (the pattern to match).
   * @param inputs The op's input tensors, in the order of `op.inputTensors()`.
   * @param buffers One buffer per input, then one per output.
   * @param body The whole computation (undefined when not given).
   * @param reduceInit The reset of a split reduction (undefined: the body is used in the first iteration).
   * @param reduceUpdate The accumulation of a split reduction.
   * @param scalarParams Variables of the pattern that are scalar arguments (TVM's scalar_params).
   */
  constructor(
    readonly name: string,
    readonly op: ComputeOp,
    readonly inputs: Tensor[],
    readonly buffers: Buffer[],
    readonly body: Stmt | undefined,
    readonly reduceInit: Stmt | undefined,
    readonly reduceUpdate: Stmt | undefined,
    readonly scalarParams: Var[] = [],
  ) {}

  /**
   * A call of the intrinsic over tensor slices, as the body of a te.compute (TVM's
   * TensorIntrin.__call__; the op is a tensor compute, te/tensor_compute.ts): `te.slice`
   * arguments are its inputs in order, expressions its scalar parameters, and a trailing
   * `{ reduceAxis }` the reductions the call accumulates over.
   */
  call(...args: (TensorSlice | ExprLike | TensorIntrinCallOptions)[]): TensorIntrinCall {
    return callTensorIntrin(this, args);
  }

  /** `TensorIntrin(name)`. */
  toString(): string { return `TensorIntrin(${this.name})`; }
}

function asStmt(s: IntrinStmt, what: string): Stmt | undefined {
  if (s === null || s === undefined) return undefined;
  if (s instanceof Stmt) return s;
  if (s instanceof PrimExpr) return new Evaluate(s);
  throw new ArgumentError(`${what} must be a statement, an expression (a call) or null, got ${describe(s)}`);
}

/**
 * Declares a tensor intrinsic (TVM's te.decl_tensor_intrin): `op` is its pattern, a compute op
 * over placeholders; `fcompute(ins, outs)` gets one buffer per input and per output and returns
 * the body (a packed call, an extern call or TIR), or `[body, reset, update]` for a reduction
 * (any of them null).
 * @throws Error when `op` is not a compute over placeholders, a bind is not a buffer of the
 * tensor's dtype and rank, or fcompute returns something else.
 * @example
 * ```ts
 * const x = te.placeholder([16], "float32", "x");
 * const y = te.placeholder([16], "float32", "y");
 * const z = te.compute([16], (i) => x.at(i).add(y.at(i)), "z");
 * const vadd = te.declTensorIntrin(z.op, (ins, outs) => tir.callPacked("vadd", ins[0], ins[1], outs[0]),
 *   { name: "vadd", defaultBufferParams: { offsetFactor: 16 } });
 * ```
 */
export function declTensorIntrin(
  op: Operation,
  fcompute: (ins: Buffer[], outs: Buffer[], scalarParams: Var[]) => IntrinStmt | IntrinStmt[],
  opts: TensorIntrinOptions = {},
): TensorIntrin {
  const name = opts.name ?? "tensor_intrin";
  if (!(op instanceof ComputeOp)) {
    throw new ArgumentError(`declTensorIntrin '${name}': the pattern must be a compute op (te.compute(...).op), got ${describe(op)}`);
  }
  if (typeof fcompute !== "function") throw new ArgumentError(`declTensorIntrin '${name}': fcompute must be a function (ins, outs) => body, got ${describe(fcompute)}`);
  const inputs = op.inputTensors();
  for (const t of inputs) {
    if (!(t.op instanceof PlaceholderOp)) {
      throw new ArgumentError(`declTensorIntrin '${name}': input '${t.name}' of '${op.name}' must be a placeholder (an intrinsic's pattern reads placeholders only), got ${t.op}`);
    }
  }
  const tensors = [...inputs, ...op.outputs];
  for (const t of opts.binds?.keys() ?? []) {
    if (!tensors.includes(t)) throw new ArgumentError(`declTensorIntrin '${name}': binds has '${t.name}', which is neither an input nor an output of '${op.name}'`);
  }
  const params = opts.defaultBufferParams ?? {};
  const buffers = tensors.map((t) => {
    const b = opts.binds?.get(t);
    if (b !== undefined) {
      if (!(b instanceof Buffer)) throw new DTypeError(`declTensorIntrin '${name}': the bind of '${t.name}' must be a Buffer (tir.declBuffer), got ${describe(b)}`);
      if (b.dtype !== t.dtype) throw new DTypeError(`declTensorIntrin '${name}': buffer '${b.name}' bound to '${t.name}' has dtype ${b.dtype}, the tensor ${t.dtype}`);
      if (b.shape.length !== t.ndim) throw new ShapeError(`declTensorIntrin '${name}': buffer '${b.name}' bound to '${t.name}' has ${b.shape.length} dimensions, the tensor ${t.ndim}`);
      return b;
    }
    return declBuffer(t.shape, t.dtype, t.op.name, { ...params });
  });
  const scalarParams = opts.scalarParams ?? [];
  if (!Array.isArray(scalarParams) || scalarParams.some((v) => !(v instanceof Var))) {
    throw new ArgumentError(`declTensorIntrin '${name}': scalarParams must be an array of variables, got ${describe(scalarParams)}`);
  }
  const result = fcompute(buffers.slice(0, inputs.length), buffers.slice(inputs.length), [...scalarParams]);
  const list = Array.isArray(result) ? result : [result];
  if (list.length === 0 || list.length > 3) {
    throw new ArgumentError(`declTensorIntrin '${name}': fcompute must return a body or [body, reset, update], got ${list.length} values`);
  }
  const [body, reset, update] = [0, 1, 2].map((i) => asStmt(list[i], `declTensorIntrin '${name}': ${["the body", "the reset", "the update"][i]}`));
  if (!body && !update) throw new ArgumentError(`declTensorIntrin '${name}': fcompute returned neither a body nor an update`);
  return new TensorIntrin(name, op, inputs, buffers, body, reset, update, [...scalarParams]);
}
