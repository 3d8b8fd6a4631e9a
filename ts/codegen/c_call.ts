// Calls as C expressions: `likely` as __builtin_expect, if_then_else as a conditional (lane-wise
// for vectors), call_extern of libm functions through GCC/Clang builtins (for vectors: the vector
// math of c_vector_math.ts where it has the function, else lane by lane), bit operations wrapped
// back to narrow dtypes (a signed left shift done unsigned), reinterpret through memcpy, and the
// host builtins the packed API uses (struct access, packed calls, workspace, type names). Calls
// that an earlier pass should have lowered are refused with the pass to run.

import { IRError, UnsupportedError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import { Select, type Call, StringImm } from "../ir/expr.js";
import { CALL_EXTERN, CALL_PACKED } from "../ir/builtin.js";
import { intrinsicInfo } from "../ir/intrinsics.js";
import {
  ADDRESS_OF, ALLOC_WORKSPACE, CALL_PACKED_LOWERED, CALL_PURE_EXTERN, DTYPE_NAME, FORMAT, FREE_WORKSPACE,
  IS_NULLPTR, STACK_ALLOCA, STRUCT_GET, STRUCT_SET, THROW_LAST_ERROR, TYPE_CODE_NAME,
} from "../transform/host_builtins.js";
import { RET } from "../transform/make_packed_api.js";
import { narrow, select } from "./c_lanes.js";
import type { FnEmitter } from "./c_function.js";
import { addressOf } from "./c_memory.js";
import { callPackedValue, structGet, structSet } from "./c_packed.js";


/**
 * a << b. C leaves a left shift of a negative signed value undefined (UBSan reports it), so a
 * signed scalar is shifted as unsigned (of at least int's width, where C promotes it) and
 * converted back, which wraps as TIR does.
 */
function shiftLeft(em: FnEmitter, t: DataType, a: string, b: string): string {
  if (t.lanes === 1 && t.isInt()) return `((${em.types.value(t)})((uint${Math.max(t.bits, 32)}_t)${a} << ${b}))`;
  return narrow(em, t, `(${a} << ${b})`);
}

export function emitCall(em: FnEmitter, e: Call): string {
  const args = e.args;
  switch (e.op) {
    case "tir.likely": return `__builtin_expect(!!(${em.cond(args[0])}), 1)`;
    // tir.prefetch(address, rw, locality, cache): a hint; gcc and clang take constant rw and locality.
    case "tir.prefetch": return `(__builtin_prefetch(${em.expr(args[0])}, ${em.expr(args[1])}, ${em.expr(args[2])}), 0)`;
    case "tir.if_then_else": {
      if (args[0].dtype.lanes === 1) return `(${em.cond(args[0])} ? ${em.expr(args[1])} : ${em.expr(args[2])})`;
      return select(em, new Select(args[0], args[1], args[2]));
    }
    case CALL_PURE_EXTERN: case CALL_EXTERN: {
      const [name, ...rest] = args;
      if (!(name instanceof StringImm)) throw new IRError(`codegen(${em.fname}): ${e.op} needs the function's name first`);
      const fn = em.mod.externFunction(name.value);
      const cargs = rest.map((a) => em.expr(a));
      if (e.dtype.lanes > 1) {
        const vector = rest.every((a) => a.dtype === e.dtype) ? em.helpers.vectorMath(name.value, e.dtype) : undefined;
        if (vector) return `${vector}(${cargs.join(", ")})`;
        return `${em.helpers.laneWise(fn, e.dtype, rest.map((a) => a.dtype))}(${cargs.join(", ")})`;
      }
      return `${fn}(${cargs.join(", ")})`;
    }
    case STRUCT_GET: return structGet(em, e);
    case STRUCT_SET: return `(${structSet(em, e)}, 0)`;
    case ADDRESS_OF: return addressOf(em, e);
    case IS_NULLPTR: return `((void*)(${em.expr(args[0])}) == (void*)0)`;
    case ALLOC_WORKSPACE: return `__TVMBackendAllocWorkspace(${args.map((a) => em.expr(a)).join(", ")})`;
    case FREE_WORKSPACE: return `__TVMBackendFreeWorkspace(${args.map((a) => em.expr(a)).join(", ")})`;
    case TYPE_CODE_NAME: return `${em.helpers.typeCodeName()}(${em.expr(args[0])})`;
    case DTYPE_NAME: return `${em.helpers.dtypeName()}(${args.map((a) => em.expr(a)).join(", ")})`;
    case CALL_PACKED_LOWERED: return callPackedValue(em, e);
    case "tir.bitwise_and": return narrow(em, e.dtype, `(${em.expr(args[0])} & ${em.expr(args[1])})`);
    case "tir.bitwise_or": return narrow(em, e.dtype, `(${em.expr(args[0])} | ${em.expr(args[1])})`);
    case "tir.bitwise_xor": return narrow(em, e.dtype, `(${em.expr(args[0])} ^ ${em.expr(args[1])})`);
    case "tir.bitwise_not": return narrow(em, e.dtype, `(~${em.expr(args[0])})`);
    case "tir.shift_left": return shiftLeft(em, e.dtype, em.expr(args[0]), em.expr(args[1]));
    case "tir.shift_right": return narrow(em, e.dtype, `(${em.expr(args[0])} >> ${em.expr(args[1])})`);
    case "tir.reinterpret": {
      const n = em.names.fresh("bits");
      const ty = em.types.value(e.dtype);
      return `({ ${ty} ${n}; ${em.types.value(args[0].dtype)} ${n}_src = ${em.expr(args[0])}; __builtin_memcpy(&${n}, &${n}_src, sizeof(${n})); ${n}; })`;
    }
    case CALL_PACKED: case "tir.tvm_stack_make_array": case "tir.tvm_stack_make_shape":
      throw new IRError(`codegen(${em.fname}): ${e.op} must be lowered first (run lowerTVMBuiltin)`);
    case STACK_ALLOCA: throw new IRError(`codegen(${em.fname}): tvm_stack_alloca is only allowed as a let value`);
    case FORMAT: throw new IRError(`codegen(${em.fname}): tejit.format is only allowed as an assert message`);
    case RET: case THROW_LAST_ERROR: throw new IRError(`codegen(${em.fname}): ${e.op} is only allowed as a statement`);
    default: {
      const info = intrinsicInfo(e.op);
      if (info?.cBuiltin !== undefined) {
        const cargs = args.map((a) => em.expr(a));
        if (e.dtype.lanes === 1) return `${info.cBuiltin}(${cargs.join(", ")})`;
        const lanes = `${em.helpers.laneWise(info.cBuiltin, e.dtype, args.map((a) => a.dtype))}(${cargs.join(", ")})`;
        // A bool vector is a mask (all bits set when true), as C's vector comparisons give it;
        // the builtins give 1 for true: negated, 1 becomes the mask.
        return e.dtype.isBool() ? `(-${lanes})` : lanes;
      }
      if (info?.lowering !== undefined) throw new IRError(`codegen(${em.fname}): ${e.op} must be lowered first (run lowerIntrin)`);
      throw new UnsupportedError(`codegen(${em.fname}): the C backend does not support the call '${e.op}'`);
    }
  }
}
