// TVM's classic TIR text form (the printer of TVM mid-2020, `tir_text_printer.cc`):
// `primfn(a: handle) -> ()`, `attr = {...}`, `buffers = {...}`, `buffer_map = {...}`, a body of
// `attr [x] "key" = v;`, `allocate(...)`, `for (i: int32, 0, 3) {`, calls as `@tir.name(.., dtype=t)`.
// A variable's first appearance prints `name: type`; names clash-free with `_1`, `_2` suffixes.
// expr.ts and stmt.ts load this file for their toString, so it takes expression nodes from
// expr_nodes.ts and statements as types only (telling them apart by `kind`): no import cycle.

import { DataType } from "./dtype.js";
import type { Buffer } from "./buffer.js";
import type { IRModule, PrimFunc, AttrValue } from "./function.js";
import { IterVar, Range } from "./iter_var.js";
import {
  BinaryExpr, Broadcast, BufferLoad, Call, Cast, CompareExpr, FloatImm, IntImm, Let, Load,
  LogicalExpr, Not, PrimExpr, ProducerLoad, Ramp, Reduce, Select, Shuffle, StringImm, Var,
} from "./expr_nodes.js";
import type {
  Allocate, AssertStmt, AttrStmt, BufferRealize, BufferStore, Evaluate, For, IfThenElse, LetStmt,
  ProducerRealize, ProducerStore, SeqStmt, Stmt, Store, While,
} from "./stmt.js";
import { add } from "./op.js";
import { unhandledKind } from "./unhandled_kind.js";

const BINARY_SYMBOL: Record<string, string> = {
  Add: " + ", Sub: " - ", Mul: "*", Div: " / ", Mod: " % ",
  EQ: " == ", NE: " != ", LT: " < ", LE: " <= ", GT: " > ", GE: " >= ", And: " && ", Or: " || ",
};
const BINARY_CALL: Record<string, string> = { FloorDiv: "floordiv", FloorMod: "floormod", Min: "min", Max: "max" };
const FOR_KIND: Record<string, string> = { parallel: "parallel", vectorized: "vectorized", unrolled: "unroll" };

/** Formats a double as C++'s default `ostream << double` does (6 significant digits, %g). */
export function formatDouble(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant, expStr] = v.toExponential(5).split("e");
  const exp = Number(expStr);
  const strip = (s: string): string => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${strip(mant)}e${exp < 0 ? "-" : "+"}${digits}`;
  }
  return strip(v.toFixed(5 - exp));
}

export function dtypeString(t: DataType): string {
  if (t.isBool() && t.lanes > 1) return `uint1x${t.lanes}`;
  return t.toString();
}

function strLiteral(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r")}"`;
}

export class TIRTextPrinter {
  private readonly nameAlloc = new Map<string, number>();
  private readonly memoVar = new Map<Var, string>();
  private readonly memoBuf = new Map<Buffer, string>();

  /** `annotateVars`: print `name: type` at a variable's first appearance (as in functions). */
  constructor(private readonly annotateVars = true) {}

  private uniqueName(prefix: string): string {
    let name = prefix;
    const count = this.nameAlloc.get(prefix);
    if (count !== undefined) {
      let n = count;
      do {
        n += 1;
        name = `${prefix}_${n}`;
      } while (this.nameAlloc.has(name));
      this.nameAlloc.set(prefix, n);
    }
    this.nameAlloc.set(name, 0);
    return name;
  }

  private allocVar(v: Var): string {
    const known = this.memoVar.get(v);
    if (known !== undefined) return known;
    let name = v.name;
    if (name.length === 0 || !/^[A-Za-z]/.test(name)) name = "v" + name;
    const unique = this.uniqueName(name);
    this.memoVar.set(v, unique);
    if (!this.annotateVars) return unique;
    return `${unique}: ${v.typeAnnotation ? v.typeAnnotation.toString() : dtypeString(v.dtype)}`;
  }

  allocBuf(b: Buffer): string {
    const known = this.memoBuf.get(b);
    if (known !== undefined) return known;
    let name = b.name;
    if (name.length === 0 || !/^[A-Za-z]/.test(name)) name = "buf_" + name;
    const unique = this.uniqueName(name);
    this.memoBuf.set(b, unique);
    return unique;
  }

