// Port of TVM v0.10's tests/python/unittest/test_tir_transform_vectorize.py: tir.VectorizeLoop on
// irBuilder programs (TVM's ib.pointer is irBuilder.pointer) and on TE schedules. Besides the
// structure TVM checks, each case runs the function before and after the pass through the
// interpreter on the same inputs, or builds it with the C compiler and runs it against JS.
//
// No case is left out (none needs a GPU). The stored copy of the TVM file is an older revision
// (six cases, `for_type=`); v0.10's four further cases (if_cond_int64, let, while_fail,
// dtype_mismatch) are ported after v0.10's text.
import test, { type ExecutionContext } from "ava";
import { build, lower, nd, te, tir } from "../../ts/index.js";
import { Add, Broadcast, Call, IntImm, Ramp, type PrimExpr, type Var } from "../../ts/ir/expr.js";
import type { PrimFunc } from "../../ts/ir/function.js";
import { For, IfThenElse, LetStmt, type Stmt, Store } from "../../ts/ir/stmt.js";
import { interpret } from "../../ts/interp/index.js";
import { type NDArray, array } from "../../ts/runtime/ndarray.js";
import { primFunc } from "../helpers/prim_func.js";

const { transform } = tir;

function vectorize(f: PrimFunc): PrimFunc {
  return transform.VectorizeLoop()(new tir.IRModule({ main: f })).get("main");
}

/**
 * Runs `before` and `after` through the interpreter on copies of the same arguments; every
 * buffer must agree. Returns the arguments' contents after `after`.
 */
function sameResults(t: ExecutionContext, before: PrimFunc, after: PrimFunc, args: (Float32Array | number)[]): number[][] {
  const run = (f: PrimFunc): number[][] => {
    const copies: (NDArray | number)[] = args.map((a) => (typeof a === "number" ? a : array(a.slice(), [a.length])));
    interpret(f, copies);
    return copies.map((a) => (typeof a === "number" ? [a] : Array.from(a.toTypedArray() as Float32Array)));
  };
  const want = run(before);
  const got = run(after);
  t.deepEqual(got, want);
  return got;
}

const ramp16 = (n = 16): Float32Array => Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);

test("test_vectorize_loop", (t) => {
  const n = te.var("n");
  const ib = tir.irBuilder();
  const A = ib.pointer("float32", "A");
  ib.forRange(0, n, "i", () => {
    ib.forRange(0, 4, "j", (j) => A.set(j, tir.const(1, "float32")), "vectorize");
  });
  const stmt = ib.get() as For;
  t.true(stmt.body instanceof For);
  const f = primFunc([A.data, n], stmt);
  const g = vectorize(f);
  const body = g.body as For;
  t.true(body instanceof For);
  t.false(body.body instanceof For);
  t.true((body.body as Store).index instanceof Ramp);
  t.true((body.body as Store).value instanceof Broadcast);
  sameResults(t, f, g, [ramp16(4), 3]);
});

test("test_vectorize_vector", (t) => {
  const n = te.var("n");
  const ib = tir.irBuilder();
  const A = ib.pointer("float32x4", "A");
  ib.forRange(0, n, "i", () => {
    ib.forRange(0, 4, "j", (j) => A.set(j, tir.const(1, "float32x4")), "vectorize");
  });
  const stmt = ib.get() as For;
  t.true(stmt.body instanceof For);
  const g = vectorize(primFunc([A.data, n], stmt));
  const body = g.body as For;
  t.true(body instanceof For);
  t.false(body.body instanceof For);
  const store = body.body as Store;
  // Four vectors of 4 lanes, one after the other: one store of 16 lanes, as TVM widens it.
  t.true(store.index instanceof Ramp);
  t.is(String(store.index), "ramp(0, 1, 16)");
  t.true(store.value instanceof Broadcast);
  t.is(store.value.dtype.toString(), "float32x16");

  // The same through bufferPtr(buf, "float32x4"), reading and writing: built and run.
  const B = tir.declBuffer([16], "float32", "B");
  const ib2 = tir.irBuilder();
  const b = ib2.bufferPtr(B, "float32x4");
  ib2.forRange(0, 4, "j", (j) => b.set(j, b.get(j).mul(tir.const(2, "float32x4")).add(tir.const(1, "float32x4"))), "vectorize");
  const f2 = primFunc([B], ib2.get(), "vvec");
  const g2 = vectorize(f2);
  t.is(String((g2.body as Store).index), "ramp(0, 1, 16)");
  t.is((g2.body as Store).value.dtype.toString(), "float32x16");
  const data = ramp16();
  const out = nd.array(data.slice(), [16]);
  build(g2).getFunction("vvec")(out);
  t.deepEqual(Array.from(out.toTypedArray() as Float32Array), Array.from(data, (x) => x * 2 + 1));
  sameResults(t, f2, g2, [data]);

  // Overlapping vectors (A[j*2 .. j*2+3] over j) stay serial: lanes would write the same floats.
  const ib3 = tir.irBuilder();
  const c = ib3.bufferPtr(B, "float32");
  ib3.forRange(0, 4, "j", (j) => {
    ib3.emit(new Store(B.data, new Broadcast(c.get(j).add(1), 4), new Ramp(j.mul(2), tir.const(1), 4)));
  }, "vectorize");
  const f3 = primFunc([B], ib3.get());
  const g3 = vectorize(f3);
  t.true(g3.body instanceof For && g3.body.forKind === "serial");
  sameResults(t, f3, g3, [data]);
});

