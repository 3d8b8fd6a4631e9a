// lower_tvm_builtin: lowers the builtins that need the runtime's calling convention (TVM's
// LowerTVMBuiltin). `tvm_call_packed(name, args...)` becomes stores of each argument into stack
// arrays of TVMValue and type codes, with every `tvm_stack_make_array` filling a stack DLTensor and
// every `tvm_stack_make_shape` a run of a stack int64 array, then `tvm_call_packed_lowered(name,
// values, tcodes, begin, end)`. The stack arrays are allocated once at the root of the function's
// compute scope and once inside each parallel loop body (whose iterations run on different
// threads), sized by the largest call in that scope; successive calls reuse the same slots.
// Allocations larger than a small constant size (maxStackBytes: 16 KiB by default, Halide's limit;
// TVM's is 1024 bytes), or of non-constant size, go through the runtime's workspace allocator with
// a NULL check and a matching free; small ones stay `allocate` and become 64-byte aligned arrays
// on the C stack, where the C compiler can keep a register tile in registers. The stack arrays of
// one scope (the function, or one parallel body: each runs on its own thread's stack) add up to at
// most STACK_FRAME_BYTES, given in program order (an enclosing allocation before those inside
// it); later ones go to the workspace, so no schedule can overflow a thread's stack.

import { IRError, InternalError, UnsupportedError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import { Call, IntImm, Load, type PrimExpr, StringImm, Var, pointerVar } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { CALL_PACKED, STACK_MAKE_ARRAY, STACK_MAKE_SHAPE } from "../ir/builtin.js";
import {
  Allocate, AssertStmt, AttrStmt, Evaluate, For, LetStmt, SeqStmt, type Stmt, Store, While,
} from "../ir/stmt.js";
import {
  ADDRESS_OF, ALLOC_WORKSPACE, CALL_PACKED_LOWERED, FREE_WORKSPACE, Field, STACK_ALLOCA, TypeCode,
  dlpackCode, format, isNullPtr, structGet, structSet,
} from "./host_builtins.js";
import { COMPUTE_SCOPE } from "./make_packed_api.js";

export interface LowerTVMBuiltinOptions {
  /** Constant-size allocations up to this many bytes stay on the stack (default 16384, as Halide). */
  maxStackBytes?: number;
}

/** Default of maxStackBytes: the largest allocation kept on the stack (bytes). */
export const DEFAULT_MAX_STACK_BYTES = 16384;

/** The most stack (bytes) the arrays of one scope take, or maxStackBytes when that is larger. */
export const STACK_FRAME_BYTES = 65536;

/** The stack arrays of one scope (function root or parallel body) and their high-water marks. */
class StackScope {
  value?: Var;
  tcode?: Var;
  array?: Var;
  shape?: Var;
  maxArgs = 0;
  maxArrays = 0;
  maxShape = 0;
  /** Bytes of the constant allocations this scope placed on the stack. */
  stackBytes = 0;
  // Slots in use by the call being lowered.
  runArgs = 0;
  runArrays = 0;
  runShape = 0;

  get valueVar(): Var { return (this.value ??= new Var("stack_value", "handle")); }
  get tcodeVar(): Var { return (this.tcode ??= pointerVar("stack_tcode", "int32")); }
  get arrayVar(): Var { return (this.array ??= new Var("stack_array", "handle")); }
  get shapeVar(): Var { return (this.shape ??= pointerVar("stack_shape", "int64")); }

  /** `body` with this scope's stack arrays allocated around it. */
  wrap(body: Stmt): Stmt {
    const alloca = (kind: string, n: number): Call => new Call("handle", STACK_ALLOCA, [new StringImm(kind), new IntImm("int32", n)]);
    let s = body;
    if (this.tcode) s = new LetStmt(this.tcode, alloca("arg_tcode", this.maxArgs), s);
    if (this.value) s = new LetStmt(this.value, alloca("arg_value", this.maxArgs), s);
    if (this.array) s = new LetStmt(this.array, alloca("array", this.maxArrays), s);
    if (this.shape) s = new LetStmt(this.shape, alloca("shape", this.maxShape), s);
    return s;
  }
}

class BuiltinLower extends StmtExprMutator {
  private prep: Stmt[] = [];
  private readonly scopes: StackScope[] = [];

  constructor(private readonly fname: string, private readonly maxStackBytes: number) { super(); }

  private get scope(): StackScope {
    const s = this.scopes[this.scopes.length - 1];
    if (!s) throw new InternalError("lowerTVMBuiltin: no stack scope");
    return s;
  }

  withScope(body: () => Stmt): Stmt {
    const scope = new StackScope();
    this.scopes.push(scope);
    try {
      return scope.wrap(body());
    } finally {
      this.scopes.pop();
    }
  }

  override visitStmt(s: Stmt): Stmt {
    const saved = this.prep;
    this.prep = [];
    try {
      const r = super.visitStmt(s);
      return this.prep.length > 0 ? SeqStmt.flatten([...this.prep, r]) : r;
    } finally {
      this.prep = saved;
    }
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key !== COMPUTE_SCOPE) return super.visitAttrStmt(s);
    const body = this.withScope(() => this.visitStmt(s.body));
    return body === s.body ? s : new AttrStmt(s.node, s.key, s.value, body);
  }

  override visitFor(s: For): Stmt {
    if (s.forKind !== "parallel") return super.visitFor(s);
    const min = this.visitExpr(s.min);
    const extent = this.visitExpr(s.extent);
    // Each parallel iteration gets its own stack arrays: iterations run on different threads.
    const body = this.withScope(() => this.visitStmt(s.body));
    return new For(s.loopVar, min, extent, s.forKind, body);
  }

  override visitWhile(s: While): Stmt {
    const saved = this.prep;
    this.prep = [];
    const c = this.visitExpr(s.condition);
    if (this.prep.length > 0) {
      throw new UnsupportedError(`lowerTVMBuiltin(${this.fname}): a packed call in a while condition is not supported; compute it into a variable in the loop body`);
    }
    this.prep = saved;
    const b = this.visitStmt(s.body);
    return c === s.condition && b === s.body ? s : new While(c, b);
  }

  override visitAllocate(s: Allocate): Stmt {
    // Placed before the body is visited: an outer allocation gets the stack before inner ones.
    const bytes = s.dtype.bytes();
    let constElems: number | undefined = 1;
    for (const e of s.extents) constElems = e instanceof IntImm && constElems !== undefined ? constElems * e.value : undefined;
    const size = constElems === undefined ? Infinity : Math.max(1, constElems) * bytes;
    const onStack = size <= this.maxStackBytes && this.scope.stackBytes + size <= Math.max(STACK_FRAME_BYTES, this.maxStackBytes);
    if (onStack) this.scope.stackBytes += size;
    const base = super.visitAllocate(s) as Allocate;
    if (onStack) return base;
    const u64 = DataType.uint(64);
    let nbytes: PrimExpr = new IntImm(u64, bytes);
    for (const e of base.extents) nbytes = op.mul(nbytes, op.cast(u64, e));
    const v = base.bufferVar;
    const i32 = (x: number): IntImm => new IntImm("int32", x);
    const elem = base.dtype.element();
    const alloc = new Call("handle", ALLOC_WORKSPACE, [i32(1), i32(0), nbytes, i32(dlpackCode(elem)), i32(elem.bits)]);
    const free = new Evaluate(new Call("int32", FREE_WORKSPACE, [i32(1), i32(0), v]));
    const msg = format(`${this.fname}: cannot allocate `, nbytes, ` bytes of workspace for '${v.name}'`);
    return new LetStmt(v, alloc, new AssertStmt(op.logicalNot(isNullPtr(v)), msg, SeqStmt.flatten([base.body, free])));
  }

  override visitCall(e: Call): PrimExpr {
    switch (e.op) {
      case CALL_PACKED: return this.lowerCallPacked(e);
      case STACK_MAKE_SHAPE: return this.makeShape(e);
      case STACK_MAKE_ARRAY: return this.makeArray(e);
      default: return super.visitCall(e);
    }
  }

  private makeShape(e: Call): PrimExpr {
    const sc = this.scope;
    const offset = sc.runShape;
    sc.runShape += e.args.length;
    sc.maxShape = Math.max(sc.maxShape, sc.runShape);
    const shape = sc.shapeVar;
    e.args.forEach((a, k) => {
      this.prep.push(new Store(shape, op.cast("int64", this.visitExpr(a)), new IntImm("int32", offset + k)));
    });
    return new Call("handle", ADDRESS_OF, [new Load("int64", shape, new IntImm("int32", offset))]);
  }

  private makeArray(e: Call): PrimExpr {
    if (e.args.length !== 6) throw new IRError(`lowerTVMBuiltin(${this.fname}): tvm_stack_make_array takes 6 arguments, got ${e.args.length}`);
    const sc = this.scope;
    const idx = sc.runArrays++;
    sc.maxArrays = Math.max(sc.maxArrays, sc.runArrays);
    const arr = sc.arrayVar;
    const [data, shape, strides, ndim, dtypeZero, elemOffset] = e.args.map((a) => this.visitExpr(a));
    const t = dtypeZero.dtype;
    const i32 = (x: number): IntImm => new IntImm("int32", x);
    const set = (field: number, value: PrimExpr): void => { this.prep.push(new Evaluate(structSet(arr, idx, field, value))); };
    set(Field.ArrData, data);
    set(Field.ArrShape, shape);
    set(Field.ArrStrides, strides);
    set(Field.ArrNDim, op.cast("int32", ndim));
    set(Field.ArrTypeCode, new IntImm("uint8", dlpackCode(t)));
    set(Field.ArrTypeBits, new IntImm("uint8", t.bits));
    set(Field.ArrTypeLanes, new IntImm("uint16", t.lanes));
    set(Field.ArrByteOffset, op.mul(op.cast("uint64", elemOffset), new IntImm("uint64", t.element().bytes())));
    set(Field.ArrDeviceId, i32(0));
    set(Field.ArrDeviceType, i32(1));
    return structGet("handle", arr, idx, Field.ArrAddr);
  }

  private lowerCallPacked(e: Call): PrimExpr {
    const [name, ...args] = e.args;
    if (!(name instanceof StringImm)) throw new IRError(`lowerTVMBuiltin(${this.fname}): tvm_call_packed needs the callee's name as its first argument`);
    const sc = this.scope;
    const savedArrays = sc.runArrays;
    const savedShape = sc.runShape;
    const begin = sc.runArgs;
    sc.runArgs += args.length;
    sc.maxArgs = Math.max(sc.maxArgs, sc.runArgs);
    const values = sc.valueVar;
    const tcodes = sc.tcodeVar;
    args.forEach((a, k) => {
      const isArray = a instanceof Call && a.op === STACK_MAKE_ARRAY;
      const v = this.visitExpr(a);
      const t = v.dtype;
      let code: number;
      let stored: PrimExpr;
      if (t.lanes !== 1) throw new IRError(`lowerTVMBuiltin(${this.fname}): packed call '${name.value}' argument ${k + 1} is a vector (${t}); pass scalars or buffers`);
      if (a instanceof StringImm) { code = TypeCode.Str; stored = v; }
      else if (t.isHandle()) { code = isArray ? TypeCode.DLTensorHandle : TypeCode.OpaqueHandle; stored = v; }
      else if (t.isFloat()) { code = TypeCode.Float; stored = op.cast("float64", v); }
      else { code = TypeCode.Int; stored = op.cast("int64", v); }
      this.prep.push(new Evaluate(structSet(values, begin + k, Field.TVMValueContent, stored)));
      this.prep.push(new Store(tcodes, new IntImm("int32", code), new IntImm("int32", begin + k)));
    });
    sc.runArrays = savedArrays;
    sc.runShape = savedShape;
    sc.runArgs = begin;
    const i32 = (x: number): IntImm => new IntImm("int32", x);
    return new Call(e.dtype, CALL_PACKED_LOWERED, [name, values, tcodes, i32(begin), i32(begin + args.length)]);
  }
}

export function lowerTVMBuiltin(f: PrimFunc, opts: LowerTVMBuiltinOptions = {}): PrimFunc {
  const maxStackBytes = opts.maxStackBytes ?? DEFAULT_MAX_STACK_BYTES;
  const m = new BuiltinLower(f.name ?? "function", maxStackBytes);
  const body = m.withScope(() => m.visitStmt(f.body));
  return f.withBody(body);
}
