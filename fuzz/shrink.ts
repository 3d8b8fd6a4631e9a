// Shrinks a failing case while it keeps failing the same way (same status): fewer schedule
// steps, fewer stages (a shorter program, or a sink stage dropped), simpler expressions (a node
// replaced by one of its operands of the same dtype, or a constant), smaller shapes (every
// constant extent and reduce extent one less, n down to 1). A candidate with undefined
// behaviour is "invalid" to the checker, so it never counts as the same failure.

import type { Case, Expr, Program, Stage } from "./spec.js";
import { tensorTable } from "./spec.js";
import type { Outcome } from "./pool.js";

export type Runner = (c: Case) => Promise<Outcome>;

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function* stepCandidates(c: Case): Generator<Case> {
  for (let i = c.steps.length - 1; i >= 0; i--) yield { ...c, steps: c.steps.filter((_, k) => k !== i) };
  if (c.steps.length > 0) yield { ...c, steps: [] };
}

/** Tensor ids a program reads. */
function consumed(p: Program): Set<number> {
  const out = new Set<number>();
  const visit = (e: Expr): void => {
    if (e.k === "load" || e.k === "pad") out.add(e.t);
    for (const ch of kids(e)) visit(ch);
  };
  for (const st of p.stages) {
    if (st.kind === "compute") st.body.forEach(visit);
    if (st.kind === "reduce") visit(st.body);
    if (st.kind === "extern") out.add(st.ext.src);
  }
  return out;
}

function kids(e: Expr): Expr[] {
  switch (e.k) {
    case "bin": return [e.a, e.b];
    case "un": case "cast": return [e.a];
    case "select": return [e.l, e.r, e.a, e.b];
    default: return [];
  }
}

/** Removes stage `s` when no stage reads its tensors (ids after it shift down). */
function dropStage(p: Program, s: number): Program | undefined {
  const table = tensorTable(p);
  const ids = table.map(([st], id) => [st, id] as const).filter(([st]) => st === s).map(([, id]) => id);
  const used = consumed(p);
  if (ids.some((id) => used.has(id))) return undefined;
  const shift = ids.length;
  const first = ids[0];
  const q = clone(p);
  q.stages.splice(s, 1);
  const remap = (e: Expr): void => {
    if ((e.k === "load" || e.k === "pad") && e.t > first) e.t -= shift;
    kids(e).forEach(remap);
  };
  for (const st of q.stages) {
    if (st.kind === "compute") st.body.forEach(remap);
    if (st.kind === "reduce") remap(st.body);
    if (st.kind === "extern" && st.ext.src > first) st.ext.src -= shift;
  }
  if (q.stages.every((x) => x.kind === "input")) return undefined;
  return q;
}

function* stageCandidates(c: Case): Generator<Case> {
  for (let s = c.program.stages.length - 1; s >= 0; s--) {
    const p = dropStage(c.program, s);
    if (p) yield { ...c, program: p };
  }
}

/** Every way of replacing one node of `e` by a simpler one. */
function* simpler(e: Expr): Generator<Expr> {
  for (const k of kids(e)) if (k.dt === e.dt) yield k;
  if (e.k !== "const" && e.k !== "load") yield { k: "const", dt: e.dt, v: e.dt === "uint8" ? 1 : 1 };
  const fields = e.k === "bin" ? ["a", "b"] : e.k === "un" || e.k === "cast" ? ["a"] : e.k === "select" ? ["l", "r", "a", "b"] : [];
  for (const f of fields) {
    for (const s of simpler((e as unknown as Record<string, Expr>)[f])) yield { ...e, [f]: s } as Expr;
  }
}

function* exprCandidates(c: Case): Generator<Case> {
  for (let s = 0; s < c.program.stages.length; s++) {
    const st = c.program.stages[s];
    const bodies = st.kind === "compute" ? st.body : st.kind === "reduce" ? [st.body] : [];
    for (let b = 0; b < bodies.length; b++) {
      for (const e of simpler(bodies[b])) {
        const q = clone(c.program);
        const t = q.stages[s] as Stage & { body: Expr[] | Expr };
        if (t.kind === "compute") t.body[b] = e;
        else (t as { body: Expr }).body = e;
        yield { ...c, program: q };
      }
    }
    if (st.kind === "compute" && st.body.length > 1) {
      // A two-output compute keeping one output is a different stage layout: only when nobody reads output 1.
    }
  }
}

function* shapeCandidates(c: Case): Generator<Case> {
  if (c.n > 1) yield { ...c, n: 1 };
  if (c.n > 2) yield { ...c, n: c.n - 1 };
  for (const min of [8, 5, 3, 2]) {
    const q = clone(c.program);
    let changed = false;
    for (const st of q.stages) {
      for (const d of st.shape) if (!d.sym && d.c > min) { d.c--; changed = true; }
      if (st.kind === "reduce") st.raxes = st.raxes.map((x) => (x > min ? (changed = true, x - 1) : x));
    }
    if (changed) yield { ...c, program: q };
  }
}

/** Shrinks `c` (which failed with `status`); `budget` bounds the candidates tried. */
export async function shrink(c: Case, status: string, run: Runner, budget = 400): Promise<{ case: Case; detail?: string; tried: number }> {
  let best = c;
  let detail: string | undefined;
  let tried = 0;
  let progress = true;
  while (progress && tried < budget) {
    progress = false;
    for (const gen of [stepCandidates, stageCandidates, shapeCandidates, exprCandidates]) {
      for (const cand of gen(best)) {
        if (tried++ >= budget) break;
        const r = await run(cand);
        if (r.status === status) {
          best = cand;
          detail = r.detail;
          progress = true;
          break;
        }
      }
      if (progress) break;
    }
  }
  return { case: best, detail, tried };
}
