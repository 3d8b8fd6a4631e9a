// Forms of the TE API that TVM accepts and tejit used to refuse (issue 11, "differences to
// close"): a zero-argument fcompute, a single size as the shape, and rank-0 tensors passed to
// packed calls. Each is built and run, and the interpreter agrees.
import test from "ava";
import { build, lower, nd, registerFunc, te, tir } from "../../ts/index.js";
import { interpret } from "../../ts/interp/index.js";

test("a zero-argument fcompute takes the shape's dimensions, named i0, i1, ... as TVM names them", (t) => {
  const C = te.compute([2, 3], () => 1.5, "C");
  t.deepEqual(C.op.axis.map((iv) => iv.var.name), ["i0", "i1"]);
  const s = te.createSchedule(C.op);
  t.regex(lower(s, [C], { simpleMode: true }).toString(), /for \(i0: int32, 0, 2\) \{\n\s+for \(i1: int32, 0, 3\) \{\n\s+C_2\[\(\(i0\*3\) \+ i1\)\] = 1\.5f32/);
  const c = nd.empty([2, 3], "float32");
  build(s, [C]).getFunction("main")(c);
  t.deepEqual(Array.from(c.toTypedArray()), [1.5, 1.5, 1.5, 1.5, 1.5, 1.5]);
});

test("a variadic fcompute gets the indices it asks for (TVM's lambda *i)", (t) => {
  const A = te.placeholder([3, 2], "int32", "A");
  const B = te.compute([3, 2], (...i: tir.Var[]) => A.at(i[0], i[1]).mul(i[0].add(1)), "B");
  t.deepEqual(B.op.axis.map((iv) => iv.var.name), ["i0", "i1"]);
  const a = nd.array(new Int32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
  const b = nd.empty([3, 2], "int32");
  build(te.createSchedule(B.op), [A, B]).getFunction("main")(a, b);
  t.deepEqual(Array.from(b.toTypedArray()), [1, 2, 6, 8, 15, 18]);
});

test("a single size is a 1-d shape: a number or an expression, for compute and placeholder", (t) => {
  const n = te.var("n");
  const A = te.placeholder(n, "float32", "A");
  t.deepEqual(A.shape.map(String), ["n"]);
  const B = te.compute(n, (i) => A.at(i).add(i), "B");
  t.deepEqual(B.shape.map(String), ["n"]);
  const C = te.compute(4, (i) => i.mul(3), "C");
  t.deepEqual(C.shape.map(String), ["4"]);
  const s = te.createSchedule([B.op, C.op]);
  const mod = build(s, [A, B, C]);
  const a = nd.array(new Float32Array([10, 20, 30, 40, 50]), [5]);
  const b = nd.empty([5], "float32");
  const c = nd.empty([4], "int32");
  mod.getFunction("main")(a, b, c);
  t.deepEqual(Array.from(b.toTypedArray()), [10, 21, 32, 43, 54]);
  t.deepEqual(Array.from(c.toTypedArray()), [0, 3, 6, 9]);
  t.throws(() => te.compute(te.var("x", "float32") as never, (i: tir.Var) => i, "D"), { message: "compute 'D': dimension 0 must be an integer expression, got float32" });
});

test("a rank-0 tensor can be passed to a packed call: the function sees shape [] and one element", (t) => {
  const seen: number[][] = [];
  registerFunc("tvm_forms_scale_by", (x: nd.NDArray, k: nd.NDArray, y: nd.NDArray) => {
    seen.push([...k.shape]);
    const xs = x.toTypedArray();
    const ys = y.toTypedArray();
    const factor = k.toTypedArray()[0];
    for (let i = 0; i < xs.length; i++) ys[i] = xs[i] * factor;
  });
  const X = te.placeholder([4], "float32", "X");
  const K = te.placeholder([], "float32", "K");
  const Y = te.extern([4], [X, K], (ins, outs) => tir.callPacked("tvm_forms_scale_by", ins[0], ins[1], outs[0]), { name: "Y" });
  const s = te.createSchedule(Y.op);
  const x = nd.array(new Float32Array([1, 2, 3, 4]), [4]);
  const k = nd.array(new Float32Array([3]), []);
  const y = nd.empty([4], "float32");
  build(s, [X, K, Y]).getFunction("main")(x, k, y);
  t.deepEqual(Array.from(y.toTypedArray()), [3, 6, 9, 12]);
  const y2 = nd.empty([4], "float32");
  interpret(lower(s, [X, K, Y]), [x, k, y2]);
  t.deepEqual(Array.from(y2.toTypedArray()), [3, 6, 9, 12]);
  t.deepEqual(seen, [[], []]);
});

test("irBuilder.allocate returns what TVM 0.10's does: a view of a buffer, with multi-dimensional indices and asObject()", (t) => {
  const shapes: number[][] = [];
  registerFunc("tvm_forms_negate_tile", (x: nd.NDArray) => {
    shapes.push([...x.shape]);
    const v = x.toTypedArray();
    for (let i = 0; i < v.length; i++) v[i] = -v[i];
  });
  const A = te.placeholder([2, 3], "float32", "A");
  const B = te.extern([2, 3], [A], (ins, outs) => {
    const ib = tir.irBuilder();
    const a = ib.bufferPtr(ins[0]);
    const b = ib.bufferPtr(outs[0]);
    const tmp = ib.allocate("float32", [2, 3], "tmp");
    t.deepEqual(tmp.asObject().shape.map(String), ["2", "3"]);
    t.is(tmp.asObject().data, tmp.data);
    ib.forRange(0, 2, "i", (i) => ib.forRange(0, 3, "j", (j) => tmp.set([i, j], a.get([i, j]).mul(j.add(1).cast("float32")))));
    ib.emit(tir.callPacked("tvm_forms_negate_tile", tmp.asObject()));
    ib.forRange(0, 2, "i", (i) => ib.forRange(0, 3, "j", (j) => b.set([i, j], tmp.get([i, j]).add(1))));
    return ib.get();
  }, { name: "B" });
  const s = te.createSchedule(B.op);
  const a = nd.array(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const want = [0, -3, -8, -3, -9, -17];
  const b = nd.empty([2, 3], "float32");
  build(s, [A, B]).getFunction("main")(a, b);
  t.deepEqual(Array.from(b.toTypedArray()), want);
  const b2 = nd.empty([2, 3], "float32");
  interpret(lower(s, [A, B]), [a, b2]);
  t.deepEqual(Array.from(b2.toTypedArray()), want);
  t.deepEqual(shapes, [[2, 3], [2, 3]]);
  const ib = tir.irBuilder();
  t.throws(() => ib.pointer("float32", "p").asObject(), { message: "pointer 'p' is a bare pointer with no buffer (use allocate or bufferPtr)" });
});
