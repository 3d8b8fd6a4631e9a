// A small pattern language for rewrite rules. A rule's left side is written as text, e.g.
// "min(x, y - z) + z", and parsed once into a tree; matching binds the pattern variables to
// sub-expressions. Right sides use the same text and are built with op.ts (so constants fold as
// TVM's pattern evaluation folds them). Variables: x y z b1 b2 s1 s2 match any expression (a
// repeated variable must match a structurally equal expression), c1 c2 c3 match integer
// constants (equal values when repeated), f1 a float constant, lanes a vector's lane count.
// Integer literals match constants of that value. Operators: || && == != < <= > >= + - * ! and
// the calls min max floordiv floormod truncdiv truncmod div select ramp broadcast; results may
// also use zero(e) / one(e) (a constant of e's dtype) and true / false (of the result's type).

import { InternalError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import {
  Broadcast, FloatImm, IntImm, Not, PrimExpr, Ramp, Select,
} from "../ir/expr.js";
import * as op from "../ir/op.js";
import { structuralEqual } from "../ir/structural_equal.js";

/** What a successful match binds. Only the variables a pattern mentions are set. */
export interface Match {
  x: PrimExpr; y: PrimExpr; z: PrimExpr;
  b1: PrimExpr; b2: PrimExpr; s1: PrimExpr; s2: PrimExpr;
  c1: IntImm; c2: IntImm; c3: IntImm;
  f1: FloatImm;
  lanes: number;
}

type AnyName = "x" | "y" | "z" | "b1" | "b2" | "s1" | "s2";
type IntName = "c1" | "c2" | "c3";
const ANY_NAMES: readonly string[] = ["x", "y", "z", "b1", "b2", "s1", "s2"];
const INT_NAMES: readonly string[] = ["c1", "c2", "c3"];

type BinOp = "+" | "-" | "*" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||";
type CallName =
  | "min" | "max" | "floordiv" | "floormod" | "truncdiv" | "truncmod" | "div"
  | "select" | "ramp" | "broadcast" | "zero" | "one";

export type Pat =
  | { t: "any"; name: AnyName }
  | { t: "int"; name: IntName }
  | { t: "float" }
  | { t: "lanes" }
  | { t: "lit"; value: number }
  | { t: "bool"; value: boolean }
  | { t: "bin"; op: BinOp; a: Pat; b: Pat }
  | { t: "not"; a: Pat }
  | { t: "call"; name: CallName; args: Pat[] };

const BIN_KIND: Record<BinOp, string> = {
  "+": "Add", "-": "Sub", "*": "Mul", "==": "EQ", "!=": "NE", "<": "LT", "<=": "LE", ">": "GT",
  ">=": "GE", "&&": "And", "||": "Or",
};
const CALL_KIND: Partial<Record<CallName, string>> = {
  min: "Min", max: "Max", floordiv: "FloorDiv", floormod: "FloorMod", truncdiv: "Div",
  truncmod: "Mod", div: "Div",
};
const CALL_ARITY: Record<CallName, number> = {
  min: 2, max: 2, floordiv: 2, floormod: 2, truncdiv: 2, truncmod: 2, div: 2,
  select: 3, ramp: 3, broadcast: 2, zero: 1, one: 1,
};

// ---------------------------------------------------------------------------------------------
// Parsing

class Parser {
  private pos = 0;
  private readonly toks: string[];
  constructor(private readonly src: string) {
    this.toks = src.match(/\s*(\|\||&&|==|!=|<=|>=|[-+*<>!(),]|[A-Za-z_][A-Za-z_0-9]*|\d+)/g)?.map((s) => s.trim()) ?? [];
    if (this.toks.join("") !== src.replace(/\s+/g, "")) throw new InternalError(`pattern '${src}': unexpected character`);
  }
  private peek(): string | undefined { return this.toks[this.pos]; }
  private next(): string {
    const t = this.toks[this.pos++];
    if (t === undefined) throw new InternalError(`pattern '${this.src}': unexpected end`);
    return t;
  }
  private expect(t: string): void {
    const got = this.next();
    if (got !== t) throw new InternalError(`pattern '${this.src}': expected '${t}', got '${got}'`);
  }
  parse(): Pat {
    const p = this.binary(0);
    if (this.pos !== this.toks.length) throw new InternalError(`pattern '${this.src}': trailing '${this.peek()}'`);
    return p;
  }
  private static readonly LEVELS: readonly (readonly BinOp[])[] = [
    ["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">="], ["+", "-"], ["*"],
  ];
  private binary(level: number): Pat {
    if (level === Parser.LEVELS.length) return this.unary();
    let lhs = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t === undefined || !(Parser.LEVELS[level] as readonly string[]).includes(t)) return lhs;
      this.pos++;
      const rhs = this.binary(level + 1);
      lhs = { t: "bin", op: t as BinOp, a: lhs, b: rhs };
    }
  }
  private unary(): Pat {
    const t = this.peek();
    if (t === "!") {
      this.pos++;
      return { t: "not", a: this.unary() };
    }
    if (t === "-") {
      this.pos++;
      const n = this.next();
      if (!/^\d+$/.test(n)) throw new InternalError(`pattern '${this.src}': '-' only before a number`);
      return { t: "lit", value: -Number(n) };
    }
    return this.primary();
  }
  private primary(): Pat {
    const t = this.next();
    if (t === "(") {
      const p = this.binary(0);
      this.expect(")");
      return p;
    }
    if (/^\d+$/.test(t)) return { t: "lit", value: Number(t) };
    if (ANY_NAMES.includes(t)) return { t: "any", name: t as AnyName };
    if (INT_NAMES.includes(t)) return { t: "int", name: t as IntName };
    if (t === "f1") return { t: "float" };
    if (t === "lanes") return { t: "lanes" };
    if (t === "true" || t === "false") return { t: "bool", value: t === "true" };
    if (t in CALL_ARITY) {
      const name = t as CallName;
      this.expect("(");
      const args: Pat[] = [];
      for (;;) {
        args.push(this.binary(0));
        const sep = this.next();
        if (sep === ")") break;
        if (sep !== ",") throw new InternalError(`pattern '${this.src}': expected ',' or ')', got '${sep}'`);
      }
      if (args.length !== CALL_ARITY[name]) throw new InternalError(`pattern '${this.src}': ${name} takes ${CALL_ARITY[name]} arguments`);
      return { t: "call", name, args };
    }
    throw new InternalError(`pattern '${this.src}': unknown name '${t}'`);
  }
}

