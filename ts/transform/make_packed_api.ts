// make_packed_api: gives a PrimFunc TVM's packed C signature, (args, arg_type_ids, num_args,
// out_ret_value, out_ret_tcode, resource_handle), and a prologue that unpacks and checks every
// argument before the body touches any memory (TVM's MakePackedAPI + ArgBinder). In order: the
// argument count; every type code; scalars bound (an int type code is accepted for a float
// parameter); then per buffer: non-null handle, ndim, dtype (code, bits, lanes), each shape entry
// (a symbolic variable is bound on first sight and checked for equality afterwards), strides
// (NULL or compact, or bound when the buffer declares them), byte_offset (0, or bound to a
// symbolic elem_offset), device type CPU, element alignment of the data pointer. A failing check
// sets an error naming the function, the argument and the mismatch, with the value received, e.g.
// "main: argument 1 (compute) has shape[2] = 7, expected 8", and returns -1. The original body is
// wrapped in attr "compute_scope", which the C code generator outlines into a function of its own;
// a `tir.ret(value)` in it becomes stores to out_ret_value / out_ret_tcode and `return 0`.

import { MAX_INT32_ELEMENTS } from "./check_index_width.js";
import { ArgumentError, IRError, UnsupportedError } from "../errors.js";
import type { Buffer } from "../ir/buffer.js";
import { Call, Cast, IntImm, Load, type PrimExpr, StringImm, Var, pointerVar } from "../ir/expr.js";
import { PrimFunc } from "../ir/function.js";
import { StmtExprMutator } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { AssertStmt, AttrStmt, Evaluate, LetStmt, SeqStmt, type Stmt, Store } from "../ir/stmt.js";
import { collectVars } from "../ir/substitute.js";
import {
  DTYPE_NAME, Field, TYPE_CODE_NAME, TypeCode, dlpackCode, format, isNullPtr, structGet, structSet,
} from "./host_builtins.js";

export const COMPUTE_SCOPE = "compute_scope";

/** The packed signature's parameters, in order. */
export interface PackedParams {
  args: Var;
  typeCodes: Var;
  numArgs: Var;
  retValue: Var;
  retTcode: Var;
  resourceHandle: Var;
}

type Item = { kind: "assert"; cond: PrimExpr; msg: PrimExpr } | { kind: "let"; v: Var; value: PrimExpr };

const i64 = (v: number): PrimExpr => new IntImm("int64", v);

class ArgBinder {
  readonly items: Item[] = [];
  readonly bound = new Set<Var>();
  private readonly deferred: { target: PrimExpr; value: PrimExpr; prefix: string; what: string }[] = [];

  constructor(readonly fname: string) {}

  assert(cond: PrimExpr, ...msg: (string | PrimExpr)[]): void {
    if (cond instanceof IntImm && cond.value !== 0) return;
    this.items.push({ kind: "assert", cond, msg: format(`${this.fname}: `, ...msg) });
  }

  let(v: Var, value: PrimExpr): void {
    this.items.push({ kind: "let", v, value });
    this.bound.add(v);
  }

  private allBound(e: PrimExpr): boolean {
    return collectVars(e).every((v) => this.bound.has(v));
  }

  /**
   * Binds `target` (an int expression of the buffer) to the int64 `value` read from the argument:
   * an unbound variable takes the value, anything else is checked against it.
   */
  bind(target: PrimExpr, value: PrimExpr, prefix: string, what: string): void {
    if (target instanceof Var && !this.bound.has(target)) {
      if (target.dtype.bits < 64) {
        const t = target.dtype;
        const hi = t.isInt() ? 2 ** (t.bits - 1) - 1 : 2 ** t.bits - 1;
        const lo = t.isInt() ? -(2 ** (t.bits - 1)) : 0;
        this.assert(op.logicalAnd(op.le(value, i64(hi)), op.ge(value, i64(lo))),
          `${prefix} has ${what} = `, value, `, which does not fit in '${target.name}' (${t})`);
      }
      this.let(target, op.cast(target.dtype, value));
      return;
    }
    if (!this.allBound(target)) {
      this.deferred.push({ target, value, prefix, what });
      return;
    }
    const expected = op.cast("int64", target);
    this.assert(op.eq(expected, value), `${prefix} has ${what} = `, value, ", expected ", expected);
  }

