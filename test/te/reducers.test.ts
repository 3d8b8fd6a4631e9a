import test from "ava";
import "../runtime/helpers.js"; // a private compile cache for this test process
import { te, build, nd } from "../../ts/index.js";

test("te.max / te.min / te.sum without axes combine their operands elementwise (as TVM's reducers do)", (t) => {
  const a = te.var("a", "float32");
  const b = te.var("b", "float32");
  t.is(te.max(a, b).toString(), "max(a, b)");
  t.is(te.min(a, 2).toString(), "min(a, 2f32)");
  t.is(te.sum(a, b, 1).toString(), "((a + b) + 1f32)");
  const e = t.throws(() => te.max(a, "x" as unknown as number));
  t.regex(e!.message, /max: operand 1 must be an expression or a number/);
});

test("a reducer given reduce axes builds a reduction", (t) => {
  const A = te.placeholder([4, 6], "float32", "A");
  const k = te.reduceAxis([0, 6], "k");
  const B = te.compute([4], (i) => te.max(A.at(i, k), k), "B");
  const data = Float32Array.from({ length: 24 }, (_, i) => (i * 7) % 11);
  const out = nd.empty([4]);
  build(te.createSchedule(B.op), [A, B]).getFunction("main")(nd.array(data, [4, 6]), out);
  const expected = [0, 1, 2, 3].map((r) => Math.max(...data.slice(r * 6, r * 6 + 6)));
  t.deepEqual([...out.toTypedArray()], expected);
});

test("build() passes lower options through (disableVectorize)", (t) => {
  const A = te.placeholder([64], "float32", "A");
  const B = te.compute([64], (i) => A.at(i).add(1), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).vectorize(B.op.axis[0]);
  t.regex(build(s, [A, B]).getSource(), /float32x\d+/);
  t.notRegex(build(s, [A, B], { disableVectorize: true }).getSource(), /float32x\d+/);
});
