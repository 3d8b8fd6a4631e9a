// Loop partitioning (TVM's LoopPartition): a loop whose body tests `likely(cond)` on its variable
// (the guard of an uneven split) is cut into the part where the condition is known — true for
// the main part, which loses the guard — and the doubtful parts before and after it, each a
// loop of its own (or the body alone for one iteration, under `if` for at most one), partitioned
// again in turn. Loops with a non-constant min or extent are candidates; loops with constant
// bounds only with `partitionConstLoop` (off by default, as in TVM), or when the guard also
// depends on a vectorized loop's variable: then, beyond TVM, the loop is cut anyway, so that
// vectorize (the next pass) finds a guard-free vector body and a narrower tail rather than a
// guard on every lane (docs/passes.md, "Vector tails"). The `likely` tags are removed from the
// whole function afterwards (TVM's RemoveLikelyTags), partitioned or not. Bounds come from
// deduceBound; a part whose length cannot be proved non-negative is clamped and not partitioned
// further; where the order of the parts is proved only for a loop that runs, the parts are
// guarded by that condition.
// A loop under `pragma(axis, "loop_partition_hint", true)` (attr `pragma_loop_partition_hint`)
// is a candidate without a `likely` guard, and every comparison on its variable in its body (an
// `if`, a select, an if_then_else) is a partition point, as in TVM; like TVM, a loop with
// constant bounds still needs `partitionConstLoop`. When no interval makes all of them known
// at once, the longest run of them (in the order met) that is is used; with
// `unrollLoopWithPartitionHintNoInterval` a hinted loop that cannot be cut becomes "unroll". The
// hint attributes are removed with the likely tags. `noUnrollLoopWithExtentOne` keeps a part of
// one iteration as a loop of extent 1 (TVM's option of that name).

import { Call, type CompareExpr, IntImm, type PrimExpr, Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator, StmtExprVisitor, postOrderVisit } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { AttrStmt, For, IfThenElse, SeqStmt, type Stmt } from "../ir/stmt.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { substitute, usesVar } from "../ir/substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet, intersectSets } from "../arith/int_set.js";
import { convertSSA } from "./convert_ssa.js";
import { deduceBound } from "../arith/deduce_bound.js";
import { checkPrimFunc } from "./check_func.js";
import { ScheduleError } from "../errors.js";

export interface LoopPartitionOptions {
  /**
   * Partition loops with constant bounds too (TVM's `partition_const_loop`, default false);
   * without it, such a loop is still partitioned at a guard that depends on a vectorized loop's lanes.
   */
  partitionConstLoop?: boolean;
  /** Keep a part of one iteration as `for (v, 0, 1)` rather than the body alone (TVM's no_unroll_loop_with_extent_one). */
  noUnrollLoopWithExtentOne?: boolean;
  /** A hinted loop that cannot be partitioned becomes an "unroll" loop (TVM's unroll_loop_with_partition_hint_no_interval). */
  unrollLoopWithPartitionHintNoInterval?: boolean;
}

const PARTITION_HINT = "pragma_loop_partition_hint";

const LIKELY = "tir.likely";

function isLikely(e: PrimExpr): e is Call {
  return e instanceof Call && e.op === LIKELY && e.args.length === 1;
}

/**
 * Loops whose variable appears in a `likely` condition in their body. A loop with constant
 * bounds qualifies only with `partitionConstLoop`, or when that condition also depends on the
 * variable of a vectorized loop around it (the loop itself, one it holds, or one around the
 * statement searched): such a guard would run lane by lane, and the cut gives a guard-free
 * vector body and a tail.
 */
class CandidateSelector extends StmtExprVisitor {
  readonly candidates = new Set<Stmt>();
  /** For each enclosing loop of the statement searched: whether its bounds are constant, and whether it qualifies. */
  private readonly record = new Map<Var, { constant: boolean; used: boolean }>();
  /** The variables of the vectorized loops around the point visited. */
  private readonly vectorVars: Set<Var>;
  private inLikely = false;
  private laneDependent = false;

  /**
   * `vectorVars`: the variables of the vectorized loops around the statement searched;
   * `hintVars`: the loop variables under the loop_partition_hint pragma.
   */
  constructor(private readonly partitionConstLoop: boolean, vectorVars: Iterable<Var> = [], private readonly hintVars: ReadonlySet<Var> = new Set()) {
    super();
    this.vectorVars = new Set(vectorVars);
  }