  /** Checks the bindings that had to wait for variables bound by later arguments. */
  finish(): void {
    for (const d of this.deferred) {
      const missing = collectVars(d.target).filter((v) => !this.bound.has(v));
      if (missing.length > 0) {
        throw new ArgumentError(`makePackedAPI(${this.fname}): ${d.prefix} has ${d.what} ${d.target}, which uses ${missing.map((v) => `'${v.name}'`).join(", ")} that no argument defines; pass ${missing.length > 1 ? "them" : "it"} as a parameter or give the buffer a shape of plain variables`);
      }
      const expected = op.cast("int64", d.target);
      this.assert(op.eq(expected, d.value), `${d.prefix} has ${d.what} = `, d.value, ", expected ", expected);
    }
  }
}

function typeCodeName(code: PrimExpr): PrimExpr {
  return new Call("handle", TYPE_CODE_NAME, [code]);
}

/**
 * A symbolic shape of several dimensions may hold more elements than the kernel's int32 flat
 * indices address (check_index_width.ts refuses constant ones at build): asserts each running
 * product of the received extents is at most 2^31 - 1 (the && chain stops at the first that is
 * not, so no product overflows int64).
 */
function checkElementCount(b: ArgBinder, buf: Buffer, dims: PrimExpr[], prefix: string): void {
  if (buf.shape.every((x) => x instanceof IntImm) || dims.length < 2) return;
  let product: PrimExpr = dims[0];
  let ok: PrimExpr | undefined;
  for (let k = 1; k < dims.length; k++) {
    product = op.mul(product, dims[k]);
    const step = op.le(product, i64(MAX_INT32_ELEMENTS));
    ok = ok === undefined ? step : op.logicalAnd(ok, step);
  }
  const shape: (string | PrimExpr)[] = [];
  dims.forEach((d, k) => shape.push(...(k > 0 ? [", ", d] : [d])));
  b.assert(ok!, `${prefix} has shape [`, ...shape, `], more than the ${MAX_INT32_ELEMENTS} elements that tejit's int32 indices address; split it into smaller tensors`);
}

