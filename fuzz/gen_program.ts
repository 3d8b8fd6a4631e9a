// Random TE programs free of undefined behaviour by construction. Each expression carries a
// value range (and, for floats, how many fractional bits its values can have): int32 results
// stay within ±2^30 (signed overflow is UB in C), int8/uint8 wrap freely (C computes them in
// int and converts back, which is defined), divisors are nonzero constants or max(x, 1), a
// float becomes an integer only when it is exact and in the target's range, loads stay inside
// their tensor (padding reads through ifThenElse only). Float values start as multiples of 1/8,
// so most float programs compute exactly in any order; comparisons, floor and float-to-int
// casts are only applied to such exact values (a rounding difference cannot flip them).

import type { Dim, DType, Expr, Idx, Program, Stage, ExternSpec, Reducer } from "./spec.js";
import { isFloat, stageOutputs } from "./spec.js";

export const MAX_N = 8;
const INT_LIMIT = 2 ** 30;

interface Info { lo: number; hi: number; q: number; exact: boolean }
interface TensorInfo { dt: DType; shape: Dim[]; info: Info }
interface G { r: () => number; tensors: TensorInfo[]; stages: Stage[] }

const int = (g: G, lo: number, hi: number): number => lo + Math.floor(g.r() * (hi - lo + 1));
const pick = <T>(g: G, xs: readonly T[]): T => xs[Math.floor(g.r() * xs.length)];
const chance = (g: G, p: number): boolean => g.r() < p;

const TYPE_RANGE: Record<DType, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1], int8: [-128, 127], uint8: [0, 255], float32: [-Infinity, Infinity], float64: [-Infinity, Infinity],
};
const MANTISSA: Record<string, number> = { float32: 24, float64: 53 };

function exactFloat(dt: DType, lo: number, hi: number, q: number): boolean {
  return Math.max(Math.abs(lo), Math.abs(hi)) * 2 ** q < 2 ** (MANTISSA[dt] - 1);
}

/** The info of a result that wrapped or may have: int8/uint8 take their whole range. */
function norm(dt: DType, lo: number, hi: number, q: number, exact: boolean): Info | undefined {
  if (dt === "int8" || dt === "uint8") return { lo: TYPE_RANGE[dt][0], hi: TYPE_RANGE[dt][1], q: 0, exact: true };
  if (dt === "int32") return Math.max(Math.abs(lo), Math.abs(hi)) < INT_LIMIT ? { lo, hi, q: 0, exact: true } : undefined;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || Math.max(Math.abs(lo), Math.abs(hi)) > 1e6) return undefined;
  return { lo, hi, q, exact: exact && exactFloat(dt, lo, hi, q) };
}

function constFor(g: G, dt: DType): number {
  if (dt === "uint8") return int(g, 0, 9);
  if (isFloat(dt)) return pick(g, [0.5, -1.5, 2, 3, -0.25, 1]);
  return int(g, -5, 7);
}

function mulRange(a: Info, b: Info): [number, number] {
  const ps = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return [Math.min(...ps), Math.max(...ps)];
}

function dimRangeHi(d: Dim): number {
  return d.c + (d.sym ? MAX_N : 0);
}

/** How far past axis `a` an index into dimension `d` may reach, for every n in [1, MAX_N] (negative: never fits). */
function maxOffset(a: Dim, d: Dim): number {
  if (a.sym && d.sym) return d.c - a.c;
  if (a.sym) return -1;
  return d.c + (d.sym ? 1 : 0) - a.c;
}

/** An index for dimension `d` of a tensor, from the context's axes (plus an offset) or a constant. */
function index(g: G, d: Dim, axes: Dim[], preferred?: number): Idx {
  // Sometimes a strided read (2i + off, 3i + off): downsampling, gathers when vectorized.
  if (!d.sym && chance(g, 0.08)) {
    const mul = pick(g, [2, 3]);
    const ok = axes.map((a, i) => [a, i] as const).filter(([a]) => !a.sym && mul * (a.c - 1) <= d.c - 1);
    if (ok.length > 0) {
      const [a, i] = pick(g, ok);
      return { ax: i, mul, off: int(g, 0, d.c - 1 - mul * (a.c - 1)) };
    }
  }
  const fits = axes.map((a, i) => [maxOffset(a, d), i] as const).filter(([m]) => m >= 0);
  const pref = fits.find(([, i]) => i === preferred);
  if (pref && chance(g, 0.8)) return { ax: pref[1], off: chance(g, 0.6) ? 0 : int(g, 0, pref[0]) };
  if (fits.length > 0 && chance(g, 0.85)) {
    const [m, i] = pick(g, fits);
    return { ax: i, off: chance(g, 0.5) ? 0 : int(g, 0, m) };
  }
  return { off: int(g, 0, d.c + (d.sym ? 1 : 0) - 1) };
}