  override visitFor(s: For): void {
    const constant = s.min instanceof IntImm && s.extent instanceof IntImm && !this.partitionConstLoop;
    if (this.hintVars.has(s.loopVar) && !constant) this.candidates.add(s);
    const vector = s.forKind === "vectorized";
    this.record.set(s.loopVar, { constant, used: false });
    if (vector) this.vectorVars.add(s.loopVar);
    super.visitFor(s);
    if (vector) this.vectorVars.delete(s.loopVar);
    if (this.record.get(s.loopVar)!.used) this.candidates.add(s);
    this.record.delete(s.loopVar);
  }

  override visitCall(e: Call): void {
    if (e.op === LIKELY) {
      const [was, wasLane] = [this.inLikely, this.laneDependent];
      this.inLikely = true;
      this.laneDependent = wasLane || usesVar(e, (v) => this.vectorVars.has(v));
      super.visitCall(e);
      [this.inLikely, this.laneDependent] = [was, wasLane];
    } else {
      super.visitCall(e);
    }
  }

  override visitVar(v: Var): void {
    if (!this.inLikely) return;
    const r = this.record.get(v);
    if (r && (!r.constant || this.laneDependent)) r.used = true;
  }
}

interface CondPartition {
  cond: PrimExpr;
  whenTrue?: IntSet;
  whenFalse?: IntSet;
}

function inverse(cond: PrimExpr): PrimExpr | undefined {
  const c = cond as unknown as { a: PrimExpr; b: PrimExpr };
  switch (cond.kind) {
    case "LT": return op.ge(c.a, c.b);
    case "GT": return op.le(c.a, c.b);
    case "LE": return op.gt(c.a, c.b);
    case "GE": return op.lt(c.a, c.b);
    case "EQ": return op.ne(c.a, c.b);
    case "NE": return op.eq(c.a, c.b);
    default: return undefined;
  }
}

/** For the variable being partitioned, the intervals where each `likely` condition is known. */
class PartitionFinder extends StmtExprVisitor {
  readonly partitions = new Map<PrimExpr, CondPartition>();
  /** Each condition met so far: where it is known true and false at every place (null: nowhere). */
  private readonly seen = new Map<PrimExpr, { whenTrue: IntSet | null; whenFalse: IntSet | null }>();
  private readonly outVars: Set<Var>;
  private readonly hint: Map<Var, IntSet>;
  private readonly relax: Map<Var, IntSet>;

  /** `hinted`: the variable is under the loop_partition_hint pragma: every comparison on it is a partition point. */
  constructor(private readonly current: Var, hint: ReadonlyMap<Var, IntSet>, relax: ReadonlyMap<Var, IntSet>, private readonly hinted = false) {
    super();
    this.hint = new Map(hint);
    this.relax = new Map(relax);
    this.outVars = new Set([...hint.keys(), ...relax.keys()]);
  }

  override visitFor(s: For): void {
    const outer = (v: Var): boolean => this.outVars.has(v);
    if (usesVar(s.min, outer) || usesVar(s.extent, outer)) {
      // Not searched (as in TVM): a condition inside is known nowhere, even if met elsewhere.
      postOrderVisit(s.body, (n) => {
        if (n instanceof Call && isLikely(n)) {
          this.seen.set(n.args[0], { whenTrue: null, whenFalse: null });
          this.partitions.delete(n.args[0]);
        }
      });
      return;
    }
    const dom = IntSet.interval(s.min, op.sub(op.add(s.min, s.extent), 1));
    this.hint.set(s.loopVar, dom);
    this.relax.set(s.loopVar, dom);
    super.visitFor(s);
    this.relax.delete(s.loopVar);
    this.hint.delete(s.loopVar);
  }

  override visitAttrStmt(s: AttrStmt): void {
    if (s.key === "thread_extent" && s.node instanceof IterVar) {
      const v = s.node.var;
      const dom = IntSet.interval(new IntImm(s.value.dtype, 0), op.sub(s.value, 1));
      this.hint.set(v, dom);
      this.relax.set(v, dom);
      super.visitAttrStmt(s);
      this.relax.delete(v);
      this.hint.delete(v);
      return;
    }
    super.visitAttrStmt(s);
  }

