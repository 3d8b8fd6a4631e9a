// Elementwise ops: unary functions (relu, gelu, sigmoid, tanh, exp, ...) and binary arithmetic
// with NumPy broadcasting (add, sub, mul, div, maximum, minimum). Each is one te.compute tagged
// "elementwise" or "broadcast": ops.schedule inlines them into their consumer, or fuses them into
// the loop nest of the matmul / conv / reduction that produces their input, so a bias add and a
// relu after a matmul cost no loop nest and no buffer of their own.

import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { IntImm, PrimExpr } from "../ir/expr.js";
import { describe } from "../ir/op.js";
import * as te from "../te/index.js";
import { Tensor } from "../te/tensor.js";
import { checkFloat, checkTensor, who } from "./checks.js";
import { familyTag } from "./family.js";

/** `ax0, ax1, ...`: the loop names of an op's output axes. */
export function axisNames(ndim: number): string[] {
  return Array.from({ length: ndim }, (_, i) => `ax${i}`);
}

/** A compute of `X`'s shape applying `f` to each element, tagged elementwise. */
function unary(op: string, X: unknown, f: (x: PrimExpr) => PrimExpr, floatOnly = true): Tensor {
  checkTensor(op, "X", X);
  if (floatOnly) checkFloat(op, "X", X);
  return te.compute(X.shape, (...i) => f(X.at(...i)), op, { ...familyTag("elementwise"), axisNames: axisNames(X.ndim) });
}

/** max(x, 0). @param X The input tensor. */
export function relu(X: Tensor): Tensor {
  return unary("relu", X, (x) => x.max(te.const(0, x.dtype)), false);
}

/** x for x > 0, alpha·x below. @param X The input tensor (float). @param alpha The slope below 0. */
export function leakyRelu(X: Tensor, alpha = 0.01): Tensor {
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw new ArgumentError(`ops.leakyRelu: alpha must be a finite number, got ${describe(alpha)}`);
  return unary("leakyRelu", X, (x) => te.select(x.gt(0), x, x.mul(alpha)));
}

/** The exact GELU, x·(1 + erf(x/√2))/2 (erf is a vector polynomial in the C backend). @param X The input tensor (float). */
export function gelu(X: Tensor): Tensor {
  return unary("gelu", X, (x) => x.mul(0.5).mul(te.erf(x.mul(Math.SQRT1_2)).add(1)));
}

/** 1 / (1 + e^-x). @param X The input tensor (float). */
export function sigmoid(X: Tensor): Tensor { return unary("sigmoid", X, (x) => te.sigmoid(x)); }
/** tanh(x). @param X The input tensor (float). */
export function tanh(X: Tensor): Tensor { return unary("tanh", X, (x) => te.tanh(x)); }
/**
 * e^x (the C backend's vector exp, within 1.5 ULP; `{fast: true}` uses te.fastExp, 4 ULP, float32 only).
 * @param X The input tensor (float). @param opts `fast`: te.fastExp instead of te.exp.
 */
export function exp(X: Tensor, opts: { fast?: boolean } = {}): Tensor {
  return unary("exp", X, (x) => (opts.fast ? te.fastExp(x) : te.exp(x)));
}
/** The natural logarithm. @param X The input tensor (float). */
export function log(X: Tensor): Tensor { return unary("log", X, (x) => te.log(x)); }
/** The square root. @param X The input tensor (float). */
export function sqrt(X: Tensor): Tensor { return unary("sqrt", X, (x) => te.sqrt(x)); }
/** 1 / sqrt(x). @param X The input tensor (float). */
export function rsqrt(X: Tensor): Tensor { return unary("rsqrt", X, (x) => te.rsqrt(x)); }
/** |x|. @param X The input tensor. */
export function abs(X: Tensor): Tensor { return unary("abs", X, (x) => te.abs(x), false); }
/** -x. @param X The input tensor. */
export function negative(X: Tensor): Tensor { return unary("negative", X, (x) => x.neg(), false); }
/**
 * x clamped to [lo, hi].
 * @param X The input tensor. @param lo The lower bound. @param hi The upper bound.
 */
export function clip(X: Tensor, lo: number, hi: number): Tensor {
  if (typeof lo !== "number" || typeof hi !== "number" || !(lo <= hi)) throw new ArgumentError(`ops.clip: needs numbers lo <= hi, got ${describe(lo)} and ${describe(hi)}`);
  return unary("clip", X, (x) => x.max(te.const(lo, x.dtype)).min(te.const(hi, x.dtype)), false);
}

/** What a binary op takes: a tensor or a number (a constant of the other operand's dtype). */
export type Operand = Tensor | number;

