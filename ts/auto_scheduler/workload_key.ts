// The workload key: a structural hash of a TE program, the same for every schedule of it and for
// the same program written with other names. Ops are walked from the outputs (inputs first, in
// schedule order); each is written as its kind, output shapes and dtypes, and body, where loop,
// reduction and size variables become their position of first appearance and tensors become the
// index of their op. What names do not decide is left out; what they decide is kept: the names of
// called functions (a packed or extern call), and an extern's body, printed with its buffers
// renamed. `workloadNames` lists the stage and axis names in the same order, so a trace recorded
// on one spelling of a program can be renamed for another (translateTrace in records.ts).

import { createHash } from "node:crypto";
import {
  BinaryExpr, Broadcast, Call, Cast, CompareExpr, FloatImm, IntImm, Let, LogicalExpr, Not, type PrimExpr,
  ProducerLoad, Ramp, Reduce, Select, Shuffle, StringImm, Var,
} from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import { ComputeOp } from "../te/compute.js";
import { ExternOp, type Region } from "../te/extern.js";
import type { Operation } from "../te/operation.js";
import { PlaceholderOp } from "../te/placeholder.js";
import { ScanOp } from "../te/scan.js";
import { Tensor } from "../te/tensor.js";
import { createSchedule } from "../schedule/schedule.js";

class Writer {
  private readonly vars = new Map<Var, number>();
  constructor(private readonly opIndex: Map<Operation, number>) {}

  v(x: Var): string {
    let k = this.vars.get(x);
    if (k === undefined) {
      k = this.vars.size;
      this.vars.set(x, k);
    }
    return `v${k}`;
  }

  iv(x: IterVar): string {
    return `${this.v(x.var)}[${x.dom ? `${this.e(x.dom.min)},${this.e(x.dom.extent)}` : ""}]${x.iterType}`;
  }

  e(x: PrimExpr): string {
    const d = x.dtype.toString();
    if (x instanceof Var) return this.v(x);
    if (x instanceof IntImm || x instanceof FloatImm) return `${x.value}:${d}`;
    if (x instanceof StringImm) return JSON.stringify(x.value);
    if (x instanceof Cast) return `cast:${d}(${this.e(x.value)})`;
    if (x instanceof BinaryExpr || x instanceof CompareExpr || x instanceof LogicalExpr) return `${x.kind}(${this.e(x.a)},${this.e(x.b)})`;
    if (x instanceof Not) return `not(${this.e(x.a)})`;
    if (x instanceof Select) return `select(${this.e(x.condition)},${this.e(x.trueValue)},${this.e(x.falseValue)})`;
    if (x instanceof Ramp) return `ramp(${this.e(x.base)},${this.e(x.stride)},${x.lanes})`;
    if (x instanceof Broadcast) return `bcast(${this.e(x.value)},${x.lanes})`;
    if (x instanceof Shuffle) return `shuffle(${x.vectors.map((y) => this.e(y)).join(",")};${x.indices.join(",")})`;
    if (x instanceof Let) return `let(${this.v(x.variable)}=${this.e(x.value)};${this.e(x.body)})`;
    if (x instanceof Call) return `call:${d}:${x.op}(${x.args.map((y) => this.e(y)).join(",")})`;
    if (x instanceof ProducerLoad) {
      const t = x.producer;
      const ref = t instanceof Tensor ? `t${this.opIndex.get(t.op) ?? "?"}.${t.valueIndex}` : `p?`;
      return `${ref}[${x.indices.map((y) => this.e(y)).join(",")}]`;
    }
    if (x instanceof Reduce) {
      const c = x.combiner;
      const comb = `${c.lhs.map((y) => this.v(y)).join(",")};${c.rhs.map((y) => this.v(y)).join(",")};${c.result.map((y) => this.e(y)).join(",")};${c.identity.map((y) => this.e(y)).join(",")}`;
      return `reduce{${comb}}(${x.source.map((y) => this.e(y)).join(",")};${x.axis.map((a) => this.iv(a)).join(",")};${this.e(x.condition)};${x.valueIndex};${x.init.map((y) => this.e(y)).join(",")})`;
    }
    return `${x.constructor.name}:${d}:${String(x)}`;
  }