  override visitCall(e: Call): void {
    if (isLikely(e)) this.deduce(e.args[0]);
    else super.visitCall(e);
  }

  override visitCompare(e: CompareExpr): void {
    if (this.hinted) this.deduce(e);
    else super.visitCompare(e);
  }

  /**
   * Where `cond` is known true and known false. The same condition (one object) met again, under
   * other inner loops, is known only where it is known at every place: the intervals intersect,
   * and a place where nothing can be deduced leaves nothing.
   */
  private deduce(cond: PrimExpr): void {
    if (!usesVar(cond, (v) => v === this.current)) return;
    const t = deduceBound(this.current, cond, this.hint, this.relax);
    const inv = inverse(cond);
    const f = inv ? deduceBound(this.current, inv, this.hint, this.relax) : IntSet.nothing();
    const before = this.seen.get(cond);
    const merge = (prev: IntSet | null | undefined, now: IntSet): IntSet | null => {
      if (now.isNothing() || prev === null) return null;
      if (prev === undefined) return now;
      const both = intersectSets([prev, now]);
      return both.isNothing() ? null : both;
    };
    const known = { whenTrue: merge(before?.whenTrue, t), whenFalse: merge(before?.whenFalse, f) };
    this.seen.set(cond, known);
    if (known.whenTrue || known.whenFalse) {
      this.partitions.set(cond, { cond, whenTrue: known.whenTrue ?? undefined, whenFalse: known.whenFalse ?? undefined });
    } else {
      this.partitions.delete(cond);
    }
  }
}

/** Replaces the given conditions (by identity) with a constant. */
class ConditionEliminator extends StmtExprMutator {
  constructor(private readonly conds: ReadonlySet<PrimExpr>, private readonly value: boolean) { super(); }
  override visitExpr(e: PrimExpr): PrimExpr {
    if (this.conds.has(e)) return op.constant(this.value, "bool");
    return super.visitExpr(e);
  }
}

class LoopPartitioner extends StmtExprMutator {
  private readonly hint = new Map<Var, IntSet>();
  private readonly relax = new Map<Var, IntSet>();
  private readonly ana = new Analyzer();
  private selector!: CandidateSelector;
  /** The variables of the vectorized loops around the statement being mutated. */
  private readonly vectorVars = new Set<Var>();

  constructor(private readonly opts: LoopPartitionOptions, private readonly hintVars: ReadonlySet<Var>) { super(); }

  visitAndMutate(s: Stmt): Stmt {
    const outer = this.selector;
    this.selector = new CandidateSelector(this.opts.partitionConstLoop ?? false, this.vectorVars, this.hintVars);
    this.selector.visitStmt(s);
    try {
      return this.visitStmt(s);
    } finally {
      if (outer) this.selector = outer;
    }
  }