  private bufferDoc(b: Buffer, name: string): string {
    let s = `${name}: Buffer(${this.expr(b.data)}, ${dtypeString(b.dtype)}, ${this.exprArray(b.shape)}, ${this.exprArray(b.strides)}`;
    if (!(b.elemOffset instanceof IntImm && b.elemOffset.value === 0)) s += `, elem_offset=${this.expr(b.elemOffset)}`;
    if (b.scope !== "global") s += `, scope=${strLiteral(b.scope)}`;
    if (b.dataAlignment !== 128) s += `, align=${b.dataAlignment}`;
    if (b.offsetFactor !== 1) s += `, offset_factor=${b.offsetFactor}`;
    if (b.bufferType !== "default") s += `, type="auto"`;
    return s + ")";
  }

  buffer(b: Buffer): string {
    const known = this.memoBuf.get(b);
    if (known !== undefined) return known;
    return this.bufferDoc(b, this.allocBuf(b));
  }

  exprArray(es: readonly PrimExpr[]): string {
    return `[${es.map((e) => this.expr(e)).join(", ")}]`;
  }

  private constScalar(t: DataType, value: number, isFloat: boolean): string {
    const text = isFloat ? formatDouble(value) : String(value);
    if (t === DataType.int32()) return text;
    if (t.isBool() && t.lanes === 1) return value === 1 ? "True" : "False";
    const code = t.code === "int" ? "i" : t.code === "uint" ? "u" : t.code === "float" ? "f" : "";
    return `${text}${code}${t.bits}${t.lanes !== 1 ? "x" + t.lanes : ""}`;
  }

  range(r: Range): string {
    return `${this.expr(r.min)}:${this.expr(add(r.min, r.extent))}`;
  }

  private iterVar(iv: IterVar): string {
    const dom = iv.dom ? `[${this.range(iv.dom)}]` : "(nullptr)";
    return `IterVar(${this.expr(iv.var)}, ${dom}, ${strLiteral(iv.iterType)}, ${strLiteral(iv.threadTag)})`;
  }