function bindBuffer(b: ArgBinder, handle: Var, buf: Buffer, prefix: string): void {
  const nd = buf.shape.length;
  b.assert(op.logicalNot(isNullPtr(handle)), `${prefix} is a null tensor handle`);
  const ndim = structGet("int32", handle, 0, Field.ArrNDim);
  b.assert(op.eq(ndim, nd), `${prefix} has `, ndim, ` dimensions, expected ${nd}`);
  const code = structGet("uint8", handle, 0, Field.ArrTypeCode);
  const bits = structGet("uint8", handle, 0, Field.ArrTypeBits);
  const lanes = structGet("uint16", handle, 0, Field.ArrTypeLanes);
  const t = buf.dtype;
  const dtypeOk = op.logicalAnd(op.logicalAnd(op.eq(code, dlpackCode(t)), op.eq(bits, t.bits)), op.eq(lanes, t.lanes));
  b.assert(dtypeOk, `${prefix} has dtype `, new Call("handle", DTYPE_NAME, [code, bits, lanes]), `, expected ${t}`);

  const shapeVar = pointerVar(`${handle.name}_shape`, "int64");
  const stridesVar = pointerVar(`${handle.name}_strides`, "int64");
  const dims: PrimExpr[] = [];
  if (nd > 0) {
    b.let(shapeVar, structGet("handle", handle, 0, Field.ArrShape));
    for (let k = 0; k < nd; k++) dims.push(new Load("int64", shapeVar, new IntImm("int32", k)));
    for (let k = 0; k < nd; k++) b.bind(buf.shape[k], dims[k], prefix, `shape[${k}]`);
    checkElementCount(b, buf, dims, prefix);
    b.let(stridesVar, structGet("handle", handle, 0, Field.ArrStrides));
    const isNull = isNullPtr(stridesVar);
    if (buf.strides.length === 0) {
      // Compact: NULL strides, or strides equal to the row-major ones (any stride for extent 1).
      let expected: PrimExpr = i64(1);
      const checks: { k: number; expected: PrimExpr }[] = [];
      for (let k = nd - 1; k >= 0; k--) {
        checks.unshift({ k, expected });
        expected = op.mul(expected, dims[k]);
      }
      for (const { k, expected: e } of checks) {
        const stride = new Load("int64", stridesVar, new IntImm("int32", k));
        const ok = op.logicalOr(op.logicalOr(isNull, op.eq(dims[k], i64(1))), op.eq(stride, e));
        b.assert(ok, `${prefix} has strides[${k}] = `, stride, ", expected ", e, " (the buffer is compact)");
      }
    } else {
      if (buf.strides.length !== nd) {
        throw new IRError(`makePackedAPI(${b.fname}): buffer '${buf.name}' has ${nd} dimensions but ${buf.strides.length} strides`);
      }
      let compact: PrimExpr = i64(1);
      const compactStrides: PrimExpr[] = [];
      for (let k = nd - 1; k >= 0; k--) {
        compactStrides.unshift(compact);
        compact = op.mul(compact, dims[k]);
      }
      for (let k = 0; k < nd; k++) {
        const stride = op.ifThenElse(isNull, compactStrides[k], new Load("int64", stridesVar, new IntImm("int32", k)));
        b.bind(buf.strides[k], stride, prefix, `strides[${k}]`);
      }
    }
  }

  const bytes = t.bytes();
  const byteOffset = structGet("uint64", handle, 0, Field.ArrByteOffset);
  const u64 = (v: number): PrimExpr => new IntImm("uint64", v);
  const eo = buf.elemOffset;
  if (eo instanceof IntImm) {
    b.assert(op.eq(byteOffset, u64(eo.value * bytes)), `${prefix} has byte_offset `, byteOffset,
      `, expected ${eo.value * bytes} (declare the buffer with a symbolic elem_offset to accept views that start inside their data)`);
  } else if (eo instanceof Var && !b.bound.has(eo)) {
    if (bytes > 1) {
      b.assert(op.eq(op.floormod(byteOffset, u64(bytes)), u64(0)), `${prefix} has byte_offset `, byteOffset, `, not a multiple of the element size ${bytes}`);
    }
    b.let(eo, op.cast(eo.dtype, op.floordiv(byteOffset, u64(bytes))));
    if (buf.offsetFactor > 1) {
      b.assert(op.eq(op.floormod(eo, buf.offsetFactor), 0), `${prefix} has elem_offset `, eo, `, not a multiple of the offset factor ${buf.offsetFactor}`);
    }
  } else {
    const expected = op.cast("uint64", op.mul(eo, bytes));
    b.assert(op.eq(byteOffset, expected), `${prefix} has byte_offset `, byteOffset, ", expected ", expected);
  }

  const device = structGet("int32", handle, 0, Field.ArrDeviceType);
  b.assert(op.eq(device, 1), `${prefix} is on device type `, device, ", expected CPU (1)");

  if (b.bound.has(buf.data)) {
    throw new ArgumentError(`makePackedAPI(${b.fname}): buffer '${buf.name}' is passed twice; pass each buffer once`);
  }
  b.let(buf.data, structGet("handle", handle, 0, Field.ArrData));
  if (bytes > 1) {
    // The generated code reads elements through typed pointers: the data must be element-aligned.
    const addr = new Cast("uint64", buf.data);
    b.assert(op.eq(op.floormod(addr, u64(bytes)), u64(0)), `${prefix} has a data pointer `, addr, ` that is not aligned to its element size (${bytes} bytes)`);
  }
}

/**
 * Rewrites `tir.ret(value)` (a function's return value, TVM's builtin::ret) into stores to
 * out_ret_value / out_ret_tcode followed by `tir.ret(0)`, which the code generator prints as
 * `return 0;`.
 */
class ReturnRewriter extends StmtExprMutator {
  constructor(private readonly pp: PackedParams) { super(); }

  override visitEvaluate(s: Evaluate): Stmt {
    const v = s.value;
    if (!(v instanceof Call) || v.op !== RET || v.args.length !== 1) return super.visitEvaluate(s);
    const x = v.args[0];
    let code: number;
    let stored: PrimExpr;
    if (x.dtype.isFloat()) { code = TypeCode.Float; stored = op.cast("float64", x); }
    else if (x.dtype.isIntegral() || x.dtype.isBool()) { code = TypeCode.Int; stored = op.cast("int64", x); }
    else if (x.dtype.isHandle()) { code = TypeCode.OpaqueHandle; stored = x; }
    else throw new UnsupportedError(`makePackedAPI: cannot return a value of dtype ${x.dtype}`);
    if (x.dtype.lanes !== 1) throw new UnsupportedError(`makePackedAPI: cannot return a vector (${x.dtype})`);
    return SeqStmt.flatten([
      new Evaluate(structSet(this.pp.retValue, 0, Field.TVMValueContent, stored)),
      new Store(this.pp.retTcode, new IntImm("int32", code), new IntImm("int32", 0)),
      new Evaluate(new Call("int32", RET, [new IntImm("int32", 0)])),
    ]);
  }
}

/** TVM's builtin::ret. */
export const RET = "tir.ret";

