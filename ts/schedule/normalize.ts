// Normalization before bound inference, as TVM's Schedule.normalize: place the members of
// groups as their groups are placed (TVM reads this through GetAttachSpec), substitute inlined stages
// into their consumers (rewriting the dataflow), rebase every root axis that is still a loop so
// loops start at 0, and move attach points that were split or fused to the derived leaf axis.

import { ScheduleError } from "../errors.js";
import { PrimExpr, ProducerLoad, Reduce, Var } from "../ir/expr.js";
import { ExprMutator } from "../ir/functor.js";
import { IterVar } from "../ir/iter_var.js";
import { substitute } from "../ir/substitute.js";
import { ComputeOp } from "../te/compute.js";
import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";
import { RebaseRelation } from "./relations.js";
import type { Schedule } from "./schedule.js";
import { resolveGroupAttach } from "./group.js";

/** Replaces reads of `op`'s output by `body` with the op's axes bound to the read indices. */
function inlineReads(e: PrimExpr, op: Operation, args: Var[], body: PrimExpr): PrimExpr {
  const target = op.output(0);
  class Inliner extends ExprMutator {
    override visitProducerLoad(l: ProducerLoad): PrimExpr {
      const base = super.visitProducerLoad(l) as ProducerLoad;
      if (base.producer !== target) return base;
      return substitute(body, new Map(args.map((a, i) => [a, base.indices[i]])));
    }
  }
  return new Inliner().visitExpr(e);
}

function injectInline(sch: Schedule): void {
  const n = sch.stages.length;
  const newBody: (PrimExpr[] | undefined)[] = new Array(n).fill(undefined);
  const changed: boolean[] = new Array(n).fill(false);
  for (let i = n - 1; i >= 0; i--) {
    const stage = sch.stages[i];
    if (stage.attachType !== "inline") continue;
    stage.attachType = "inlinedAlready";
    const compute = stage.op as ComputeOp;
    const args = compute.axis.map((iv) => iv.var);
    const body = compute.body[0];
    for (let j = i; j < n; j++) {
      const s = sch.stages[j];
      if (!(s.op instanceof ComputeOp)) continue;
      const cur = newBody[j] ?? s.op.body;
      newBody[j] = cur;
      if (cur[0] instanceof Reduce) {
        const r = inlineReads(cur[0], compute, args, body) as Reduce;
        if (r !== cur[0]) {
          changed[j] = true;
          newBody[j] = cur.map((_, k) => new Reduce(r.combiner, r.source, r.axis, r.condition, k, r.init));
        }
      } else {
        const next = cur.map((e) => inlineReads(e, compute, args, body));
        if (next.some((e, k) => e !== cur[k])) {
          changed[j] = true;
          newBody[j] = next;
        }
      }
    }
  }
  const repl = new Map<Tensor, Tensor>();
  for (let i = 0; i < n; i++) {
    const s = sch.stages[i];
    if (s.attachType === "inlinedAlready") continue;
    let op: Operation = s.op;
    if (changed[i]) op = (s.op as ComputeOp).withBody(newBody[i]!);
    op = op.replaceInputs(repl);
    if (op !== s.op) {
      for (let k = 0; k < s.op.numOutputs; k++) repl.set(s.op.output(k), op.output(k));
      s.op = op;
      sch.mapStage(op, s);
    }
  }
  sch.outputs = sch.outputs.map((o) => (sch.hasStage(o) ? sch.stage(o).op : o));
}

function rebaseRootLoops(sch: Schedule): void {
  const rebaseMap = new Map<IterVar, IterVar>();
  for (const s of sch.stages) {
    if (s.attachType === "inlinedAlready") continue;
    for (const iv of s.op.rootIterVars()) {
      const idx = s.leafIterVars.indexOf(iv);
      if (idx < 0) continue;
      const rebased = new IterVar(undefined, iv.var.copyWithSuffix(""), iv.iterType, iv.threadTag);
      s.relations.push(new RebaseRelation(iv, rebased));
      s.allIterVars.push(rebased);
      const attr = s.iterVarAttrs.get(iv);
      if (attr) s.iterVarAttrs.set(rebased, attr);
      s.leafIterVars[idx] = rebased;
      rebaseMap.set(iv, rebased);
    }
  }
  for (const s of sch.stages) {
    if (s.attachType === "scope" && s.attachIvar && rebaseMap.has(s.attachIvar)) {
      s.attachIvar = rebaseMap.get(s.attachIvar);
    }
  }
}

/** An attach axis that was split moves to the inner part; one that was fused, to the fused axis. */
function legalizeInvalidAttach(sch: Schedule): void {
  for (const s of sch.stages) {
    if (s.attachType !== "scope" || !s.attachStage || !s.attachIvar) continue;
    const target = s.attachStage;
    let iv = s.attachIvar;
    const seen = new Set<IterVar>();
    while (!target.leafIterVars.includes(iv)) {
      if (seen.has(iv)) break;
      seen.add(iv);
      let next: IterVar | undefined;
      for (const r of target.relations) {
        if (r.kind === "split" && r.parent === iv) next = r.inner;
        else if (r.kind === "fuse" && (r.outer === iv || r.inner === iv)) next = r.fused;
        else if (r.kind === "rebase" && r.parent === iv) next = r.rebased;
      }
      if (!next) {
        throw new ScheduleError(`stage '${s.name}': its attach axis '${iv.name}' is no longer a loop of '${target.name}'`);
      }
      iv = next;
    }
    s.attachIvar = iv;
  }
}

/** A normalized copy of `sch`, ready for bound inference and schedule-ops. */
export function normalize(sch: Schedule): Schedule {
  const c = sch.copy();
  resolveGroupAttach(c);
  injectInline(c);
  rebaseRootLoops(c);
  legalizeInvalidAttach(c);
  return c;
}