function load(g: G, t: number, axes: Dim[], identity = false): { e: Expr; info: Info } {
  const T = g.tensors[t];
  const off = axes.length - T.shape.length;
  const idx = T.shape.map((d, k) => index(g, d, axes, identity ? k + Math.max(0, Math.min(off, 0)) : chance(g, 0.6) ? k : undefined));
  return { e: { k: "load", dt: T.dt, t, idx }, info: T.info };
}

function leaf(g: G, dt: DType, axes: Dim[]): { e: Expr; info: Info } {
  const same = g.tensors.map((t, i) => [t, i] as const).filter(([t]) => t.dt === dt);
  const roll = g.r();
  if (roll < 0.7 && same.length > 0) return load(g, pick(g, same)[1], axes);
  if (roll < 0.8 && axes.length > 0) {
    const ax = int(g, 0, axes.length - 1);
    const hi = dimRangeHi(axes[ax]) - 1;
    const info = norm(dt, 0, hi, 0, true);
    if (info && hi <= TYPE_RANGE[dt][1]) return { e: { k: "axis", dt, ax }, info };
  }
  const v = constFor(g, dt);
  return { e: { k: "const", dt, v }, info: norm(dt, v, v, isFloat(dt) ? 2 : 0, true)! };
}

const DTYPES: DType[] = ["float32", "float64", "int32", "int8", "uint8"];

