// Reads the parameter names of a user's fcompute, so that axes print as the user named them
// (TVM takes them from the Python lambda): `(i, j, k) => ...` gives axes i, j, k.
import { ShapeError } from "../errors.js";

export type ParamNames = { names: string[]; variadic: boolean } | undefined;

export function paramNames(f: (...args: never[]) => unknown): ParamNames {
  const src = Function.prototype.toString.call(f);
  let list: string | undefined;
  const paren = /^\s*(?:async\s*)?(?:function\s*\*?\s*[\w$]*\s*)?\(([^)]*)\)/.exec(src);
  if (paren) list = paren[1];
  else {
    const single = /^\s*(?:async\s*)?([\w$]+)\s*=>/.exec(src);
    if (single) list = single[1];
  }
  if (list === undefined) return undefined;
  const parts = list.split(",").map((p) => p.replace(/\/\*.*?\*\//g, "").trim()).filter((p) => p.length > 0);
  if (parts.some((p) => p.startsWith("[") || p.startsWith("{"))) return undefined;
  const variadic = parts.length > 0 && parts[parts.length - 1].startsWith("...");
  const names = parts.map((p) => p.replace(/^\.\.\./, "").split("=")[0].trim());
  return { names, variadic };
}

/** Axis names for an `ndim`-dimensional fcompute: its parameter names, else i0, i1, … */
export function axisNames(f: (...args: never[]) => unknown, ndim: number, what: string): string[] {
  const p = paramNames(f);
  const fallback = Array.from({ length: ndim }, (_, i) => `i${i}`);
  // No declared parameters (`() => ...`, as TVM's `lambda *i: ...`): the axes are i0, i1, ...
  if (!p || (p.names.length === 0 && !p.variadic)) return fallback;
  if (p.variadic) {
    const fixed = p.names.slice(0, -1);
    return fixed.concat(fallback.slice(fixed.length));
  }
  if (p.names.length !== ndim) {
    throw new ShapeError(`${what}: fcompute takes ${p.names.length} index arguments (${p.names.join(", ")}) but the shape has ${ndim} dimensions`);
  }
  return p.names;
}
