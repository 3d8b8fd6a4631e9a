// Prefetch injection (TVM's InjectPrefetch, with its StorageFlatten step folded in): each
// `attr [T] "prefetch_scope" = offset` that Stage.prefetch put at the start of a loop's body
// becomes, ahead of that body, a loop nest of `tir.prefetch(address_of(T[...]), 0, 3, 1)`
// calls (read, high locality, data cache; C's __builtin_prefetch) covering the region of T the
// body reads when the loop variable is `v + offset`: loops inside the body range over their
// extents, and the region is cut to T's shape so no address leaves the tensor. The innermost
// dimension steps by a cache line (one call per 64 bytes from the region's first element), a
// dimension of one element has no loop. Runs on the schedule-ops output, before StorageFlatten
// (which flattens the loads). A prefetch is a hint: results do not change.

import { ScheduleError } from "../errors.js";
import { Buffer } from "../ir/buffer.js";
import { BufferLoad, Call, IntImm, ProducerLoad, type PrimExpr, Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator, StmtExprVisitor } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { AttrStmt, Evaluate, For, SeqStmt, type Stmt } from "../ir/stmt.js";
import { Range } from "../ir/iter_var.js";
import { substitute } from "../ir/substitute.js";
import { Tensor } from "../te/tensor.js";
import { Analyzer } from "../arith/analyzer.js";
import { IntSet, evalSet, unionSets } from "../arith/int_set.js";
import { PREFETCH_SCOPE } from "../schedule/loop_nest.js";
import { checkPrimFunc } from "./check_func.js";
import { ADDRESS_OF } from "./host_builtins.js";

/** Bytes of a cache line: one prefetch call covers this much of the innermost dimension. */
export const CACHE_LINE_BYTES = 64;

export const PREFETCH = "tir.prefetch";

/** What is prefetched: a tensor (read by ProducerLoad) or, after schedule-ops binds it, its buffer. */
type Target = Tensor | Buffer;

/** The index sets of every load of `target` in `body`, per dimension, with `ranges` relaxed. */
function touchedRegion(body: Stmt, target: Target, ranges: Map<Var, IntSet>): IntSet[] | undefined {
  const perDim: IntSet[][] = target.shape.map(() => []);
  const loops = new Map(ranges);
  class Finder extends StmtExprVisitor {
    override visitFor(s: For): void {
      loops.set(s.loopVar, IntSet.interval(s.min, op.sub(op.add(s.min, s.extent), 1)));
      super.visitFor(s);
    }
    override visitProducerLoad(e: ProducerLoad): void {
      super.visitProducerLoad(e);
      if (e.producer === target) e.indices.forEach((i, d) => perDim[d].push(evalSet(i, loops)));
    }
    override visitBufferLoad(e: BufferLoad): void {
      super.visitBufferLoad(e);
      if (e.buffer === target) e.indices.forEach((i, d) => perDim[d].push(evalSet(i, loops)));
    }
  }
  new Finder().visitStmt(body);
  if (perDim.some((sets) => sets.length === 0)) return undefined;
  return perDim.map((sets) => unionSets(sets));
}

class PrefetchInjector extends StmtExprMutator {
  private readonly loops: For[] = [];

  override visitFor(s: For): Stmt {
    this.loops.push(s);
    try {
      return super.visitFor(s);
    } finally {
      this.loops.pop();
    }
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key !== PREFETCH_SCOPE || !(s.node instanceof Tensor || s.node instanceof Buffer)) return super.visitAttrStmt(s);
    const tensor = s.node;
    const body = this.visitStmt(s.body);
    const loop = this.loops[this.loops.length - 1];
    if (!loop) throw new ScheduleError(`prefetch of '${tensor.name}': it must sit in a loop`);
    if (this.loops.some((l) => l.forKind === "vectorized")) {
      throw new ScheduleError(`prefetch of '${tensor.name}' in loop '${loop.loopVar.name}': the loop is or is inside a vectorized loop; prefetch in a loop outside the vectorized one`);
    }
    // What the body reads at iteration v + offset, its inner loops over their whole range.
    const ahead = substitute(body, new Map([[loop.loopVar, op.add(loop.loopVar, s.value)]]));
    const region = touchedRegion(ahead, tensor, new Map());
    if (!region || region.some((r) => !r.hasLowerBound() || !r.hasUpperBound())) return body;
    return SeqStmt.flatten([this.prefetchNest(tensor, region), body]);
  }

  /** Loops over the region (cut to the shape), the innermost dimension a cache line a step. */
  private prefetchNest(tensor: Target, region: IntSet[]): Stmt {
    const ana = new Analyzer();
    for (const l of this.loops) ana.bind(l.loopVar, new Range(l.min, l.extent));
    const bytes = Math.max(1, (tensor.dtype.bits * tensor.dtype.lanes) / 8);
    const perLine = Math.max(1, Math.floor(CACHE_LINE_BYTES / bytes));
    const mins: PrimExpr[] = [];
    const extents: PrimExpr[] = [];
    region.forEach((r, d) => {
      const lo = ana.simplify(op.max(r.minValue(), 0));
      const hi = ana.simplify(op.min(op.add(r.maxValue(), 1), tensor.shape[d]));
      mins.push(lo);
      extents.push(ana.simplify(op.max(op.sub(hi, lo), 0)));
    });
    const last = region.length - 1;
    const vars = region.map((_, d) => new Var(`prefetch.${tensor.name}.${d}`, "int32"));
    const indices = vars.map((v, d) => (d === last && perLine > 1 ? op.add(mins[d], op.mul(v, perLine)) : op.add(mins[d], v)));
    const load = tensor instanceof Tensor ? new ProducerLoad(tensor, indices) : new BufferLoad(tensor, indices);
    const address = new Call("handle", ADDRESS_OF, [load]);
    let stmt: Stmt = new Evaluate(new Call("int32", PREFETCH, [address, new IntImm("int32", 0), new IntImm("int32", 3), new IntImm("int32", 1)]));
    for (let d = last; d >= 0; d--) {
      const extent = d === last && perLine > 1 ? ana.simplify(op.floordiv(op.add(extents[d], perLine - 1), perLine)) : extents[d];
      // A dimension of one element needs no loop.
      stmt = ana.canProve(op.eq(extent, 1))
        ? substitute(stmt, new Map([[vars[d], new IntImm("int32", 0)]]))
        : new For(vars[d], new IntImm("int32", 0), extent, "serial", stmt);
    }
    return stmt;
  }
}

/** Turns the prefetch_scope attributes of Stage.prefetch into prefetch calls (see the header). */
export function injectPrefetch(f: PrimFunc): PrimFunc {
  checkPrimFunc(f, "injectPrefetch");
  return f.withBody(new PrefetchInjector().visitStmt(f.body));
}
