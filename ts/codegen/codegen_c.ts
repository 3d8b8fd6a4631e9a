// TIR -> C: the code generator behind build(). It takes PrimFuncs that went through the host passes
// (make_packed_api, lower_tvm_builtin, lower_intrin) and prints one self-contained C file:
// - each function's packed entry point, exported under its global_symbol (an asm label keeps the
//   symbol exact when the C name must differ, e.g. "main"); a symbol that is not a C identifier
//   is exported sanitised and reported in `symbols`;
// - the `compute_scope` body outlined into a static noinline function whose pointer parameters are
//   `restrict` (the function is tir.noalias), so the C compiler may keep values in registers;
// - parallel loops outlined into a closure (a struct of captured variables and a task function)
//   launched through __TVMBackendParallelLaunch, each task running a contiguous share of the range;
// - vectors as GCC/Clang vector extensions: contiguous loads and stores of a ramp index as one
//   (aligned where proven, else element-aligned) vector access, other indices as gathers/scatters;
// - floordiv/floormod with floor semantics for negatives, as shifts and masks for constant powers
//   of two and as plain `/` `%` when the dividend is provably non-negative;
// - packed calls through a `static void* <callee>_packed` handle per callee, looked up once;
// - failed checks and failed runtime calls set the last error and return -1.

import type { Buffer } from "../ir/buffer.js";
import { DataType } from "../ir/dtype.js";
import {
  type BinaryExpr, Broadcast, BufferLoad, Call, Cast, type CompareExpr, FloatImm, IntImm, Let, Load,
  type LogicalExpr, Not, type PrimExpr, Ramp, Select, Shuffle, StringImm, Var,
} from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprVisitor } from "../ir/functor.js";
import { Range } from "../ir/iter_var.js";
import {
  Allocate, AssertStmt, AttrStmt, BufferStore, Evaluate, For, IfThenElse, LetStmt, SeqStmt, type Stmt,
  Store, While,
} from "../ir/stmt.js";
import { ConstIntBoundAnalyzer } from "../arith/const_int_bound.js";
import { ModularSetAnalyzer } from "../arith/modular_set.js";
import {
  ADDRESS_OF, ALLOC_WORKSPACE, CALL_PACKED_LOWERED, CALL_PURE_EXTERN, DTYPE_NAME, FORMAT, FREE_WORKSPACE,
  Field, IS_NULLPTR, STACK_ALLOCA, STRUCT_GET, STRUCT_SET, THROW_LAST_ERROR, TYPE_CODE_NAME,
} from "../transform/host_builtins.js";
import { COMPUTE_SCOPE, RET } from "../transform/make_packed_api.js";
import { CALL_EXTERN, CALL_PACKED } from "../ir/builtin.js";
import { CALLABLE_LIBM, NameSupply, cFormatText, cString, isExportableSymbol, isReserved } from "./c_names.js";
import { CTypes } from "./c_types.js";
import { Helpers, PRELUDE } from "./c_prelude.js";

export interface CodegenResult {
  /** The C source. */
  source: string;
  /** Exported symbol of each function, by its global_symbol. */
  symbols: Map<string, string>;
}

/** Alignment (bytes) of arrays the generated code allocates on the stack. */
const STACK_ALIGN = 64;

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

/** Calls without side effects: a let of one whose variable is unused can be dropped. */
const PURE_CALLS = new Set([
  STRUCT_GET, IS_NULLPTR, ADDRESS_OF, CALL_PURE_EXTERN, "tir.likely", "tir.if_then_else", "tir.bitwise_and",
  "tir.bitwise_or", "tir.bitwise_xor", "tir.bitwise_not", "tir.shift_left", "tir.shift_right", "tir.isnan",
  "tir.isinf", "tir.isfinite", "tir.reinterpret", TYPE_CODE_NAME, DTYPE_NAME,
]);

function isPure(e: PrimExpr): boolean {
  let pure = true;
  class V extends StmtExprVisitor {
    override visitCall(c: Call): void {
      if (!PURE_CALLS.has(c.op)) pure = false;
      super.visitCall(c);
    }
  }
  new V().visitExpr(e);
  return pure;
}

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Variables a statement reads that it does not define itself, in order of first use. */
function freeVars(s: Stmt, extra: PrimExpr[] = []): Var[] {
  const defined = new Set<Var>();
  const used = new Set<Var>();
  class V extends StmtExprVisitor {
    override visitVar(v: Var): void { used.add(v); }
    override visitLetStmt(x: LetStmt): void { defined.add(x.variable); super.visitLetStmt(x); }
    override visitLet(x: Let): void { defined.add(x.variable); super.visitLet(x); }
    override visitFor(x: For): void { defined.add(x.loopVar); super.visitFor(x); }
    override visitAllocate(x: Allocate): void { defined.add(x.bufferVar); super.visitAllocate(x); }
    override visitLoad(x: Load): void { used.add(x.bufferVar); super.visitLoad(x); }
    override visitStore(x: Store): void { used.add(x.bufferVar); super.visitStore(x); }
    override visitBufferLoad(x: BufferLoad): void { this.buffer(x.buffer); super.visitBufferLoad(x); }
    override visitBufferStore(x: BufferStore): void { this.buffer(x.buffer); super.visitBufferStore(x); }
    private buffer(b: Buffer): void {
      used.add(b.data);
      [...b.shape, ...b.strides, b.elemOffset].forEach((e) => this.visitExpr(e));
    }
  }
  const v = new V();
  extra.forEach((e) => v.visitExpr(e));
  v.visitStmt(s);
  return [...used].filter((x) => !defined.has(x));
}

/** The module being generated: global names, types, helpers, and the functions printed so far. */
class CModule {
  readonly names = new NameSupply();
  readonly types = new CTypes();
  readonly helpers = new Helpers(this.types);
  readonly functions: string[] = [];
  readonly packedHandles = new Map<string, string>();
  readonly closureNames = new Map<Stmt, string>();
  readonly symbols = new Map<string, string>();
  private readonly entryIdents = new Map<PrimFunc, { ident: string; symbol: string }>();

