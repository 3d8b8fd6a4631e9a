// Bounds-checked builds (issue 9, item 8: build(..., {boundsCheck: true}), TEJIT_BOUNDS_CHECK=1,
// lower's boundsCheck): an index outside its buffer in a compute body is an error naming the
// buffer, the index value and the shape, from the kernel and from the interpreter running the
// lowered function; in-bounds programs give the same results checked and unchecked.
import test from "ava";
import "../codegen/helpers.js";
import { STRICT, buildFunc, declBuffer } from "../codegen/helpers.js";
import { te, lower, build, interpret } from "../../ts/index.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { primFunc } from "../helpers/prim_func.js";
import { instrumentBoundChecks } from "../../ts/transform/instrument_bound_checks.js";
import { randomFloats } from "../helpers/random.js";

const literally = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

function gather() {
  const A = te.placeholder([2, 3], "float32", "A");
  const I = te.placeholder([4], "int32", "I");
  const B = te.compute([4], (i) => A.at(I.at(i).floordiv(3), I.at(i).floormod(3)), "B");
  return { s: te.createSchedule(B.op), args: [A, I, B] };
}

test("an index read from memory past the end is an error naming the buffer, the index and the shape", (t) => {
  const { s, args } = gather();
  const checked = build(s, args, { boundsCheck: true, cflags: STRICT });
  const lowered = lower(s, args, { boundsCheck: true });
  const a = array(Float32Array.from([10, 11, 12, 13, 14, 15]), [2, 3]);
  const b = empty([4]);
  checked.getFunction("main")(a, array(new Int32Array([5, 0, 4, 1])), b);
  t.deepEqual(Array.from(b.toTypedArray()), [15, 10, 14, 11]);
  for (const [idx, bad] of [[[0, 7, 1, 2], 7], [[0, 1, -2, 2], -2]] as const) {
    // floordiv(7, 3) * 3 + floormod(7, 3) = 7; floordiv(-2, 3) * 3 + floormod(-2, 3) = -2.
    const message = `out-of-bounds load from 'A': index ${bad} is outside [0, 6) (shape [2, 3])`;
    t.throws(() => checked.getFunction("main")(a, array(new Int32Array(idx)), empty([4])), { message: literally(message) });
    t.throws(() => interpret(lowered, [a, array(new Int32Array(idx)), empty([4])]), { message });
  }
  // A gather's index is read from memory: every build checks it (test/checks/indirect_bounds.test.ts),
  // and the full checks add nothing here (I[i] and B[i] are proved inside), so the C is the same.
  const plain = build(s, args, { cflags: STRICT });
  t.true(plain.getSource().includes("out-of-bounds load from 'A'"));
  t.true(checked.getSource().includes("out-of-bounds load from 'A'"));
  t.is(plain.getSource(), checked.getSource());
});

test("an out-of-bounds store in a hand-built function is caught; the interpreter agrees", (t) => {
  const C = declBuffer([8], "int32", "C");
  const I = declBuffer([4], "int32", "I");
  const ib = irBuilder();
  const [c, idx] = [ib.bufferPtr(C), ib.bufferPtr(I)];
  ib.forRange(0, 4, "i", (i) => c.set(idx.get(i), i.add(100)));
  const f = instrumentBoundChecks(primFunc([C, I], ib.get(), "scatter"));
  const m = buildFunc(f);
  const out = empty([8], "int32");
  m.getFunction("scatter")(out, array(new Int32Array([1, 3, 5, 7])));
  t.deepEqual(Array.from(out.toTypedArray()), [0, 100, 0, 101, 0, 102, 0, 103]);
  const message = "out-of-bounds store to 'C': index 8 is outside [0, 8) (shape [8])";
  t.throws(() => m.getFunction("scatter")(empty([8], "int32"), array(new Int32Array([1, 3, 8, 7]))), { message: literally(message) });
  t.throws(() => interpret(f, [empty([8], "int32"), array(new Int32Array([1, 3, 8, 7]))]), { message });
  // Instrumenting twice adds nothing more.
  t.is(instrumentBoundChecks(f), f);
});

