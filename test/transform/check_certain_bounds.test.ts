// CheckCertainBounds (ts/transform/check_certain_bounds.ts): build() refuses a program that
// certainly reads or writes an argument out of bounds, naming the buffer, the dimension, the
// index and a loop point; guarded accesses (padding, split tails), data-dependent and symbolic
// indices are left to the run-time checks; lower() still prints the program.
import test from "ava";
import { build, lower, nd, te, tir } from "../../ts/index.js";
import { scheduleToPrimFunc } from "../../ts/lower.js";
import { checkCertainBounds } from "../../ts/transform/check_certain_bounds.js";

const check = (s: ReturnType<typeof te.createSchedule>, args: Parameters<typeof lower>[1], name = "main") =>
  checkCertainBounds(scheduleToPrimFunc(s, args, { name }));

test("a shifted read over the whole shape is refused at build, with the index, the value and the loop point", (t) => {
  const A = te.placeholder([8], "float32", "A");
  const B = te.compute([8], (i) => A.at(i.add(1)), "B");
  const s = te.createSchedule(B.op);
  const message = "build: 'shift' certainly reads 'A' out of bounds: index (i + 1) of dimension 0 is 8 at i = 7, outside [0, 8) (shape [8]); " +
    "fix the index or guard it (te.ifThenElse), or lower() to inspect the program";
  t.throws(() => build(s, [A, B], { name: "shift" }), { message });
  // lower() prints it (the program can be inspected), and the pass agrees with build.
  t.true(lower(s, [A, B], { name: "shift" }).toString().includes("A_2[(i + 1)]"));
  t.throws(() => check(s, [A, B], "shift"), { message });
});

test("a read before the start, a store past the end and a 2-d index are each named", (t) => {
  const A = te.placeholder([6], "float32", "A");
  const B = te.compute([6], (i) => A.at(i.sub(1)), "B");
  t.throws(() => check(te.createSchedule(B.op), [A, B]), { message: /certainly reads 'A' out of bounds: index \(i - 1\) of dimension 0 is -1 at i = 0, outside \[0, 6\) \(shape \[6\]\)/ });

  // A store: the output is written over a larger domain than its buffer (an extern writing C[i + 4]).
  const X = te.placeholder([4], "float32", "X");
  const C = te.extern([4], [X], (ins, outs) => {
    const ib = tir.irBuilder();
    const [x, c] = [ib.bufferPtr(ins[0]), ib.bufferPtr(outs[0])];
    ib.forRange(0, 4, "i", (i) => c.set(i.add(4), x.get(i)));
    return ib.get();
  }, { name: "C" }) as te.Tensor;
  const sc = te.createSchedule(C.op);
  const err = t.throws(() => build(sc, [X, C], { name: "scatter" }));
  t.is(err!.message, "build: 'scatter' certainly writes 'C' out of bounds: index (i + 4) of its data is 4 at i = 0, outside its 4 elements (shape [4]); " +
    "fix the index or guard it (te.ifThenElse), or lower() to inspect the program");
  // The same extern writing C[i] builds and copies.
  const Y = te.placeholder([4], "float32", "Y");
  const E = te.extern([4], [Y], (ins, outs) => {
    const ib = tir.irBuilder();
    const [y, e] = [ib.bufferPtr(ins[0]), ib.bufferPtr(outs[0])];
    ib.forRange(0, 4, "i", (i) => e.set(i, y.get(i).add(1)));
    return ib.get();
  }, { name: "E" }) as te.Tensor;
  const e = nd.empty([4]);
  build(te.createSchedule(E.op), [Y, E], { name: "copy" }).getFunction("copy")(nd.array(new Float32Array([1, 2, 3, 4])), e);
  t.deepEqual(Array.from(e.toTypedArray()), [2, 3, 4, 5]);

  const M = te.placeholder([3, 5], "float32", "M");
  const N = te.compute([3, 5], (i, j) => M.at(j, i), "N");
  t.throws(() => check(te.createSchedule(N.op), [M, N]), { message: /certainly reads 'M' out of bounds: index j of dimension 0 is 4 at j = 4, outside \[0, 3\) \(shape \[3, 5\]\)/ });
});

