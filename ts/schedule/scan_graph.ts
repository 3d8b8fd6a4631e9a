// Dataflow analyses of a scan (TVM's ScanGetBody and ScanFixPointAnalysis). The body of a scan
// is the ops between its updates and its state placeholders (and declared inputs): the stages
// that run inside the time loop. The fix-point analysis tells, for each spatial axis of the
// states, whether step t's element i depends only on element i of the earlier steps: then a
// consumer needing part of the state along that axis needs only that part at every step, and
// bound inference may shrink it; otherwise the scan must compute the whole axis.

import { ExprVisitor } from "../ir/functor.js";
import { type PrimExpr, ProducerLoad, Var } from "../ir/expr.js";
import { IntImm } from "../ir/expr.js";
import type { IterVar } from "../ir/iter_var.js";
import { ComputeOp } from "../te/compute.js";
import type { Operation } from "../te/operation.js";
import { ScanOp } from "../te/scan.js";
import type { Tensor } from "../te/tensor.js";

/**
 * The ops reachable from `outputs` that reach one of `boundary`'s ops, in post-DFS order
 * (inputs first), the boundary ops themselves left out (TVM's GetSubGraph without inputs).
 */
export function subGraphBetween(outputs: Tensor[], boundary: Tensor[]): Operation[] {
  const stops = new Set(boundary.map((t) => t.op));
  const reaches = new Map<Operation, boolean>();
  const result: Operation[] = [];
  const visit = (op: Operation): boolean => {
    const known = reaches.get(op);
    if (known !== undefined) return known;
    if (stops.has(op)) {
      reaches.set(op, true);
      return true;
    }
    reaches.set(op, false);
    let found = false;
    for (const t of op.inputTensors()) if (visit(t.op)) found = true;
    reaches.set(op, found);
    if (found) result.push(op);
    return found;
  };
  for (const t of outputs) visit(t.op);
  return result;
}

/** The ops of a scan's body: from its updates back to its states and inputs (TVM's ScanGetBody). */
export function scanGetBody(op: ScanOp): Operation[] {
  return subGraphBetween(op.update, [...op.statePlaceholder, ...op.inputs]);
}

/** A map keyed by one dimension of one tensor. */
class DimMap<V> {
  private readonly m = new Map<Tensor, Map<number, V>>();
  get(t: Tensor, d: number): V | undefined { return this.m.get(t)?.get(d); }
  has(t: Tensor, d: number): boolean { return this.m.get(t)?.has(d) ?? false; }
  set(t: Tensor, d: number, v: V): void {
    let inner = this.m.get(t);
    if (!inner) {
      inner = new Map();
      this.m.set(t, inner);
    }
    inner.set(d, v);
  }
}

type DimKey = [Tensor, number];

function forEachLoad(exprs: PrimExpr[], f: (load: ProducerLoad) => void): void {
  class Loads extends ExprVisitor {
    override visitProducerLoad(e: ProducerLoad): void {
      f(e);
      super.visitProducerLoad(e);
    }
  }
  const v = new Loads();
  exprs.forEach((e) => v.visitExpr(e));
}

/** Which tensor dimensions each dimension's values flow from, inside `body` (TVM's reach graph). */
function reachGraph(body: Operation[]): DimMap<DimKey[]> {
  const inBody = new Set(body);
  const reach = new DimMap<DimKey[]>();
  const push = (t: Tensor, d: number, k: DimKey) => {
    const list = reach.get(t, d) ?? [];
    list.push(k);
    reach.set(t, d, list);
  };
  for (const op of body) {
    if (op instanceof ScanOp) {
      op.update.forEach((u, i) => {
        for (let k = 1; k < u.ndim; k++) {
          push(op.output(i), k, [u, k]);
          push(op.output(i), k, [op.init[i], k]);
        }
      });
    } else if (op instanceof ComputeOp) {
      const out = op.output(0);
      const dimOf = new Map<Var, number>();
      op.axis.forEach((iv, d) => {
        dimOf.set(iv.var, d);
        reach.set(out, d, []);
      });
      forEachLoad(op.body, (load) => {
        const t = load.producer as Tensor;
        if (!inBody.has(t.op)) return;
        load.indices.forEach((idx, d) => {
          class Uses extends ExprVisitor {
            override visitVar(v: Var): void {
              const own = dimOf.get(v);
              if (own !== undefined) push(out, own, [t, d]);
            }
          }
          new Uses().visitExpr(idx);
        });
      });
    }
  }
  return reach;
}

/**
 * For each spatial axis of `op`: 1 when it is a fix point (element i of a step reads only
 * element i of the states, along that axis, through the whole body), 0 otherwise.
 */
export function scanFixPointAnalysis(op: ScanOp): Map<IterVar, IntImm> {
  const body = scanGetBody(op);
  const exactReach = new DimMap<IterVar>();
  const failed = new Set<IterVar>();
  let sp = 0;
  op.update.forEach((u, i) => {
    for (let k = 1; k < u.ndim; k++) exactReach.set(op.statePlaceholder[i], k, op.spatialAxis[sp++]);
  });
  const merge = (dst: DimKey, src: DimKey) => {
    const from = exactReach.get(...src);
    if (from === undefined) return;
    const to = exactReach.get(...dst);
    if (to === undefined) exactReach.set(...dst, from);
    else if (to !== from) {
      failed.add(to);
      failed.add(from);
    }
  };
  for (const b of body) {
    if (b instanceof ScanOp) {
      b.update.forEach((u, i) => {
        for (let k = 1; k < u.ndim; k++) {
          merge([b.output(i), k], [u, k]);
          merge([b.output(i), k], [b.init[i], k]);
        }
      });
    } else if (b instanceof ComputeOp) {
      const keysOf = new Map<PrimExpr, DimKey[]>();
      b.axis.forEach((iv, d) => keysOf.set(iv.var, b.outputs.map((t) => [t, d] as DimKey)));
      forEachLoad(b.body, (load) => {
        const t = load.producer as Tensor;
        load.indices.forEach((idx, d) => {
          const keys = keysOf.get(idx);
          if (keys) keys.forEach((key) => merge(key, [t, d]));
          else {
            const r = exactReach.get(t, d);
            if (r !== undefined) failed.add(r);
          }
        });
      });
    }
  }
  const stateDims = new DimMap<true>();
  for (const st of op.statePlaceholder) for (let k = 0; k < st.ndim; k++) stateDims.set(st, k, true);
  let reach: DimMap<DimKey[]> | undefined;
  const ret = new Map<IterVar, IntImm>();
  sp = 0;
  op.update.forEach((u, i) => {
    for (let k = 1; k < u.ndim; k++) {
      const iv = op.spatialAxis[sp++];
      if (failed.has(iv) || exactReach.get(u, k) !== iv) {
        ret.set(iv, new IntImm("int32", 0));
        continue;
      }
      // An exact match: check that no other state dimension feeds this one through the body.
      reach ??= reachGraph(body);
      const target = op.statePlaceholder[i];
      const visited = new DimMap<true>();
      const stack: DimKey[] = [[u, k]];
      visited.set(u, k, true);
      let interferes = false;
      while (stack.length > 0) {
        const [t, d] = stack[stack.length - 1];
        if (!(t === target && d === k) && stateDims.has(t, d)) {
          interferes = true;
          break;
        }
        stack.pop();
        for (const next of reach.get(t, d) ?? []) {
          if (visited.has(...next)) continue;
          visited.set(...next, true);
          stack.push(next);
        }
      }
      ret.set(iv, new IntImm("int32", interferes ? 0 : 1));
    }
  });
  return ret;
}
