// What a rewrite rule is, and the side conditions many rules share. A rule is a pattern (text in
// the language of pattern.ts), a result (a pattern, or a function of the match returning an
// expression or undefined for "does not apply") and an optional condition on the match, which
// may ask the simplifier for proofs ("x >= 0 under the current bounds") and modular sets.
// `rw` makes a plain rule; `rrw` a rule whose result is simplified again (a canonicalisation
// step). The rule tables live in rewrite_<group>.ts; the driver applying them is
// rewrite_simplifier.ts.

import type { PrimExpr } from "../ir/expr.js";
import { type Match, type Pat, pattern } from "./pattern.js";

/** What rules ask of the simplifier: proofs and residues under its current bindings. */
export interface RuleContext {
  canProveGreaterEqual(e: PrimExpr, n: number): boolean;
  canProveEqual(e: PrimExpr, n: number): boolean;
  modularSet(e: PrimExpr): { coeff: number; base: number };
}

export type Result = string | ((m: Match, s: RuleContext) => PrimExpr | undefined);
export type Cond = (m: Match, s: RuleContext) => boolean;

export interface Rule {
  readonly pat: Pat;
  readonly res: Pat | ((m: Match, s: RuleContext) => PrimExpr | undefined);
  readonly cond?: Cond;
  readonly recursive: boolean;
}

function mk(p: string, res: Result, cond: Cond | undefined, recursive: boolean): Rule {
  return { pat: pattern(p), res: typeof res === "string" ? pattern(res) : res, cond, recursive };
}
/** A rewrite rule: `p` becomes `res` (when `cond` holds). */
export function rw(p: string, res: Result, cond?: Cond): Rule { return mk(p, res, cond, false); }
/** A rewrite rule whose result is simplified again (a canonicalisation step). */
export function rrw(p: string, res: Result, cond?: Cond): Rule { return mk(p, res, cond, true); }

export const ge0 = (s: RuleContext, e: PrimExpr): boolean => s.canProveGreaterEqual(e, 0);

export const c1Pos: Cond = (m) => m.c1.value > 0;
export const c2Pos: Cond = (m) => m.c2.value > 0;
export const c1NonZero: Cond = (m) => m.c1.value !== 0;
export const xGe0: Cond = (m, s) => ge0(s, m.x);