test("guarded, split, padded, reduced and compute_at programs build and compute the right values", (t) => {
  // Padding with te.ifThenElse: A[i - 1] only where 1 <= i < 9.
  const A = te.placeholder([8], "float32", "A");
  const P = te.compute([10], (i) => te.ifThenElse(i.ge(1).and(i.lt(9)), A.at(i.sub(1)), 0), "P");
  const sp = te.createSchedule(P.op);
  t.notThrows(() => check(sp, [A, P]));
  const a = Float32Array.from({ length: 8 }, (_, k) => k + 1);
  const p = nd.empty([10]);
  build(sp, [A, P], { name: "pad" }).getFunction("pad")(nd.array(a), p);
  t.deepEqual(Array.from(p.toTypedArray()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 0]);

  // An uneven split (8 by 3) vectorized: the tail is guarded by likely(...).
  const B = te.compute([8], (i) => A.at(i).mul(2), "B");
  const sb = te.createSchedule(B.op);
  const [, xi] = sb.stage(B).split(B.op.axis[0], { factor: 3 });
  sb.stage(B).vectorize(xi);
  t.notThrows(() => check(sb, [A, B]));
  const b = nd.empty([8]);
  build(sb, [A, B], { name: "tail" }).getFunction("tail")(nd.array(a), b);
  t.deepEqual(Array.from(b.toTypedArray()), Array.from(a, (x) => 2 * x));

  // A sum over a window that stays inside: C[i] = sum_k A[i + k], k < 3, i < 6.
  const k = te.reduceAxis([0, 3], "k");
  const C = te.compute([6], (i) => te.sum(A.at(i.add(k)), [k]), "C");
  const sc = te.createSchedule(C.op);
  t.notThrows(() => check(sc, [A, C]));

  // A producer computed at its consumer's loop: B over [i, i + 1) reads A[i] only.
  const D = te.compute([8], (i) => B.at(i).add(1), "D");
  const sd = te.createSchedule(D.op);
  sd.stage(B).computeAt(sd.stage(D), D.op.axis[0]);
  t.notThrows(() => check(sd, [A, D]));
  const d = nd.empty([8]);
  build(sd, [A, D], { name: "at" }).getFunction("at")(nd.array(a), d);
  t.deepEqual(Array.from(d.toTypedArray()), Array.from(a, (x) => 2 * x + 1));
});

test("indices the pass cannot be sure of are left alone: symbolic, data-dependent, or out of range only at points not visited", (t) => {
  // A[i + k] with k a scalar argument: only a checked build can tell.
  const A = te.placeholder([8], "float32", "A");
  const kv = te.var("k");
  const B = te.compute([8], (i) => A.at(i.add(kv)), "B");
  t.notThrows(() => check(te.createSchedule(B.op), [A, B, kv]));
  // A gather: the index is read from memory.
  const I = te.placeholder([4], "int32", "I");
  const G = te.compute([4], (i) => A.at(I.at(i)), "G");
  t.notThrows(() => check(te.createSchedule(G.op), [A, I, G]));
  // (i * 3) % 8 stays in [0, 8) although its interval bound over-approximates.
  const H = te.compute([8], (i) => A.at(i.mul(3).floormod(8)), "H");
  t.notThrows(() => check(te.createSchedule(H.op), [A, H]));
  // i * (7 - i) over i < 8 is at most 12 (at i = 3, 4) but 0 at both ends: not certain from the corners.
  const Q = te.placeholder([13], "float32", "Q");
  const R = te.compute([8], (i) => Q.at(i.mul(te.const(7, "int32").sub(i))), "R");
  t.notThrows(() => check(te.createSchedule(R.op), [Q, R]));
});

test("tir.transform.CheckCertainBounds is the same check as a pass", (t) => {
  const A = te.placeholder([4], "float32", "A");
  const B = te.compute([4], (i) => A.at(i.add(4)), "B");
  const f = scheduleToPrimFunc(te.createSchedule(B.op), [A, B]);
  const mod = new tir.IRModule(new Map([["main", f]]));
  t.throws(() => tir.transform.CheckCertainBounds()(mod), { message: /certainly reads 'A' out of bounds: index \(i \+ 4\) of dimension 0 is 4 at i = 0, outside \[0, 4\)/ });
});
