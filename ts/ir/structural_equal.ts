// Deep equality and hashing of expressions (TVM's ExprDeepEqual): two expressions are equal when
// they have the same node kinds, dtypes and constants, and refer to the very same Var objects
// (no renaming of free variables). The simplifier's pattern matcher and the analyzers use it to
// recognise repeated sub-expressions; structuralHash is consistent with it (equal => same hash),
// so expressions can be bucketed in maps.

import {
  BinaryExpr, Broadcast, BufferLoad, Call, Cast, CompareExpr, FloatImm, IntImm, Let, Load,
  LogicalExpr, Not, PrimExpr, ProducerLoad, Ramp, Reduce, Select, Shuffle, StringImm, Var,
} from "./expr.js";
import { unhandledKind } from "./unhandled_kind.js";

function sameList(a: readonly PrimExpr[], b: readonly PrimExpr[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!structuralEqual(a[i], b[i])) return false;
  return true;
}

function sameReduce(a: Reduce, b: Reduce): boolean {
  if (a.valueIndex !== b.valueIndex || a.axis.length !== b.axis.length) return false;
  const ca = a.combiner;
  const cb = b.combiner;
  if (ca !== cb) {
    if (ca.lhs.length !== cb.lhs.length || ca.rhs.length !== cb.rhs.length) return false;
    if (ca.lhs.some((v, i) => v !== cb.lhs[i]) || ca.rhs.some((v, i) => v !== cb.rhs[i])) return false;
    if (!sameList(ca.result, cb.result) || !sameList(ca.identity, cb.identity)) return false;
  }
  for (let i = 0; i < a.axis.length; i++) {
    const x = a.axis[i];
    const y = b.axis[i];
    if (x === y) continue;
    if (x.var !== y.var || x.iterType !== y.iterType) return false;
    if (!x.dom !== !y.dom) return false;
    if (x.dom && y.dom && (!structuralEqual(x.dom.min, y.dom.min) || !structuralEqual(x.dom.extent, y.dom.extent))) return false;
  }
  return sameList(a.source, b.source) && sameList(a.init, b.init) && structuralEqual(a.condition, b.condition);
}

/** True when `a` and `b` are the same expression tree (same Var objects, same constants). */
export function structuralEqual(a: PrimExpr, b: PrimExpr): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.dtype !== b.dtype) return false;
  switch (a.kind) {
    case "Var": return false; // variables are equal only when they are the same object
    case "IntImm": return (a as IntImm).value === (b as IntImm).value;
    case "FloatImm": return (a as FloatImm).value === (b as FloatImm).value;
    case "StringImm": return (a as StringImm).value === (b as StringImm).value;
    case "Cast": return structuralEqual((a as Cast).value, (b as Cast).value);
    case "Add": case "Sub": case "Mul": case "Div": case "Mod": case "FloorDiv": case "FloorMod":
    case "Min": case "Max": case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE":
    case "And": case "Or": {
      const x = a as BinaryExpr | CompareExpr | LogicalExpr;
      const y = b as BinaryExpr | CompareExpr | LogicalExpr;
      return structuralEqual(x.a, y.a) && structuralEqual(x.b, y.b);
    }
    case "Not": return structuralEqual((a as Not).a, (b as Not).a);
    case "Select": {
      const x = a as Select;
      const y = b as Select;
      return structuralEqual(x.condition, y.condition) && structuralEqual(x.trueValue, y.trueValue) &&
        structuralEqual(x.falseValue, y.falseValue);
    }
    case "Load": {
      const x = a as Load;
      const y = b as Load;
      return x.bufferVar === y.bufferVar && structuralEqual(x.index, y.index) && structuralEqual(x.predicate, y.predicate);
    }
    case "BufferLoad": {
      const x = a as BufferLoad;
      const y = b as BufferLoad;
      return x.buffer === y.buffer && sameList(x.indices, y.indices);
    }
    case "ProducerLoad": {
      const x = a as ProducerLoad;
      const y = b as ProducerLoad;
      return x.producer === y.producer && sameList(x.indices, y.indices);
    }
    case "Ramp": {
      const x = a as Ramp;
      const y = b as Ramp;
      return x.lanes === y.lanes && structuralEqual(x.base, y.base) && structuralEqual(x.stride, y.stride);
    }
    case "Broadcast": {
      const x = a as Broadcast;
      const y = b as Broadcast;
      return x.lanes === y.lanes && structuralEqual(x.value, y.value);
    }
    case "Shuffle": {
      const x = a as Shuffle;
      const y = b as Shuffle;
      return x.indices.length === y.indices.length && x.indices.every((v, i) => v === y.indices[i]) &&
        sameList(x.vectors, y.vectors);
    }
    case "Let": {
      const x = a as Let;
      const y = b as Let;
      return x.variable === y.variable && structuralEqual(x.value, y.value) && structuralEqual(x.body, y.body);
    }
    case "Call": {
      const x = a as Call;
      const y = b as Call;
      return x.op === y.op && sameList(x.args, y.args);
    }
    case "Reduce": return sameReduce(a as Reduce, b as Reduce);
    default: return unhandledKind("structural equality", a.kind);
  }
}