test("test_vectorize_with_if", (t) => {
  const n = te.var("n");
  const x = te.var("x");
  const ib = tir.irBuilder();
  const A = ib.pointer("float32", "A");
  ib.forRange(0, 4, "i", (i) => {
    ib.ifScope(x.lt(n), () => A.set(i, A.get(i).add(1)));
    ib.elseScope(() => ib.ifScope(i.lt(n), () => A.set(i, 2)));
  }, "vectorize");
  const f = primFunc([A.data, n, x], ib.get());
  const g = vectorize(f);
  const stmt = g.body as IfThenElse;
  t.true(stmt instanceof IfThenElse);
  const then = stmt.thenCase as Store;
  t.true(then.index instanceof Ramp);
  t.true(then.value instanceof Add);
  t.is(then.value.dtype.toString(), "float32x4");
  t.true(stmt.elseCase instanceof For);
  for (const [nv, xv] of [[5, 1], [2, 3], [0, 7]]) sameResults(t, f, g, [ramp16(4), nv, xv]);
});

test("test_vectorize_with_if_cond_int64", (t) => {
  const m = te.sizeVar("m", "int64");
  const A = te.placeholder([m], "float32", "A");
  const B = te.compute([m], (i) => te.ifThenElse(i.lt(2), A.at(i), A.at(i).mul(2)), "B");
  const s = te.createSchedule(B.op);
  const [, y] = s.stage(B).split(B.op.axis[0], { factor: 4 });
  s.stage(B).vectorize(y);
  const fn = build(s, [A, B]).getFunction("main");
  for (const len of [3, 8, 11]) {
    const a = ramp16(len);
    const out = nd.empty([len]);
    fn(nd.array(a, [len]), out);
    t.deepEqual(Array.from(out.toTypedArray() as Float32Array), Array.from(a, (v, i) => (i < 2 ? v : v * 2)));
  }
});

test("test_vectorize_let", (t) => {
  const ib = tir.irBuilder();
  const A = ib.pointer("float32", "A");
  ib.forRange(0, 4, "i", (i) => {
    const v = ib.let("v", A.get(i).add(1));
    A.set(i, v.add(2));
  }, "vectorize");
  const f = primFunc([A.data], ib.get());
  const g = vectorize(f);
  t.true(g.body instanceof LetStmt);
  t.is((g.body as LetStmt).value.dtype.toString(), "float32x4");
  sameResults(t, f, g, [ramp16(4)]);
});

function guarded(cond: (i: Var, n: Var) => PrimExpr): { f: PrimFunc; g: PrimFunc } {
  const n = te.var("n");
  const ib = tir.irBuilder();
  const A = ib.pointer("float32", "A");
  ib.forRange(0, 4, "i", (i) => ib.ifScope(cond(i, n), () => A.set(i, A.get(i).add(1))), "vectorize");
  const f = primFunc([A.data, n], ib.get());
  return { f, g: vectorize(f) };
}

test("test_vectorize_with_le_cond", (t) => {
  const { f, g } = guarded((i, n) => i.le(n));
  // The condition depends on the lane: the if runs lane by lane.
  t.true(g.body instanceof For);
  for (const n of [-1, 0, 2, 5]) {
    t.deepEqual(sameResults(t, f, g, [ramp16(4), n])[0], Array.from(ramp16(4), (v, i) => (i <= n ? v + 1 : v)));
  }
});

