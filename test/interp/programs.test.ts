// Whole programs built with irBuilder, run on NDArrays and compared with JS references:
// elementwise add over a symbolic shape, a loop matmul, allocate/let/if/while, vector code.
import test from "ava";
import { declBuffer } from "../../ts/ir/buffer.js";
import { Broadcast, IntImm, LT, Load, Ramp, Shuffle, Var } from "../../ts/ir/expr.js";
import { IRModule } from "../../ts/ir/function.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { Store } from "../../ts/ir/stmt.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { interpret } from "../../ts/interp/index.js";
import { primFunc } from "../helpers/prim_func.js";

function addFunc() {
  const n = new Var("n", "int32");
  const A = declBuffer([n], "float32", "A");
  const B = declBuffer([n], "float32", "B");
  const C = declBuffer([n], "float32", "C");
  const ib = irBuilder();
  const [a, b, c] = [ib.bufferPtr(A), ib.bufferPtr(B), ib.bufferPtr(C)];
  ib.forRange(0, n, "i", (i) => c.set(i, a.get(i).add(b.get(i))));
  return primFunc([A, B, C], ib.get(), "add");
}

test("elementwise add over a symbolic shape binds n from the arguments", (t) => {
  const f = addFunc();
  for (const n of [1, 7, 33]) {
    const a = Float32Array.from({ length: n }, (_, i) => i * 0.1);
    const b = Float32Array.from({ length: n }, (_, i) => 1 / (i + 1));
    const c = empty([n]);
    t.is(interpret(f, [array(a), array(b), c]), undefined);
    t.deepEqual(Array.from(c.toTypedArray()), Array.from(a, (x, i) => Math.fround(x + b[i])));
  }
});

test("a symbolic dimension bound by one argument is checked against the others", (t) => {
  const f = addFunc();
  const err = t.throws(() => interpret(f, [empty([4]), empty([4]), empty([5])]));
  t.regex(err!.message, /argument 2 \('C'\): shape\[0\] is 5, but buffer 'C' expects n = 4/);
});

function matmulFunc(n: number, m: number, k: number) {
  const A = declBuffer([n, k], "float32", "A");
  const B = declBuffer([k, m], "float32", "B");
  const C = declBuffer([n, m], "float32", "C");
  const ib = irBuilder();
  const [a, b, c] = [ib.bufferPtr(A), ib.bufferPtr(B), ib.bufferPtr(C)];
  ib.forRange(0, n, "i", (i) => {
    ib.forRange(0, m, "j", (j) => {
      c.set([i, j], 0);
      ib.forRange(0, k, "k", (r) => c.set([i, j], c.get([i, j]).add(a.get([i, r]).mul(b.get([r, j])))));
    }, "parallel");
  });
  return primFunc([A, B, C], ib.get(), "matmul");
}

function matmulRef(a: Float32Array, b: Float32Array, n: number, m: number, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let acc = 0;
      for (let r = 0; r < k; r++) acc = Math.fround(acc + Math.fround(a[i * k + r] * b[r * m + j]));
      out.push(acc);
    }
  }
  return out;
}

test("a matmul written with loops matches a float32 JS reference exactly", (t) => {
  const [n, m, k] = [64, 64, 64];
  const f = matmulFunc(n, m, k);
  const a = Float32Array.from({ length: n * k }, (_, i) => Math.sin(i) * 3);
  const b = Float32Array.from({ length: k * m }, (_, i) => Math.cos(i * 0.7));
  const c = empty([n, m]);
  interpret(f, [array(a, [n, k]), array(b, [k, m]), c]);
  t.deepEqual(Array.from(c.toTypedArray()), matmulRef(a, b, n, m, k));
});