test("vector loads are checked for every lane; a scalar offset past the end is caught", (t) => {
  const off = te.var("off");
  const A = te.placeholder([16], "float32", "A");
  const B = te.compute([8], (i) => A.at(i.add(off)), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).vectorize(B.op.axis[0]);
  const args = [A, B, off];
  const lowered = lower(s, args, { boundsCheck: true });
  t.true(lowered.toString().includes("B_2[ramp(0, 1, 8)] = (float32x8*)A_2[ramp(off, 1, 8)]"));
  const m = build(s, args, { boundsCheck: true, cflags: STRICT });
  const a = array(Float32Array.from({ length: 16 }, (_, i) => i));
  const b = empty([8]);
  m.getFunction("main")(a, b, 8);
  t.deepEqual(Array.from(b.toTypedArray()), [8, 9, 10, 11, 12, 13, 14, 15]);
  const message = "out-of-bounds load from 'A': the 8 lanes from index 9 to 16 are not all inside [0, 16) (shape [16])";
  t.throws(() => m.getFunction("main")(a, b, 9), { message: literally(message) });
  t.throws(() => interpret(lowered, [a, empty([8]), 9]), { message });
  t.throws(() => m.getFunction("main")(a, b, -1), { message: /the 8 lanes from index -1 to 6 are not all inside \[0, 16\)/ });
});

test("in-bounds programs give the same results checked and unchecked; guarded padding needs no check", (t) => {
  // A zero-padded, tiled, vectorized row sum over a symbolic size.
  const n = te.var("n");
  const A = te.placeholder([n, 6], "float32", "A");
  const P = te.compute([n, 8], (i, j) => te.ifThenElse(j.ge(1).and(j.lt(7)), A.at(i, j.sub(1)), 0), "P");
  const k = te.reduceAxis([0, 8], "k");
  const S = te.compute([n], (i) => te.sum(P.at(i, k), [k]), "S");
  const s = te.createSchedule(S.op);
  const [, xi] = s.stage(S).split(S.op.axis[0], { factor: 4 });
  s.stage(P).computeAt(s.stage(S), xi);
  s.stage(P).vectorize(P.op.axis[1]);
  const args = [A, S, n];
  const checked = build(s, args, { boundsCheck: true, cflags: STRICT });
  const plain = build(s, args, { cflags: STRICT });
  t.not(checked.getSource(), plain.getSource());
  for (const rows of [1, 5, 12]) {
    const a = array(randomFloats(rows * 6, rows), [rows, 6]);
    const [x, y, z] = [empty([rows]), empty([rows]), empty([rows])];
    checked.getFunction("main")(a, x, rows);
    plain.getFunction("main")(a, y, rows);
    interpret(lower(s, args, { boundsCheck: true }), [a, z, rows]);
    t.deepEqual(Array.from(x.toTypedArray()), Array.from(y.toTypedArray()));
    t.deepEqual(Array.from(z.toTypedArray()), Array.from(y.toTypedArray()));
  }
  // A fixed-size loop whose indices the analyzer proves inside gets no check at all.
  const C = te.placeholder([4, 4], "float32", "C");
  const D = te.compute([4, 4], (i, j) => C.at(j, i).mul(2), "D");
  const sd = te.createSchedule(D.op);
  t.false(lower(sd, [C, D], { boundsCheck: true }).toString().includes("assert"));
});

test("TEJIT_BOUNDS_CHECK=1 turns the checks on; boundsCheck: false turns them off", (t) => {
  // B[i] = A[i + off]: the offset is an argument, so only a checked build looks at it.
  const off = te.var("off");
  const A = te.placeholder([6], "float32", "A");
  const B = te.compute([4], (i) => A.at(i.add(off)), "B");
  const s = te.createSchedule(B.op);
  const args = [A, B, off];
  const saved = process.env.TEJIT_BOUNDS_CHECK;
  process.env.TEJIT_BOUNDS_CHECK = "1";
  try {
    t.true(lower(s, args).toString().includes("out-of-bounds load from 'A'"));
    t.false(lower(s, args, { boundsCheck: false }).toString().includes("assert"));
    const m = build(s, args, { cflags: STRICT });
    t.throws(() => m.getFunction("main")(array(new Float32Array(6)), empty([4]), 3),
      { message: /out-of-bounds load from 'A': index 6 is outside \[0, 6\) \(shape \[6\]\)/ });
  } finally {
    if (saved === undefined) delete process.env.TEJIT_BOUNDS_CHECK;
    else process.env.TEJIT_BOUNDS_CHECK = saved;
  }
  t.throws(() => lower(s, args, { boundsCheck: "yes" as unknown as boolean }), { message: "lower: option boundsCheck must be true or false, got string yes" });
});