  /** Gives every global its name before any function body is printed. */
  plan(funcs: PrimFunc[]): void {
    // Exported symbols first: they are the names users look up.
    for (const f of funcs) {
      const gs = f.name;
      if (gs === undefined) throw new Error("codegen: a function has no global_symbol attribute");
      if (this.symbols.has(gs)) throw new Error(`codegen: two functions are named '${gs}'`);
      let symbol: string;
      let ident: string;
      if (isExportableSymbol(gs) && !this.names.has(gs)) {
        symbol = gs;
        ident = isReserved(gs) ? this.names.fresh(`${gs}_entry`) : this.names.reserve(gs);
      } else {
        ident = this.names.fresh(gs);
        symbol = ident;
      }
      this.symbols.set(gs, symbol);
      this.entryIdents.set(f, { ident, symbol });
    }
    for (const f of funcs) {
      const ident = this.entryIdents.get(f)!.symbol;
      let nPar = 0;
      const self = this;
      class Scan extends StmtExprVisitor {
        override visitAttrStmt(s: AttrStmt): void {
          if (s.key === COMPUTE_SCOPE) self.closureNames.set(s, self.names.fresh(`${ident}_compute_`));
          super.visitAttrStmt(s);
        }
        override visitFor(s: For): void {
          if (s.forKind === "parallel") self.closureNames.set(s, self.names.fresh(`${ident}_parallel_${nPar++}`));
          super.visitFor(s);
        }
        override visitCall(c: Call): void {
          if (c.op === CALL_PACKED_LOWERED && c.args[0] instanceof StringImm) {
            const callee = c.args[0].value;
            if (!self.packedHandles.has(callee)) self.packedHandles.set(callee, self.names.fresh(`${callee}_packed`));
          }
          super.visitCall(c);
        }
      }
      new Scan().visitStmt(f.body);
    }
  }

  entry(f: PrimFunc): { ident: string; symbol: string } {
    return this.entryIdents.get(f)!;
  }

  /**
   * The C function behind call_extern / call_pure_extern of `name`. Generated libraries link only
   * libm, so only its functions can be called (through GCC/Clang builtins).
   */
  externFunction(name: string): string {
    if (!CALLABLE_LIBM.has(name)) {
      throw new Error(`codegen: call_extern of '${name}' is not supported: a generated library links only libm, so call_extern takes libm names (expf, tanh, pow, fmaxf, …)`);
    }
    return `__builtin_${name}`;
  }

  source(metadata: string): string {
    const parts = [PRELUDE];
    const typedefs = this.types.typedefs();
    if (typedefs.length) parts.push(typedefs.join("\n") + "\n");
    const helpers = this.helpers.definitions();
    if (helpers.length) parts.push(helpers.join("\n\n") + "\n");
    if (this.packedHandles.size) {
      parts.push([...this.packedHandles.values()].map((n) => `static void* ${n} = 0;`).join("\n") + "\n");
    }
    parts.push(...this.functions);
    if (metadata) parts.push(metadata);
    return parts.join("\n");
  }
}

/** What an outlined function inherits from the function it was outlined from. */
interface Inherited {
  ranges: Map<Var, Range>;
  aligned: Set<Var>;
}

/** Prints the body of one C function. */
class FnEmitter {
  private readonly lines: string[] = [];
  private ind = 1;
  readonly names: NameSupply;
  private readonly vars = new Map<Var, string>();
  private readonly aligned = new Set<Var>();
  private readonly ranges = new Map<Var, Range>();
  private readonly workspaceHolder = new Map<Var, string>();
  private readonly bounds = new ConstIntBoundAnalyzer();
  private readonly modular: ModularSetAnalyzer;

  constructor(readonly mod: CModule, readonly fname: string, readonly noalias: boolean, inherited?: Inherited) {
    this.names = new NameSupply(mod.names);
    this.modular = new ModularSetAnalyzer({ canProveGreaterEqual: (e, lb) => this.bounds.bound(e).minValue >= lb });
    if (inherited) {
      for (const [v, r] of inherited.ranges) this.bindRange(v, r);
      for (const v of inherited.aligned) this.aligned.add(v);
    }
  }

  get types(): CTypes { return this.mod.types; }
  get helpers(): Helpers { return this.mod.helpers; }

  text(): string {
    return this.lines.join("\n");
  }

  line(s: string): void {
    this.lines.push("  ".repeat(this.ind) + s);
  }

  /** Declares `v` under a fresh C name (a second binding of the same Var gets a new name). */
  define(v: Var): string {
    const name = this.names.fresh(v.name);
    this.vars.set(v, name);
    return name;
  }

  private bindRange(v: Var, r: Range): void {
    this.ranges.set(v, r);
    try {
      this.bounds.bind(v, r, true);
    } catch {
      // A range the analysis cannot take only costs precision.
    }
  }

  varName(v: Var): string {
    const n = this.vars.get(v);
    if (n === undefined) {
      throw new Error(`codegen(${this.fname}): variable '${v.name}' is used but not defined here (a parameter missing from the argument list, or a variable used outside the statement that binds it)`);
    }
    return n;
  }

  /** The C type of a variable (pointers from their annotation). */
  varType(v: Var): string {
    if (v.dtype.isHandle()) {
      const ann = v.typeAnnotation;
      return ann ? `${this.types.mem(ann.elementType, `pointer '${v.name}'`)}*` : "void*";
    }
    return this.types.value(v.dtype, `variable '${v.name}'`);
  }

  /** The element dtype a pointer variable points to, if annotated. */
  private pointee(v: Var): DataType | undefined {
    return v.typeAnnotation?.elementType;
  }

  // ---------------------------------------------------------------- statements

  stmt(s: Stmt): void {
    switch (s.kind) {
      case "LetStmt": return this.letStmt(s as LetStmt);
      case "AttrStmt": return this.attrStmt(s as AttrStmt);
      case "AssertStmt": return this.assertStmt(s as AssertStmt);
      case "Store": return this.store(s as Store);
      case "BufferStore": {
        const b = s as BufferStore;
        return this.store(new Store(b.buffer.data, b.value, this.flatIndex(b.buffer, b.indices)));
      }
      case "Allocate": return this.allocate(s as Allocate);
      case "For": return this.forLoop(s as For);
      case "While": {
        const w = s as While;
        this.line(`while (${this.cond(w.condition)}) {`);
        this.block(() => this.stmt(w.body));
        this.line("}");
        return;
      }
      case "SeqStmt": for (const x of (s as SeqStmt).seq) this.stmt(x); return;
      case "IfThenElse": return this.ifThenElse(s as IfThenElse);
      case "Evaluate": return this.evaluate(s as Evaluate);
      case "BufferRealize": case "ProducerStore": case "ProducerRealize":
        throw new Error(`codegen(${this.fname}): ${s.kind} cannot be compiled; lower the schedule (storage flattening) first`);
    }
  }

  private block(body: () => void): void {
    this.ind++;
    try {
      body();
    } finally {
      this.ind--;
    }
  }