  override visitFor(s: For): Stmt {
    // As TVM's: the analyzer knows the loop's range, so the bounds of a part simplify with it
    // (a unit loop's variable is its min).
    this.ana.bind(s.loopVar, new Range(s.min, s.extent), true);
    if (this.selector.candidates.has(s)) {
      const r = this.tryPartition(s, s.loopVar, s.min, op.sub(op.add(s.min, s.extent), 1), s.body);
      if (r) return r;
    }
    this.hint.set(s.loopVar, IntSet.interval(s.min, op.sub(op.add(s.min, s.extent), 1)));
    const vector = s.forKind === "vectorized";
    if (vector) this.vectorVars.add(s.loopVar);
    try {
      return super.visitFor(s);
    } finally {
      if (vector) this.vectorVars.delete(s.loopVar);
      this.hint.delete(s.loopVar);
    }
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key === "thread_extent" && s.node instanceof IterVar) {
      const v = s.node.var;
      this.hint.set(v, IntSet.interval(new IntImm(s.value.dtype, 0), op.sub(s.value, 1)));
      try {
        return super.visitAttrStmt(s);
      } finally {
        this.hint.delete(v);
      }
    }
    return super.visitAttrStmt(s);
  }

  /** `s` with its ends simplified by what the analyzer knows of the loops around (TVM intersects with its analyzer). */
  private simplifySet(s: IntSet): IntSet {
    if (s.isNothing()) return s;
    const lo = s.hasLowerBound() ? this.ana.simplify(s.minValue()) : s.minValue();
    const hi = s.hasUpperBound() ? this.ana.simplify(s.maxValue()) : s.maxValue();
    return IntSet.interval(lo, hi);
  }

  /**
   * Conditions known to be `value` on an interval meeting the loop's, and that interval. For a
   * hinted loop whose conditions have no common interval: the longest run of them, in the order
   * met, that has one.
   */
  private intervalAndConds(parts: Iterable<CondPartition>, loop: IntSet, value: boolean, hinted: boolean): [IntSet, Set<PrimExpr>] {
    const sets: IntSet[] = [];
    const conds: PrimExpr[] = [];
    for (const p of parts) {
      const known = value ? p.whenTrue : p.whenFalse;
      if (!known) continue;
      const s = this.simplifySet(known);
      if (!intersectSets([s, loop]).isNothing()) {
        sets.push(s);
        conds.push(p.cond);
      }
    }
    const all = sets.length === 0 ? IntSet.nothing() : intersectSets(sets);
    if (!all.isNothing() || !hinted) return [all, new Set(conds)];
    let run = IntSet.everything();
    const kept = new Set<PrimExpr>();
    for (let i = 0; i < sets.length; i++) {
      const next = intersectSets([run, sets[i]]);
      if (next.isNothing()) break;
      run = next;
      kept.add(conds[i]);
    }
    return kept.size === 0 ? [IntSet.nothing(), kept] : [run, kept];
  }

  /**
   * A part of the loop: `extent` iterations of `body` from 0. One iteration is the body alone;
   * at most one (a symbolic tail such as floordiv(n % 16 + 15, 16)) is the body under `if`,
   * so that the variable becomes 0 and the guards inside can be partitioned in turn.
   */
  private makeFor(s: For, extent: PrimExpr, body: Stmt): Stmt {
    const first = (): Stmt => substitute(body, new Map([[s.loopVar, new IntImm(s.loopVar.dtype, 0)]]));
    if (this.opts.noUnrollLoopWithExtentOne) return new For(s.loopVar, new IntImm(s.min.dtype, 0), extent, s.forKind, body);
    if (this.ana.canProve(op.eq(extent, 1))) return first();
    if (!(extent instanceof IntImm) && this.ana.canProve(op.le(extent, 1))) return new IfThenElse(op.lt(0, extent), first());
    return new For(s.loopVar, new IntImm(s.min.dtype, 0), extent, s.forKind, body);
  }

  private tryPartition(s: For, v: Var, min: PrimExpr, max: PrimExpr, body: Stmt): Stmt | undefined {
    this.hint.set(v, IntSet.interval(min, max));
    const hinted = this.hintVars.has(v);
    const finder = new PartitionFinder(v, this.hint, this.relax, hinted);
    finder.visitStmt(body);
    this.hint.delete(v);
    if (finder.partitions.size === 0) return undefined;

    const loop = IntSet.interval(min, max);
    let condValue = true;
    let [middle, conds] = this.intervalAndConds(finder.partitions.values(), loop, true, hinted);
    if (middle.isNothing()) {
      [middle, conds] = this.intervalAndConds(finder.partitions.values(), loop, false, hinted);
      if (middle.isNothing()) {
        if (hinted && this.opts.unrollLoopWithPartitionHintNoInterval && this.ana.canProve(op.gt(op.sub(max, min), 0))) {
          return new For(v, min, op.add(op.sub(max, min), 1), "unrolled", this.visitAndMutate(body));
        }
        return undefined;
      }
      condValue = false;
    }
    const ana = this.ana;
    const shifted = (by: PrimExpr, b: Stmt): Stmt => substitute(b, new Map([[v, op.add(v, by)]]));

    // The loop splits into [min, bodyBegin) + [bodyBegin, postBegin) + [postBegin, max + 1).
    // Where the ends cannot be proved in order they are clamped (min <= bodyBegin <= postBegin
    // <= max + 1), so the three parts always partition the loop, even when the middle interval
    // lies partly or wholly outside it; TVM clamps only one side of each end.
    const end = op.add(max, 1);
    // Only an executed loop matters: assuming extent >= 1 the order of the ends is often
    // provable. A proof that needs the assumption holds only where the loop runs, so the parts
    // are then guarded by `min <= max` (a part of one iteration is emitted without its loop and
    // would otherwise run where the original loop ran zero times).
    const runs = op.le(min, max);
    const nonEmpty = ana.canProve(runs);
    let assumedRuns = false;
    const provedIfRuns = (cond: PrimExpr): boolean => {
      if (ana.canProve(cond)) return true;
      if (nonEmpty || !ana.withConstraint(runs, () => ana.canProve(cond))) return false;
      assumedRuns = true;
      return true;
    };
    let bodyBegin: PrimExpr = min;
    let pre: Stmt | undefined;
    let preRecurse = true;
    if (middle.hasLowerBound()) {
      bodyBegin = ana.simplify(middle.minValue());
      if (!ana.canProve(op.eq(bodyBegin, min))) {
        if (!ana.canProve(op.ge(op.sub(bodyBegin, min), 0))) {
          bodyBegin = op.max(bodyBegin, min);
          preRecurse = false;
        }
        if (!provedIfRuns(op.le(bodyBegin, end))) {
          bodyBegin = op.min(bodyBegin, end);
          preRecurse = false;
        }
        pre = this.makeFor(s, op.sub(bodyBegin, min), shifted(min, body));
      }
    }
    let postBegin: PrimExpr = end;
    let post: Stmt | undefined;
    let postRecurse = true;
    if (middle.hasUpperBound()) {
      postBegin = ana.simplify(op.add(middle.maxValue(), 1));
      if (!ana.canProve(op.eq(middle.maxValue(), max))) {
        if (!ana.canProve(op.ge(op.add(op.sub(max, postBegin), 1), 0))) {
          postBegin = op.min(postBegin, end);
          postRecurse = false;
        }
        if (!provedIfRuns(op.ge(postBegin, bodyBegin))) {
          postBegin = op.max(postBegin, bodyBegin);
          postRecurse = false;
        }
        post = this.makeFor(s, op.add(op.sub(max, postBegin), 1), shifted(postBegin, body));
      }
    }
    let mid: Stmt | undefined;
    if (!ana.canProve(op.ge(bodyBegin, postBegin))) {
      const known = new ConditionEliminator(conds, condValue).visitStmt(body);
      mid = this.makeFor(s, op.sub(postBegin, bodyBegin), shifted(bodyBegin, known));
      if (pre || post) {
        mid = this.visitAndMutate(mid);
        if (pre && preRecurse) pre = this.visitAndMutate(pre);
        if (post && postRecurse) post = this.visitAndMutate(post);
      }
    }
    const parts = SeqStmt.flatten([pre, mid, post]);
    return convertSSA(assumedRuns ? new IfThenElse(runs, parts) : parts);
  }
}

