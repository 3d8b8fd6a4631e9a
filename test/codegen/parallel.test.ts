// Parallel loops outlined into closures and run by the runtime's thread pool: a loop whose body
// calls a registered JS function on views of its rows (calls from pool threads are queued to the
// JS thread), per-iteration stack and workspace allocations, and errors raised inside a task.
import test from "ava";
import { clangTest, declBuffer, buildFuncs, assertClose } from "./helpers.js";
import { randomFloats } from "../helpers/random.js";
import { primFunc } from "../helpers/prim_func.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { callPacked } from "../../ts/ir/builtin.js";
import * as op from "../../ts/ir/op.js";
import { Var } from "../../ts/ir/expr.js";
import { interpret } from "../../ts/interp/index.js";
import { type NDArray, array, empty } from "../../ts/runtime/ndarray.js";
import { registerFunc } from "../../ts/runtime/registry.js";
import { generateC } from "../../ts/codegen/build_module.js";
import { IRModule } from "../../ts/ir/function.js";

const R = 16;
const C = 32;

// for i in parallel(R): test.codegen.row(A[i, :], B[i, :], i)
function rowCalls(callee: string) {
  const A = declBuffer([R, C], "float32", "A");
  const B = declBuffer([R, C], "float32", "B");
  const ib = irBuilder();
  ib.forRange(0, R, "i", (i) => {
    const simplify = (e: typeof i) => e;
    const a = A.makeSlice([i, op.constant(0)], [op.constant(1), op.constant(C)], simplify);
    const b = B.makeSlice([i, op.constant(0)], [op.constant(1), op.constant(C)], simplify);
    ib.emit(callPacked(callee, a, b, i));
  }, "parallel");
  return primFunc([A, B], ib.get(), `rows_${callee.replace(/\W/g, "_")}`);
}

// for i in parallel(n): small[8] on the stack, big[n*64] from the workspace; O[i] = sum of both.
function allocs() {
  const n = new Var("n");
  const O = declBuffer([n], "float32", "O");
  const ib = irBuilder();
  const o = ib.bufferPtr(O);
  ib.forRange(0, n, "i", (i) => {
    const small = ib.allocate("float32", 8, "small");
    const big = ib.allocate("float32", op.mul(n, 64), "big");
    ib.forRange(0, 8, "k", (k) => small.set(k, op.cast("float32", op.add(i, k))));
    ib.forRange(0, op.mul(n, 64), "k", (k) => big.set(k, op.constant(1, "float32")));
    const acc = ib.allocate("float32", 1, "acc");
    acc.set(0, 0);
    ib.forRange(0, 8, "k", (k) => acc.set(0, op.add(acc.get(0), small.get(k))));
    ib.forRange(0, op.mul(n, 64), "k", (k) => acc.set(0, op.add(acc.get(0), big.get(k))));
    o.set(i, acc.get(0));
  }, "parallel");
  return primFunc([O], ib.get(), "allocs");
}

const calls: { i: number; shape: number[]; offset: number }[] = [];
registerFunc("test.codegen.row", (a: NDArray, b: NDArray, i: number) => {
  calls.push({ i, shape: [...a.shape], offset: a.byteOffset });
  for (let j = 0; j < C; j++) b.set([0, j], (a.get([0, j]) as number) * 2 + i);
});
registerFunc("test.codegen.throws", (_a: NDArray, _b: NDArray, i: number) => {
  if (i === 5) throw new Error("row 5 is cursed");
});

const funcs = [rowCalls("test.codegen.row"), rowCalls("test.codegen.throws"), rowCalls("test.codegen.missing"), allocs()];
const mod = buildFuncs(funcs);
const source = generateC(new IRModule(new Map(funcs.map((f) => [f.name!, f])))).source;

test.serial("a parallel loop calling a JS function on row views completes, once per row", (t) => {
  t.regex(source, /__TVMBackendParallelLaunch\(rows_test_codegen_row_parallel_0, &/);
  t.regex(source, /static void\* test_codegen_row_packed = 0;/);
  const A = randomFloats(R * C, 5);
  const B = empty([R, C]);
  calls.length = 0;
  mod.getFunction("rows_test_codegen_row")(array(A, [R, C]), B);
  t.deepEqual(calls.map((c) => c.i).sort((x, y) => x - y), Array.from({ length: R }, (_, i) => i));
  t.true(calls.every((c) => c.shape.join() === `1,${C}` && c.offset === c.i * C * 4), "each call gets a [1, C] view at its row");
  assertClose(t, B.toTypedArray() as Float32Array, A.map((x, k) => x * 2 + Math.floor(k / C)));
  // The interpreter calls the same registered function.
  const Bi = empty([R, C]);
  interpret(funcs[0], [array(A, [R, C]), Bi]);
  t.deepEqual([...B.toTypedArray()], [...Bi.toTypedArray()]);
});

test.serial("callAsync runs the kernel off the JS thread; its parallel tasks still reach JS", async (t) => {
  const A = randomFloats(R * C, 6);
  const B = empty([R, C]);
  calls.length = 0;
  await mod.getFunction("rows_test_codegen_row").callAsync(array(A, [R, C]), B);
  t.is(calls.length, R);
  assertClose(t, B.toTypedArray() as Float32Array, A.map((x, k) => x * 2 + Math.floor(k / C)));
});

test.serial("a JS error inside a parallel task fails the kernel with its message", (t) => {
  const err = t.throws(() => mod.getFunction("rows_test_codegen_throws")(array(randomFloats(R * C), [R, C]), empty([R, C])));
  t.regex(err!.message, /row 5 is cursed/);
  const missing = t.throws(() => mod.getFunction("rows_test_codegen_missing")(array(randomFloats(R * C), [R, C]), empty([R, C])));
  t.regex(missing!.message, /packed function 'test.codegen.missing' is not registered/);
  // The process goes on and the module still works.
  const B = empty([R, C]);
  mod.getFunction("rows_test_codegen_row")(array(new Float32Array(R * C), [R, C]), B);
  t.is(B.get([R - 1, 0]), R - 1);
});

test("parallel iterations get their own stack and workspace allocations", (t) => {
  t.regex(source, /__TVMBackendAllocWorkspace\(1, 0, /, "the n*64 floats come from the workspace");
  t.regex(source, /float small\w*\[8\] __attribute__\(\(aligned\(64\)\)\);/, "8 floats stay on the stack");
  for (const n of [1, 3, 37]) {
    const O = empty([n]);
    mod.getFunction("allocs")(O);
    const expected = Float32Array.from({ length: n }, (_, i) => 8 * i + 28 + n * 64);
    assertClose(t, O.toTypedArray() as Float32Array, expected, 0, `n = ${n}`);
    const Oi = empty([n]);
    interpret(funcs[3], [Oi]);
    t.deepEqual([...O.toTypedArray()], [...Oi.toTypedArray()]);
  }
});
clangTest("the generated C compiles without warnings under clang -Wall -Wextra", () => source);
