import test from "ava";
import { te, lower, schedule } from "../../ts/index.js";

test("conv1d: a producer computed at the consumer's axis covers the 3-wide window", (t) => {
  const n = te.var("n");
  const A = te.compute([n.add(2)], (i) => te.const(1, "float32"), "A");
  const B = te.compute([n], (ii) => {
    const i = ii.add(1);
    return A.at(i.sub(1)).add(A.at(i)).add(A.at(i.add(1)));
  }, "B");
  const s = te.createSchedule(B.op);
  s.stage(A).computeAt(s.stage(B), B.op.axis[0]);
  const bounds = schedule.inferBound(s.normalize());
  t.is(bounds.get(A.op.axis[0])!.extent.toString(), "3");
  t.regex(lower(s, [B]).toString(), /allocate\(A, float32, \[3\]\)/);
});

test("blur: a producer computed at the inner axis covers the 3x3 window", (t) => {
  const n = 12;
  const A = te.compute([n, n], (i, j) => te.const(1, "float32"), "A");
  const B = te.compute([n - 2, n - 2], (ii, jj) => {
    const i = ii.add(1);
    const j = jj.add(1);
    return A.at(i, j).add(A.at(i.sub(1), j)).add(A.at(i.add(1), j)).add(A.at(i, j.add(1))).add(A.at(i, j.sub(1)));
  }, "B");
  const s = te.createSchedule(B.op);
  s.stage(A).computeAt(s.stage(B), B.op.axis[1]);
  const bounds = schedule.inferBound(s.normalize());
  t.is(bounds.get(A.op.axis[0])!.extent.toString(), "3");
  t.is(bounds.get(A.op.axis[1])!.extent.toString(), "3");
  t.regex(lower(s, [B]).toString(), /allocate\(A, float32, \[9\]\)/);
});