/** Drops `likely` tags (`likely(c)` becomes `c`) and loop_partition_hint attributes. */
class LikelyRemover extends StmtExprMutator {
  override visitCall(e: Call): PrimExpr {
    if (isLikely(e)) return this.visitExpr(e.args[0]);
    return super.visitCall(e);
  }
  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key === PARTITION_HINT) return this.visitStmt(s.body);
    return super.visitAttrStmt(s);
  }
}

/** The loop variables under a loop_partition_hint pragma whose value is not 0. */
function partitionHintVars(body: Stmt): Set<Var> {
  const vars = new Set<Var>();
  const ana = new Analyzer();
  postOrderVisit(body, (n) => {
    if (!(n instanceof AttrStmt) || n.key !== PARTITION_HINT) return;
    if (n.value instanceof IntImm ? n.value.value === 0 : !(n.value.dtype.isBool() && ana.canProve(n.value))) return;
    const v = n.node instanceof IterVar ? n.node.var : n.node;
    if (!(v instanceof Var)) throw new ScheduleError(`loopPartition: pragma loop_partition_hint must be on a loop variable, got ${String(n.node)}`);
    vars.add(v);
  });
  return vars;
}

/** Splits loops at their `likely` guards (see the header), then removes every `likely` tag. */
export function loopPartition(f: PrimFunc, opts: LoopPartitionOptions = {}): PrimFunc {
  checkPrimFunc(f, "loopPartition");
  const body = new LoopPartitioner(opts, partitionHintVars(f.body)).visitAndMutate(f.body);
  return f.withBody(new LikelyRemover().visitStmt(body));
}