/** The packed signature's parameter variables. */
export function packedParams(): PackedParams {
  return {
    args: new Var("args", "handle"),
    typeCodes: pointerVar("arg_type_ids", "int32"),
    numArgs: new Var("num_args", "int32"),
    retValue: new Var("out_ret_value", "handle"),
    retTcode: pointerVar("out_ret_tcode", "int32"),
    resourceHandle: new Var("resource_handle", "handle"),
  };
}

/** How a parameter is described in messages: its buffer's name, else its own. */
function paramLabel(f: PrimFunc, p: Var): string {
  return f.bufferMap.get(p)?.name ?? p.name;
}

export function makePackedAPI(f: PrimFunc): PrimFunc {
  const fname = f.name;
  if (fname === undefined) throw new IRError("makePackedAPI: the function has no global_symbol attribute; give it a name");
  if (f.attrs["calling_conv"] === 1) return f;
  const pp = packedParams();
  const b = new ArgBinder(fname);
  const n = f.params.length;
  const names = f.params.map((p) => paramLabel(f, p)).join(", ");
  b.assert(op.eq(pp.numArgs, n), `expected ${n} argument${n === 1 ? "" : "s"} (${names}), got `, pp.numArgs);

  const tcode = (i: number): PrimExpr => new Load("int32", pp.typeCodes, new IntImm("int32", i));
  const value = (dtype: string, i: number): PrimExpr => structGet(dtype, pp.args, i, Field.TVMValueContent);
  const is = (i: number, ...codes: number[]): PrimExpr =>
    codes.map((c) => op.eq(tcode(i), c)).reduce((x, y) => op.logicalOr(x, y));

  // Type codes and scalars first (TVM binds scalar parameters before buffers).
  f.params.forEach((p, i) => {
    const prefix = `argument ${i} (${paramLabel(f, p)})`;
    const buf = f.bufferMap.get(p);
    if (buf) {
      b.assert(is(i, TypeCode.DLTensorHandle, TypeCode.NDArrayHandle), `${prefix} must be a tensor, got `, typeCodeName(tcode(i)));
      return;
    }
    const t = p.dtype;
    if (t.isHandle()) {
      b.assert(is(i, TypeCode.OpaqueHandle, TypeCode.Null, TypeCode.DLTensorHandle, TypeCode.NDArrayHandle, TypeCode.Str),
        `${prefix} must be a handle, got `, typeCodeName(tcode(i)));
      b.let(p, value("handle", i));
    } else if (t.isFloat()) {
      b.assert(is(i, TypeCode.Float, TypeCode.Int), `${prefix} must be a ${t} number, got `, typeCodeName(tcode(i)));
      const v = op.ifThenElse(op.eq(tcode(i), TypeCode.Float), value("float64", i), op.cast("float64", value("int64", i)));
      b.let(p, op.cast(t, v));
    } else if (t.isIntegral() || t.isBool()) {
      b.assert(is(i, TypeCode.Int, TypeCode.UInt), `${prefix} must be an integer (${t}), got `, typeCodeName(tcode(i)));
      const raw = value("int64", i);
      b.let(p, t.isBool() ? op.ne(raw, new IntImm("int64", 0)) : op.cast(t, raw));
    } else {
      throw new UnsupportedError(`makePackedAPI(${fname}): parameter '${p.name}' has dtype ${t}, which a packed function cannot take`);
    }
    if (t.lanes !== 1) throw new UnsupportedError(`makePackedAPI(${fname}): parameter '${p.name}' is a vector (${t})`);
  });

  f.params.forEach((p, i) => {
    const buf = f.bufferMap.get(p);
    if (!buf) return;
    b.let(p, value("handle", i));
    bindBuffer(b, p, buf, `argument ${i} (${buf.name})`);
  });
  b.finish();

  const computeBody = new ReturnRewriter(pp).visitStmt(f.body);
  let body: Stmt = new AttrStmt(new IntImm("int32", 0), COMPUTE_SCOPE, new StringImm(`${fname}_compute_`), computeBody);
  for (let k = b.items.length - 1; k >= 0; k--) {
    const it = b.items[k];
    body = it.kind === "assert" ? new AssertStmt(it.cond, it.msg, body) : new LetStmt(it.v, it.value, body);
  }
  const params = [pp.args, pp.typeCodes, pp.numArgs, pp.retValue, pp.retTcode, pp.resourceHandle];
  return new PrimFunc(params, body, new Map(), { ...f.attrs, calling_conv: 1, "tir.is_entry_func": true });
}
