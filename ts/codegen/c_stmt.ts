// Statements and control flow as C: lets (dropped when unused and pure), loops (a constant end
// folded, `#pragma GCC unroll` for unrolled loops; parallel loops are outlined), if/while, asserts
// that set the runtime's last error (a tejit.format message through snprintf) and return -1, and
// evaluated calls (packed calls, workspace frees, returns). Stores, allocations and the packed
// API's stack arrays print in their own files.

import { IRError } from "../errors.js";
import { Call, FloatImm, IntImm, Not, type PrimExpr, StringImm, Var } from "../ir/expr.js";
import { Range } from "../ir/iter_var.js";
import {
  type Allocate, type AssertStmt, type AttrStmt, type BufferStore, type Evaluate, type For, type IfThenElse,
  type LetStmt, type SeqStmt, type Stmt, Store, type While,
} from "../ir/stmt.js";
import { CALL_EXTERN } from "../ir/builtin.js";
import {
  ALLOC_WORKSPACE, CALL_PACKED_LOWERED, FORMAT, FREE_WORKSPACE, STACK_ALLOCA, STRUCT_SET, THROW_LAST_ERROR,
} from "../transform/host_builtins.js";
import { COMPUTE_SCOPE, RET } from "../transform/make_packed_api.js";
import { NONTEMPORAL_STORE } from "./c_memory.js";
import { freeVars, isPure } from "./c_analysis.js";
import { intLiteral } from "./c_lanes.js";
import type { FnEmitter } from "./c_function.js";
import { allocate, flatIndex, freeWorkspace, store, workspace } from "./c_memory.js";
import { cFormatText, cString } from "./c_names.js";
import { outlineCompute, outlineParallel } from "./c_outline.js";
import { callPackedStatus, stackAlloca, structSet } from "./c_packed.js";
import { unhandledKind } from "../ir/unhandled_kind.js";

export function emitStmt(em: FnEmitter, s: Stmt): void {
  switch (s.kind) {
    case "LetStmt": return letStmt(em, s as LetStmt);
    case "AttrStmt": return attrStmt(em, s as AttrStmt);
    case "AssertStmt": return assertStmt(em, s as AssertStmt);
    case "Store": return store(em, s as Store);
    case "BufferStore": {
      const b = s as BufferStore;
      return store(em, new Store(b.buffer.data, b.value, flatIndex(em, b.buffer, b.indices)));
    }
    case "Allocate": return allocate(em, s as Allocate);
    case "For": return forLoop(em, s as For);
    case "While": {
      const w = s as While;
      em.line(`while (${em.cond(w.condition)}) {`);
      em.block(() => em.stmt(w.body));
      em.line("}");
      return;
    }
    case "SeqStmt": for (const x of (s as SeqStmt).seq) em.stmt(x); return;
    case "IfThenElse": return ifThenElse(em, s as IfThenElse);
    case "Evaluate": return evaluate(em, s as Evaluate);
    case "BufferRealize": case "ProducerStore": case "ProducerRealize":
      throw new IRError(`codegen(${em.fname}): ${s.kind} cannot be compiled; lower the schedule (storage flattening) first`);
    default: return unhandledKind("the C emitter", s.kind);
  }
}

function letStmt(em: FnEmitter, s: LetStmt): void {
  const v = s.variable;
  const value = s.value;
  if (value instanceof Call && value.op === STACK_ALLOCA) return stackAlloca(em, s, value);
  if (value instanceof Call && value.op === ALLOC_WORKSPACE) return workspace(em, s, value);
  const used = freeVars(s.body).includes(v);
  if (!used && isPure(value)) {
    em.stmt(s.body);
    return;
  }
  const code = em.expr(value);
  em.scoped(v, (name) => {
    const ty = em.varType(v);
    const rhs = v.dtype.isHandle() ? `(${ty})(${code})` : code;
    const restrict = v.dtype.isHandle() && v.typeAnnotation && em.noalias ? " restrict" : "";
    em.line(`${ty}${restrict} ${name} = ${rhs};`);
    if (!used) em.line(`(void)${name};`);
    if (value instanceof IntImm && !v.dtype.isHandle()) em.bindRange(v, new Range(value, new IntImm(value.dtype, 1)));
    em.stmt(s.body);
  });
}

function attrStmt(em: FnEmitter, s: AttrStmt): void {
  if (s.key === COMPUTE_SCOPE) return outlineCompute(em, s);
  if (s.key === NONTEMPORAL_STORE) return streamingRegion(em, s);
  em.stmt(s.body);
}

/**
 * A `pragma_nontemporal_store` region: its full-vector stores bypass the caches (c_memory.ts),
 * and a store fence after it orders them before whatever follows (a parallel task's end, the
 * kernel's return), as the weakly ordered streaming stores need.
 */
