// The structural text of a TE program and its schedule: every object reachable from the roots
// (a Schedule, the argument list, build's options) written out by its class name and its own
// enumerable properties, in order, each object numbered at its first visit so that shared
// nodes, identities (two Vars named alike are two variables) and cycles (a stage and its
// schedule) are kept. Two roots whose texts are equal were built alike: same ops, bodies,
// reducers, extern bodies, placeholders' shapes, dtypes and names, same stages, relations,
// attach points, annotations and cache stages. build()'s warm path hashes it into a cache key
// before lowering (runtime/schedule_cache.ts).
//
// What the text cannot see is refused (UnkeyableError) rather than left out: a function other
// than an extern's region map, an object holding JS-private (#) state (an NDArray, a Module, a
// PassContext), a WeakMap/WeakSet/Promise. A function region map is written as its source text
// and the region it returns for a symbolic output region (fresh min/extent variables): a map
// that inspects the expressions it is given, or reads state that changes, is not seen
// (docs/compile-cache.md). A derived cache (an op's `outputsCache`) is skipped: it only holds
// what the op defines.

import { Var } from "../ir/expr.js";
import { ExternOp, type Region } from "../te/extern.js";

/** The roots reach something the structural text cannot see; the build takes the source-keyed path. */
export class UnkeyableError extends Error {}

/** Properties that only cache what the rest of the object defines. */
const DERIVED = new Set(["outputsCache"]);

/** Classes whose state lives in JS-private fields (invisible to the walk) or is not data. */
const OPAQUE = new Set(["NDArray", "Module", "PassContext", "WeakMap", "WeakSet", "WeakRef", "Promise"]);

/** JSON text of property names (a program has few distinct ones; each is written many times). */
const keyTexts = new Map<string, string>();

function keyText(key: string): string {
  let t = keyTexts.get(key);
  if (t === undefined) {
    t = JSON.stringify(key);
    keyTexts.set(key, t);
  }
  return t;
}

/** The structural text of `roots` (see the file header); UnkeyableError when part of it cannot be seen. */
export function structuralText(roots: readonly unknown[]): string {
  const ids = new Map<object, number>();
  // What opens an object of each prototype met: `{<class name>,`, or "" for an opaque class.
  const classOpen = new Map<object, string>();
  // The pieces, each followed by a comma (the last one dropped at the end).
  let out = "";
  const visit = (v: unknown): void => {
    switch (typeof v) {
      case "undefined": out += "u,"; return;
      case "boolean": out += v ? "t," : "f,"; return;
      case "number": out += Object.is(v, -0) ? "-0," : `${v},`; return;
      case "bigint": out += `${v}n,`; return;
      case "string": out += `${JSON.stringify(v)},`; return;
      case "symbol": out += `y${JSON.stringify(String(v))},`; return;
      case "function": throw new UnkeyableError(`a function (${(v as { name?: string }).name || "anonymous"}) is part of the program`);
    }
    if (v === null) { out += "n,"; return; }
    const o = v as object;
    const seen = ids.get(o);
    if (seen !== undefined) { out += `@${seen},`; return; }
    ids.set(o, ids.size);
    if (Array.isArray(o)) {
      out += "[,";
      for (let i = 0; i < o.length; i++) visit(o[i]);
      out += "],";
      return;
    }
    if (o instanceof Map) {
      out += "M{,";
      for (const [k, x] of o) { visit(k); visit(x); }
      out += "},";
      return;
    }
    if (o instanceof Set) {
      out += "S{,";
      for (const x of o) visit(x);
      out += "},";
      return;
    }
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer) {
      const bytes = o instanceof ArrayBuffer ? new Uint8Array(o) : new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
      out += `B${o.constructor.name}:${Buffer.from(bytes).toString("base64")},`;
      return;
    }
    const proto = Object.getPrototypeOf(o) as object | null;
    let open = proto === null ? "{null," : classOpen.get(proto);
    if (open === undefined) {
      const cls = (proto as { constructor?: { name?: string } }).constructor?.name ?? "?";
      open = OPAQUE.has(cls) ? "" : `{${cls},`;
      classOpen.set(proto!, open);
    }
    if (open === "") throw new UnkeyableError(`a ${(proto as { constructor?: { name?: string } }).constructor?.name} is part of the program`);
    out += open;
    for (const key of Object.keys(o)) {
      if (DERIVED.has(key)) continue;
      out += `${keyText(key)},`;
      const x = (o as Record<string, unknown>)[key];
      if (key === "regionMap" && typeof x === "function" && o instanceof ExternOp) visitRegionMap(o, x as (r: Region) => Region[]);
      else visit(x);
    }
    out += "},";
  };
  const visitRegionMap = (op: ExternOp, map: (r: Region) => Region[]): void => {
    const region: Region = op.outputShape(0).map((e, d) => ({ min: new Var(`min${d}`, e.dtype), extent: new Var(`extent${d}`, e.dtype) }));
    let result: unknown;
    try {
      result = map(region.map((r) => ({ ...r })));
    } catch (e) {
      throw new UnkeyableError(`extern '${op.name}': its regionMap threw on a symbolic region (${(e as Error)?.message ?? e})`);
    }
    out += `F${JSON.stringify(map.toString())},`;
    visit(region);
    visit(result);
  };
  for (const r of roots) visit(r);
  return out.slice(0, -1);
}
