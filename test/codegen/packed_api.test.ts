// The packed API's argument checks: every wrong argument (count, kind, ndim, dtype, shape,
// strides, byte offset) is refused with an Error naming the function, the argument and the
// mismatch before the kernel touches any memory; symbolic shapes, strides and elem_offset are
// bound from the arguments. Checked both through the JS parameter descriptions (metadata) and
// through the C prologue alone (metadata: false), since a loaded library may be called by others.
import test from "ava";
import { clangTest, declBuffer, buildFunc } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { IRModule } from "../../ts/ir/function.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import { NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { interpret } from "../../ts/interp/index.js";
import { loadModule } from "../../ts/runtime/module.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// main(A: float32[n, 8], B: float32[n, 8], scale: float32): B = A * scale
function scaleKernel(opts: { strides?: boolean; offset?: boolean } = {}) {
  const n = new Var("n");
  const A = declBuffer([n, 8], "float32", "A", {
    strides: opts.strides ? [new Var("s0"), new Var("s1")] : undefined,
    elemOffset: opts.offset ? new Var("a_offset") : undefined,
  });
  const B = declBuffer([n, 8], "float32", "B");
  const scale = new Var("scale", "float32");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  const b = ib.bufferPtr(B);
  ib.forRange(0, n, "i", (i) => ib.forRange(0, 8, "j", (j) => b.set([i, j], op.mul(a.get([i, j]), scale))));
  return primFunc([A, B, scale], ib.get(), "main");
}

const f = scaleKernel();
const typed = buildFunc(f).getFunction("main");
const bare = buildFunc(f, { metadata: false }).getFunction("main");

const input = () => array(Float32Array.from({ length: 16 }, (_, i) => i), [2, 8]);
const sentinel = () => array(new Float32Array(16).fill(-7), [2, 8]);

test("correct arguments run, and a float parameter takes an integer", (t) => {
  for (const g of [typed, bare]) {
    const B = empty([2, 8]);
    g(input(), B, 2);
    t.deepEqual([...B.toTypedArray()], Array.from({ length: 16 }, (_, i) => i * 2));
    g(input(), B, 0.5);
    t.is(B.get([1, 7]), 7.5);
  }
  const Bi = empty([2, 8]);
  interpret(f, [input(), Bi, 2]);
  t.is(Bi.get([1, 7]), 30);
});

/** Calls `g`, expects an Error matching `message`, and checks that no array changed. */
function refused(t: import("ava").ExecutionContext, g: (...a: unknown[]) => unknown, args: unknown[], message: RegExp | string): void {
  const before = args.map((a) => (a instanceof NDArray ? [...a.toTypedArray() as Float32Array] : a));
  const err = t.throws(() => g(...args));
  if (typeof message === "string") t.is(err?.message, message);
  else t.regex(err?.message ?? "", message);
  args.forEach((a, i) => {
    if (a instanceof NDArray) t.deepEqual([...a.toTypedArray() as Float32Array], before[i], `argument ${i} unchanged`);
  });
}

test("the C prologue refuses wrong arguments with the function, argument and mismatch", (t) => {
  refused(t, bare, [input(), sentinel()], "main: expected 3 arguments (A, B, scale), got 2");
  refused(t, bare, [input(), sentinel(), 1, 2], "main: expected 3 arguments (A, B, scale), got 4");
  refused(t, bare, [input(), 3, 1], "main: argument 1 (B) must be a tensor, got an integer (type code 0)");
  refused(t, bare, [null, sentinel(), 1], "main: argument 0 (A) must be a tensor, got null (type code 4)");
  refused(t, bare, [input(), sentinel(), "x"], "main: argument 2 (scale) must be a float32 number, got a string (type code 11)");
  refused(t, bare, [array(new Float32Array(16)), sentinel(), 1], "main: argument 0 (A) has 1 dimensions, expected 2");
  refused(t, bare, [array(new Float64Array(16), [2, 8]), sentinel(), 1], "main: argument 0 (A) has dtype float64, expected float32");
  refused(t, bare, [input(), array(new Float32Array(24).fill(-7), [3, 8]), 1], "main: argument 1 (B) has shape[0] = 3, expected 2");
  refused(t, bare, [input(), array(new Float32Array(14).fill(-7), [2, 7]), 1], "main: argument 1 (B) has shape[1] = 7, expected 8");
  // A strided view (every other column of a [2, 16] array) is not compact.
  const wide = new Float32Array(32);
  refused(t, bare, [input(), NDArray.view(wide, [2, 8], [16, 2], 0), 1], "main: argument 1 (B) has strides[0] = 16, expected 8 (the buffer is compact)");
  refused(t, bare, [input(), NDArray.view(wide, [2, 8], [8, 1], 16), 1], /^main: argument 1 \(B\) has byte_offset 16, expected 0/);
  t.deepEqual([...wide], new Array(32).fill(0), "the strided and offset views were not written");
});

