// Dataflow graphs of a TE program: which tensors an op reads (read graph), which ops read a
// tensor (feed graph), and a post-DFS order of ops from the outputs (inputs first).

import type { Operation } from "../te/operation.js";
import type { Tensor } from "../te/tensor.js";

/** For each op, the tensors it reads (TVM's ReadGraph). */
export type ReadGraph = Map<Operation, Tensor[]>;
/** For each tensor, the ops that read it (TVM's FeedGraph). */
export type FeedGraph = Map<Tensor, Operation[]>;

/** Ops reachable from `roots`, each with the tensors it reads. */
export function createReadGraph(roots: Operation[]): ReadGraph {
  const g: ReadGraph = new Map();
  const stack = [...roots];
  while (stack.length > 0) {
    const op = stack.pop()!;
    if (g.has(op)) continue;
    const inputs = op.inputTensors();
    g.set(op, inputs);
    for (const t of inputs) if (!g.has(t.op)) stack.push(t.op);
  }
  return g;
}

/** Ops in post-DFS order from `roots`: every op after the ops it reads. */
export function postDFSOrder(roots: Operation[], g: ReadGraph): Operation[] {
  const visited = new Set<Operation>();
  const order: Operation[] = [];
  const visit = (op: Operation): void => {
    if (visited.has(op)) return;
    visited.add(op);
    for (const t of g.get(op) ?? []) visit(t.op);
    order.push(op);
  };
  roots.forEach(visit);
  return order;
}

/** The ops reading each tensor of a read graph (TVM's CreateFeedGraph). */
export function createFeedGraph(g: ReadGraph): FeedGraph {
  const feed: FeedGraph = new Map();
  for (const [op, inputs] of g) {
    for (const t of inputs) {
      const list = feed.get(t) ?? [];
      if (!list.includes(op)) list.push(op);
      feed.set(t, list);
    }
  }
  return feed;
}