  expr(e: PrimExpr): string {
    switch (e.kind) {
      case "Var": return this.allocVar(e as Var);
      case "IntImm": return this.constScalar(e.dtype, (e as IntImm).value, false);
      case "FloatImm": return this.constScalar(e.dtype, (e as FloatImm).value, true);
      case "StringImm": return strLiteral((e as StringImm).value);
      case "Cast": return `cast(${dtypeString(e.dtype)}, ${this.expr((e as Cast).value)})`;
      case "Add": case "Sub": case "Mul": case "Div": case "Mod":
      case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE": case "And": case "Or": {
        const b = e as BinaryExpr | CompareExpr | LogicalExpr;
        return `(${this.expr(b.a)}${BINARY_SYMBOL[e.kind]}${this.expr(b.b)})`;
      }
      case "FloorDiv": case "FloorMod": case "Min": case "Max": {
        const b = e as BinaryExpr;
        return `${BINARY_CALL[e.kind]}(${this.expr(b.a)}, ${this.expr(b.b)})`;
      }
      case "Not": return `!${this.expr((e as Not).a)}`;
      case "Select": {
        const s = e as Select;
        return `select(${this.expr(s.condition)}, ${this.expr(s.trueValue)}, ${this.expr(s.falseValue)})`;
      }
      case "Load": {
        const l = e as Load;
        let s = `(${dtypeString(l.dtype)}*)${this.expr(l.bufferVar)}[${this.expr(l.index)}]`;
        if (!isTrue(l.predicate)) s += ` if ${this.expr(l.predicate)}`;
        return s;
      }
      case "BufferLoad": {
        const l = e as BufferLoad;
        return `${this.buffer(l.buffer)}${this.exprArray(l.indices)}`;
      }
      case "ProducerLoad": {
        const l = e as ProducerLoad;
        return `${l.producer.name}${this.exprArray(l.indices)}`;
      }
      case "Ramp": {
        const r = e as Ramp;
        return `ramp(${this.expr(r.base)}, ${this.expr(r.stride)}, ${r.lanes})`;
      }
      case "Broadcast": {
        const b = e as Broadcast;
        return `broadcast(${this.expr(b.value)}, ${b.lanes})`;
      }
      case "Shuffle": {
        const s = e as Shuffle;
        return `shuffle(${this.exprArray(s.vectors)}, [${s.indices.join(", ")}])`;
      }
      case "Let": {
        const l = e as Let;
        return `let ${this.expr(l.variable)} = ${this.expr(l.value)} in ${this.expr(l.body)}`;
      }
      case "Call": {
        const c = e as Call;
        return `@${c.op}(${c.args.map((a) => this.expr(a)).join(", ")}, dtype=${dtypeString(c.dtype)})`;
      }
      case "Reduce": {
        const r = e as Reduce;
        const axis = `[${r.axis.map((iv) => this.iterVar(iv)).join(", ")}]`;
        return `reduce(comm_reducer(result=${this.exprArray(r.combiner.result)}, lhs=${this.exprArray(r.combiner.lhs)}, rhs=${this.exprArray(r.combiner.rhs)}, identity_element=${this.exprArray(r.combiner.identity)}), ${this.exprArray(r.source)}, ${axis}, ${r.valueIndex}, ${this.exprArray(r.init)})`;
      }
      default: return unhandledKind("the TIR printer", e.kind);
    }
  }

  /** An attribute's node: an expression, a buffer, an IterVar, a tensor, a string, or a list. */
  attrNode(n: unknown): string {
    if (n instanceof PrimExpr) return this.expr(n);
    if (n instanceof IterVar) return this.iterVar(n);
    if (typeof n === "string") return strLiteral(n);
    if (typeof n === "number") return String(n);
    if (Array.isArray(n)) return `[${n.map((x) => this.attrNode(x)).join(", ")}]`;
    if (n && typeof n === "object" && "data" in n && "elemOffset" in n) return this.buffer(n as Buffer);
    if (n && typeof n === "object" && "name" in n) return String((n as { name: string }).name);
    return String(n);
  }

  /** A statement at indentation `ind` (the first line is not indented: the caller placed it). */
  stmt(s: Stmt, ind: number): string {
    const nl = "\n" + " ".repeat(ind);
    switch (s.kind) {
      case "LetStmt": {
        const l = s as LetStmt;
        return `let ${this.expr(l.variable)} = ${this.expr(l.value)}${nl}${this.stmt(l.body, ind)}`;
      }
      case "AttrStmt": {
        const a = s as AttrStmt;
        const head = `attr [${this.attrNode(a.node)}] ${strLiteral(a.key)} = ${this.expr(a.value)}`;
        return head + this.bodyOrContinue(a.body, ind);
      }
      case "AssertStmt": {
        const a = s as AssertStmt;
        return `assert(${this.expr(a.condition)}, ${this.expr(a.message)})${nl}${this.stmt(a.body, ind)}`;
      }
      case "Store": {
        const st = s as Store;
        let t = `${this.expr(st.bufferVar)}[${this.expr(st.index)}] = ${this.expr(st.value)}`;
        if (!isTrue(st.predicate)) t += ` if ${this.expr(st.predicate)}`;
        return t;
      }
      case "BufferStore": {
        const st = s as BufferStore;
        return `${this.buffer(st.buffer)}${this.exprArray(st.indices)} = ${this.expr(st.value)}`;
      }
      case "BufferRealize": {
        const r = s as BufferRealize;
        return `realize(${this.buffer(r.buffer)}, [${r.bounds.map((b) => this.range(b)).join(", ")}], ${this.expr(r.condition)}${this.body(r.body, ind)})`;
      }
      case "ProducerStore": {
        const st = s as ProducerStore;
        return `${st.producer.name}${this.exprArray(st.indices)} = ${this.expr(st.value)}`;
      }
      case "ProducerRealize": {
        const r = s as ProducerRealize;
        return `producer_realize(${r.producer.name}, [${r.bounds.map((b) => this.range(b)).join(", ")}], ${this.expr(r.condition)}${this.body(r.body, ind)})`;
      }
      case "Allocate": {
        const a = s as Allocate;
        let head = `allocate(${this.expr(a.bufferVar)}, ${dtypeString(a.dtype)}, ${this.exprArray(a.extents)})`;
        if (!isTrue(a.condition)) head += ` if ${this.expr(a.condition)}`;
        return head + this.bodyOrContinue(a.body, ind);
      }
      case "For": {
        const f = s as For;
        let head = `for (${this.expr(f.loopVar)}, ${this.expr(f.min)}, ${this.expr(add(f.min, f.extent))})`;
        if (f.forKind !== "serial") head += ` ${strLiteral(FOR_KIND[f.forKind])}`;
        return head + this.body(f.body, ind);
      }
      case "While": {
        const w = s as While;
        return `while (${this.expr(w.condition)})${this.body(w.body, ind)}`;
      }
      case "SeqStmt": {
        const inner = " ".repeat(ind + 2);
        return ` {${(s as SeqStmt).seq.map((x) => `\n${inner}${this.stmt(x, ind + 2)}`).join("")}${nl}}`;
      }
      case "IfThenElse": {
        const i = s as IfThenElse;
        let t = `if ${this.expr(i.condition)}${this.body(i.thenCase, ind)}`;
        if (!isTrue(i.condition) && i.elseCase) t += ` else${this.body(i.elseCase, ind)}`;
        return t;
      }
      case "Evaluate": return this.expr((s as Evaluate).value);
      default: return unhandledKind("the TIR printer", s.kind);
    }
  }

  /** ` {`, the body two spaces in, `}` (a sequence prints its own braces). */
  body(s: Stmt, ind: number): string {
    if (s.kind === "SeqStmt") return this.stmt(s, ind);
    return ` {\n${" ".repeat(ind + 2)}${this.stmt(s, ind + 2)}\n${" ".repeat(ind)}}`;
  }

  /** After an attr or allocate: braces for a sequence, else `;` and the body on the next line. */
  private bodyOrContinue(s: Stmt, ind: number): string {
    if (s.kind === "SeqStmt") return this.body(s, ind);
    return `;\n${" ".repeat(ind)}${this.stmt(s, ind)}`;
  }

  private attrValue(v: AttrValue): string {
    if (typeof v === "string") return strLiteral(v);
    if (typeof v === "boolean") return v ? "True" : "False";
    return String(v);
  }

  primFunc(f: PrimFunc): string {
    for (const b of f.bufferMap.values()) this.allocBuf(b);
    const params = f.params.map((p) => this.expr(p)).join(", ");
    let out = `primfn(${params}) -> ()`;
    const keys = Object.keys(f.attrs).sort();
    if (keys.length > 0) {
      out += `\n  attr = {${keys.map((k) => `${strLiteral(k)}: ${this.attrValue(f.attrs[k])}`).join(", ")}}`;
    }
    if (f.bufferMap.size > 0) {
      const bufs = [...new Set(f.bufferMap.values())]
        .map((b) => [this.memoBuf.get(b)!, b] as const)
        .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
      const docs = bufs.map(([name, b]) => this.bufferDoc(b, name));
      out += `\n  buffers = {${docs.join(",\n" + " ".repeat(13))}}`;
      const entries = [...f.bufferMap.entries()].map(([p, b]) => `${this.expr(p)}: ${this.memoBuf.get(b)}`);
      out += `\n  buffer_map = {${entries.join(", ")}}`;
    }
    return out + this.body(f.body, 0);
  }
}

function isTrue(e: PrimExpr): boolean {
  if (e instanceof IntImm) return e.value === 1;
  if (e instanceof Broadcast) return isTrue(e.value);
  return false;
}

/** An expression's text, variables without type annotations. */
export function printExpr(e: PrimExpr): string {
  return new TIRTextPrinter(false).expr(e);
}

export function printStmt(s: Stmt): string {
  return new TIRTextPrinter(true).stmt(s, 0);
}

export function printPrimFunc(f: PrimFunc): string {
  return new TIRTextPrinter(true).primFunc(f);
}

export function printModule(m: IRModule): string {
  return [...m.functions.values()].map((f) => printPrimFunc(f)).join("\n\n");
}