test("parallel loops give the same result in forward, reverse and shuffled order", (t) => {
  const [n, m, k] = [5, 6, 3];
  const f = matmulFunc(n, m, k);
  const a = Float32Array.from({ length: n * k }, (_, i) => i - 4);
  const b = Float32Array.from({ length: k * m }, (_, i) => i * 0.25);
  const ref = matmulRef(a, b, n, m, k);
  for (const parallelOrder of ["forward", "reverse", "shuffle"] as const) {
    const c = empty([n, m]);
    interpret(f, [array(a, [n, k]), array(b, [k, m]), c], { parallelOrder });
    t.deepEqual(Array.from(c.toTypedArray()), ref, parallelOrder);
  }
});

test("reverse order exposes a parallel loop whose iterations depend on each other", (t) => {
  const A = declBuffer([8], "int32", "A");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(1, 8, "i", (i) => a.set(i, a.get(i.sub(1)).add(1)), "parallel");
  const f = primFunc([A], ib.get());
  const fwd = array(new Int32Array(8));
  const rev = array(new Int32Array(8));
  interpret(f, [fwd]);
  interpret(f, [rev], { parallelOrder: "reverse" });
  t.deepEqual(Array.from(fwd.toTypedArray()), [0, 1, 2, 3, 4, 5, 6, 7]);
  t.deepEqual(Array.from(rev.toTypedArray()), [0, 1, 1, 1, 1, 1, 1, 1]);
});

test("allocate, let, if/else and while: Collatz step counts through a scratch buffer", (t) => {
  const n = 10;
  const Out = declBuffer([n], "int32", "Out");
  const ib = irBuilder();
  const out = ib.bufferPtr(Out);
  const scratch = ib.allocate("int32", [2], "scratch");
  ib.forRange(0, n, "i", (i) => {
    const start = ib.let("start", i.add(1));
    scratch.set(0, start);
    scratch.set(1, 0);
    ib.whileLoop(scratch.get(0).ne(1), () => {
      const x = scratch.get(0);
      ib.ifScope(x.floormod(2).eq(0), () => scratch.set(0, x.floordiv(2)));
      ib.elseScope(() => scratch.set(0, x.mul(3).add(1)));
      scratch.set(1, scratch.get(1).add(1));
    });
    out.set(i, scratch.get(1));
  });
  const f = primFunc([Out], ib.get());
  const o = empty([n], "int32");
  interpret(f, [o]);
  const ref = Array.from({ length: n }, (_, i) => {
    let x = i + 1;
    let steps = 0;
    while (x !== 1) {
      x = x % 2 === 0 ? x / 2 : 3 * x + 1;
      steps++;
    }
    return steps;
  });
  t.deepEqual(Array.from(o.toTypedArray()), ref);
});

test("an allocation is fresh (zeroed) memory each time its statement runs", (t) => {
  const Out = declBuffer([3], "float32", "Out");
  const ib = irBuilder();
  const out = ib.bufferPtr(Out);
  ib.forRange(0, 3, "i", (i) => {
    const tmp = ib.allocate("float32", [1], "tmp");
    tmp.set(0, tmp.get(0).add(i.cast("float32")).add(0.5));
    out.set(i, tmp.get(0));
  });
  const o = empty([3]);
  interpret(primFunc([Out], ib.get()), [o]);
  t.deepEqual(Array.from(o.toTypedArray()), [0.5, 1.5, 2.5]);
});

test("vector loads and stores: ramp indices, broadcast operands and lane-wise arithmetic", (t) => {
  const A = declBuffer([16], "float32", "A");
  const B = declBuffer([16], "float32", "B");
  const ib = irBuilder();
  const a4 = ib.bufferPtr(A, "float32x4");
  const b4 = ib.bufferPtr(B, "float32x4");
  ib.forRange(0, 4, "i", (i) => b4.set(i, a4.get(i).mul(new Broadcast(i.cast("float32"), 4)).add(1)), "vectorize");
  const f = primFunc([A, B], ib.get());
  const a = Float32Array.from({ length: 16 }, (_, i) => i * 1.5);
  const b = empty([16]);
  interpret(f, [array(a), b]);
  t.deepEqual(Array.from(b.toTypedArray()), Array.from(a, (x, i) => Math.fround(x * Math.floor(i / 4) + 1)));
});