  /** Runs `body` with `v` defined; restores an earlier binding of the same Var afterwards. */
  private scoped<T>(v: Var, body: (name: string) => T): T {
    const prev = this.vars.get(v);
    const name = this.define(v);
    try {
      return body(name);
    } finally {
      if (prev === undefined) this.vars.delete(v);
      else this.vars.set(v, prev);
    }
  }

  private letStmt(s: LetStmt): void {
    const v = s.variable;
    const value = s.value;
    if (value instanceof Call && value.op === STACK_ALLOCA) return this.stackAlloca(s, value);
    if (value instanceof Call && value.op === ALLOC_WORKSPACE) return this.workspace(s, value);
    const used = freeVars(s.body).includes(v);
    if (!used && isPure(value)) {
      this.stmt(s.body);
      return;
    }
    const code = this.expr(value);
    this.scoped(v, (name) => {
      const ty = this.varType(v);
      const rhs = v.dtype.isHandle() ? `(${ty})(${code})` : code;
      const restrict = v.dtype.isHandle() && v.typeAnnotation && this.noalias ? " restrict" : "";
      this.line(`${ty}${restrict} ${name} = ${rhs};`);
      if (!used) this.line(`(void)${name};`);
      if (value instanceof IntImm && !v.dtype.isHandle()) this.bindRange(v, new Range(value, new IntImm(value.dtype, 1)));
      this.stmt(s.body);
    });
  }

  private stackAlloca(s: LetStmt, call: Call): void {
    const [kindArg, nArg] = call.args;
    if (!(kindArg instanceof StringImm) || !(nArg instanceof IntImm)) throw new Error(`codegen(${this.fname}): tvm_stack_alloca needs a kind and a constant count`);
    const elem = { arg_value: "TVMValue", arg_tcode: "int32_t", array: "DLTensor", shape: "int64_t" }[kindArg.value];
    if (!elem) throw new Error(`codegen(${this.fname}): unknown tvm_stack_alloca kind '${kindArg.value}'`);
    this.scoped(s.variable, (name) => {
      this.line(`${elem} ${name}[${Math.max(1, nArg.value)}];`);
      this.stmt(s.body);
    });
  }

  private workspace(s: LetStmt, call: Call): void {
    const v = s.variable;
    const holder = this.names.fresh(`${v.name}_workspace`);
    const free = this.helpers.freeWorkspace();
    const args = call.args.map((a) => this.expr(a));
    this.line(`void* ${holder} __attribute__((cleanup(${free}))) = __TVMBackendAllocWorkspace(${args.join(", ")});`);
    this.scoped(v, (name) => {
      const ty = this.varType(v);
      this.line(`${ty}${this.noalias && ty !== "void*" ? " restrict" : ""} ${name} = (${ty})${holder};`);
      this.workspaceHolder.set(v, holder);
      this.stmt(s.body);
      this.workspaceHolder.delete(v);
    });
  }

  private attrStmt(s: AttrStmt): void {
    if (s.key === COMPUTE_SCOPE) return this.outlineCompute(s);
    this.stmt(s.body);
  }

  private assertStmt(s: AssertStmt): void {
    const failed = s.condition instanceof Not ? this.cond(s.condition.a) : `!(${this.cond(s.condition)})`;
    this.line(`if (__builtin_expect(${failed}, 0)) {`);
    this.block(() => {
      this.setError(s.message);
      this.line("return -1;");
    });
    this.line("}");
    this.stmt(s.body);
  }