test("test_vectorize_with_ge_cond", (t) => {
  const { f, g } = guarded((i, n) => i.ge(n));
  t.true(g.body instanceof For);
  for (const n of [-1, 0, 2, 5]) {
    t.deepEqual(sameResults(t, f, g, [ramp16(4), n])[0], Array.from(ramp16(4), (v, i) => (i >= n ? v + 1 : v)));
  }
});

test("test_vectorize_if_then_else", (t) => {
  const n = te.var("n");
  const x = te.var("x");
  let ib = tir.irBuilder();
  let A = ib.pointer("float32", "A");
  ib.forRange(0, 4, "i", (i) => A.set(i, tir.ifThenElse(i.gt(0), A.get(i).add(1), A.get(i))), "vectorize");
  const f = primFunc([A.data, n, x], ib.get());
  const g = vectorize(f);
  t.true(g.body instanceof For);
  sameResults(t, f, g, [ramp16(4), 3, 1]);

  ib = tir.irBuilder();
  A = ib.pointer("float32", "A");
  ib.forRange(0, n, "k", (k) => {
    ib.forRange(0, 4, "i", (i) => A.set(k.mul(4).add(i), tir.ifThenElse(k.gt(0), A.get(k.mul(4).add(i)), 0)), "vectorize");
  });
  const stmt = ib.get() as For;
  t.true(stmt.body instanceof For);
  const f2 = primFunc([A.data, n], stmt);
  const g2 = vectorize(f2);
  const body = (g2.body as For).body as Store;
  t.false(body instanceof For);
  t.true(body.value instanceof Call);
  t.true((body.value as Call).args[2] instanceof Broadcast);
  sameResults(t, f2, g2, [ramp16(12), 3]);
});

test("test_vectorize_while_fail", (t) => {
  const n = 64;
  const numIter = 10;
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const C = te.extern([n], [A, B], (ins, outs) => {
    const ib = tir.irBuilder();
    const a = ib.bufferPtr(ins[0]);
    const b = ib.bufferPtr(ins[1]);
    const c = ib.bufferPtr(outs[0]);
    const i = ib.allocate("int32", [1], "i", "local");
    i.set(0, 0);
    ib.forRange(0, n, "j", (j) => c.set(j, 0));
    ib.forRange(0, n, "j", (j) => {
      ib.whileLoop(i.get(0).lt(numIter), () => {
        c.set(j, c.get(j).add(a.get(j).add(b.get(j))));
        i.set(0, i.get(0).add(1));
      });
    }, "vectorize");
    return ib.get();
  }, { name: "while_vectorize", dtype: "float32" });
  const s = te.createSchedule(C.op);
  t.throws(() => lower(s, [A, B, C]), {
    message: "vectorize: loop 'j' holds a while loop; a while loop inside a vectorized loop is not supported (as in TVM): " +
      "make 'j' serial, or move the while loop out of it",
  });
  // Without vectorizing, the same program runs: only c[0] gets the ten sums.
  const fn = build(s, [A, B, C], { disableVectorize: true }).getFunction("main");
  const a = ramp16(n);
  const bIn = Float32Array.from({ length: n }, (_, k) => k);
  const out = nd.empty([n]);
  fn(nd.array(a, [n]), nd.array(bIn, [n]), out);
  const want = new Float32Array(n);
  for (let k = 0; k < numIter; k++) want[0] += a[0] + bIn[0];
  t.deepEqual(Array.from(out.toTypedArray() as Float32Array), Array.from(want));
});

test("test_vectorize_dtype_mismatch", (t) => {
  const n = new IntImm("int64", 4);
  const A = te.compute([n], (i) => new IntImm("int64", 2 ** 31 - 1).add(i), "A");
  const s = te.createSchedule(A.op);
  s.stage(A).vectorize(A.op.axis[0]);
  const f = lower(s, [A], { simpleMode: true }).get("main");
  t.regex(f.toString(), /A_2\[ramp\(0, 1, 4\)\] = ramp\(2147483647i64, 1, 4\)/);
  const out = nd.empty([4], "int64");
  build(s, [A]).getFunction("main")(out);
  t.deepEqual(Array.from(out.toTypedArray() as BigInt64Array), [0n, 1n, 2n, 3n].map((k) => 2n ** 31n - 1n + k));
});
