// Hand-built vectorized TIR (ramp / broadcast loads and stores, gathers, lane masks, vector
// floordiv) compiled to GCC vector extensions: checked against JS references and the interpreter,
// and the C is checked to use vector types rather than per-lane scalar loops.
import test from "ava";
import { clangTest, declBuffer, buildFuncs, assertClose } from "./helpers.js";
import { randomFloats } from "../helpers/random.js";
import { primFunc } from "../helpers/prim_func.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { Broadcast, FloatImm, IntImm, Load, Ramp, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { Store } from "../../ts/ir/stmt.js";
import { interpret } from "../../ts/interp/index.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { IRModule } from "../../ts/ir/function.js";

const i32 = (v: number): IntImm => new IntImm("int32", v);

// B[8i .. 8i+8] = A[8i .. 8i+8] * 2 + c, as float32x8 loads and stores.
function axpb() {
  const A = declBuffer([64], "float32", "A");
  const B = declBuffer([64], "float32", "B");
  const c = new Var("c", "float32");
  const ib = irBuilder();
  const a = ib.bufferPtr(A, "float32x8");
  const b = ib.bufferPtr(B, "float32x8");
  ib.forRange(0, 8, "i", (i) => {
    b.set(i, op.add(op.mul(a.get(i), new Broadcast(new FloatImm("float32", 2), 8)), new Broadcast(c, 8)));
  });
  return primFunc([A, B, c], ib.get(), "axpb");
}

// C[4i .. 4i+4] = A[8i], A[8i+2], A[8i+4], A[8i+6]: a strided gather.
function evens() {
  const A = declBuffer([32], "float32", "A");
  const C = declBuffer([16], "float32", "C");
  const ib = irBuilder();
  ib.forRange(0, 4, "i", (i) => {
    ib.emit(new Store(C.data, new Load("float32x4", A.data, new Ramp(op.mul(i, 8), i32(2), 4)), new Ramp(op.mul(i, 4), i32(1), 4)));
  });
  return primFunc([A, C], ib.get(), "evens");
}

// A 16-float local tile written and read as two aligned vectors; out = tile reversed halves summed.
function tile() {
  const A = declBuffer([16], "float32", "A");
  const O = declBuffer([8], "float32", "O");
  const ib = irBuilder();
  const t = ib.allocate("float32", 16, "tile");
  const tv = { get: (k: number) => new Load("float32x8", t.data, new Ramp(i32(k * 8), i32(1), 8)) };
  ib.emit(new Store(t.data, new Load("float32x8", A.data, new Ramp(i32(0), i32(1), 8)), new Ramp(i32(0), i32(1), 8)));
  ib.emit(new Store(t.data, new Load("float32x8", A.data, new Ramp(i32(8), i32(1), 8)), new Ramp(i32(8), i32(1), 8)));
  ib.emit(new Store(O.data, op.add(tv.get(0), tv.get(1)), new Ramp(i32(0), i32(1), 8)));
  return primFunc([A, O], ib.get(), "tile");
}

// Leaky ReLU with a vector select on a lane mask, and an int vector floordiv / floormod.
function leakyAndDiv() {
  const A = declBuffer([16], "float32", "A");
  const D = declBuffer([16], "float32", "D");
  const X = declBuffer([16], "int32", "X");
  const Q = declBuffer([16], "int32", "Q");
  const R = declBuffer([16], "int32", "R");
  const ib = irBuilder();
  ib.forRange(0, 2, "i", (i) => {
    const idx = new Ramp(op.mul(i, 8), i32(1), 8);
    const a = new Load("float32x8", A.data, idx);
    const zero = new Broadcast(new FloatImm("float32", 0), 8);
    ib.emit(new Store(D.data, op.select(op.gt(a, zero), a, op.mul(a, new Broadcast(new FloatImm("float32", 0.125), 8))), idx));
    const x = new Load("int32x8", X.data, idx);
    ib.emit(new Store(Q.data, op.floordiv(x, new Broadcast(i32(3), 8)), idx));
    ib.emit(new Store(R.data, op.floormod(x, new Broadcast(i32(4), 8)), idx));
  });
  return primFunc([A, D, X, Q, R], ib.get(), "leaky_div");
}