  /** Sets the runtime's last error to `msg` (a string or a tejit.format message). */
  private setError(msg: PrimExpr): void {
    if (msg instanceof StringImm) {
      this.line(`__TVMAPISetLastError(${cString(msg.value)});`);
      return;
    }
    if (!(msg instanceof Call) || msg.op !== FORMAT) {
      this.line(`__TVMAPISetLastError("assertion failed");`);
      return;
    }
    if (msg.args.every((p) => p instanceof StringImm)) {
      this.line(`__TVMAPISetLastError(${cString(msg.args.map((p) => (p as StringImm).value).join(""))});`);
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
        args.push(this.expr(p));
        size += 64;
      } else if (p.dtype.isFloat()) {
        fmt += "%g";
        args.push(`(double)(${this.expr(p)})`);
        size += 32;
      } else if (p.dtype.isUInt()) {
        fmt += "%llu";
        args.push(`(unsigned long long)(${this.expr(p)})`);
        size += 24;
      } else {
        fmt += "%lld";
        args.push(`(long long)(${this.expr(p)})`);
        size += 24;
      }
    }
    const buf = this.names.fresh("message");
    this.line(`char ${buf}[${size}];`);
    this.line(`__builtin_snprintf(${buf}, sizeof(${buf}), ${cString(fmt)}${args.map((a) => `, ${a}`).join("")});`);
    this.line(`__TVMAPISetLastError(${buf});`);
  }

  private ifThenElse(s: IfThenElse): void {
    this.line(`if (${this.cond(s.condition)}) {`);
    this.block(() => this.stmt(s.thenCase));
    if (s.elseCase) {
      this.line("} else {");
      this.block(() => this.stmt(s.elseCase!));
    }
    this.line("}");
  }

  private evaluate(s: Evaluate): void {
    const e = s.value;
    if (e instanceof IntImm || e instanceof FloatImm) return;
    if (e instanceof Call) {
      switch (e.op) {
        case STRUCT_SET: this.line(`${this.structSet(e)};`); return;
        case CALL_PACKED_LOWERED: this.line(`if (${this.callPackedStatus(e, "0")} != 0) return -1;`); return;
        case FREE_WORKSPACE: {
          const target = e.args[2];
          const holder = target instanceof Var ? this.workspaceHolder.get(target) : undefined;
          if (holder) this.line(`${this.helpers.freeWorkspace()}(&${holder});`);
          else this.line(`(void)__TVMBackendFreeWorkspace(${e.args.map((a) => this.expr(a)).join(", ")});`);
          return;
        }
        case RET: this.line(`return ${this.expr(e.args[0])};`); return;
        case THROW_LAST_ERROR: this.line("return -1;"); return;
        case CALL_EXTERN: this.line(`${this.expr(e)};`); return;
        default: break;
      }
    }
    this.line(`(void)(${this.expr(e)});`);
  }

  private structSet(e: Call): string {
    const [h, idxE, fieldE, value] = e.args;
    const idx = (idxE as IntImm).value;
    const field = (fieldE as IntImm).value;
    if (field === Field.TVMValueContent) {
      const base = `((TVMValue*)${this.expr(h)})[${idx}]`;
      if (value instanceof StringImm) return `${base}.v_str = ${cString(value.value)}`;
      if (value.dtype.isHandle()) return `${base}.v_handle = (void*)(${this.expr(value)})`;
      if (value.dtype.isFloat()) return `${base}.v_float64 = (double)(${this.expr(value)})`;
      return `${base}.v_int64 = (int64_t)(${this.expr(value)})`;
    }
    const name = DLTENSOR_FIELDS[field];
    if (!name) throw new Error(`codegen(${this.fname}): tvm_struct_set of unknown field ${field}`);
    return `((DLTensor*)${this.expr(h)})[${idx}].${name} = (${DLTENSOR_FIELD_TYPES[field]})(${this.expr(value)})`;
  }

  /** The status expression of a lowered packed call; `retName` receives the return value. */
  private callPackedStatus(e: Call, retName: string): string {
    const [name, values, tcodes, begin, end] = e.args;
    if (!(name instanceof StringImm)) throw new Error(`codegen(${this.fname}): tvm_call_packed_lowered needs the callee's name`);
    const handle = this.mod.packedHandles.get(name.value);
    if (!handle) throw new Error(`codegen(${this.fname}): internal: no handle planned for packed function '${name.value}'`);
    const call = this.helpers.callPacked();
    let ret = retName;
    if (ret === "0") {
      ret = this.names.fresh("ret");
      this.line(`TVMValue ${ret};`);
    }
    return `${call}(&${handle}, ${cString(name.value)}, ${this.expr(values)}, ${this.expr(tcodes)}, ${this.expr(begin)}, ${this.expr(end)}, &${ret})`;
  }

  private allocate(s: Allocate): void {
    let n = 1;
    for (const e of s.extents) {
      if (!(e instanceof IntImm)) {
        throw new Error(`codegen(${this.fname}): allocation '${s.bufferVar.name}' has a non-constant size; run lowerTVMBuiltin to allocate it from the workspace`);
      }
      n *= e.value;
    }
    const v = s.bufferVar;
    const elemT = this.pointee(v) ?? s.dtype;
    const lanes = (s.dtype.lanes * s.dtype.bits) / (elemT.lanes * elemT.bits);
    const count = Math.max(1, Math.ceil(n * lanes));
    const ty = this.types.mem(elemT, `allocation '${v.name}'`);
    this.scoped(v, (name) => {
      this.line(`${ty} ${name}[${count}] __attribute__((aligned(${STACK_ALIGN})));`);
      this.aligned.add(v);
      this.stmt(s.body);
      this.aligned.delete(v);
    });
  }

  private forLoop(s: For): void {
    if (s.forKind === "parallel") return this.outlineParallel(s);
    const v = s.loopVar;
    const ty = this.types.value(v.dtype, `loop variable '${v.name}'`);
    const min = this.expr(s.min);
    let end: string;
    const constMin = s.min instanceof IntImm ? s.min.value : undefined;
    const constExt = s.extent instanceof IntImm ? s.extent.value : undefined;
    if (constMin !== undefined && constExt !== undefined) end = this.intLiteral(constMin + constExt, v.dtype);
    else if (constMin === 0 && (s.extent instanceof Var || s.extent instanceof IntImm)) end = this.expr(s.extent);
    else {
      end = this.names.fresh(`${v.name}_end`);
      this.line(`${ty} ${end} = (${ty})(${min} + ${this.expr(s.extent)});`);
    }
    if (s.forKind === "unrolled" && constExt !== undefined && constExt > 1 && constExt <= 1024) this.line(`#pragma GCC unroll ${constExt}`);
    this.scoped(v, (name) => {
      this.line(`for (${ty} ${name} = ${min}; ${name} < ${end}; ++${name}) {`);
      const prev = this.ranges.get(v);
      this.bindRange(v, new Range(s.min, s.extent));
      this.block(() => this.stmt(s.body));
      if (prev) this.bindRange(v, prev);
      this.line("}");
    });
  }

  // ------------------------------------------------------------------ outlining

  private inherited(): Inherited {
    return { ranges: new Map(this.ranges), aligned: new Set(this.aligned) };
  }

  /** The parameter declaration of a captured variable in an outlined function. */
  private captureDecl(v: Var, name: string): string {
    const ty = this.varType(v);
    return v.dtype.isHandle() && v.typeAnnotation && this.noalias ? `${ty} restrict ${name}` : `${ty} ${name}`;
  }

  private outlineCompute(s: AttrStmt): void {
    const fn = this.mod.closureNames.get(s);
    if (!fn) throw new Error(`codegen(${this.fname}): internal: compute scope not planned`);
    const captured = freeVars(s.body);
    const child = new FnEmitter(this.mod, this.fname, this.noalias, this.inherited());
    const params = captured.map((v) => {
      const name = child.define(v);
      return child.captureDecl(v, name);
    });
    child.stmt(s.body);
    this.mod.functions.push(`static __attribute__((noinline)) int32_t ${fn}(${params.length ? params.join(", ") : "void"}) {\n${child.text()}\n  return 0;\n}\n`);
    const args = captured.map((v) => this.varName(v));
    this.line(`if (${fn}(${args.join(", ")}) != 0) return -1;`);
  }

  private outlineParallel(s: For): void {
    const fn = this.mod.closureNames.get(s);
    if (!fn) throw new Error(`codegen(${this.fname}): internal: parallel loop not planned`);
    const captured = freeVars(new For(s.loopVar, s.min, s.extent, "serial", s.body));
    const structName = `${fn}_args`;
    const child = new FnEmitter(this.mod, this.fname, this.noalias, this.inherited());
    child.names.reserve("task_id");
    child.names.reserve("penv");
    child.names.reserve("cdata");
    const closure = child.names.fresh("closure");
    const lines: string[] = [];
    const fields: string[] = [];
    for (const v of captured) {
      const field = this.varName(v);
      fields.push(`  ${this.varType(v)} ${field};`);
      const local = child.define(v);
      lines.push(`  ${child.captureDecl(v, local)} = ${closure}->${field};`);
    }
    const ity = this.types.value(s.loopVar.dtype, `loop variable '${s.loopVar.name}'`);
    const min = child.names.fresh(`${s.loopVar.name}_min`);
    const ext = child.names.fresh(`${s.loopVar.name}_extent`);
    const chunk = child.names.fresh("chunk");
    const begin = child.names.fresh("begin");
    const end = child.names.fresh("end");
    const lv = child.define(s.loopVar);
    const minCode = child.expr(s.min);
    const extCode = child.expr(s.extent);
    const pre = [
      ...lines,
      `  ${ity} ${min} = ${minCode};`,
      `  ${ity} ${ext} = ${extCode};`,
      `  ${ity} ${chunk} = (${ity})((${ext} + penv->num_task - 1) / penv->num_task);`,
      `  ${ity} ${begin} = (${ity})(task_id * ${chunk});`,
      `  ${ity} ${end} = ${begin} + ${chunk} < ${ext} ? (${ity})(${begin} + ${chunk}) : ${ext};`,
      `  for (${ity} ${lv} = ${min} + ${begin}; ${lv} < ${min} + ${end}; ++${lv}) {`,
    ];
    child.bindRange(s.loopVar, new Range(s.min, s.extent));
    child.ind = 2;
    child.stmt(s.body);
    const head = captured.length > 0
      ? `typedef struct {\n${fields.join("\n")}\n} ${structName};\n\n`
      : "";
    const unpack = captured.length > 0 ? `  ${structName}* ${closure} = (${structName}*)cdata;\n` : "  (void)cdata;\n";
    this.mod.functions.push(`${head}static int32_t ${fn}(int32_t task_id, TVMParallelGroupEnv* penv, void* cdata) {\n${unpack}${pre.join("\n")}\n${child.text()}\n  }\n  return 0;\n}\n`);
    if (captured.length > 0) {
      const c = this.names.fresh(`${fn}_closure`);
      const init = captured.map((v) => `.${this.varName(v)} = ${this.varName(v)}`).join(", ");
      this.line(`{`);
      this.line(`  ${structName} ${c} = {${init}};`);
      this.line(`  if (__TVMBackendParallelLaunch(${fn}, &${c}, 0) != 0) return -1;`);
      this.line(`}`);
    } else {
      this.line(`if (__TVMBackendParallelLaunch(${fn}, 0, 0) != 0) return -1;`);
    }
  }

  // ------------------------------------------------------------------ memory

  private flatIndex(b: Buffer, indices: PrimExpr[]): PrimExpr {
    if (indices.length !== b.shape.length) throw new Error(`codegen(${this.fname}): buffer '${b.name}' has ${b.shape.length} dimensions, indexed with ${indices.length}`);
    return b.elemOffsetOf(indices);
  }

  /** The pointer expression of `v` typed as pointing to `elem` elements. */
  private typedPointer(v: Var, elem: DataType): string {
    const name = this.varName(v);
    const pointee = this.pointee(v);
    if (pointee && (pointee === elem || (pointee.isBool() && elem.isBool()))) return name;
    return `((${this.types.mem(elem)}*)${name})`;
  }

  /** `(p + base)` with p typed as pointing to `elem`, or just p when base is 0. */
  private offsetPointer(v: Var, elem: DataType, base: PrimExpr): string {
    const p = this.typedPointer(v, elem);
    return base instanceof IntImm && base.value === 0 ? p : `(${p} + ${this.expr(base)})`;
  }

  /** True when `index` (in elements of `elem`) is a multiple of `lanes` into an aligned array. */
  private provablyAligned(v: Var, base: PrimExpr, elem: DataType, lanes: number): boolean {
    const bytes = (elem.bits / 8) * lanes;
    if (!this.aligned.has(v) || bytes > STACK_ALIGN || !isPow2(bytes)) return false;
    try {
      const m = this.modular.analyze(base);
      const eb = elem.bits / 8;
      if (m.coeff === 0) return (m.base * eb) % bytes === 0;
      return (m.coeff * eb) % bytes === 0 && (m.base * eb) % bytes === 0;
    } catch {
      return false;
    }
  }

  /** A contiguous vector access `ramp(base, 1, lanes)`, or undefined. */
  private contiguous(index: PrimExpr, lanes: number): PrimExpr | undefined {
    if (index instanceof Ramp && index.lanes === lanes && index.stride instanceof IntImm && index.stride.value === 1) return index.base;
    return undefined;
  }

  private load(e: Load): string {
    const t = e.dtype;
    const elem = t.element();
    const allTrue = e.predicate instanceof IntImm ? e.predicate.value !== 0 : e.predicate instanceof Broadcast && e.predicate.value instanceof IntImm && e.predicate.value.value !== 0;
    if (t.lanes === 1) {
      if (!allTrue) return `(${this.cond(e.predicate)} ? ${this.typedPointer(e.bufferVar, elem)}[${this.expr(e.index)}] : 0)`;
      return `${this.typedPointer(e.bufferVar, elem)}[${this.expr(e.index)}]`;
    }
    if (e.index.dtype.lanes === 1) {
      // A vector element of a buffer of vectors.
      return `((${this.types.value(t)})((${this.types.access(t, false)}*)${this.varName(e.bufferVar)})[${this.expr(e.index)}])`;
    }
    const base = this.contiguous(e.index, t.lanes);
    if (base && allTrue) {
      const aligned = this.provablyAligned(e.bufferVar, base, elem, t.lanes);
      // Read through the access type, typed as the plain vector type (they differ in alignment).
      return `((${this.types.value(t)})*(${this.types.access(t, aligned)}*)${this.offsetPointer(e.bufferVar, elem, base)})`;
    }
    const g = this.helpers.gather(t, e.index.dtype, !allTrue);
    return `${g}(${this.typedPointer(e.bufferVar, elem)}, ${this.expr(e.index)}${allTrue ? "" : `, ${this.mask(e.predicate, 32)}`})`;
  }

  private store(s: Store): void {
    const t = s.value.dtype;
    const elem = t.element();
    const allTrue = s.predicate instanceof IntImm ? s.predicate.value !== 0 : s.predicate instanceof Broadcast && s.predicate.value instanceof IntImm && s.predicate.value.value !== 0;
    const value = this.expr(s.value);
    if (t.lanes === 1) {
      const st = `${this.typedPointer(s.bufferVar, elem)}[${this.expr(s.index)}] = ${value};`;
      if (allTrue) this.line(st);
      else this.line(`if (${this.cond(s.predicate)}) ${st}`);
      return;
    }
    if (s.index.dtype.lanes === 1) {
      this.line(`((${this.types.access(t, false)}*)${this.varName(s.bufferVar)})[${this.expr(s.index)}] = ${value};`);
      return;
    }
    const base = this.contiguous(s.index, t.lanes);
    if (base && allTrue) {
      const aligned = this.provablyAligned(s.bufferVar, base, elem, t.lanes);
      this.line(`*(${this.types.access(t, aligned)}*)${this.offsetPointer(s.bufferVar, elem, base)} = ${value};`);
      return;
    }
    // Scatter, lane by lane.
    const idx = this.names.fresh("index");
    const val = this.names.fresh("value");
    const ptr = this.typedPointer(s.bufferVar, elem);
    this.line("{");
    this.block(() => {
      this.line(`${this.types.value(s.index.dtype)} ${idx} = ${this.expr(s.index)};`);
      this.line(`${this.types.value(t)} ${val} = ${value};`);
      let m: string | undefined;
      if (!allTrue) {
        m = this.names.fresh("mask");
        this.line(`${this.types.mask(32, t.lanes)} ${m} = ${this.mask(s.predicate, 32)};`);
      }
      for (let k = 0; k < t.lanes; k++) {
        const st = `${ptr}[${idx}[${k}]] = ${val}[${k}];`;
        this.line(m ? `if (${m}[${k}]) ${st}` : st);
      }
    });
    this.line("}");
  }

  // ------------------------------------------------------------------ expressions

  /** A condition (scalar bool) as C. */
  cond(e: PrimExpr): string {
    if (e.dtype.lanes !== 1) throw new Error(`codegen(${this.fname}): a condition must be a scalar, got ${e.dtype} (${e})`);
    return this.expr(e);
  }

  intLiteral(v: number, t: DataType): string {
    if (t.isBool()) return v ? "1" : "0";
    if (t.isFloat()) return this.floatLiteral(v, t);
    if (t.isInt()) {
      if (t.bits === 64) return v < 0 ? `(-INT64_C(${-v}))` : `INT64_C(${v})`;
      if (t.bits === 32) return v === -2147483648 ? "(-2147483647 - 1)" : v < 0 ? `(${v})` : `${v}`;
      return `((int${t.bits}_t)${v < 0 ? `(${v})` : v})`;
    }
    if (t.isUInt()) {
      if (t.bits === 64) return `UINT64_C(${v})`;
      if (t.bits === 32) return `${v}u`;
      return `((uint${t.bits}_t)${v})`;
    }
    throw new Error(`codegen(${this.fname}): no integer literal of ${t}`);
  }

  private floatLiteral(v: number, t: DataType): string {
    const f = t.bits === 32 ? "f" : "";
    if (Number.isNaN(v)) return `__builtin_nan${f}("")`;
    if (v === Infinity) return `__builtin_inf${f}()`;
    if (v === -Infinity) return `(-__builtin_inf${f}())`;
    const x = t.bits === 32 ? Math.fround(v) : v;
    let s = Object.is(x, -0) ? "-0.0" : String(x);
    if (!/[.eE]/.test(s)) s += ".0";
    s += f;
    return x < 0 || Object.is(x, -0) ? `(${s})` : s;
  }

  /** The natural lane width of the mask a bool vector expression produces. */
  private maskBits(e: PrimExpr): number {
    switch (e.kind) {
      case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE": {
        const a = (e as CompareExpr).a;
        return a.dtype.isBool() ? this.maskBits(a) : a.dtype.bits;
      }
      case "And": case "Or": return this.maskBits((e as LogicalExpr).a);
      case "Not": return this.maskBits((e as Not).a);
      case "Load": return 8;
      default: return 32;
    }
  }

  /** A bool vector as a lane mask of `bits`-bit lanes (-1 where true). */
  mask(e: PrimExpr, bits: number): string {
    if (!e.dtype.isBool() || e.dtype.lanes === 1) throw new Error(`codegen(${this.fname}): expected a bool vector, got ${e.dtype}`);
    const natural = this.maskBits(e);
    const code = this.expr(e);
    if (natural === bits) return code;
    return `__builtin_convertvector(${code}, ${this.types.mask(bits, e.dtype.lanes)})`;
  }

  expr(e: PrimExpr): string {
    switch (e.kind) {
      case "Var": return this.varName(e as Var);
      case "IntImm": {
        const x = e as IntImm;
        return this.intLiteral(x.value, x.dtype);
      }
      case "FloatImm": {
        const x = e as FloatImm;
        return this.floatLiteral(x.value, x.dtype);
      }
      case "StringImm": return cString((e as StringImm).value);
      case "Cast": return this.cast(e as Cast);
      case "Add": case "Sub": case "Mul": case "Div": case "Mod":
        return this.arith(e as BinaryExpr);
      case "FloorDiv": case "FloorMod": return this.floorDivMod(e as BinaryExpr);
      case "Min": case "Max": {
        const b = e as BinaryExpr;
        return `${this.helpers.minMax(e.kind === "Min" ? "min" : "max", b.dtype)}(${this.expr(b.a)}, ${this.expr(b.b)})`;
      }
      case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE": return this.compare(e as CompareExpr);
      case "And": case "Or": {
        const l = e as LogicalExpr;
        if (l.dtype.lanes === 1) return `(${this.expr(l.a)} ${e.kind === "And" ? "&&" : "||"} ${this.expr(l.b)})`;
        const bits = this.maskBits(l);
        return `(${this.mask(l.a, bits)} ${e.kind === "And" ? "&" : "|"} ${this.mask(l.b, bits)})`;
      }
      case "Not": {
        const n = e as Not;
        return n.dtype.lanes === 1 ? `(!${this.expr(n.a)})` : `(~${this.mask(n.a, this.maskBits(n))})`;
      }
      case "Select": return this.select(e as Select);
      case "Load": return this.load(e as Load);
      case "BufferLoad": {
        const b = e as BufferLoad;
        return this.load(new Load(b.dtype, b.buffer.data, this.flatIndex(b.buffer, b.indices)));
      }
      case "Ramp": {
        const r = e as Ramp;
        return `${this.helpers.ramp(r.dtype)}(${this.expr(r.base)}, ${this.expr(r.stride)})`;
      }
      case "Broadcast": {
        const b = e as Broadcast;
        if (b.dtype.isBool()) return `${this.helpers.broadcast(DataType.int(32, b.lanes))}(-(int32_t)(${this.expr(b.value)}))`;
        return `${this.helpers.broadcast(b.dtype)}(${this.expr(b.value)})`;
      }
      case "Shuffle": return this.shuffle(e as Shuffle);
      case "Let": {
        const l = e as Let;
        const value = this.expr(l.value);
        return this.scoped(l.variable, (name) => `({ ${this.varType(l.variable)} ${name} = ${value}; ${this.expr(l.body)}; })`);
      }
      case "Call": return this.call(e as Call);
      case "ProducerLoad": case "Reduce":
        throw new Error(`codegen(${this.fname}): ${e.kind} cannot be compiled; lower the schedule first`);
    }
  }

  private cast(c: Cast): string {
    const from = c.value.dtype;
    const to = c.dtype;
    const v = this.expr(c.value);
    if (from.lanes === 1 && to.lanes === 1) {
      if (to.isBool()) return `(${v} != 0)`;
      if (from.isHandle() && !to.isHandle()) return `((${this.types.value(to)})(uintptr_t)(${v}))`;
      if (to.isHandle() && !from.isHandle()) return `((void*)(uintptr_t)(${v}))`;
      return `((${this.types.value(to)})(${v}))`;
    }
    if (from.lanes !== to.lanes) throw new Error(`codegen(${this.fname}): cast of ${from} to ${to} changes the lane count`);
    if (to.isBool()) {
      const zero = `${this.helpers.broadcast(from)}(0)`;
      return `(${v} != ${zero})`;
    }
    if (from.isBool()) {
      const bits = to.bits;
      return `__builtin_convertvector(-${this.mask(c.value, bits)}, ${this.types.value(to)})`;
    }
    return `__builtin_convertvector(${v}, ${this.types.value(to)})`;
  }

  private arith(b: BinaryExpr): string {
    const t = b.dtype;
    const op = { Add: "+", Sub: "-", Mul: "*", Div: "/", Mod: "%" }[b.kind as "Add"];
    const a = this.expr(b.a);
    const c = this.expr(b.b);
    if (b.kind === "Mod" && t.isFloat()) {
      const fn = t.bits === 32 ? "__builtin_fmodf" : "__builtin_fmod";
      if (t.lanes === 1) return `${fn}(${a}, ${c})`;
      return `${this.helpers.laneWise(fn, t, [t, t])}(${a}, ${c})`;
    }
    return this.narrow(t, `(${a} ${op} ${c})`);
  }

  /** C promotes narrow integers to int; wraps a scalar result back to its dtype, as TIR does. */
  private narrow(t: DataType, code: string): string {
    return t.lanes === 1 && t.isIntegral() && t.bits < 32 ? `((${this.types.value(t)})${code})` : code;
  }

  private nonNegative(e: PrimExpr): boolean {
    try {
      return this.bounds.bound(e).minValue >= 0;
    } catch {
      return false;
    }
  }

  private floorDivMod(b: BinaryExpr): string {
    const t = b.dtype;
    const isDiv = b.kind === "FloorDiv";
    const a = this.expr(b.a);
    const c = this.expr(b.b);
    if (t.isFloat()) {
      const floor = t.bits === 32 ? "__builtin_floorf" : "__builtin_floor";
      const fl = (x: string): string => (t.lanes === 1 ? `${floor}(${x})` : `${this.helpers.laneWise(floor, t, [t])}(${x})`);
      return isDiv ? fl(`(${a} / ${c})`) : `(${a} - ${fl(`(${a} / ${c})`)} * ${c})`;
    }
    if (t.isUInt() || t.isBool()) return `(${a} ${isDiv ? "/" : "%"} ${c})`;
    const divisor = b.b instanceof IntImm ? b.b.value : b.b instanceof Broadcast && b.b.value instanceof IntImm ? b.b.value.value : undefined;
    if (divisor !== undefined && divisor > 0) {
      if (isPow2(divisor)) {
        // Arithmetic shift and mask give floor semantics for negative dividends too.
        const k = Math.log2(divisor);
        if (isDiv) return k === 0 ? a : `(${a} >> ${k})`;
        return `(${a} & ${this.intLiteral(divisor - 1, t.element())})`;
      }
      if (t.lanes === 1 && this.nonNegative(b.a)) return `(${a} ${isDiv ? "/" : "%"} ${c})`;
    }
    return `${this.helpers.floorDivMod(isDiv ? "floordiv" : "floormod", t)}(${a}, ${c})`;
  }

  private compare(e: CompareExpr): string {
    const op = { EQ: "==", NE: "!=", LT: "<", LE: "<=", GT: ">", GE: ">=" }[e.kind];
    let a: string;
    let b: string;
    if (e.a.dtype.isBool() && e.a.dtype.lanes > 1) {
      const bits = this.maskBits(e);
      a = this.mask(e.a, bits);
      b = this.mask(e.b, bits);
    } else {
      a = this.expr(e.a);
      b = this.expr(e.b);
    }
    if (a === b && !e.a.dtype.isFloat() && isPure(e.a)) {
      // x < x is a constant for integers, and C compilers warn about the self-comparison.
      const value = e.kind === "EQ" || e.kind === "LE" || e.kind === "GE";
      if (e.dtype.lanes === 1) return value ? "1" : "0";
      const bits = this.maskBits(e);
      return `${this.helpers.broadcast(DataType.int(bits, e.dtype.lanes))}(${value ? -1 : 0})`;
    }
    return `(${a} ${op} ${b})`;
  }

  private select(s: Select): string {
    const t = s.dtype;
    if (s.condition.dtype.lanes === 1) return `(${this.cond(s.condition)} ? ${this.expr(s.trueValue)} : ${this.expr(s.falseValue)})`;
    if (t.isBool()) {
      const bits = 32;
      const m = this.mask(s.condition, bits);
      return `((${this.mask(s.trueValue, bits)} & ${m}) | (${this.mask(s.falseValue, bits)} & ~${m}))`;
    }
    return `${this.helpers.select(t)}(${this.mask(s.condition, t.bits)}, ${this.expr(s.trueValue)}, ${this.expr(s.falseValue)})`;
  }

  private shuffle(s: Shuffle): string {
    const tmp: string[] = [];
    const decls: string[] = [];
    for (const v of s.vectors) {
      const n = this.names.fresh("shuffle");
      tmp.push(n);
      decls.push(`${this.types.value(v.dtype)} ${n} = ${this.expr(v)};`);
    }
    const lanes: string[] = [];
    for (const idx of s.indices) {
      let k = idx;
      let vi = 0;
      while (vi < s.vectors.length && k >= s.vectors[vi].dtype.lanes) {
        k -= s.vectors[vi].dtype.lanes;
        vi++;
      }
      if (vi >= s.vectors.length) throw new Error(`codegen(${this.fname}): shuffle index ${idx} is out of range`);
      lanes.push(s.vectors[vi].dtype.lanes === 1 ? tmp[vi] : `${tmp[vi]}[${k}]`);
    }
    const ty = this.types.value(s.dtype);
    if (s.dtype.lanes === 1) return `({ ${decls.join(" ")} ${lanes[0]}; })`;
    return `({ ${decls.join(" ")} (${ty}){${lanes.join(", ")}}; })`;
  }

  private call(e: Call): string {
    const args = e.args;
    switch (e.op) {
      case "tir.likely": return `__builtin_expect(!!(${this.cond(args[0])}), 1)`;
      case "tir.if_then_else": {
        if (args[0].dtype.lanes === 1) return `(${this.cond(args[0])} ? ${this.expr(args[1])} : ${this.expr(args[2])})`;
        return this.select(new Select(args[0], args[1], args[2]));
      }
      case CALL_PURE_EXTERN: case CALL_EXTERN: {
        const [name, ...rest] = args;
        if (!(name instanceof StringImm)) throw new Error(`codegen(${this.fname}): ${e.op} needs the function's name first`);
        const fn = this.mod.externFunction(name.value);
        const cargs = rest.map((a) => this.expr(a));
        if (e.dtype.lanes > 1) return `${this.helpers.laneWise(fn, e.dtype, rest.map((a) => a.dtype))}(${cargs.join(", ")})`;
        return `${fn}(${cargs.join(", ")})`;
      }
      case STRUCT_GET: {
        const [h, idxE, fieldE] = args;
        const idx = (idxE as IntImm).value;
        const field = (fieldE as IntImm).value;
        if (field === Field.TVMValueContent) {
          const base = `((TVMValue*)${this.expr(h)})[${idx}]`;
          if (e.dtype.isHandle()) return `${base}.v_handle`;
          if (e.dtype.isFloat()) return `((${this.types.value(e.dtype)})${base}.v_float64)`;
          return `((${this.types.value(e.dtype)})${base}.v_int64)`;
        }
        if (field === Field.ArrAddr) return `(&((DLTensor*)${this.expr(h)})[${idx}])`;
        const name = DLTENSOR_FIELDS[field];
        if (!name) throw new Error(`codegen(${this.fname}): tvm_struct_get of unknown field ${field}`);
        return `((DLTensor*)${this.expr(h)})[${idx}].${name}`;
      }
      case STRUCT_SET: return `(${this.structSet(e)}, 0)`;
      case ADDRESS_OF: {
        const l = args[0];
        if (!(l instanceof Load)) throw new Error(`codegen(${this.fname}): address_of needs a load`);
        return `(&${this.typedPointer(l.bufferVar, l.dtype.element())}[${this.expr(l.index)}])`;
      }
      case IS_NULLPTR: return `((void*)(${this.expr(args[0])}) == (void*)0)`;
      case ALLOC_WORKSPACE: return `__TVMBackendAllocWorkspace(${args.map((a) => this.expr(a)).join(", ")})`;
      case FREE_WORKSPACE: return `__TVMBackendFreeWorkspace(${args.map((a) => this.expr(a)).join(", ")})`;
      case TYPE_CODE_NAME: return `${this.helpers.typeCodeName()}(${this.expr(args[0])})`;
      case DTYPE_NAME: return `${this.helpers.dtypeName()}(${args.map((a) => this.expr(a)).join(", ")})`;
      case CALL_PACKED_LOWERED: {
        const ret = this.names.fresh("ret");
        return `({ TVMValue ${ret}; if (${this.callPackedStatus(e, ret)} != 0) return -1; (${this.types.value(e.dtype)})${ret}.v_int64; })`;
      }
      case "tir.bitwise_and": return this.narrow(e.dtype, `(${this.expr(args[0])} & ${this.expr(args[1])})`);
      case "tir.bitwise_or": return this.narrow(e.dtype, `(${this.expr(args[0])} | ${this.expr(args[1])})`);
      case "tir.bitwise_xor": return this.narrow(e.dtype, `(${this.expr(args[0])} ^ ${this.expr(args[1])})`);
      case "tir.bitwise_not": return this.narrow(e.dtype, `(~${this.expr(args[0])})`);
      case "tir.shift_left": return this.narrow(e.dtype, `(${this.expr(args[0])} << ${this.expr(args[1])})`);
      case "tir.shift_right": return this.narrow(e.dtype, `(${this.expr(args[0])} >> ${this.expr(args[1])})`);
      case "tir.isnan": return `__builtin_isnan(${this.expr(args[0])})`;
      case "tir.reinterpret": {
        const n = this.names.fresh("bits");
        const ty = this.types.value(e.dtype);
        return `({ ${ty} ${n}; ${this.types.value(args[0].dtype)} ${n}_src = ${this.expr(args[0])}; __builtin_memcpy(&${n}, &${n}_src, sizeof(${n})); ${n}; })`;
      }
      case CALL_PACKED: case "tir.tvm_stack_make_array": case "tir.tvm_stack_make_shape":
        throw new Error(`codegen(${this.fname}): ${e.op} must be lowered first (run lowerTVMBuiltin)`);
      case STACK_ALLOCA: throw new Error(`codegen(${this.fname}): tvm_stack_alloca is only allowed as a let value`);
      case FORMAT: throw new Error(`codegen(${this.fname}): tejit.format is only allowed as an assert message`);
      case RET: case THROW_LAST_ERROR: throw new Error(`codegen(${this.fname}): ${e.op} is only allowed as a statement`);
      default:
        if (e.op.startsWith("tir.") && ["exp", "log", "sqrt", "tanh", "sigmoid", "floor", "ceil", "fabs", "pow", "round"].includes(e.op.slice(4))) {
          throw new Error(`codegen(${this.fname}): ${e.op} must be lowered first (run lowerIntrin)`);
        }
        throw new Error(`codegen(${this.fname}): the C backend does not support the call '${e.op}'`);
    }
  }
}

