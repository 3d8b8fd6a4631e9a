// Bound inference cases of tejit's own (TVM's are ported in
// test/tvm/test_te_schedule_bound_inference.test.ts).

import test from "ava";
import { te, schedule } from "../../ts/index.js";
import { IntImm } from "../../ts/ir/expr.js";
import { floormod } from "../../ts/ir/op.js";

test("floormod of a split index: the inferred region stays within the factor", (t) => {
  // A consumer reading A1[i % 4] at the outer loop of a split by 8.
  const A = te.placeholder([16], "float32", "A");
  const A1 = te.compute([16], (i) => A.at(i).add(1), "A1");
  const A2 = te.compute([16], (i) => A1.at(floormod(i, 4)), "A2");
  const s = te.createSchedule(A2.op);
  const [xo] = s.stage(A2).split(A2.op.axis[0], 8);
  s.stage(A1).computeAt(s.stage(A2), xo);
  const bounds = schedule.inferBound(s.normalize());
  t.is((bounds.get(A1.op.axis[0])!.extent as IntImm).value, 4);
});
