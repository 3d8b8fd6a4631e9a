// Programs before storage flattening: BufferRealize allocates the realized region, BufferStore /
// BufferLoad index it per dimension (relative to the region's minimum, each index checked), and
// buffer_bind_scope binds an extern's placeholder buffer to a region of a real buffer.
import test from "ava";
import { declBuffer } from "../../ts/ir/buffer.js";
import { callPacked, tuple } from "../../ts/ir/builtin.js";
import { IntImm, Var } from "../../ts/ir/expr.js";
import { Range } from "../../ts/ir/iter_var.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { constant } from "../../ts/ir/op.js";
import { AttrStmt, BufferRealize } from "../../ts/ir/stmt.js";
import { type NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";
import { interpret } from "../../ts/interp/index.js";
import { primFunc } from "../helpers/prim_func.js";

const int = (v: number): IntImm => new IntImm("int32", v);
const TRUE = constant(true);

test("a realized region is allocated and indexed relative to its minimum, inside a loop", (t) => {
  // for io in 0..2: realize T rows [2io, 2io+2) { T = 2A on those rows; B = T + 1 }
  const A = declBuffer([4, 3], "float32", "A");
  const B = declBuffer([4, 3], "float32", "B");
  const T = declBuffer([4, 3], "float32", "T");
  const ib = irBuilder();
  ib.forRange(0, 2, "io", (io) => {
    const inner = irBuilder();
    inner.forRange(0, 2, "ii", (ii) => {
      inner.forRange(0, 3, "j", (j) => inner.emit(T.vstore([io.mul(2).add(ii), j], A.vload([io.mul(2).add(ii), j]).mul(2))));
    });
    inner.forRange(0, 2, "ii", (ii) => {
      inner.forRange(0, 3, "j", (j) => inner.emit(B.vstore([io.mul(2).add(ii), j], T.vload([io.mul(2).add(ii), j]).add(1))));
    });
    ib.emit(new BufferRealize(T, [new Range(io.mul(2), int(2)), new Range(int(0), int(3))], TRUE, inner.get()));
  });
  const a = Float32Array.from({ length: 12 }, (_, i) => i);
  const b = empty([4, 3]);
  interpret(primFunc([A, B], ib.get()), [array(a, [4, 3]), b]);
  t.deepEqual(Array.from(b.toTypedArray()), Array.from(a, (x) => 2 * x + 1));
});

test("an index outside the realized region is an Error naming the buffer and the dimension", (t) => {
  const B = declBuffer([4], "int32", "B");
  const T = declBuffer([4], "int32", "T");
  const inner = irBuilder();
  inner.forRange(1, 3, "i", (i) => inner.emit(T.vstore([i], i)));
  inner.forRange(0, 4, "i", (i) => inner.emit(B.vstore([i], T.vload([i]))));
  const body = new BufferRealize(T, [new Range(int(1), int(2))], TRUE, inner.get());
  const err = t.throws(() => interpret(primFunc([B], body), [empty([4], "int32")]));
  t.regex(err!.message, /out-of-bounds load from buffer 'T': index 0 of dimension 0 is outside \[1, 3\)/);
});

test("a per-dimension index outside an argument's shape is an Error even when memory exists", (t) => {
  const A = declBuffer([2, 3], "int32", "A");
  const ib = irBuilder();
  ib.emit(A.vstore([0, 3], 1)); // flat offset 3 is inside A's 6 elements, but j = 3 is not < 3
  t.throws(() => interpret(primFunc([A], ib.get()), [empty([2, 3], "int32")]), {
    message: /store to buffer 'A': index 3 of dimension 1 is outside \[0, 3\)/,
  });
});

test("realizing a function argument allocates nothing: stores reach the argument", (t) => {
  const B = declBuffer([3], "float64", "B");
  const inner = irBuilder();
  inner.forRange(0, 3, "i", (i) => inner.emit(B.vstore([i], i.cast("float64").mul(0.5))));
  const body = new BufferRealize(B, [new Range(int(0), int(3))], TRUE, inner.get());
  const b = empty([3], "float64");
  interpret(primFunc([B], body), [b]);
  t.deepEqual(Array.from(b.toTypedArray()), [0, 0.5, 1]);
});

test("buffer_bind_scope binds a placeholder's data, offset, shape and strides to a region", (t) => {
  const A = declBuffer([4, 6], "float32", "A");
  const [m, k, s0, s1, eo] = ["m", "k", "s0", "s1", "eo"].map((n) => new Var(n, "int32"));
  const P = declBuffer([m, k], "float32", "P", { strides: [s0, s1], elemOffset: eo });
  const seen: unknown[] = [];
  registerFunc("interp_test_bind", (v: NDArray) => {
    seen.push([...v.shape], [...v.strides], v.byteOffset, Array.from(v.toTypedArray()));
  }, { override: true });
  const inner = irBuilder();
  inner.emit(callPacked("interp_test_bind", P));
  inner.emit(P.vstore([1, 2], P.vload([0, 0]).add(100)));
  const body = new AttrStmt([P, A], "buffer_bind_scope", tuple([int(1), int(2), int(2), int(3)]), inner.get());
  const a = Float32Array.from({ length: 24 }, (_, i) => i);
  interpret(primFunc([A], body), [array(a, [4, 6])]);
  t.deepEqual(seen, [[2, 3], [6, 1], (1 * 6 + 2) * 4, [8, 9, 10, 14, 15, 16]]);
  t.is(a[2 * 6 + 4], 108);
});

test("a compact placeholder bound to a strided region is an Error", (t) => {
  const A = declBuffer([4, 6], "float32", "A");
  const P = declBuffer([2, 3], "float32", "P", { elemOffset: new Var("eo", "int32") });
  const inner = irBuilder();
  inner.emit(P.vstore([0, 0], 1));
  const body = new AttrStmt([P, A], "buffer_bind_scope", tuple([int(0), int(2), int(0), int(3)]), inner.get());
  t.throws(() => interpret(primFunc([A], body), [empty([4, 6])]), { message: /'P' is compact but the region of 'A' is strided/ });
});