// Identity numbers for objects compared by identity (variables, buffers, producers).
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

function mix(h: number, v: number): number {
  // 32-bit FNV-style combination; stays in int range.
  return Math.imul(h ^ v, 16777619) >>> 0;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

function hashNumber(v: number): number {
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 31) return v | 0;
  return hashString(String(v));
}

/** A hash consistent with structuralEqual: equal expressions hash alike. */
export function structuralHash(e: PrimExpr): number {
  let h = mix(hashString(e.kind), hashString(e.dtype.toString()));
  switch (e.kind) {
    case "Var": return mix(h, objectId(e as Var));
    case "IntImm": case "FloatImm": return mix(h, hashNumber((e as IntImm | FloatImm).value));
    case "StringImm": return mix(h, hashString((e as StringImm).value));
    case "Cast": return mix(h, structuralHash((e as Cast).value));
    case "Add": case "Sub": case "Mul": case "Div": case "Mod": case "FloorDiv": case "FloorMod":
    case "Min": case "Max": case "EQ": case "NE": case "LT": case "LE": case "GT": case "GE":
    case "And": case "Or": {
      const x = e as BinaryExpr | CompareExpr | LogicalExpr;
      return mix(mix(h, structuralHash(x.a)), structuralHash(x.b));
    }
    case "Not": return mix(h, structuralHash((e as Not).a));
    case "Select": {
      const s = e as Select;
      return mix(mix(mix(h, structuralHash(s.condition)), structuralHash(s.trueValue)), structuralHash(s.falseValue));
    }
    case "Load": {
      const l = e as Load;
      return mix(mix(h, objectId(l.bufferVar)), structuralHash(l.index));
    }
    case "BufferLoad": {
      const l = e as BufferLoad;
      h = mix(h, objectId(l.buffer));
      for (const i of l.indices) h = mix(h, structuralHash(i));
      return h;
    }
    case "ProducerLoad": {
      const l = e as ProducerLoad;
      h = mix(h, objectId(l.producer));
      for (const i of l.indices) h = mix(h, structuralHash(i));
      return h;
    }
    case "Ramp": {
      const r = e as Ramp;
      return mix(mix(mix(h, structuralHash(r.base)), structuralHash(r.stride)), r.lanes);
    }
    case "Broadcast": {
      const b = e as Broadcast;
      return mix(mix(h, structuralHash(b.value)), b.lanes);
    }
    case "Shuffle": {
      const s = e as Shuffle;
      for (const v of s.vectors) h = mix(h, structuralHash(v));
      for (const i of s.indices) h = mix(h, i);
      return h;
    }
    case "Let": {
      const l = e as Let;
      return mix(mix(mix(h, objectId(l.variable)), structuralHash(l.value)), structuralHash(l.body));
    }
    case "Call": {
      const c = e as Call;
      h = mix(h, hashString(c.op));
      for (const a of c.args) h = mix(h, structuralHash(a));
      return h;
    }
    case "Reduce": {
      const r = e as Reduce;
      h = mix(h, r.valueIndex);
      for (const s of r.source) h = mix(h, structuralHash(s));
      return mix(h, structuralHash(r.condition));
    }
    default: return unhandledKind("structural equality", e.kind);
  }
}