function genExpr(g: G, dt: DType, depth: number, axes: Dim[]): { e: Expr; info: Info } {
  if (depth <= 0 || chance(g, 0.25)) return leaf(g, dt, axes);
  const sub = (d = dt): { e: Expr; info: Info } => genExpr(g, d, depth - 1, axes);
  for (let attempt = 0; attempt < 4; attempt++) {
    const kind = pick(g, ["bin", "bin", "bin", "bin", "un", "cast", "select", "div"] as const);
    if (kind === "bin") {
      const op = pick(g, ["add", "sub", "mul", "min", "max"] as const);
      const a = sub();
      const b = op === "mul" && chance(g, 0.5) ? leaf(g, dt, axes) : sub();
      let lo: number, hi: number;
      if (op === "add") [lo, hi] = [a.info.lo + b.info.lo, a.info.hi + b.info.hi];
      else if (op === "sub") [lo, hi] = [a.info.lo - b.info.hi, a.info.hi - b.info.lo];
      else if (op === "mul") [lo, hi] = mulRange(a.info, b.info);
      else if (op === "min") [lo, hi] = [Math.min(a.info.lo, b.info.lo), Math.min(a.info.hi, b.info.hi)];
      else [lo, hi] = [Math.max(a.info.lo, b.info.lo), Math.max(a.info.hi, b.info.hi)];
      const q = op === "mul" ? a.info.q + b.info.q : Math.max(a.info.q, b.info.q);
      const info = norm(dt, lo, hi, q, a.info.exact && b.info.exact);
      if (info) return { e: { k: "bin", dt, op, a: a.e, b: b.e }, info };
    } else if (kind === "div") {
      const a = sub();
      if (isFloat(dt)) {
        const c = pick(g, [2, 4, -8, 3, 0.5]);
        const pow2 = Number.isInteger(Math.log2(Math.abs(c)));
        const [lo, hi] = [Math.min(a.info.lo / c, a.info.hi / c), Math.max(a.info.lo / c, a.info.hi / c)];
        const info = norm(dt, lo, hi, a.info.q + Math.max(0, Math.log2(Math.abs(c))), a.info.exact && pow2);
        if (info) return { e: { k: "bin", dt, op: "div", a: a.e, b: { k: "const", dt, v: c } }, info };
        continue;
      }
      const op = pick(g, ["div", "mod", "floordiv", "floormod"] as const);
      let b: Expr;
      let bInfo: Info;
      if (chance(g, 0.6)) {
        const c = dt === "uint8" ? int(g, 1, 9) : pick(g, [1, 2, 3, 4, 7, 8, -1, -2, -3, -8]);
        b = { k: "const", dt, v: c };
        bInfo = { lo: c, hi: c, q: 0, exact: true };
      } else {
        const x = sub();
        b = { k: "bin", dt, op: "max", a: x.e, b: { k: "const", dt, v: 1 } };
        bInfo = { lo: Math.max(1, x.info.lo), hi: Math.max(1, x.info.hi), q: 0, exact: true };
      }
      const m = Math.max(Math.abs(a.info.lo), Math.abs(a.info.hi));
      const bm = Math.max(Math.abs(bInfo.lo), Math.abs(bInfo.hi));
      const info = op === "div" || op === "floordiv" ? norm(dt, -m - 1, m + 1, 0, true) : norm(dt, -bm, bm, 0, true);
      if (info) return { e: { k: "bin", dt, op, a: a.e, b }, info };
    } else if (kind === "un") {
      const a = sub();
      const ops = isFloat(dt) ? ["neg", "abs", "exp", "tanh", "sigmoid", "sqrt1", "log1", ...(a.info.exact ? ["floor"] : [])] : ["neg", "abs"];
      const op = pick(g, ops) as "neg" | "abs" | "exp" | "tanh" | "sigmoid" | "sqrt1" | "log1" | "floor";
      const m = Math.max(Math.abs(a.info.lo), Math.abs(a.info.hi));
      let info: Info | undefined;
      switch (op) {
        case "neg": info = norm(dt, -a.info.hi, -a.info.lo, a.info.q, a.info.exact); break;
        case "abs": info = norm(dt, 0, m, a.info.q, a.info.exact); break;
        case "exp": info = a.info.hi <= 8 ? norm(dt, 0, Math.exp(a.info.hi), 30, false) : undefined; break;
        case "tanh": info = norm(dt, -1, 1, 30, false); break;
        case "sigmoid": info = norm(dt, 0, 1, 30, false); break;
        case "sqrt1": info = norm(dt, 1, Math.sqrt(m + 1), 30, false); break;
        case "log1": info = norm(dt, 0, Math.log(m + 1), 30, false); break;
        case "floor": info = norm(dt, Math.floor(a.info.lo), Math.floor(a.info.hi), 0, true); break;
      }
      if (info) return { e: { k: "un", dt, op, a: a.e }, info };
    } else if (kind === "cast") {
      const from = pick(g, DTYPES.filter((d) => d !== dt));
      const a = sub(from);
      const [tlo, thi] = TYPE_RANGE[dt];
      if (isFloat(dt)) {
        const info = norm(dt, a.info.lo, a.info.hi, a.info.q, a.info.exact);
        if (info) return { e: { k: "cast", dt, a: a.e }, info };
      } else if (isFloat(from)) {
        if (a.info.exact && a.info.lo >= tlo && a.info.hi <= thi) {
          const info = norm(dt, Math.trunc(a.info.lo), Math.trunc(a.info.hi), 0, true);
          if (info) return { e: { k: "cast", dt, a: a.e }, info };
        }
      } else {
        const fits = a.info.lo >= tlo && a.info.hi <= thi;
        const info = fits ? norm(dt, a.info.lo, a.info.hi, 0, true) : norm(dt, tlo, thi, 0, true);
        if (info) return { e: { k: "cast", dt, a: a.e }, info };
      }
    } else {
      const cdt = pick(g, DTYPES);
      const l = sub(cdt);
      const r = sub(cdt);
      if (!l.info.exact || !r.info.exact) continue;
      const a = sub();
      const b = sub();
      const info = norm(dt, Math.min(a.info.lo, b.info.lo), Math.max(a.info.hi, b.info.hi), Math.max(a.info.q, b.info.q), a.info.exact && b.info.exact);
      if (info) return { e: { k: "select", dt, cmp: pick(g, ["lt", "le", "gt", "ge", "eq", "ne"] as const), l: l.e, r: r.e, a: a.e, b: b.e }, info };
    }
  }
  return leaf(g, dt, axes);
}

function inputInfo(dt: DType): Info {
  switch (dt) {
    case "int32": return { lo: -9, hi: 9, q: 0, exact: true };
    case "int8": return { lo: -128, hi: 127, q: 0, exact: true };
    case "uint8": return { lo: 0, hi: 255, q: 0, exact: true };
    default: return { lo: -2, hi: 2, q: 3, exact: true };
  }
}

function randomShape(g: G, sym: boolean): Dim[] {
  const rank = int(g, 1, 3);
  return Array.from({ length: rank }, () => (sym && chance(g, 0.4) ? { sym: true, c: int(g, 0, 3) } : { sym: false, c: int(g, rank === 3 ? 1 : 2, rank === 1 ? 14 : rank === 2 ? 9 : 5) }));
}