/**
 * The shape two tensors broadcast to (NumPy's rule: aligned from the last axis, each pair equal
 * or one of them 1); an Error naming both tensors and the axes that disagree.
 */
export function broadcastShape(op: string, a: Tensor, b: Tensor): PrimExpr[] {
  const n = Math.max(a.ndim, b.ndim);
  const out: PrimExpr[] = [];
  for (let k = 0; k < n; k++) {
    const ia = a.ndim - n + k;
    const ib = b.ndim - n + k;
    const da = ia >= 0 ? a.shape[ia] : undefined;
    const db = ib >= 0 ? b.shape[ib] : undefined;
    const one = (d: PrimExpr | undefined) => d === undefined || (d instanceof IntImm && d.value === 1);
    if (one(da)) out.push(db ?? da!);
    else if (one(db)) out.push(da!);
    else if (da instanceof IntImm && db instanceof IntImm && da.value !== db.value) {
      throw new ShapeError(`ops.${op}: cannot broadcast ${who("A", a)} (shape [${a.shape.join(", ")}]) with ${who("B", b)} (shape [${b.shape.join(", ")}]): ` +
        `axis ${ia} of '${a.name}' has ${da.value} but axis ${ib} of '${b.name}' has ${db.value} (expected equal, or 1)`);
    } else out.push(da!);
  }
  return out;
}

/** `t` read at output indices `idx` under broadcasting (axes of extent 1 read index 0). */
function broadcastRead(t: Tensor, idx: PrimExpr[], outShape: PrimExpr[]): PrimExpr {
  const off = idx.length - t.ndim;
  return t.at(...t.shape.map((d, k) => {
    const o = outShape[off + k];
    const isOne = d instanceof IntImm && d.value === 1;
    const outOne = o instanceof IntImm && o.value === 1;
    return isOne && !outOne ? 0 : idx[off + k];
  }));
}

function binary(op: string, a: unknown, b: unknown, f: (x: PrimExpr, y: PrimExpr) => PrimExpr): Tensor {
  const isOperand = (v: unknown) => v instanceof Tensor || (typeof v === "number" && Number.isFinite(v));
  if (!isOperand(a)) throw new ArgumentError(`ops.${op}: A must be a Tensor or a finite number, got ${describe(a)}`);
  if (!isOperand(b)) throw new ArgumentError(`ops.${op}: B must be a Tensor or a finite number, got ${describe(b)}`);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new ArgumentError(`ops.${op}: at least one operand must be a Tensor, got two numbers`);
  if (a instanceof Tensor && b instanceof Tensor && a.dtype !== b.dtype) {
    throw new DTypeError(`ops.${op}: ${who("A", a)} is ${a.dtype} but ${who("B", b)} is ${b.dtype} (expected the same dtype)`);
  }
  const shape = a instanceof Tensor && b instanceof Tensor ? broadcastShape(op, a, b) : (a instanceof Tensor ? a : (b as Tensor)).shape;
  const dtype = (a instanceof Tensor ? a : (b as Tensor)).dtype;
  const read = (v: Operand, idx: PrimExpr[]): PrimExpr => (v instanceof Tensor ? broadcastRead(v, idx, shape) : te.const(v, dtype));
  return te.compute(shape, (...i) => f(read(a as Operand, i), read(b as Operand, i)), op, { ...familyTag("broadcast"), axisNames: axisNames(shape.length) });
}

/** A + B with broadcasting. @param A A tensor or number. @param B A tensor or number. */
export function add(A: Operand, B: Operand): Tensor { return binary("add", A, B, (x, y) => x.add(y)); }
/** A - B with broadcasting. @param A A tensor or number. @param B A tensor or number. */
export function sub(A: Operand, B: Operand): Tensor { return binary("sub", A, B, (x, y) => x.sub(y)); }
/** A · B with broadcasting. @param A A tensor or number. @param B A tensor or number. */
export function mul(A: Operand, B: Operand): Tensor { return binary("mul", A, B, (x, y) => x.mul(y)); }
/** A / B with broadcasting (C's division: truncating for integers). @param A A tensor or number. @param B A tensor or number. */
export function div(A: Operand, B: Operand): Tensor { return binary("div", A, B, (x, y) => x.div(y)); }
/** max(A, B) elementwise with broadcasting. @param A A tensor or number. @param B A tensor or number. */
export function maximum(A: Operand, B: Operand): Tensor { return binary("maximum", A, B, (x, y) => x.max(y)); }
/** min(A, B) elementwise with broadcasting. @param A A tensor or number. @param B A tensor or number. */
export function minimum(A: Operand, B: Operand): Tensor { return binary("minimum", A, B, (x, y) => x.min(y)); }

