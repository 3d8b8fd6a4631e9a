// Builds the TE program a spec describes: placeholders, computes (padding with ifThenElse,
// windows, broadcasts, several outputs), reductions (sum, max, min, a commReducer sum, an
// argmax commReducer with two outputs) and externs calling JS (registerFunc), an irBuilder
// body or a libm function through callExtern. The evaluator reads the same TE, not the spec.

import { te, tir, nd, registerFunc } from "../ts/index.js";
import type { PrimExpr } from "../ts/ir/expr.js";
import { DataType } from "../ts/ir/dtype.js";
import { wrapInt } from "../ts/arith/int_operator.js";
import type { IterVar } from "../ts/ir/iter_var.js";
import { type Case, type DType, type Dim, type Expr, type Program, type Stage, tensorTable } from "./spec.js";
import { externElement } from "./extern_element.js";

/** A constant of `dt` taken modulo its range (the extern's JS side computes in that arithmetic; te.const refuses -1 as uint8). */
const wrapped = (v: number, dt: string): PrimExpr => {
  const t = DataType.parse(dt);
  return te.const(t.isIntegral() ? wrapInt(v, t) : v, dt);
};

export interface Built {
  inputs: te.Tensor[];
  outputs: te.Tensor[];
  /** Every tensor of the program, by tensor id. */
  tensors: te.Tensor[];
  n: PrimExpr;
  /** Reference element functions of the externs, by op name (for the evaluator). */
  externs: Map<string, { dt: DType; fn: (x: number) => number }>;
}

let registered = 0;

function extent(d: Dim, n: PrimExpr): PrimExpr {
  return d.sym ? (d.c === 0 ? n : n.add(d.c)) : te.const(d.c, "int32");
}

const argmaxReducer = te.commReducer(
  (x: PrimExpr[], y: PrimExpr[]) => {
    // The larger value wins; on a tie the smaller index, so any order of combination agrees.
    const takeX = x[1].gt(y[1]).or(x[1].eq(y[1]).and(x[0].lt(y[0])));
    return [te.select(takeX, x[0], y[0]), te.select(takeX, x[1], y[1])];
  },
  (_i: DataType, v: DataType) => [te.const(-1, "int32"), te.minValue(v)],
  "argmax",
);

const csumReducer = te.commReducer((x: PrimExpr, y: PrimExpr) => x.add(y), (t: DataType) => te.const(0, t), "csum");

export function buildProgram(p: Program, c: Pick<Case, "n">): Built {
  const n = te.sizeVar("n");
  const table = tensorTable(p);
  const tensors: te.Tensor[] = [];
  const inputs: te.Tensor[] = [];
  const externs = new Map<string, { dt: DType; fn: (x: number) => number }>();
  const consumed = new Set<number>();
  const visit = (e: Expr): void => {
    if (e.k === "load" || e.k === "pad") consumed.add(e.t);
    for (const ch of children(e)) visit(ch);
  };
  for (const st of p.stages) {
    if (st.kind === "compute") st.body.forEach(visit);
    if (st.kind === "reduce") visit(st.body);
    if (st.kind === "extern") consumed.add(st.ext.src);
  }
  for (const st of p.stages) {
    const shape = st.shape.map((d) => extent(d, n));
    const made = buildStage(st, shape, tensors, n, externs);
    if (st.kind === "input") inputs.push(made[0]);
    tensors.push(...made);
  }
  const outputs = tensors.filter((_, id) => !consumed.has(id) && p.stages[table[id][0]].kind !== "input");
  void c;
  return { inputs, outputs, tensors, n, externs };
}

export function children(e: Expr): Expr[] {
  switch (e.k) {
    case "bin": return [e.a, e.b];
    case "un": case "cast": return [e.a];
    case "select": return [e.l, e.r, e.a, e.b];
    default: return [];
  }
}

