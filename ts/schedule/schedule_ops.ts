// Schedule-ops (TVM's ScheduleOps): builds the whole loop program from a normalized schedule
// and its inferred bounds. Stages are placed from the outputs back: a root stage's pipeline
// (realize, provide, then what follows) wraps the program so far; an attached stage's pipeline
// is injected inside its attach loop, before the consumer's body there. A stage an op kind
// places (a scan's init and body) goes at that kind's marker in the placing stage's statement;
// post-processing then writes the kind's aliases as its outputs and drops the markers. What a
// stage's statement and storage are comes from its op kind (op_kinds/).

import { InternalError, ScheduleError } from "../errors.js";
import { type DataProducer, type PrimExpr, ProducerLoad, StringImm } from "../ir/expr.js";
import { StmtExprMutator } from "../ir/functor.js";
import { IterVar, Range } from "../ir/iter_var.js";
import { AttrStmt, ProducerRealize, ProducerStore, SeqStmt, type Stmt, isNoOp } from "../ir/stmt.js";
import { Operation } from "../te/operation.js";
import { Tensor } from "../te/tensor.js";
import { OP_KINDS, opKindOf } from "./op_kinds/index.js";
import { LOOP_SCOPE } from "./loop_nest.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

export const REALIZE_SCOPE = "realize_scope";

function buildProvide(stage: Stage, domMap: ReadonlyMap<IterVar, Range>): Stmt {
  return opKindOf(stage.op).buildProvide(stage.op, stage, domMap);
}

function buildRealize(stage: Stage, domMap: ReadonlyMap<IterVar, Range>, body: Stmt): Stmt {
  return opKindOf(stage.op).buildRealize(stage.op, stage, domMap, body);
}

/** Realize + provide of `stage`, followed by `consumer` (what runs after it in the same scope). */
function makePipeline(stage: Stage, domMap: ReadonlyMap<IterVar, Range>, consumer: Stmt | undefined): Stmt {
  const producer = buildProvide(stage, domMap);
  let pipeline = consumer && !isNoOp(consumer) ? SeqStmt.flatten([producer, consumer]) : producer;
  pipeline = buildRealize(stage, domMap, pipeline);
  return new AttrStmt(stage.op, REALIZE_SCOPE, new StringImm(stage.scope), pipeline);
}

class InjectAttach extends StmtExprMutator {
  found = false;
  constructor(private readonly stage: Stage, private readonly domMap: ReadonlyMap<IterVar, Range>) { super(); }
  override visitAttrStmt(s: AttrStmt): Stmt {
    const base = super.visitAttrStmt(s) as AttrStmt;
    if (base.key === LOOP_SCOPE && base.node === this.stage.attachIvar) {
      if (this.found) throw new InternalError(`loop '${this.stage.attachIvar!.name}' appears twice in the program`);
      this.found = true;
      return new AttrStmt(base.node, base.key, base.value, makePipeline(this.stage, this.domMap, base.body));
    }
    return base;
  }
}

/** Places a stage at a marker of another stage's statement (a scan's init or update marker). */
class InjectAtMarker extends StmtExprMutator {
  found = false;
  constructor(
    private readonly stage: Stage,
    private readonly placer: Operation,
    private readonly key: string,
    private readonly domMap: ReadonlyMap<IterVar, Range>,
  ) { super(); }
  override visitAttrStmt(s: AttrStmt): Stmt {
    const base = super.visitAttrStmt(s) as AttrStmt;
    if (base.key !== this.key || base.node !== this.placer) return base;
    this.found = true;
    return new AttrStmt(base.node, base.key, base.value, makePipeline(this.stage, this.domMap, base.body));
  }
}

/**
 * Drops the loop_scope markers once every stage is placed, and names every tensor by its
 * original op: a stage whose op was replaced (inlining rewrote its body, a cache rewired its
 * inputs) still writes the tensor the user holds, e.g. an output passed to lower().
 */
class PostProc extends StmtExprMutator {
  private readonly tensors = new Map<Tensor, Tensor>();
  private readonly ops = new Map<Operation, Operation>();
  /** Tensors that are another op's output under their name, with no storage of their own (a scan's init and update). */
  private readonly folded = new Set<Tensor>();
  /** Marker keys of the op kinds, dropped once stages are placed. */
  private readonly markers = new Set<string>([LOOP_SCOPE, ...OP_KINDS.flatMap((k) => k.markers ?? [])]);

  constructor(sch: Schedule) {
    super();
    for (const st of sch.stages) {
      if (st.op === st.originOp) continue;
      this.ops.set(st.op, st.originOp);
      for (let i = 0; i < st.op.numOutputs; i++) this.tensors.set(st.op.output(i), st.originOp.output(i));
    }
    for (const st of sch.stages) {
      for (const a of opKindOf(st.op).aliases?.(st.op, st.originOp) ?? []) {
        this.tensors.set(a.from, a.to);
        if (!a.ownStorage) this.folded.add(a.from);
      }
    }
  }

