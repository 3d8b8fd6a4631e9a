import test from "ava";
import { te, lower, nd } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";

test("computeInline of a producer into an output writes the output argument", (t) => {
  const A = te.placeholder([8], "float32", "A");
  const P = te.compute([8], (i) => A.at(i).add(1), "P");
  const O = te.compute([8], (i) => P.at(i).mul(2), "O");
  const s = te.createSchedule(O.op);
  s.stage(P).computeInline();
  const mod = lower(s, [A, O]);
  t.is(mod.toString().split("\n").slice(5).join("\n"), "  for (i: int32, 0, 8) {\n    O_2[i] = (((float32*)A_2[i] + 1f32)*2f32)\n  }\n}");
  const out = nd.empty([8]);
  interpret(mod, [nd.array(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7])), out]);
  t.deepEqual([...out.toTypedArray()], [2, 4, 6, 8, 10, 12, 14, 16]);
});

test("a chain of inlined stages feeding two outputs", (t) => {
  const A = te.placeholder([6], "float32", "A");
  const P = te.compute([6], (i) => A.at(i).mul(3), "P");
  const Q = te.compute([6], (i) => P.at(i).add(P.at(5).sub(i)), "Q");
  const O1 = te.compute([6], (i) => Q.at(i).add(1), "O1");
  const O2 = te.compute([6], (i) => Q.at(5 - 0).sub(P.at(i)), "O2");
  const s = te.createSchedule([O1.op, O2.op]);
  s.stage(P).computeInline();
  s.stage(Q).computeInline();
  const mod = lower(s, [A, O1, O2]);
  t.notRegex(mod.toString(), /allocate/);
  const a = [1, 2, 3, 4, 5, 6];
  const o1 = nd.empty([6]);
  const o2 = nd.empty([6]);
  interpret(mod, [nd.array(Float32Array.from(a)), o1, o2]);
  const p = a.map((v) => v * 3);
  const q = p.map((v, i) => v + (p[5] - i));
  t.deepEqual([...o1.toTypedArray()], q.map((v) => v + 1));
  t.deepEqual([...o2.toTypedArray()], p.map((v) => q[5] - v));
});

test("an output cannot be inlined", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const O = te.compute([4], (i) => A.at(i), "O");
  const s = te.createSchedule(O.op);
  const e = t.throws(() => s.stage(O).computeInline());
  t.is(e!.message, "stage 'O' is an output of the schedule and cannot be inlined");
});