test("with parameter descriptions, JS refuses wrong kinds, dtypes and ranks before the call", (t) => {
  refused(t, typed, [input(), sentinel()], /^main: expected 3 arguments \(A, B, scale\), got 2$/);
  refused(t, typed, [input(), 3, 1], /^main: argument 1 \('B'\): expected an NDArray of dtype float32, got number/);
  refused(t, typed, [array(new Float64Array(16), [2, 8]), sentinel(), 1], /^main: argument 0 \('A'\): expected an NDArray of dtype float32, got float64/);
  refused(t, typed, [array(new Float32Array(16)), sentinel(), 1], /^main: argument 0 \('A'\): expected an NDArray of 2 dimensions, got shape \[16\]/);
  refused(t, typed, [new Float32Array(16), sentinel(), 1], /wrap TypedArrays with nd.array/);
  // Shapes are the C prologue's to check.
  refused(t, typed, [input(), array(new Float32Array(24).fill(-7), [3, 8]), 1], "main: argument 1 (B) has shape[0] = 3, expected 2");
});

test("an exported library keeps its parameter descriptions after loadModule", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tejit-export-"));
  try {
    const path = join(dir, "scale.so");
    buildFunc(f).exportLibrary(path);
    const g = loadModule(path).getFunction("main");
    const B = empty([2, 8]);
    g(input(), B, 3);
    t.is(B.get([1, 7]), 45);
    refused(t, g, [array(new Float64Array(16), [2, 8]), sentinel(), 1], /^main: argument 0 \('A'\): expected an NDArray of dtype float32, got float64/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a symbolic shape is bound by the first argument and checked against the others", (t) => {
  for (const n of [1, 5]) {
    const A = array(Float32Array.from({ length: n * 8 }, (_, i) => i), [n, 8]);
    const B = empty([n, 8]);
    bare(A, B, 3);
    t.is(B.get([n - 1, 7]), (n * 8 - 1) * 3);
  }
  refused(t, bare, [array(new Float32Array(40), [5, 8]), sentinel(), 1], "main: argument 1 (B) has shape[0] = 2, expected 5");
});

test("declared symbolic strides and elem_offset accept views", (t) => {
  const g = buildFunc(scaleKernel({ strides: true, offset: true }), { metadata: false }).getFunction("main");
  // Rows 1..2, columns 4..11 of a 4x16 array: strides [16, 1], offset 20 elements.
  const parent = Float32Array.from({ length: 64 }, (_, i) => i);
  const B = empty([2, 8]);
  g(NDArray.view(parent, [2, 8], [16, 1], 20 * 4), B, 1);
  t.deepEqual([...B.toTypedArray()], [20, 21, 22, 23, 24, 25, 26, 27, 36, 37, 38, 39, 40, 41, 42, 43]);
  // Transposed (column-major) view of an 8x2 array.
  const colMajor = Float32Array.from({ length: 16 }, (_, i) => i);
  g(NDArray.view(colMajor, [2, 8], [1, 2], 0), B, 1);
  t.deepEqual([...B.toTypedArray()], [0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15]);
  // A compact array (NULL strides) binds the row-major strides.
  g(input(), B, 1);
  t.is(B.get([1, 0]), 8);
});

clangTest("the prologue compiles without warnings under clang -Wall -Wextra", () =>
  generateC(new IRModule({ main: scaleKernel({ strides: true, offset: true }) })).source);
