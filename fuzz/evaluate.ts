// The reference: a plain JS evaluation of the unscheduled TE program, element by element,
// straight from the TE definition (ComputeOp bodies and their Reduce nodes; an extern by its
// element function). Every value carries a first-order bound on its rounding error that holds
// for any evaluation order (reductions reassociated by rfactor or vectorize, a*b+c contracted
// to an FMA), so float results are compared within the bound and integers exactly. Undefined
// behaviour (int32 overflow, division by zero, a read outside a tensor, an out-of-range float
// to integer conversion) throws UndefinedBehaviour: the generator must never produce it.

import * as E from "../ts/ir/expr.js";
import type { PrimExpr } from "../ts/ir/expr.js";
import { ComputeOp } from "../ts/te/compute.js";
import { ExternOp } from "../ts/te/extern.js";
import { PlaceholderOp } from "../ts/te/placeholder.js";
import type { Tensor } from "../ts/te/tensor.js";
import { convert, epsilon, intDiv, round, UndefinedBehaviour } from "./dtype_math.js";
import type { DType } from "./spec.js";
import type { Built } from "./build_program.js";
import { forEachIndex } from "./build_program.js";

/** A tensor's reference contents: values and error bounds, row-major. */
export interface RefTensor { shape: number[]; v: Float64Array; e: Float64Array }

type Val = [number, number];

export function evaluateProgram(b: Built, n: number, inputs: Map<Tensor, ArrayLike<number>>): Map<Tensor, RefTensor> {
  const env = new Map<E.Var, number>();
  if (b.n instanceof E.Var) env.set(b.n, n);
  const result = new Map<Tensor, RefTensor>();
  const shapeOf = (t: Tensor): number[] => t.shape.map((d) => evalInt(d, env));
  for (const t of b.tensors) {
    if (result.has(t)) continue;
    const shape = shapeOf(t);
    const size = shape.reduce((x, y) => x * y, 1);
    const op = t.op;
    if (op instanceof PlaceholderOp) {
      const data = inputs.get(t)!;
      result.set(t, { shape, v: Float64Array.from(data), e: new Float64Array(size) });
    } else if (op instanceof ComputeOp) {
      const outs = op.outputs as Tensor[];
      const refs = outs.map(() => ({ shape, v: new Float64Array(size), e: new Float64Array(size) }));
      let k = 0;
      forEachIndex(shape, (ix) => {
        op.axis.forEach((iv, d) => env.set(iv.var, ix[d]));
        op.body.forEach((body, o) => {
          const [v, e] = evalExpr(body, env, result);
          refs[o].v[k] = v;
          refs[o].e[k] = e;
        });
        k++;
      });
      outs.forEach((o, i) => result.set(o, refs[i]));
    } else if (op instanceof ExternOp) {
      const ext = b.externs.get(op.name);
      if (!ext) throw new Error(`evaluator: extern '${op.name}' has no reference function`);
      const src = result.get(op.inputTensors()[0])!;
      const eps = epsilon(ext.dt);
      const v = new Float64Array(size);
      const e = new Float64Array(size);
      for (let i = 0; i < size; i++) {
        v[i] = ext.fn(src.v[i]);
        // The element function is |x| or x, times a constant, plus a constant: two roundings.
        const slope = Math.abs(ext.fn(1) - ext.fn(0)) + Math.abs(ext.fn(-1) - ext.fn(0)) + 1;
        e[i] = src.e[i] * slope + 2 * eps * (Math.abs(v[i]) + Math.abs(src.v[i] * slope));
      }
      result.set(t, { shape, v, e });
    } else {
      throw new Error(`evaluator: unsupported operation '${op.name}'`);
    }
  }
  return result;
}

/** A tensor's concrete shape when the symbolic size is `n`. */
export function concreteShape(t: Tensor, b: Built, n: number): number[] {
  const env = new Map<E.Var, number>();
  if (b.n instanceof E.Var) env.set(b.n, n);
  return t.shape.map((d) => evalInt(d, env));
}

function evalInt(e: PrimExpr, env: Map<E.Var, number>): number {
  return evalExpr(e, env, new Map())[0];
}

const dt = (e: PrimExpr): DType => e.dtype.toString() as DType;