test("a predicated vector store writes only the lanes whose predicate holds; strided ramps and shuffles", (t) => {
  const A = declBuffer([10], "int32", "A");
  const B = declBuffer([8], "int32", "B");
  const n = new Var("n", "int32");
  const even = new Ramp(new IntImm("int32", 0), new IntImm("int32", 2), 4); // 0, 2, 4, 6
  const odd = new Ramp(new IntImm("int32", 1), new IntImm("int32", 2), 4); // 1, 3, 5, 7
  const ib = irBuilder();
  // Even positions below n get A[0]; the others keep their value.
  const a0 = new Load("int32", A.data, new IntImm("int32", 0));
  ib.emit(new Store(B.data, new Broadcast(a0, 4), even, new LT(even, new Broadcast(n, 4))));
  // Odd positions get A's odd elements in reverse order (a shuffle of a strided load).
  ib.emit(new Store(B.data, new Shuffle([new Load("int32x4", A.data, odd)], [3, 2, 1, 0]), odd));
  const f = primFunc([A, B, n], ib.get());
  const a = array(Int32Array.from({ length: 10 }, (_, i) => 100 + i));
  const b = array(new Int32Array(8).fill(-1));
  interpret(f, [a, b, 5]);
  t.deepEqual(Array.from(b.toTypedArray()), [100, 107, 100, 105, 100, 103, -1, 101]);
});

test("a masked-off lane is neither loaded nor bounds-checked, and loads as zero", (t) => {
  const A = declBuffer([3], "int32", "A");
  const B = declBuffer([4], "int32", "B");
  const idx = new Ramp(new IntImm("int32", 0), new IntImm("int32", 1), 4);
  const inRange = new LT(idx, new Broadcast(new IntImm("int32", 3), 4));
  const body = new Store(B.data, new Load("int32x4", A.data, idx, inRange), idx);
  const b = empty([4], "int32");
  interpret(primFunc([A, B], body), [array(new Int32Array([7, 8, 9])), b]);
  t.deepEqual(Array.from(b.toTypedArray()), [7, 8, 9, 0]);
});

test("an IRModule runs the function chosen by name, or its only one", (t) => {
  const mod = new IRModule({ add: addFunc() });
  const c = empty([2]);
  interpret(mod, [array(new Float32Array([1, 2])), array(new Float32Array([3, 4])), c]);
  t.deepEqual(Array.from(c.toTypedArray()), [4, 6]);
  const two = new IRModule({ add: addFunc(), other: addFunc() });
  t.throws(() => interpret(two, [empty([1]), empty([1]), empty([1])]), { message: /pass \{name\}/ });
  const d = empty([1]);
  interpret(two, [array(new Float32Array([5])), array(new Float32Array([6])), d], { name: "other" });
  t.deepEqual(Array.from(d.toTypedArray()), [11]);
  t.throws(() => interpret(two, [], { name: "nope" }), { message: /no function 'nope'/ });
});

test("poisoned allocations make a read of memory nothing wrote visible", (t) => {
  const Out = declBuffer([2], "float32", "Out");
  const Cnt = declBuffer([1], "int32", "Cnt");
  const ib = irBuilder();
  const tmp = ib.allocate("float32", [2], "tmp");
  const counter = ib.allocate("int32", [1], "counter");
  tmp.set(0, 1.5); // tmp[1] is never written
  ib.forRange(0, 2, "i", (i) => ib.bufferPtr(Out).set(i, tmp.get(i)));
  ib.bufferPtr(Cnt).set(0, counter.get(0));
  const f = primFunc([Out, Cnt], ib.get());
  const [out, cnt] = [empty([2]), empty([1], "int32")];
  interpret(f, [out, cnt]);
  t.deepEqual([...Array.from(out.toTypedArray()), cnt.get([0])], [1.5, 0, 0]);
  interpret(f, [out, cnt], { poisonAllocations: true });
  t.is(out.get([0]), 1.5);
  t.true(Number.isNaN(out.get([1])));
  t.is(cnt.get([0]), 0x5a5a5a5a);
});