function streamingRegion(em: FnEmitter, s: AttrStmt): void {
  const before = em.streamed;
  em.streamed = false;
  em.streaming++;
  try {
    em.stmt(s.body);
  } finally {
    em.streaming--;
  }
  // Fenced here, the region's stores need no fence at the task's end; earlier ones still may.
  if (em.streamed) em.line(`${em.helpers.storeFence()}();`);
  em.streamed = before;
}

function assertStmt(em: FnEmitter, s: AssertStmt): void {
  const failed = s.condition instanceof Not ? em.cond(s.condition.a) : `!(${em.cond(s.condition)})`;
  em.line(`if (__builtin_expect(${failed}, 0)) {`);
  em.block(() => {
    setError(em, s.message);
    em.line("return -1;");
  });
  em.line("}");
  em.stmt(s.body);
}

/** Sets the runtime's last error to `msg` (a string or a tejit.format message). */
function setError(em: FnEmitter, msg: PrimExpr): void {
  if (msg instanceof StringImm) {
    em.line(`__TVMAPISetLastError(${cString(msg.value)});`);
    return;
  }
  if (!(msg instanceof Call) || msg.op !== FORMAT) {
    em.line(`__TVMAPISetLastError("assertion failed");`);
    return;
  }
  if (msg.args.every((p) => p instanceof StringImm)) {
    em.line(`__TVMAPISetLastError(${cString(msg.args.map((p) => (p as StringImm).value).join(""))});`);
    return;
  }
  let fmt = "";
  const args: string[] = [];
  let size = 64;
  for (const p of msg.args) {
    if (p instanceof StringImm) {
      fmt += cFormatText(p.value);
      size += new TextEncoder().encode(p.value).length;
    } else if (p.dtype.isHandle()) {
      fmt += "%s";
      args.push(em.expr(p));
      size += 64;
    } else if (p.dtype.isFloat()) {
      fmt += "%g";
      args.push(`(double)(${em.expr(p)})`);
      size += 32;
    } else if (p.dtype.isUInt()) {
      fmt += "%llu";
      args.push(`(unsigned long long)(${em.expr(p)})`);
      size += 24;
    } else {
      fmt += "%lld";
      args.push(`(long long)(${em.expr(p)})`);
      size += 24;
    }
  }
  const buf = em.names.fresh("message");
  em.line(`char ${buf}[${size}];`);
  em.line(`__builtin_snprintf(${buf}, sizeof(${buf}), ${cString(fmt)}${args.map((a) => `, ${a}`).join("")});`);
  em.line(`__TVMAPISetLastError(${buf});`);
}

function ifThenElse(em: FnEmitter, s: IfThenElse): void {
  em.line(`if (${em.cond(s.condition)}) {`);
  em.block(() => em.stmt(s.thenCase));
  if (s.elseCase) {
    em.line("} else {");
    em.block(() => em.stmt(s.elseCase!));
  }
  em.line("}");
}

function evaluate(em: FnEmitter, s: Evaluate): void {
  const e = s.value;
  if (e instanceof IntImm || e instanceof FloatImm) return;
  if (e instanceof Call) {
    switch (e.op) {
      case STRUCT_SET: em.line(`${structSet(em, e)};`); return;
      case CALL_PACKED_LOWERED: em.line(`if (${callPackedStatus(em, e, "0")} != 0) return -1;`); return;
      case FREE_WORKSPACE: freeWorkspace(em, e); return;
      case RET: em.line(`return ${em.expr(e.args[0])};`); return;
      case THROW_LAST_ERROR: em.line("return -1;"); return;
      case CALL_EXTERN: em.line(`${em.expr(e)};`); return;
      default: break;
    }
  }
  em.line(`(void)(${em.expr(e)});`);
}

function forLoop(em: FnEmitter, s: For): void {
  if (s.forKind === "parallel") return outlineParallel(em, s);
  const v = s.loopVar;
  const ty = em.types.value(v.dtype, `loop variable '${v.name}'`);
  const min = em.expr(s.min);
  let end: string;
  const constMin = s.min instanceof IntImm ? s.min.value : undefined;
  const constExt = s.extent instanceof IntImm ? s.extent.value : undefined;
  if (constMin !== undefined && constExt !== undefined) end = intLiteral(em, constMin + constExt, v.dtype);
  else if (constMin === 0 && (s.extent instanceof Var || s.extent instanceof IntImm)) end = em.expr(s.extent);
  else {
    end = em.names.fresh(`${v.name}_end`);
    em.line(`${ty} ${end} = (${ty})(${min} + ${em.expr(s.extent)});`);
  }
  if (s.forKind === "unrolled" && constExt !== undefined && constExt > 1 && constExt <= 1024) em.line(`#pragma GCC unroll ${constExt}`);
  em.scoped(v, (name) => {
    em.line(`for (${ty} ${name} = ${min}; ${name} < ${end}; ++${name}) {`);
    const prev = em.ranges.get(v);
    em.bindRange(v, new Range(s.min, s.extent));
    em.block(() => em.stmt(s.body));
    if (prev) em.bindRange(v, prev);
    em.line("}");
  });
}
