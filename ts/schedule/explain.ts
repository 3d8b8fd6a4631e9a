// Bound explanations: for every stage, the region bound inference gave it at its attach point
// and why — which consumer asked for what, over which loops (relaxed inside the attach point,
// fixed at or outside it), or what its op kind says (an output, an extern without a region map:
// whole tensor; op_kinds/). This is how a user sees why an allocation is 96 elements rather than 32.

import { ArgumentError } from "../errors.js";
import { IntImm, type PrimExpr } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import { add, mul } from "../ir/op.js";
import { Analyzer } from "../arith/analyzer.js";
import type { IntSet } from "../arith/int_set.js";
import { unionSets } from "../arith/int_set.js";
import { opKindOf } from "./op_kinds/index.js";
import type { Tensor } from "../te/tensor.js";
import { inferBound } from "./bound.js";
import type { BoundTrace } from "./bound_trace.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

/** What one consumer asks of a stage's output, in a {@link StageExplanation}. */
export interface ConsumerRequest {
  /** The consumer stage's name. */
  consumer: string;
  /** The tensor it reads. */
  tensor: string;
  /** The region asked for, one "min:end" a dimension. */
  region: string[];
  /** The loops inside the attach point, over whose whole range the region was relaxed. */
  relaxedLoops: string[];
  /** The loops outside the attach point, at a fixed value. */
  fixedLoops: string[];
}

/** Why a stage's bound (the region it computes and stores) is what it is. */
export interface StageExplanation {
  /** The stage's name. */
  stage: string;
  /** What computes it: "compute", "extern", "extern (tiled)", "scan" (its op kind's name). */
  kind: string;
  /** "root", or "at <stage>.<loop>". */
  attach: string;
  /** The region stored for the stage's output, one "min:end" a dimension. */
  region: string[];
  /** Elements allocated for one output (the product of the extents), as text. */
  elements: string;
  /** Why the region is as it is, one sentence a line. */
  reasons: string[];
  /** What each consumer asks for. */
  requests: ConsumerRequest[];
}

const ana = new Analyzer();

function rangeText(min: PrimExpr, extent: PrimExpr): string {
  return `${ana.simplify(min)}:${ana.simplify(add(min, extent))}`;
}

function setText(s: IntSet): string {
  if (!s.hasLowerBound() || !s.hasUpperBound()) return "(unbounded)";
  return `${ana.simplify(s.minValue())}:${ana.simplify(add(s.maxValue(), 1))}`;
}

function product(extents: PrimExpr[]): string {
  return String(ana.simplify(extents.reduce<PrimExpr>((a, e) => mul(a, e), new IntImm("int32", 1))));
}

/**
 * Why each stage's bounds are what they are: {@link explainBounds}'s result and
 * `lower(..., {explain: true}).explanation`; `String(e)` prints it.
 */
export class BoundExplanation {
  /** @param stages One explanation a stage. */
  constructor(readonly stages: StageExplanation[]) {}

  /**
   * The explanation of the stage named `stage`.
   * @param stage A stage's name.
   * @throws Error listing the stages when there is none of that name.
   */
  get(stage: string): StageExplanation {
    const s = this.stages.find((x) => x.stage === stage);
    if (!s) throw new ArgumentError(`no stage '${stage}' in the explanation; stages: ${this.stages.map((x) => x.stage).join(", ")}`);
    return s;
  }

  /** The explanation as text, a paragraph a stage. */
  toString(): string {
    const lines: string[] = [];
    for (const s of this.stages) {
      lines.push(`stage '${s.stage}' (${s.kind}, ${s.attach}): region [${s.region.join(", ")}] = ${s.elements} elements`);
      for (const r of s.reasons) lines.push(`  ${r}`);
      for (const q of s.requests) {
        const loops: string[] = [];
        if (q.relaxedLoops.length > 0) loops.push(`over loops ${q.relaxedLoops.join(", ")} (inside the attach point: their whole range)`);
        if (q.fixedLoops.length > 0) loops.push(`at fixed ${q.fixedLoops.join(", ")}`);
        lines.push(`  consumer '${q.consumer}' reads ${q.tensor}[${q.region.join(", ")}]${loops.length ? " " + loops.join(", ") : ""}`);
      }
    }
    return lines.join("\n");
  }
}

class Recorder implements BoundTrace {
  readonly requests = new Map<Stage, ConsumerRequest[]>();
  consumerRequest(stage: Stage, consumer: Stage, tmap: ReadonlyMap<Tensor, IntSet[][]>, before: ReadonlyMap<Tensor, number[]>, relaxed: IterVar[], fixed: IterVar[]): void {
    const list = this.requests.get(stage) ?? [];
    for (const [t, dims] of tmap) {
      const start = before.get(t) ?? dims.map(() => 0);
      const added = dims.map((sets, d) => sets.slice(start[d]));
      if (added.every((a) => a.length === 0)) continue;
      list.push({
        consumer: consumer.name,
        tensor: t.name,
        region: added.map((a) => (a.length === 0 ? "[?]" : setText(unionSets(a)))),
        relaxedLoops: relaxed.map((iv) => iv.name).reverse(),
        fixedLoops: fixed.map((iv) => iv.name).reverse(),
      });
    }
    this.requests.set(stage, list);
  }
}

/** Explains the bounds of a schedule (normalized internally; `s` is not changed). */
export function explainBounds(s: Schedule): BoundExplanation {
  const sch = s.normalize();
  const rec = new Recorder();
  const bounds = inferBound(sch, rec);
  const out: StageExplanation[] = [];
  for (const st of sch.stages) {
    const kindOf = opKindOf(st.op);
    if (kindOf.isInput || st.attachType === "inlinedAlready") continue;
    const attach = st.attachType === "scope" ? `at ${st.attachStage!.name}.${st.attachIvar!.name}` : st.scanStage ? `in ${st.scanStage.name}'s time loop` : "root";
    const { kind, ranges, reasons } = kindOf.explain(st.op, st, bounds);
    out.push({
      stage: st.name,
      kind,
      attach,
      region: ranges.map((r) => rangeText(r.min, r.extent)),
      elements: product(ranges.map((r) => r.extent)),
      reasons,
      requests: rec.requests.get(st) ?? [],
    });
  }
  return new BoundExplanation(out.reverse());
}