  shape(s: readonly PrimExpr[]): string { return `[${s.map((y) => this.e(y)).join(",")}]`; }
}

function renameWords(text: string, names: Map<string, string>): string {
  if (names.size === 0) return text;
  const words = [...names.keys()].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return text.replace(new RegExp(`(?<![A-Za-z0-9_.])(${words.join("|")})(?![A-Za-z0-9_])`, "g"), (w) => names.get(w) ?? w);
}

/** A region map written as the regions it gives for a symbolic output region. */
function regionMapText(map: (out: Region) => Region[], op: ExternOp, w: Writer): string {
  const out: Region = op.outputShapes[0].map((_, d) => ({ min: new Var(`rmin${d}`, "int32"), extent: new Var(`rext${d}`, "int32") }));
  try {
    return map(out).map((r) => r.map((x) => `${w.e(x.min)}+${w.e(x.extent)}`).join(",")).join(";");
  } catch (e) {
    return `error:${(e as Error).message}`;
  }
}

/** The program's ops in schedule order (inputs first), as the keys and traces number them. */
export function programOps(outputs: readonly Operation[]): Operation[] {
  return createSchedule([...outputs]).stages.map((st) => st.op);
}

/** The structural description the workload key hashes (one line an op). */
export function workloadText(outputs: readonly Operation[]): string {
  const ops = programOps(outputs);
  const opIndex = new Map(ops.map((op, i) => [op, i]));
  const w = new Writer(opIndex);
  const lines = ops.map((op, i) => {
    const outs = op.outputs.map((t) => `${w.shape(t.shape)}:${t.dtype}`).join(";");
    const isOut = outputs.includes(op) ? "out " : "";
    if (op instanceof PlaceholderOp) return `${i} ${isOut}placeholder ${outs}`;
    if (op instanceof ComputeOp) {
      return `${i} ${isOut}compute ${outs} axes(${op.axis.map((a) => w.iv(a)).join(",")}) ${op.body.map((b) => w.e(b)).join(" | ")}`;
    }
    if (op instanceof ExternOp) {
      const names = new Map<string, string>();
      op.inputPlaceholders.forEach((b, k) => names.set(b.name, `in${k}`));
      op.outputPlaceholders.forEach((b, k) => names.set(b.name, `out${k}`));
      const inputs = op.inputs.map((t) => `t${opIndex.get(t.op)}.${t.valueIndex}`).join(",");
      const tiled = op.regionMap === undefined ? "opaque" : typeof op.regionMap === "string" ? op.regionMap : `regionMap:${regionMapText(op.regionMap, op, w)}`;
      return `${i} ${isOut}extern ${outs} (${inputs}) ${tiled} ${renameWords(op.body.toString(), names).replace(/\s+/g, " ")}`;
    }
    if (op instanceof ScanOp) {
      const refs = (ts: Tensor[]) => ts.map((t) => `t${opIndex.get(t.op) ?? "?"}.${t.valueIndex}`).join(",");
      return `${i} ${isOut}scan ${outs} init(${refs(op.init)}) update(${refs(op.update)}) state(${refs(op.statePlaceholder)}) inputs(${refs(op.inputs)})`;
    }
    return `${i} ${isOut}${op.constructor.name} ${outs}`;
  });
  return lines.join("\n");
}

/** A SHA-256 prefix, hex. */
export function shortHash(text: string, chars = 16): string {
  return createHash("sha256").update(text).digest("hex").slice(0, chars);
}

/** The workload key of the program producing `outputs`: a hash of workloadText. */
export function workloadKey(outputs: readonly Operation[]): string {
  return shortHash(workloadText(outputs));
}

/** The stage names and each stage's root axis names, in the order workloadText numbers them. */
export interface WorkloadNames {
  stages: string[];
  axes: string[][];
}

/** The names of the program's stages and axes, in key order. */
export function workloadNames(outputs: readonly Operation[]): WorkloadNames {
  const ops = programOps(outputs);
  return { stages: ops.map((op) => op.name), axes: ops.map((op) => op.rootIterVars().map((iv) => iv.name)) };
}
