// Substitution of variables in a compute op's body, reducer included: a reduction's combiner
// (its result and identity expressions) may use the op's axis variables, e.g. a reducer built
// inside fcompute from the index. The generic substitute() leaves the combiner alone, so the
// dataflow rewrites (cacheWrite, rfactor) that move a body onto new axes use this instead.

import { CommReducer, type PrimExpr, Reduce, type Var } from "../ir/expr.js";
import { substitute, usesVar } from "../ir/substitute.js";

/** `combiner` with `vmap` applied to its result and identity (itself when nothing changes). */
export function substituteCombiner(combiner: CommReducer, vmap: ReadonlyMap<Var, PrimExpr>): CommReducer {
  const touched = [...combiner.result, ...combiner.identity].some((e) => usesVar(e, (v) => vmap.has(v)));
  if (!touched) return combiner;
  return new CommReducer(
    combiner.lhs,
    combiner.rhs,
    combiner.result.map((e) => substitute(e, vmap)),
    combiner.identity.map((e) => substitute(e, vmap)),
  );
}

/** `e` with `vmap` applied everywhere, including a top-level reduction's combiner. */
export function substituteBody(e: PrimExpr, vmap: ReadonlyMap<Var, PrimExpr>): PrimExpr {
  if (vmap.size === 0) return e;
  const out = substitute(e, vmap);
  if (!(out instanceof Reduce)) return out;
  const combiner = substituteCombiner(out.combiner, vmap);
  if (combiner === out.combiner) return out;
  return new Reduce(combiner, out.source, out.axis, out.condition, out.valueIndex, out.init);
}

/** The bodies of a multi-output reduction, rebuilt to share the first one's parts again. */
export function shareReduction(bodies: PrimExpr[]): PrimExpr[] {
  const r = bodies[0];
  if (!(r instanceof Reduce) || bodies.length === 1) return bodies;
  return bodies.map((_, i) => new Reduce(r.combiner, r.source, r.axis, r.condition, i, r.init));
}