function addStage(g: G, st: Stage, infos: Info[]): void {
  g.stages.push(st);
  for (let o = 0; o < stageOutputs(st); o++) {
    const dt = st.kind === "compute" ? st.body[o].dt : st.kind === "reduce" && st.reducer === "argmax" && o === 0 ? "int32" : st.dt;
    g.tensors.push({ dt, shape: st.shape, info: infos[o] });
  }
}

/** A random program from `r`: 1-3 inputs and 1-5 stages. */
export function generateProgram(r: () => number): Program {
  const g: G = { r, tensors: [], stages: [] };
  const main = pick(g, DTYPES);
  const sym = chance(g, 0.2);
  const nIn = int(g, 1, 3);
  const first = randomShape(g, sym);
  for (let i = 0; i < nIn; i++) {
    const dt = i === 0 || chance(g, 0.7) ? main : pick(g, DTYPES);
    const shape = i === 0 || chance(g, 0.5) ? first : randomShape(g, sym);
    addStage(g, { kind: "input", name: `in${i}`, dt, shape }, [inputInfo(dt)]);
  }
  const nStages = int(g, 1, 5);
  for (let s = 0; s < nStages; s++) {
    const name = `s${s}`;
    const roll = g.r();
    const src = int(g, 0, g.tensors.length - 1);
    const T = g.tensors[src];
    if (roll < 0.15) {
      // Zero padding around a tensor: ifThenElse over the padded shape.
      const pads = T.shape.map(() => int(g, 0, 2));
      const shape = T.shape.map((d, k) => ({ sym: d.sym, c: d.c + pads[k] + int(g, 0, 2) }));
      const v = T.dt === "uint8" ? 0 : pick(g, [0, 0, -1]);
      const info = norm(T.dt, Math.min(v, T.info.lo), Math.max(v, T.info.hi), T.info.q, T.info.exact)!;
      addStage(g, { kind: "compute", name, dt: T.dt, shape, body: [{ k: "pad", dt: T.dt, t: src, pads, v }] }, [info]);
    } else if (roll < 0.45) {
      const reducible = T.shape.map((d, k) => [d, k] as const).filter(([d]) => !d.sym || d.c >= 1);
      const nRed = Math.min(reducible.length, int(g, 1, 2));
      const reduced = [...reducible].sort(() => g.r() - 0.5).slice(0, nRed).map(([, k]) => k);
      if (reduced.length === 0) continue;
      const keep = T.shape.map((_, k) => k).filter((k) => !reduced.includes(k));
      const shape = keep.length > 0 ? keep.map((k) => T.shape[k]) : [{ sym: false, c: 1 }];
      const raxes = reduced.map((k) => T.shape[k].c);
      const axes: Dim[] = [...shape, ...raxes.map((c) => ({ sym: false, c }))];
      const reducer: Reducer = raxes.length === 1 && chance(g, 0.2) ? "argmax" : pick(g, ["sum", "sum", "max", "min", "csum"] as const);
      const dt = T.dt;
      const idx: Idx[] = T.shape.map((_, k) => keep.includes(k) ? { ax: keep.indexOf(k), off: 0 } : { ax: shape.length + reduced.indexOf(k), off: 0 });
      let body: Expr = { k: "load", dt, t: src, idx };
      let info = T.info;
      if (chance(g, 0.5)) {
        const other = genExpr(g, dt, 1, axes);
        const [lo, hi] = mulRange(info, other.info);
        const i2 = norm(dt, lo, hi, info.q + other.info.q, info.exact && other.info.exact);
        if (i2) { body = { k: "bin", dt, op: "mul", a: body, b: other.e }; info = i2; }
      }
      const count = raxes.reduce((a, b) => a * b, 1);
      const additive = reducer === "sum" || reducer === "csum";
      // Reduce axes are never empty (extents >= 1), so max/min/argmax keep the body's range.
      const out = additive ? norm(dt, Math.min(0, info.lo * count), Math.max(0, info.hi * count), info.q, info.exact) : info;
      if (!out) { addStage(g, { kind: "reduce", name, dt, shape, raxes, reducer: "max", body }, [info]); continue; }
      const infos = reducer === "argmax" ? [{ lo: -1, hi: raxes[0], q: 0, exact: true }, out] : [out];
      const where = chance(g, 0.15) ? { ax: int(g, 0, raxes.length - 1), mod: int(g, 2, 3) } : undefined;
      addStage(g, { kind: "reduce", name, dt, shape, raxes, reducer, body, ...(where ? { where } : {}) }, infos);
    } else if (roll < 0.55) {
      // A matmul of two 2-d tensors of one dtype: C[i, j] = sum_k A[i, k] * B[k, j] (B maybe transposed).
      const twoD = g.tensors.map((x, i) => [x, i] as const).filter(([x]) => x.shape.length === 2 && !x.shape[1].sym);
      const A = twoD.length > 0 ? pick(g, twoD) : undefined;
      const Bs = A ? twoD.filter(([x]) => x.dt === A[0].dt) : [];
      if (!A || Bs.length === 0) continue;
      const B = pick(g, Bs);
      const trans = chance(g, 0.3);
      const bk = trans ? B[0].shape[1] : B[0].shape[0];
      const bn = trans ? B[0].shape[0] : B[0].shape[1];
      if (bk.sym) continue;
      const K = Math.min(A[0].shape[1].c, bk.c);
      const dt = A[0].dt;
      const [lo, hi] = mulRange(A[0].info, B[0].info);
      const info = norm(dt, Math.min(0, lo * K), Math.max(0, hi * K), A[0].info.q + B[0].info.q, A[0].info.exact && B[0].info.exact);
      if (!info) continue;
      const a: Expr = { k: "load", dt, t: A[1], idx: [{ ax: 0, off: 0 }, { ax: 2, off: 0 }] };
      const b: Expr = { k: "load", dt, t: B[1], idx: trans ? [{ ax: 1, off: 0 }, { ax: 2, off: 0 }] : [{ ax: 2, off: 0 }, { ax: 1, off: 0 }] };
      addStage(g, { kind: "reduce", name, dt, shape: [A[0].shape[0], bn], raxes: [K], reducer: "sum", body: { k: "bin", dt, op: "mul", a, b } }, [info]);
    } else if (roll < 0.65) {
      const dt = T.dt;
      const impl = isFloat(dt) ? pick(g, ["js", "irbuilder", "callextern"] as const) : pick(g, ["js", "irbuilder"] as const);
      const mul = isFloat(dt) ? pick(g, [2, -1, 0.5, 3]) : pick(g, [2, -1, 3, 1]);
      const add = dt === "uint8" ? pick(g, [1, 3]) : pick(g, [1, -2, 0]);
      const absLo = impl === "callextern" ? 0 : T.info.lo;
      const [lo, hi] = mulRange({ ...T.info, lo: absLo }, { lo: mul, hi: mul, q: 1, exact: true });
      const info = norm(dt, lo + add, hi + add, T.info.q + 1, T.info.exact);
      if (!info) continue;
      const ext: ExternSpec = { src, impl, regionMap: chance(g, 0.6), mul, add };
      addStage(g, { kind: "extern", name, dt, shape: T.shape, ext }, [info]);
    } else {
      // Elementwise, broadcast or window: a shape derived from a tensor's (maybe smaller), 1-2 bodies.
      const shape = T.shape.map((d) => ({ sym: d.sym, c: Math.max(d.sym ? 0 : 1, d.c - (chance(g, 0.3) ? int(g, 1, 2) : 0)) }));
      const nBodies = chance(g, 0.15) ? 2 : 1;
      const body: Expr[] = [];
      const infos: Info[] = [];
      for (let b = 0; b < nBodies; b++) {
        const dt = b === 0 ? pick(g, [T.dt, T.dt, T.dt, main, pick(g, DTYPES)]) : pick(g, [body[0].dt, pick(g, DTYPES)]);
        const x = genExpr(g, dt, int(g, 1, 3), shape);
        body.push(x.e);
        infos.push(x.info);
      }
      addStage(g, { kind: "compute", name, dt: body[0].dt, shape, body }, infos);
    }
  }
  if (g.stages.every((s) => s.kind === "input")) {
    const T = g.tensors[0];
    addStage(g, { kind: "compute", name: "s_copy", dt: T.dt, shape: T.shape, body: [load(g, 0, T.shape, true).e] }, [T.info]);
  }
  return { stages: g.stages };
}

/** Random input data for a tensor of `dt`: the values the generator's ranges assume. */
export function inputValue(r: () => number, dt: DType): number {
  const i = inputInfo(dt);
  if (isFloat(dt)) return Math.floor(r() * 33 - 16) / 8;
  return i.lo + Math.floor(r() * (i.hi - i.lo + 1));
}
