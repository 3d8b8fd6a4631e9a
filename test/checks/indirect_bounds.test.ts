// Data-dependent indices are checked on every build (instrumentIndirectBoundChecks): a gather
// A[I[i]] whose index array holds a value outside A is an error naming the buffer, the index and
// the shape, from the kernel and from the interpreter, without boundsCheck; affine accesses get
// no check; a let-bound index read from memory is checked too; the text of functions without
// gathers is unchanged.
import test from "ava";
import "../codegen/helpers.js";
import { STRICT } from "../codegen/helpers.js";
import { build, interpret, lower, te, tir } from "../../ts/index.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { primFunc } from "../helpers/prim_func.js";
import { instrumentIndirectBoundChecks, INDIRECT_BOUNDS_CHECKED_ATTR } from "../../ts/transform/instrument_bound_checks.js";

const literally = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

test("a gather with an index outside its table is an error without boundsCheck; valid indices compute", (t) => {
  const A = te.placeholder([6], "float32", "A");
  const I = te.placeholder([4], "int32", "I");
  const B = te.compute([4], (i) => A.at(I.at(i)), "B");
  const s = te.createSchedule(B.op);
  const args = [A, I, B];
  const lowered = lower(s, args);
  t.true(lowered.toString().includes(`"${INDIRECT_BOUNDS_CHECKED_ATTR}": True`));
  const f = build(s, args, { cflags: STRICT }).getFunction("main");
  const a = array(Float32Array.from([10, 11, 12, 13, 14, 15]));
  const b = empty([4]);
  f(a, array(new Int32Array([5, 0, 3, 1])), b);
  t.deepEqual(Array.from(b.toTypedArray()), [15, 10, 13, 11]);
  for (const bad of [6, -1, 100000000]) {
    const message = `out-of-bounds load from 'A': index ${bad} is outside [0, 6) (shape [6])`;
    const out = array(new Float32Array([7, 7, 7, 7]));
    t.throws(() => f(a, array(new Int32Array([0, bad, 0, 0])), out), { message: literally(message) });
    t.throws(() => interpret(lowered, [a, array(new Int32Array([0, bad, 0, 0])), empty([4])]), { message });
  }
});

test("a scatter's store and a 2-d gather through a let are checked; affine accesses are not", (t) => {
  // C[I[i]] = X[i]: a store whose index is read from memory.
  const C = tir.declBuffer([8], "float32", "C");
  const X = tir.declBuffer([4], "float32", "X");
  const I = tir.declBuffer([4], "int32", "I");
  const ib = tir.irBuilder();
  const [c, x, idx] = [ib.bufferPtr(C), ib.bufferPtr(X), ib.bufferPtr(I)];
  ib.forRange(0, 4, "i", (i) => {
    const k = ib.let("k", idx.get(i));
    c.set(k, x.get(i));
  });
  const f = primFunc([C, X, I], ib.get(), "scatter");
  const checked = instrumentIndirectBoundChecks(f);
  t.not(checked, f);
  t.is(instrumentIndirectBoundChecks(checked), checked, "instrumenting twice adds nothing");
  const m = build(f, undefined, { cflags: STRICT });
  const out = empty([8]);
  m.getFunction("scatter")(out, array(new Float32Array([1, 2, 3, 4])), array(new Int32Array([7, 0, 2, 4])));
  t.deepEqual(Array.from(out.toTypedArray()), [2, 0, 3, 0, 4, 0, 0, 1]);
  t.throws(() => m.getFunction("scatter")(empty([8]), array(new Float32Array(4)), array(new Int32Array([0, 8, 0, 0]))),
    { message: literally("out-of-bounds store to 'C': index 8 is outside [0, 8) (shape [8])") });

  // Affine and constant accesses: no check, the text is TVM's.
  const P = te.placeholder([4, 4], "float32", "P");
  const Q = te.compute([4, 4], (i, j) => P.at(j, i).mul(2), "Q");
  const text = lower(te.createSchedule(Q.op), [P, Q]).toString();
  t.false(text.includes("assert"));
  t.false(text.includes(INDIRECT_BOUNDS_CHECKED_ATTR));
});

test("a 2-d table indexed by a row read from memory: only the data-dependent dimension can fail, and its error names the flat index", (t) => {
  const T = te.placeholder([3, 4], "float32", "T");
  const R = te.placeholder([2], "int32", "R");
  const G = te.compute([2, 4], (i, j) => T.at(R.at(i), j), "G");
  const s = te.createSchedule(G.op);
  const f = build(s, [T, R, G], { cflags: STRICT }).getFunction("main");
  const table = array(Float32Array.from({ length: 12 }, (_, k) => k), [3, 4]);
  const g = empty([2, 4]);
  f(table, array(new Int32Array([2, 0])), g);
  t.deepEqual(Array.from(g.toTypedArray()), [8, 9, 10, 11, 0, 1, 2, 3]);
  t.throws(() => f(table, array(new Int32Array([3, 0])), empty([2, 4])), { message: /^out-of-bounds load from 'T': index 12 is outside \[0, 12\) \(shape \[3, 4\]\)/ });
});
