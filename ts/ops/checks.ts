// Argument checks shared by the op families: every error names the op, the tensor (by the
// argument's role and the tensor's name), the axis and what was expected.

import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { IntImm, type PrimExpr } from "../ir/expr.js";
import { describe } from "../ir/op.js";
import { Tensor } from "../te/tensor.js";

/** `A 'name'`: how errors refer to a tensor argument. */
export function who(role: string, t: Tensor): string {
  return role === t.name ? `'${t.name}'` : `${role} '${t.name}'`;
}

/** Throws unless `t` is a Tensor. */
export function checkTensor(op: string, role: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`ops.${op}: ${role} must be a Tensor, got ${describe(t)}`);
}

/** Throws unless `t` has `ndim` dimensions. */
export function checkRank(op: string, role: string, t: Tensor, ndim: number | number[], layout?: string): void {
  const ok = Array.isArray(ndim) ? ndim.includes(t.ndim) : t.ndim === ndim;
  if (!ok) {
    const want = Array.isArray(ndim) ? ndim.join(" or ") : String(ndim);
    throw new ShapeError(`ops.${op}: ${who(role, t)} must have ${want} dimension${want === "1" ? "" : "s"}${layout ? ` (${layout})` : ""}, got ${t.ndim} (shape [${t.shape.join(", ")}])`);
  }
}

/** Throws unless `t` is a float tensor (float16/32/64). */
export function checkFloat(op: string, role: string, t: Tensor): void {
  if (!t.dtype.isFloat()) throw new DTypeError(`ops.${op}: ${who(role, t)} must be a float tensor, got ${t.dtype}`);
}

/** Throws unless `a` and `b` have the same dtype. */
export function checkSameDType(op: string, ra: string, a: Tensor, rb: string, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new DTypeError(`ops.${op}: ${who(ra, a)} is ${a.dtype} but ${who(rb, b)} is ${b.dtype} (expected the same dtype)`);
}

/** The extent of `t`'s axis `axis` as a number; an Error when it is not constant. */
export function constDim(op: string, role: string, t: Tensor, axis: number): number {
  const d = t.shape[axis];
  if (!(d instanceof IntImm)) throw new ShapeError(`ops.${op}: ${who(role, t)} axis ${axis} must have a constant extent, got ${d}`);
  return d.value;
}

/** The constant shape of `t` (an Error naming the first symbolic axis). */
export function constShape(op: string, role: string, t: Tensor): number[] {
  return t.shape.map((_, i) => constDim(op, role, t, i));
}

/** Whether two extents are known to differ (symbolic extents are given the benefit of the doubt). */
function knownDifferent(a: PrimExpr, b: PrimExpr): boolean {
  return a instanceof IntImm && b instanceof IntImm && a.value !== b.value;
}

/** Throws when axis `ia` of `a` and axis `ib` of `b` are known to differ. */
export function checkSameExtent(op: string, what: string, ra: string, a: Tensor, ia: number, rb: string, b: Tensor, ib: number): void {
  if (knownDifferent(a.shape[ia], b.shape[ib])) {
    throw new ShapeError(`ops.${op}: ${what}: ${who(ra, a)} axis ${ia} has ${a.shape[ia]} but ${who(rb, b)} axis ${ib} has ${b.shape[ib]} (expected equal)`);
  }
}

/** `axis` normalized into [0, ndim) (negative counts from the end); an Error naming the op otherwise. */
export function normalizeAxis(op: string, role: string, t: Tensor, axis: unknown): number {
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -t.ndim || axis >= t.ndim) {
    throw new ArgumentError(`ops.${op}: axis must be an integer in [${-t.ndim}, ${t.ndim - 1}] for ${who(role, t)} of ${t.ndim} dimensions, got ${describe(axis)}`);
  }
  return axis < 0 ? axis + t.ndim : axis;
}

/** A pair option (stride, padding, dilation, pool size): a number for both, or [h, w]. */
export function pair(op: string, name: string, v: unknown, dflt: number, min: number): [number, number] {
  const p = v === undefined ? [dflt, dflt] : typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || p.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < min)) {
    throw new ArgumentError(`ops.${op}: option ${name} must be an integer >= ${min} or a pair [h, w] of them, got ${describe(v)}`);
  }
  return [p[0], p[1]];
}

/** Throws when `opts` has a key not in `keys` (a typo would otherwise be ignored). */
export function checkOptions(op: string, opts: unknown, keys: readonly string[]): void {
  if (opts === undefined) return;
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new ArgumentError(`ops.${op}: options must be an object, got ${describe(opts)}`);
  for (const k of Object.keys(opts)) {
    if (!keys.includes(k)) throw new ArgumentError(`ops.${op}: unknown option '${k}' (known: ${keys.join(", ")})`);
  }
}