function buildStage(st: Stage, shape: PrimExpr[], tensors: te.Tensor[], n: PrimExpr, externs: Built["externs"]): te.Tensor[] {
  switch (st.kind) {
    case "input":
      return [te.placeholder(shape, st.dt, st.name)];
    case "compute": {
      const f = (...axes: PrimExpr[]): PrimExpr | PrimExpr[] => {
        const body = st.body.map((b) => expr(b, axes, tensors));
        return body.length === 1 ? body[0] : body;
      };
      const r = te.compute(shape, fn(shape.length, f), st.name);
      return Array.isArray(r) ? r : [r];
    }
    case "reduce": {
      const f = (...axes: PrimExpr[]): PrimExpr | PrimExpr[] => {
        const rs: IterVar[] = st.raxes.map((x, i) => te.reduceAxis([0, x], `r${i}`));
        const all = [...axes, ...rs.map((r) => r.var)];
        const body = expr(st.body, all, tensors);
        const where = st.where ? rs[st.where.ax].var.floormod(st.where.mod).eq(0) : undefined;
        switch (st.reducer) {
          case "sum": return te.sum(body, rs, where);
          case "max": return te.max(body, rs, where);
          case "min": return te.min(body, rs, where);
          case "csum": return csumReducer(body, rs, where);
          case "argmax": return argmaxReducer([rs[0].var, body], rs, where);
        }
      };
      const r = te.compute(shape, fn(shape.length, f), st.name);
      return Array.isArray(r) ? r : [r];
    }
    case "extern": {
      const src = tensors[st.ext.src];
      const el = externElement(st.dt, st.ext);
      externs.set(st.name, { dt: st.dt, fn: el });
      const { impl, regionMap } = st.ext;
      let body: (ins: tir.Buffer[], outs: tir.Buffer[]) => tir.Stmt | PrimExpr;
      if (impl === "js") {
        registered += 1;
        const name = `fuzz_extern_${process.pid}_${registered}`;
        registerFunc(name, (a: nd.NDArray, b: nd.NDArray) => forEachIndex(b.shape, (ix) => b.set(ix, el(a.get(ix) as number))));
        body = (ins, outs) => tir.callPacked(name, ins[0], outs[0]);
      } else {
        body = (ins, outs) => {
          const ib = tir.irBuilder();
          const a = ib.bufferPtr(ins[0]);
          const o = ib.bufferPtr(outs[0]);
          const dims = outs[0].shape;
          const loop = (d: number, ix: PrimExpr[]): void => {
            if (d === dims.length) {
              let x = a.get(ix);
              if (impl === "callextern") x = tir.callExtern(st.dt, st.dt === "float32" ? "fabsf" : "fabs", x);
              o.set(ix, x.mul(wrapped(st.ext.mul, st.dt)).add(wrapped(st.ext.add, st.dt)));
              return;
            }
            ib.forRange(0, dims[d], `e${d}`, (i) => loop(d + 1, [...ix, i]));
          };
          loop(0, []);
          return ib.get();
        };
      }
      void n;
      const t = te.extern(shape, [src], body as never, { name: st.name, dtype: st.dt, regionMap: regionMap ? "elementwise" : undefined });
      return [t as te.Tensor];
    }
  }
}

/** te.compute names its axes after fcompute's parameters: give it one named parameter per dimension. */
function fn(ndim: number, f: (...axes: PrimExpr[]) => PrimExpr | PrimExpr[]): (...axes: PrimExpr[]) => PrimExpr | PrimExpr[] {
  const names = Array.from({ length: ndim }, (_, i) => `i${i}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function("f", `return (${names.join(", ")}) => f(${names.join(", ")});`)(f) as never;
}

export function forEachIndex(shape: readonly number[], f: (ix: number[]) => void): void {
  const ix = shape.map(() => 0);
  const total = shape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k++) {
    f([...ix]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++ix[d] < shape[d]) break;
      ix[d] = 0;
    }
  }
}

function expr(e: Expr, axes: PrimExpr[], tensors: te.Tensor[]): PrimExpr {
  const sub = (x: Expr): PrimExpr => expr(x, axes, tensors);
  switch (e.k) {
    case "load":
      return tensors[e.t].at(...e.idx.map((i) => {
        if (i.ax === undefined) return te.const(i.off, "int32");
        const scaled = i.mul && i.mul !== 1 ? axes[i.ax].mul(i.mul) : axes[i.ax];
        return i.off === 0 ? scaled : scaled.add(i.off);
      }));
    case "const":
      return te.const(e.v, e.dt);
    case "axis":
      return axes[e.ax].cast(e.dt);
    case "bin": {
      const a = sub(e.a);
      const b = sub(e.b);
      switch (e.op) {
        case "add": return a.add(b);
        case "sub": return a.sub(b);
        case "mul": return a.mul(b);
        case "min": return a.min(b);
        case "max": return a.max(b);
        case "div": return a.div(b);
        case "floordiv": return a.floordiv(b);
        case "floormod": return a.floormod(b);
        case "mod": return a.mod(b);
      }
      break;
    }
    case "un": {
      const a = sub(e.a);
      switch (e.op) {
        case "neg": return a.neg();
        case "abs": return te.abs(a);
        case "exp": return te.exp(a);
        case "tanh": return te.tanh(a);
        case "sigmoid": return te.sigmoid(a);
        case "sqrt1": return te.sqrt(te.abs(a).add(1));
        case "log1": return te.log(te.abs(a).add(1));
        case "floor": return te.floor(a);
      }
      break;
    }
    case "cast":
      return sub(e.a).cast(e.dt);
    case "select": {
      const l = sub(e.l);
      const r = sub(e.r);
      const cond = l[e.cmp](r);
      return te.select(cond, sub(e.a), sub(e.b));
    }
    case "pad": {
      const t = tensors[e.t];
      let inside: PrimExpr | undefined;
      e.pads.forEach((p, d) => {
        if (p === 0 && false) return;
        const c = axes[d].ge(p).and(axes[d].lt(t.shape[d].add(p)));
        inside = inside ? inside.and(c) : c;
      });
      const ix = e.pads.map((p, d) => (p === 0 ? axes[d] : axes[d].sub(p)));
      return te.ifThenElse(inside!, t.at(...ix), te.const(e.v, e.dt));
    }
  }
  throw new Error(`fuzz: unknown expression ${JSON.stringify(e)}`);
}