  private tensor(t: DataProducer): Tensor {
    return this.tensors.get(t as Tensor) ?? (t as Tensor);
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    const base = super.visitAttrStmt(s) as AttrStmt;
    if (this.markers.has(base.key)) return base.body;
    const node = base.node;
    if (base.key === REALIZE_SCOPE && node instanceof Operation && node.outputs.some((t) => this.folded.has(t))) return base.body;
    if (node instanceof Tensor && this.folded.has(node) && base.key === "buffer_dim_align") return base.body;
    if (node instanceof Operation && this.ops.has(node)) return new AttrStmt(this.ops.get(node), base.key, base.value, base.body);
    if (node instanceof Tensor && this.tensors.has(node)) return new AttrStmt(this.tensors.get(node), base.key, base.value, base.body);
    if (Array.isArray(node) && node[1] instanceof Tensor && this.tensors.has(node[1])) {
      return new AttrStmt([node[0], this.tensors.get(node[1])], base.key, base.value, base.body);
    }
    return base;
  }
  override visitProducerRealize(s: ProducerRealize): Stmt {
    const base = super.visitProducerRealize(s) as ProducerRealize;
    if (this.folded.has(base.producer as Tensor)) return base.body;
    const t = this.tensor(base.producer);
    return t === base.producer ? base : new ProducerRealize(t, base.bounds, base.condition, base.body);
  }
  override visitProducerStore(s: ProducerStore): Stmt {
    const base = super.visitProducerStore(s) as ProducerStore;
    const t = this.tensor(base.producer);
    return t === base.producer ? base : new ProducerStore(t, base.value, base.indices);
  }
  override visitProducerLoad(e: ProducerLoad): PrimExpr {
    const base = super.visitProducerLoad(e) as ProducerLoad;
    const t = this.tensor(base.producer);
    return t === base.producer ? base : new ProducerLoad(t, base.indices);
  }
}

/** The stages op kinds place at markers of their statements (a scan's init and body): by whom, at which marker. */
function placements(sch: Schedule): Map<Stage, { placer: Stage; marker: string }> {
  const placed = new Map<Stage, { placer: Stage; marker: string }>();
  for (const st of sch.stages) {
    for (const p of opKindOf(st.op).placedStages?.(st.op, st, sch) ?? []) {
      const other = placed.get(p.stage);
      if (other && other.placer !== st) {
        throw new ScheduleError(`stage '${p.stage.name}' is placed inside both '${other.placer.name}' and '${st.name}' (e.g. the init of two scans); it can belong to one only`);
      }
      placed.set(p.stage, { placer: st, marker: p.marker });
    }
  }
  return placed;
}

/**
 * The loop program of a normalized schedule with its inferred bounds (TVM's ScheduleOps):
 * `const n = s.normalize(); schedule.scheduleOps(n, schedule.inferBound(n))`, before any TIR pass.
 */
export function scheduleOps(sch: Schedule, domMap: ReadonlyMap<IterVar, Range>): Stmt {
  let body: Stmt | undefined;
  const placed = placements(sch);
  for (let i = sch.stages.length - 1; i >= 0; i--) {
    const s = sch.stages[i];
    if (opKindOf(s.op).isInput || s.attachType === "inlinedAlready") continue;
    if (s.attachType === "inline") throw new ScheduleError(`stage '${s.name}' must be normalized before schedule-ops`);
    const at = placed.get(s);
    if (at) {
      const inject = new InjectAtMarker(s, at.placer.op, at.marker, domMap);
      if (body) body = inject.visitStmt(body);
      if (!inject.found) throw new ScheduleError(`stage '${s.name}': '${at.placer.name}', whose statement it runs in (${at.marker}), is not in the program (is it attached inside a stage computed later?)`);
    } else if (s.attachType === "root") {
      body = makePipeline(s, domMap, body);
    } else {
      if (!body) throw new ScheduleError(`stage '${s.name}' is attached to '${s.attachStage!.name}', which is not in the program`);
      const inject = new InjectAttach(s, domMap);
      body = inject.visitStmt(body);
      if (!inject.found) {
        throw new ScheduleError(`stage '${s.name}': attach loop '${s.attachIvar!.name}' of '${s.attachStage!.name}' was not found in the program (is '${s.attachStage!.name}' inlined or attached to a stage computed later?)`);
      }
    }
  }
  if (!body) throw new ScheduleError("the schedule has nothing to compute");
  return new PostProc(sch).visitStmt(body);
}