function evalExpr(e: PrimExpr, env: Map<E.Var, number>, tensors: Map<Tensor, RefTensor>): Val {
  const ev = (x: PrimExpr): Val => evalExpr(x, env, tensors);
  if (e instanceof E.IntImm) return [e.dtype.isBool() ? e.value : convert(dt(e), "int32", e.value), 0];
  if (e instanceof E.FloatImm) return [round(dt(e), e.value), 0];
  if (e instanceof E.Var) {
    const v = env.get(e);
    if (v === undefined) throw new Error(`evaluator: unbound variable ${e.name}`);
    return [v, 0];
  }
  if (e instanceof E.ProducerLoad) {
    const ref = tensors.get(e.producer as Tensor);
    if (!ref) throw new Error(`evaluator: ${e.producer.name} read before it is computed`);
    let flat = 0;
    e.indices.forEach((ix, d) => {
      const i = ev(ix)[0];
      if (i < 0 || i >= ref.shape[d]) throw new UndefinedBehaviour(`read of ${e.producer.name} outside its shape: index ${i} of dimension ${d} (extent ${ref.shape[d]})`);
      flat = flat * ref.shape[d] + i;
    });
    return [ref.v[flat], ref.e[flat]];
  }
  if (e instanceof E.Cast) {
    const [v, er] = ev(e.value);
    const to = dt(e);
    const from = dt(e.value);
    if (from === "bool" as DType) return [v, 0];
    const r = convert(to, from, v);
    return [r, er + epsilon(to) * Math.abs(r)];
  }
  if (e instanceof E.BinaryExpr) {
    const t = dt(e);
    const [a, ea] = ev(e.a);
    const [b, eb] = ev(e.b);
    const eps = epsilon(t);
    const isInt = eps === 0;
    switch (e.kind) {
      case "Add": { const r = round(t, a + b); return [r, ea + eb + eps * (Math.abs(a) + Math.abs(b))]; }
      case "Sub": { const r = round(t, a - b); return [r, ea + eb + eps * (Math.abs(a) + Math.abs(b))]; }
      case "Mul": { const r = round(t, a * b); return [r, Math.abs(a) * eb + Math.abs(b) * ea + ea * eb + eps * Math.abs(r)]; }
      case "Min": return [Math.min(a, b), Math.max(ea, eb)];
      case "Max": return [Math.max(a, b), Math.max(ea, eb)];
      case "Div":
        if (isInt) return [round(t, intDiv("div", a, b)), 0];
        { const r = round(t, a / b); return [r, ea / Math.abs(b) + Math.abs(a) * eb / (b * b) + eps * Math.abs(r)]; }
      case "Mod": return [round(t, intDiv("mod", a, b)), 0];
      case "FloorDiv": return [round(t, intDiv("floordiv", a, b)), 0];
      case "FloorMod": return [round(t, intDiv("floormod", a, b)), 0];
    }
  }
  if (e instanceof E.CompareExpr) {
    const a = ev(e.a)[0];
    const b = ev(e.b)[0];
    const r = e.kind === "EQ" ? a === b : e.kind === "NE" ? a !== b : e.kind === "LT" ? a < b : e.kind === "LE" ? a <= b : e.kind === "GT" ? a > b : a >= b;
    return [r ? 1 : 0, 0];
  }
  if (e instanceof E.And) return [ev(e.a)[0] && ev(e.b)[0] ? 1 : 0, 0];
  if (e instanceof E.Or) return [ev(e.a)[0] || ev(e.b)[0] ? 1 : 0, 0];
  if (e instanceof E.Not) return [ev(e.a)[0] ? 0 : 1, 0];
  if (e instanceof E.Select) {
    // Both sides are evaluated, as a (vector) select does: undefined behaviour in either counts.
    const c = ev(e.condition)[0];
    const t = ev(e.trueValue);
    const f = ev(e.falseValue);
    return c ? t : f;
  }
  if (e instanceof E.Call) return evalCall(e, ev);
  if (e instanceof E.Reduce) return evalReduce(e, env, tensors);
  throw new Error(`evaluator: unsupported expression ${e.kind}: ${e}`);
}

function evalCall(e: E.Call, ev: (x: PrimExpr) => Val): Val {
  const t = dt(e);
  const eps = epsilon(t);
  if (e.op === "tir.if_then_else") return ev(e.args[0])[0] ? ev(e.args[1]) : ev(e.args[2]);
  const [a, ea] = ev(e.args[0]);
  const libm = (r: number, slope: number): Val => [round(t, r), slope * ea + 4 * eps * Math.abs(r) + 4 * eps * 1e-30];
  switch (e.op) {
    case "tir.exp": { const r = Math.exp(a); return libm(r, r * (1 + ea)); }
    case "tir.tanh": return libm(Math.tanh(a), 1);
    case "tir.sigmoid": return libm(1 / (1 + Math.exp(-a)), 0.25);
    case "tir.sqrt": return libm(Math.sqrt(a), a > 0 ? 0.5 / Math.sqrt(a) : 1e30);
    case "tir.log": return libm(Math.log(a), a > 0 ? 1 / a : 1e30);
    case "tir.fabs": return [Math.abs(a), ea];
    case "tir.floor": return [Math.floor(a), ea];
  }
  throw new Error(`evaluator: unsupported call ${e.op}`);
}

function evalReduce(e: E.Reduce, env: Map<E.Var, number>, tensors: Map<Tensor, RefTensor>): Val {
  const c = e.combiner;
  const ev = (x: PrimExpr): Val => evalExpr(x, env, tensors);
  let acc: Val[] = c.identity.map((x) => ev(x));
  const additive = c.result[0] instanceof E.Add;
  const t = dt(e);
  let count = 0;
  let absSum = 0;
  let errSum = 0;
  const shape = e.axis.map((iv) => ev(iv.dom!.extent)[0]);
  const mins = e.axis.map((iv) => ev(iv.dom!.min)[0]);
  forEachIndex(shape, (ix) => {
    e.axis.forEach((iv, d) => env.set(iv.var, mins[d] + ix[d]));
    if (!ev(e.condition)[0]) return;
    const xs = e.source.map((s) => ev(s));
    xs.forEach(([v, er]) => { absSum += Math.abs(v); errSum += er; });
    c.lhs.forEach((l, i) => env.set(l, acc[i][0]));
    c.rhs.forEach((r, i) => env.set(r, xs[i][0]));
    const next = c.result.map((r) => ev(r)[0]);
    // max/min/argmax pick one operand: its error; a sum: all terms' errors plus the roundings of any order.
    acc = next.map((v, i) => [v, additive ? 0 : Math.max(acc[i][1], xs[i][1])]);
    count++;
  });
  c.lhs.forEach((l) => env.delete(l));
  c.rhs.forEach((r) => env.delete(r));
  const [v, er] = acc[e.valueIndex];
  if (additive) return [v, errSum + epsilon(t) * (count + 1) * (absSum + Math.abs(v))];
  return [v, er];
}