// A 3-lane vector (a vectorized loop of extent 3): legalized into a loop over the lanes.
function threeLanes() {
  const A = declBuffer([12], "float32", "A");
  const O = declBuffer([12], "float32", "O");
  const ib = irBuilder();
  ib.forRange(0, 4, "i", (i) => {
    const idx = new Ramp(op.mul(i, 3), i32(1), 3);
    ib.emit(new Store(O.data, op.add(op.mul(new Load("float32x3", A.data, idx), new Broadcast(new FloatImm("float32", 2), 3)), new Broadcast(op.cast("float32", i), 3)), idx));
  });
  return primFunc([A, O], ib.get(), "three");
}

const funcs = [axpb(), evens(), tile(), leakyAndDiv(), threeLanes()];
const mod = buildFuncs(funcs);
const source = generateC(new IRModule(new Map(funcs.map((f) => [f.name!, f])))).source;

test("vector loads, stores and broadcasts become GCC vector types", (t) => {
  t.regex(source, /typedef float float32x8 __attribute__\(\(vector_size\(32\)\)\);/);
  t.regex(source, /\*\(float32x8_u\*\)\(A \+ \(i \* 8\)\)/, "a contiguous load of a parameter is one unaligned vector load");
  t.regex(source, /\*\(float32x8_a\*\)\(tile\w* \+ 8\) = /, "a store into a stack tile at a multiple of 8 is aligned");
  t.notRegex(source, /for \(int32_t \w+ = 0; \w+ < 8; \+\+\w+\) \{\s*B\[/, "no scalar loop over the lanes");
  const A = randomFloats(64, 3);
  const B = empty([64]);
  mod.getFunction("axpb")(array(A), B, 0.5);
  const expected = A.map((x) => x * 2 + 0.5);
  assertClose(t, B.toTypedArray() as Float32Array, expected);
  const Bi = empty([64]);
  interpret(funcs[0], [array(A), Bi, 0.5]);
  assertClose(t, B.toTypedArray() as Float32Array, Bi.toTypedArray() as Float32Array, 0, "interpreter");
});

test("a strided ramp index is a gather", (t) => {
  const A = Float32Array.from({ length: 32 }, (_, i) => i);
  const C = empty([16]);
  mod.getFunction("evens")(array(A), C);
  t.deepEqual([...C.toTypedArray()], Array.from({ length: 16 }, (_, k) => Math.floor(k / 4) * 8 + (k % 4) * 2));
  const Ci = empty([16]);
  interpret(funcs[1], [array(A), Ci]);
  t.deepEqual([...C.toTypedArray()], [...Ci.toTypedArray()]);
});

test("a stack tile is 64-byte aligned and read back as vectors", (t) => {
  const A = randomFloats(16, 7);
  const O = empty([8]);
  mod.getFunction("tile")(array(A), O);
  assertClose(t, O.toTypedArray() as Float32Array, Float32Array.from({ length: 8 }, (_, k) => A[k] + A[k + 8]), 0);
});

test("vectors of a non-power-of-two lane count become loops over the lanes", (t) => {
  const A = randomFloats(12, 17);
  const O = empty([12]);
  mod.getFunction("three")(array(A), O);
  assertClose(t, O.toTypedArray() as Float32Array, A.map((x, k) => x * 2 + Math.floor(k / 3)), 0);
  t.regex(source, /for \(int32_t lane = 0; lane < 3; \+\+lane\)/);
  t.notRegex(source, /float32x3/);
});

test("vector select on a lane mask, and vector floordiv/floormod of negatives", (t) => {
  const A = randomFloats(16, 11);
  const X = Int32Array.from({ length: 16 }, (_, k) => k * 3 - 23);
  const args = () => [array(A), empty([16]), array(X), empty([16], "int32"), empty([16], "int32")] as const;
  const c = args();
  mod.getFunction("leaky_div")(...c);
  assertClose(t, c[1].toTypedArray() as Float32Array, A.map((x) => (x > 0 ? x : x * 0.125)), 0);
  t.deepEqual([...c[3].toTypedArray()], [...X].map((x) => Math.floor(x / 3)));
  t.deepEqual([...c[4].toTypedArray()], [...X].map((x) => ((x % 4) + 4) % 4));
  const r = args();
  interpret(funcs[3], [...r]);
  t.deepEqual([...c[3].toTypedArray()], [...r[3].toTypedArray()]);
  t.deepEqual([...c[4].toTypedArray()], [...r[4].toTypedArray()]);
});
clangTest("the generated C compiles without warnings under clang -Wall -Wextra", () => source);