const parsed = new Map<string, Pat>();

/** Parses a pattern (memoized by its text). */
export function pattern(src: string): Pat {
  let p = parsed.get(src);
  if (!p) {
    p = new Parser(src).parse();
    parsed.set(src, p);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Matching

/** Matches `p` against `e`, filling `m`; false when it does not match (m is then garbage). */
export function matchPattern(p: Pat, e: PrimExpr, m: Partial<Match>): boolean {
  switch (p.t) {
    case "any": {
      const old = m[p.name];
      if (old === undefined) {
        m[p.name] = e;
        return true;
      }
      return structuralEqual(old, e);
    }
    case "int": {
      if (!(e instanceof IntImm)) return false;
      const old = m[p.name];
      if (old === undefined) {
        m[p.name] = e;
        return true;
      }
      return old.value === e.value;
    }
    case "float": {
      if (!(e instanceof FloatImm)) return false;
      if (m.f1 === undefined) {
        m.f1 = e;
        return true;
      }
      return m.f1.value === e.value;
    }
    case "lanes": return false; // lanes only match inside ramp/broadcast
    case "lit":
      return (e instanceof IntImm || e instanceof FloatImm) && e.value === p.value;
    case "bool":
      return e instanceof IntImm && e.dtype.isBool() && e.value === (p.value ? 1 : 0);
    case "bin": {
      if (e.kind !== BIN_KIND[p.op]) return false;
      const n = e as PrimExpr & { a: PrimExpr; b: PrimExpr };
      return matchPattern(p.a, n.a, m) && matchPattern(p.b, n.b, m);
    }
    case "not":
      return e instanceof Not && matchPattern(p.a, e.a, m);
    case "call": {
      const kind = CALL_KIND[p.name];
      if (kind !== undefined) {
        if (e.kind !== kind) return false;
        const n = e as PrimExpr & { a: PrimExpr; b: PrimExpr };
        return matchPattern(p.args[0], n.a, m) && matchPattern(p.args[1], n.b, m);
      }
      switch (p.name) {
        case "select":
          return e instanceof Select && matchPattern(p.args[0], e.condition, m) &&
            matchPattern(p.args[1], e.trueValue, m) && matchPattern(p.args[2], e.falseValue, m);
        case "ramp":
          return e instanceof Ramp && matchPattern(p.args[0], e.base, m) &&
            matchPattern(p.args[1], e.stride, m) && matchLanes(e.lanes, m);
        case "broadcast":
          return e instanceof Broadcast && matchPattern(p.args[0], e.value, m) && matchLanes(e.lanes, m);
        default:
          throw new InternalError(`pattern: ${p.name} can only appear in a result`);
      }
    }
  }
}

/**
 * The node kinds an expression must have for `p` to match it, or undefined when any kind may
 * (a pattern variable). A necessary condition only: used to skip rules that cannot match.
 */
export function patternKinds(p: Pat): readonly string[] | undefined {
  switch (p.t) {
    case "any": return undefined;
    case "int": case "bool": return ["IntImm"];
    case "float": return ["FloatImm"];
    case "lanes": return [];
    case "lit": return ["IntImm", "FloatImm"];
    case "bin": return [BIN_KIND[p.op]];
    case "not": return ["Not"];
    case "call": {
      const kind = CALL_KIND[p.name];
      if (kind !== undefined) return [kind];
      if (p.name === "select") return ["Select"];
      if (p.name === "ramp") return ["Ramp"];
      if (p.name === "broadcast") return ["Broadcast"];
      return [];
    }
  }
}

/** The two operand patterns of a binary pattern (an operator or a two-operand call), else undefined. */
export function operandPatterns(p: Pat): [Pat, Pat] | undefined {
  if (p.t === "bin") return [p.a, p.b];
  if (p.t === "call" && CALL_KIND[p.name] !== undefined) return [p.args[0], p.args[1]];
  return undefined;
}

function matchLanes(lanes: number, m: Partial<Match>): boolean {
  if (m.lanes === undefined) {
    m.lanes = lanes;
    return true;
  }
  return m.lanes === lanes;
}

// ---------------------------------------------------------------------------------------------
// Building results

function bound<K extends keyof Match>(m: Partial<Match>, k: K): Match[K] {
  const v = m[k];
  if (v === undefined) throw new InternalError(`rewrite rule: result uses '${k}', which the pattern did not bind`);
  return v as Match[K];
}

function lanesOf(p: Pat, m: Partial<Match>): number {
  if (p.t === "lanes") return bound(m, "lanes");
  if (p.t === "lit") return p.value;
  throw new InternalError("rewrite rule: lanes must be 'lanes' or a number");
}

/**
 * Builds the expression `p` describes, from the bindings `m`. `dtype` types the literals
 * true/false (the type of the expression being rewritten).
 */
export function buildPattern(p: Pat, m: Partial<Match>, dtype: DataType): PrimExpr {
  const go = (q: Pat): PrimExpr => buildPattern(q, m, dtype);
  const pair = (a: Pat, b: Pat): [PrimExpr, PrimExpr] => {
    // A literal takes the other side's dtype.
    if (a.t === "lit" && b.t !== "lit") {
      const rb = go(b);
      return [op.toExpr(a.value, rb.dtype.element()), rb];
    }
    const ra = go(a);
    return [ra, b.t === "lit" ? op.toExpr(b.value, ra.dtype.element()) : go(b)];
  };
  switch (p.t) {
    case "any": return bound(m, p.name);
    case "int": return bound(m, p.name);
    case "float": return bound(m, "f1");
    case "lanes": throw new InternalError("rewrite rule: 'lanes' is not an expression");
    case "lit": return op.constant(p.value, "int32");
    case "bool": return op.constant(p.value, DataType.bool(dtype.lanes));
    case "not": return new Not(go(p.a));
    case "bin": {
      const [a, b] = pair(p.a, p.b);
      switch (p.op) {
        case "+": return op.add(a, b);
        case "-": return op.sub(a, b);
        case "*": return op.mul(a, b);
        case "==": return op.eq(a, b);
        case "!=": return op.ne(a, b);
        case "<": return op.lt(a, b);
        case "<=": return op.le(a, b);
        case ">": return op.gt(a, b);
        case ">=": return op.ge(a, b);
        case "&&": return op.logicalAnd(a, b);
        case "||": return op.logicalOr(a, b);
      }
      break;
    }
    case "call": {
      const args = p.args;
      switch (p.name) {
        case "min": return op.min(...pair(args[0], args[1]));
        case "max": return op.max(...pair(args[0], args[1]));
        case "floordiv": return op.floordiv(...pair(args[0], args[1]));
        case "floormod": return op.floormod(...pair(args[0], args[1]));
        case "truncdiv": case "div": return op.div(...pair(args[0], args[1]));
        case "truncmod": return op.truncmod(...pair(args[0], args[1]));
        case "select": {
          const [t, f] = pair(args[1], args[2]);
          return new Select(go(args[0]), t, f);
        }
        case "ramp": {
          const [b, s] = pair(args[0], args[1]);
          return new Ramp(b, s, lanesOf(args[2], m));
        }
        case "broadcast": return new Broadcast(go(args[0]), lanesOf(args[1], m));
        case "zero": return op.constant(0, go(args[0]).dtype);
        case "one": return op.constant(1, go(args[0]).dtype);
      }
    }
  }
  throw new InternalError("rewrite rule: cannot build pattern");
}
