// The builtins the host passes produce and the C code generator consumes, named as TVM names them:
// reading and writing fields of packed arguments and DLTensors (tvm_struct_get / tvm_struct_set),
// stack arrays for packed calls (tvm_stack_alloca), the lowered packed call, workspace allocation,
// pointer tests, extern libm calls, and tejit's formatted error message (tejit.format), which lets
// an argument check say what it got as well as what it expected.

import { UnsupportedError } from "../errors.js";
import { DataType, type DTypeLike } from "../ir/dtype.js";
import { Call, IntImm, type PrimExpr, StringImm } from "../ir/expr.js";

export const STRUCT_GET = "tir.tvm_struct_get";
export const STRUCT_SET = "tir.tvm_struct_set";
export const STACK_ALLOCA = "tir.tvm_stack_alloca";
export const CALL_PACKED_LOWERED = "tir.tvm_call_packed_lowered";
export const ADDRESS_OF = "tir.address_of";
export const IS_NULLPTR = "tir.isnullptr";
export const ALLOC_WORKSPACE = "tir.TVMBackendAllocWorkspace";
export const FREE_WORKSPACE = "tir.TVMBackendFreeWorkspace";
export const CALL_PURE_EXTERN = "tir.call_pure_extern";
export const THROW_LAST_ERROR = "tir.tvm_throw_last_error";
/** A formatted message: StringImm parts are text, other arguments are formatted values. */
export const FORMAT = "tejit.format";
/** The name of a packed type code (a string, for messages). */
export const TYPE_CODE_NAME = "tejit.type_code_name";
/** The name of a DLPack dtype given code, bits, lanes (a string, for messages). */
export const DTYPE_NAME = "tejit.dtype_name";

/** Fields of TVM's TVMStructFieldKind. */
export const Field = {
  ArrAddr: 0,
  ArrData: 1,
  ArrShape: 2,
  ArrStrides: 3,
  ArrNDim: 4,
  ArrTypeCode: 5,
  ArrTypeBits: 6,
  ArrTypeLanes: 7,
  ArrByteOffset: 8,
  ArrDeviceId: 9,
  ArrDeviceType: 10,
  TVMValueContent: 12,
} as const;

/** TVM's packed type codes. */
export const TypeCode = {
  Int: 0,
  UInt: 1,
  Float: 2,
  OpaqueHandle: 3,
  Null: 4,
  DLTensorHandle: 7,
  PackedFuncHandle: 10,
  Str: 11,
  NDArrayHandle: 13,
} as const;

/** DLPack's dtype code of a TIR dtype (bool is uint). */
export function dlpackCode(t: DataType): number {
  if (t.isInt()) return 0;
  if (t.isUInt() || t.isBool()) return 1;
  if (t.isFloat()) return 2;
  throw new UnsupportedError(`dtype ${t} has no DLPack code`);
}

const i32 = (v: number): IntImm => new IntImm("int32", v);

export function structGet(dtype: DTypeLike, handle: PrimExpr, index: number, field: number): Call {
  return new Call(dtype, STRUCT_GET, [handle, i32(index), i32(field)]);
}

export function structSet(handle: PrimExpr, index: number, field: number, value: PrimExpr): Call {
  return new Call("int32", STRUCT_SET, [handle, i32(index), i32(field), value]);
}

export function isNullPtr(handle: PrimExpr): Call {
  return new Call(DataType.bool(), IS_NULLPTR, [handle]);
}

/** A message of literal parts and values. */
export function format(...parts: (string | PrimExpr)[]): Call {
  return new Call("handle", FORMAT, parts.map((p) => (typeof p === "string" ? new StringImm(p) : p)));
}

export function pureExtern(dtype: DTypeLike, name: string, ...args: PrimExpr[]): Call {
  return new Call(dtype, CALL_PURE_EXTERN, [new StringImm(name), ...args]);
}
