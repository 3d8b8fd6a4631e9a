// Programs that used to give wrong results silently and are now refused (issue 9, item 8): an
// empty-backwards reduce axis, and an output of the schedule left out of the argument list.
import test from "ava";
import { te, lower, build } from "../../ts/index.js";
import { Range } from "../../ts/ir/iter_var.js";
import { IntImm } from "../../ts/ir/expr.js";

test("reduceAxis refuses a range with a negative extent, naming the axis and the range", (t) => {
  t.throws(() => te.reduceAxis([4, 0], "k"), { message: "reduceAxis 'k': the range [4, 0) has a negative extent (-4); expected [lo, hi] with lo <= hi" });
  t.throws(() => te.reduceAxis([0, -3], "r"), { message: "reduceAxis 'r': the range [0, -3) has a negative extent (-3); expected [lo, hi] with lo <= hi" });
  t.throws(() => te.reduceAxis(new Range(new IntImm("int32", 2), new IntImm("int32", -1)), "q"),
    { message: "reduceAxis 'q': the range with min 2 and extent -1 has a negative extent; expected an extent >= 0" });
  // An empty range is allowed: the reduction gives its identity.
  t.is(te.reduceAxis([3, 3], "e").dom!.extent.toString(), "0");
});

test("an output missing from the argument list is refused, naming the tensor and the fix", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const B = te.compute([4], (i) => A.at(i).add(1), "B");
  const C = te.compute([4], (i) => A.at(i).mul(2), "C");
  const s = te.createSchedule([B.op, C.op]);
  const message = "lower: the output 'C' of the schedule is not in the argument list, so the kernel would compute it and throw it away; " +
    "add it to the arguments (e.g. lower(s, [...inputs, C])), or leave its op out of te.createSchedule";
  t.throws(() => lower(s, [A, B]), { message });
  t.throws(() => build(s, [A, B]), { message });
  t.throws(() => lower(te.createSchedule(B.op), [A]), { message: /^lower: the output 'B' of the schedule is not in the argument list/ });
  t.notThrows(() => lower(s, [A, B, C]));
});