/** Prints an entry function (after make_packed_api). */
function emitEntry(mod: CModule, f: PrimFunc): void {
  if (f.attrs["calling_conv"] !== 1) throw new Error(`codegen: function '${f.name}' has no packed API; run makePackedAPI first`);
  const { ident, symbol } = mod.entry(f);
  const em = new FnEmitter(mod, f.name!, f.attrs["tir.noalias"] === true);
  const params = f.params.map((p) => `${em.varType(p)} ${em.define(p)}`);
  const sig = `int32_t ${ident}(${params.join(", ")})`;
  const decl = ident !== symbol ? `${sig} __asm__(${cString(symbol)});\n` : "";
  for (const p of f.params) em.line(`(void)${em.varName(p)};`);
  em.stmt(f.body);
  em.line("return 0;");
  mod.functions.push(`${decl}${sig} {\n${em.text()}\n}\n`);
}

/**
 * Prints C for functions that went through the host passes. `metadata`, given the exported symbol
 * of each function, returns text appended to the file (the `__tejit_metadata` definition).
 */
export function codegenC(funcs: PrimFunc[], metadata?: (symbols: Map<string, string>) => string): CodegenResult {
  const mod = new CModule();
  mod.plan(funcs);
  for (const f of funcs) emitEntry(mod, f);
  return { source: mod.source(metadata ? metadata(mod.symbols) : ""), symbols: mod.symbols };
}
