// Builtin calls the lowering and the runtime ABI agree on: tvm_call_packed (a call to a
// function registered by name), its tvm_stack_make_array / tvm_stack_make_shape arguments
// describing buffers as DLTensors, call_extern, and tvm_tuple.

import { ArgumentError } from "../errors.js";
import { DataType } from "./dtype.js";
import { Buffer } from "./buffer.js";
import { Call, type ExprLike, IntImm, PrimExpr, StringImm } from "./expr.js";
import { constant, describe, toExpr } from "./op.js";

export const CALL_PACKED = "tir.tvm_call_packed";
export const STACK_MAKE_ARRAY = "tir.tvm_stack_make_array";
export const STACK_MAKE_SHAPE = "tir.tvm_stack_make_shape";
export const CALL_EXTERN = "tir.call_extern";
export const TUPLE = "tir.tvm_tuple";

/** An argument of a packed or extern call: a buffer, an expression, a number or a string. */
export type CallArg = Buffer | ExprLike | string;

/**
 * A buffer as a DLTensor argument, as TVM's _pack_buffer builds it:
 * `tvm_stack_make_array(data, make_shape(shape), strides or 0, ndim, 0<dtype>, elem_offset)`.
 * A rank-0 buffer (a scalar tensor) has an empty shape and ndim 0, as in TVM.
 */
export function packBuffer(buf: Buffer): PrimExpr {
  const shape = new Call("handle", STACK_MAKE_SHAPE, buf.shape);
  const strides = buf.strides.length > 0 ? new Call("handle", STACK_MAKE_SHAPE, buf.strides) : new IntImm("int32", 0);
  return new Call("handle", STACK_MAKE_ARRAY, [
    buf.data, shape, strides, new IntImm("int32", buf.shape.length), constant(0, buf.dtype), buf.elemOffset,
  ]);
}

function toCallArg(a: CallArg, what: string, i: number): PrimExpr {
  if (a instanceof Buffer) return packBuffer(a);
  if (typeof a === "string") return new StringImm(a);
  if (a instanceof PrimExpr || typeof a === "number" || typeof a === "boolean") return toExpr(a);
  throw new ArgumentError(`${what}: argument ${i} must be a buffer, an expression, a number or a string, got ${describe(a)}`);
}

/** Refuses a name C would cut short: a NUL ends a C string, so "safe\0evil" would reach "safe". */
function checkNoNul(name: string, what: string): void {
  if (name.includes("\0")) throw new ArgumentError(`${what}: the name ${JSON.stringify(name)} contains a NUL character, which would end it early in C: remove the NUL`);
}

/** Calls the function registered under `name` (e.g. with registerFunc) with packed arguments. */
export function callPacked(name: string, ...args: CallArg[]): Call {
  if (typeof name !== "string" || name.length === 0) {
    throw new ArgumentError(`callPacked: the first argument must be the function's name, got ${describe(name)}`);
  }
  checkNoNul(name, "callPacked");
  return new Call("int32", CALL_PACKED, [new StringImm(name), ...args.map((a, i) => toCallArg(a, `callPacked('${name}')`, i + 1))]);
}

/** Calls an external C function `name` returning `dtype` (TVM's call_extern). */
export function callExtern(dtype: string | DataType, name: string, ...args: CallArg[]): Call {
  if (typeof name !== "string" || name.length === 0) {
    throw new ArgumentError(`callExtern: the second argument must be the C function's name, got ${describe(name)}`);
  }
  checkNoNul(name, "callExtern");
  return new Call(dtype, CALL_EXTERN, [new StringImm(name), ...args.map((a, i) => toCallArg(a, `callExtern('${name}')`, i + 1))]);
}

/** A tuple of expressions (an attribute value). */
export function tuple(values: PrimExpr[]): Call {
  return new Call("handle", TUPLE, values);
}
