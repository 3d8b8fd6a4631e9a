// TVM's packed calling convention in C (the entry function itself prints in c_entry.ts): the
// fields of TVMValue and DLTensor that tvm_struct_get/set read and write, the stack arrays that
// tvm_stack_alloca declares for a call's arguments, and packed calls through a `static void*
// <callee>_packed` handle per callee, looked up once by the helper, whose failure returns -1
// from the calling function.

import { IRError, InternalError } from "../errors.js";
import { type Call, IntImm, StringImm } from "../ir/expr.js";
import type { LetStmt } from "../ir/stmt.js";
import { Field } from "../transform/host_builtins.js";
import type { FnEmitter } from "./c_function.js";
import type { CModule } from "./c_module.js";
import { cString } from "./c_names.js";

const DLTENSOR_FIELDS: Readonly<Record<number, string>> = {
  [Field.ArrData]: "data",
  [Field.ArrShape]: "shape",
  [Field.ArrStrides]: "strides",
  [Field.ArrNDim]: "ndim",
  [Field.ArrTypeCode]: "dtype.code",
  [Field.ArrTypeBits]: "dtype.bits",
  [Field.ArrTypeLanes]: "dtype.lanes",
  [Field.ArrByteOffset]: "byte_offset",
  [Field.ArrDeviceId]: "device.device_id",
  [Field.ArrDeviceType]: "device.device_type",
};
const DLTENSOR_FIELD_TYPES: Readonly<Record<number, string>> = {
  [Field.ArrData]: "void*",
  [Field.ArrShape]: "int64_t*",
  [Field.ArrStrides]: "int64_t*",
  [Field.ArrNDim]: "int32_t",
  [Field.ArrTypeCode]: "uint8_t",
  [Field.ArrTypeBits]: "uint8_t",
  [Field.ArrTypeLanes]: "uint16_t",
  [Field.ArrByteOffset]: "uint64_t",
  [Field.ArrDeviceId]: "int32_t",
  [Field.ArrDeviceType]: "int32_t",
};

/** `let v = tvm_stack_alloca(kind, n)`: an array of n TVMValues, type codes, DLTensors or dims. */
export function stackAlloca(em: FnEmitter, s: LetStmt, call: Call): void {
  const [kindArg, nArg] = call.args;
  if (!(kindArg instanceof StringImm) || !(nArg instanceof IntImm)) throw new IRError(`codegen(${em.fname}): tvm_stack_alloca needs a kind and a constant count`);
  const elem = { arg_value: "TVMValue", arg_tcode: "int32_t", array: "DLTensor", shape: "int64_t" }[kindArg.value];
  if (!elem) throw new IRError(`codegen(${em.fname}): unknown tvm_stack_alloca kind '${kindArg.value}'`);
  em.scoped(s.variable, (name) => {
    em.line(`${elem} ${name}[${Math.max(1, nArg.value)}];`);
    em.stmt(s.body);
  });
}

/** tvm_struct_get: a TVMValue's content (as the call's dtype) or a DLTensor field. */
export function structGet(em: FnEmitter, e: Call): string {
  const [h, idxE, fieldE] = e.args;
  const idx = (idxE as IntImm).value;
  const field = (fieldE as IntImm).value;
  if (field === Field.TVMValueContent) {
    const base = `((TVMValue*)${em.expr(h)})[${idx}]`;
    if (e.dtype.isHandle()) return `${base}.v_handle`;
    if (e.dtype.isFloat()) return `((${em.types.value(e.dtype)})${base}.v_float64)`;
    return `((${em.types.value(e.dtype)})${base}.v_int64)`;
  }
  if (field === Field.ArrAddr) return `(&((DLTensor*)${em.expr(h)})[${idx}])`;
  const name = DLTENSOR_FIELDS[field];
  if (!name) throw new IRError(`codegen(${em.fname}): tvm_struct_get of unknown field ${field}`);
  return `((DLTensor*)${em.expr(h)})[${idx}].${name}`;
}

/** tvm_struct_set as a C assignment (no trailing semicolon). */
export function structSet(em: FnEmitter, e: Call): string {
  const [h, idxE, fieldE, value] = e.args;
  const idx = (idxE as IntImm).value;
  const field = (fieldE as IntImm).value;
  if (field === Field.TVMValueContent) {
    const base = `((TVMValue*)${em.expr(h)})[${idx}]`;
    if (value instanceof StringImm) return `${base}.v_str = ${cString(value.value)}`;
    if (value.dtype.isHandle()) return `${base}.v_handle = (void*)(${em.expr(value)})`;
    if (value.dtype.isFloat()) return `${base}.v_float64 = (double)(${em.expr(value)})`;
    return `${base}.v_int64 = (int64_t)(${em.expr(value)})`;
  }
  const name = DLTENSOR_FIELDS[field];
  if (!name) throw new IRError(`codegen(${em.fname}): tvm_struct_set of unknown field ${field}`);
  return `((DLTensor*)${em.expr(h)})[${idx}].${name} = (${DLTENSOR_FIELD_TYPES[field]})(${em.expr(value)})`;
}

/** The status expression of a lowered packed call; `retName` receives the return value. */
export function callPackedStatus(em: FnEmitter, e: Call, retName: string): string {
  const [name, values, tcodes, begin, end] = e.args;
  if (!(name instanceof StringImm)) throw new IRError(`codegen(${em.fname}): tvm_call_packed_lowered needs the callee's name`);
  const handle = em.mod.packedHandles.get(name.value);
  if (!handle) throw new InternalError(`codegen(${em.fname}): no handle planned for packed function '${name.value}'`, { ir: e });
  const call = em.helpers.callPacked();
  let ret = retName;
  if (ret === "0") {
    ret = em.names.fresh("ret");
    em.line(`TVMValue ${ret};`);
  }
  return `${call}(&${handle}, ${cString(name.value)}, ${em.expr(values)}, ${em.expr(tcodes)}, ${em.expr(begin)}, ${em.expr(end)}, &${ret})`;
}

/**
 * A lowered packed call used as a value: its int64 return, or -1 from the caller on failure,
 * also when the callee returned something other than an integer (its bits are no int64).
 */
export function callPackedValue(em: FnEmitter, e: Call): string {
  const [name, values, tcodes, begin, end] = e.args;
  if (!(name instanceof StringImm)) throw new IRError(`codegen(${em.fname}): tvm_call_packed_lowered needs the callee's name`);
  const handle = em.mod.packedHandles.get(name.value);
  if (!handle) throw new InternalError(`codegen(${em.fname}): no handle planned for packed function '${name.value}'`, { ir: e });
  const call = em.helpers.callPackedValue();
  const ret = em.names.fresh("ret");
  const status = `${call}(&${handle}, ${cString(em.fname)}, ${cString(name.value)}, ${cString(e.dtype.toString())}, ${em.expr(values)}, ${em.expr(tcodes)}, ${em.expr(begin)}, ${em.expr(end)}, &${ret})`;
  return `({ TVMValue ${ret}; if (${status} != 0) return -1; (${em.types.value(e.dtype)})${ret}.v_int64; })`;
}
