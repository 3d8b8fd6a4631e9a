// Port of TVM v0.10's tests/python/unittest/test_te_verify_compute.py: te.compute accepts a
// reduction only at the top level of its body, and a multi-output compute only when its
// outputs are all reductions of one combiner and axes (or none). The valid computes are built
// and run. GPU-only cases left out: none.

import test from "ava";
import { te, nd } from "../../ts/index.js";
import type { PrimExpr } from "../../ts/ir/expr.js";
import { buildAndRun, randomF32, values } from "./helpers.js";

test("test_verify_compute", (t) => {
  const n = te.sizeVar("n");
  const m = te.sizeVar("m");
  const A = te.placeholder([n, m], "float32", "A");
  const k = te.reduceAxis([0, m], "k");
  const k_ = te.reduceAxis([0, m.sub(1)], "k_");
  const f1 = (i: PrimExpr) => te.sum(A.at(i, k), k);
  const f2 = (i: PrimExpr) => A.at(i, 0).add(1);
  const f3 = (i: PrimExpr) => te.sum(A.at(i, k), k).add(1);
  const f4 = (i: PrimExpr) => A.at(i, 0).mul(te.sum(A.at(i, k), k).add(1));
  const f5 = (i: PrimExpr) => [te.sum(A.at(i, k), k), A.at(i, 0).add(1)];
  const f6 = (i: PrimExpr) => [te.sum(A.at(i, k), k), te.sum(A.at(i, k_), k_)];

  // Valid computes, checked by running them on a 3 x 4 input.
  const B1 = te.compute([n], f1, "B");
  const B2 = te.compute([n], f2, "B");
  const a = randomF32([3, 4], 7);
  const av = values(a);
  const rows = [0, 1, 2].map((i) => av.slice(i * 4, i * 4 + 4));
  const out1 = nd.empty([3], "float32");
  buildAndRun(te.createSchedule(B1.op), [A, B1], [a, out1]);
  values(out1).forEach((v, i) => t.true(Math.abs(v - rows[i].reduce((x, y) => x + y, 0)) < 1e-6));
  const out2 = nd.empty([3], "float32");
  buildAndRun(te.createSchedule(B2.op), [A, B2], [a, out2]);
  t.deepEqual(values(out2), rows.map((r) => Math.fround(r[0] + 1)));

  // Invalid: a reduction that is not the top level of the body.
  t.throws(() => te.compute([n], f3, "B"), { message: /compute 'B': a reduction may only be the top level of a compute body/ });
  t.throws(() => te.compute([n], f4, "B"), { message: /compute 'B': a reduction may only be the top level of a compute body/ });
  // Invalid: a reduction and a non-reduction in one multi-output compute.
  t.throws(() => te.compute([n], f5, "B"), { message: /compute 'B': outputs must be all reductions or none \(output 1 differs\)/ });
  // Invalid: reductions over different axes in one multi-output compute.
  t.throws(() => te.compute([n], f6, "B"), { message: /compute 'B': the reductions of a multi-output compute must share combiner and axes/ });
});
