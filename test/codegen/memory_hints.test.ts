// What the C tells gcc about memory (issue 10 item 4): `restrict` pointers for tir.noalias
// functions only, internal buffers 64-byte aligned and said to be (stack arrays, workspace blocks,
// and again where a parallel closure captures them), constant allocations on the stack up to
// maxStackBytes with a budget per function or parallel body; the runtime's refusal of overlapping
// arguments a noalias kernel writes; the 64-byte alignment of the arrays nd allocates; and the
// numbers of kernels with stack tiles inside parallel loops, against the interpreter and JS.
import test from "ava";
import { assertClose, buildFunc, declBuffer } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";
import { randomFloats } from "../helpers/random.js";
import { gemm, gemmReference } from "../../examples/gemm.js";
import { build, lower, te } from "../../ts/index.js";
import { functionInfo, generateC } from "../../ts/codegen/build_module.js";
import { Broadcast, IntImm, Ramp, Var } from "../../ts/ir/expr.js";
import { IRModule, PrimFunc } from "../../ts/ir/function.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import * as op from "../../ts/ir/op.js";
import { Store } from "../../ts/ir/stmt.js";
import { interpret } from "../../ts/interp/index.js";
import { createModuleFromSource } from "../../ts/runtime/module.js";
import { NDArray, array, empty } from "../../ts/runtime/ndarray.js";

const lines = (source: string, re: RegExp): string[] => source.split("\n").map((l) => l.trim()).filter((l) => re.test(l));
const sourceOf = (f: PrimFunc, opts = {}): string => generateC(new IRModule(new Map([[f.name!, f]])), opts).source;

function addKernel(n: number) {
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const C = te.compute([n], (i) => A.at(i).add(B.at(i)), "C");
  return { s: te.createSchedule(C.op), args: [A, B, C] };
}

test("a noalias function's tensor pointers are restrict, in the entry and in the outlined body; without tir.noalias none is", (t) => {
  const { s, args } = addKernel(64);
  const mod = lower(s, args, { name: "add" });
  const source = generateC(mod).source;
  t.deepEqual(lines(source, /restrict (A|B|C)\b|restrict [ABC]_1|add_compute_\(/), [
    "static __attribute__((noinline)) int32_t add_compute_(float* restrict C, float* restrict A, float* restrict B) {",
    "float* restrict A_1 = (float*)(((DLTensor*)A)[0].data);",
    "float* restrict B_1 = (float*)(((DLTensor*)B)[0].data);",
    "float* restrict C_1 = (float*)(((DLTensor*)C)[0].data);",
    "if (add_compute_(C_1, A_1, B_1) != 0) return -1;",
  ]);
  const f = mod.get("add");
  const aliasing = new PrimFunc(f.params, f.body, f.bufferMap, { global_symbol: "add" });
  const plain = sourceOf(aliasing);
  t.false(plain.includes("restrict"), "no restrict without tir.noalias");
  t.deepEqual(lines(plain, /add_compute_\(float/), ["static __attribute__((noinline)) int32_t add_compute_(float* C, float* A, float* B) {"]);
});

test("the metadata says which tensors a noalias kernel writes; a function without tir.noalias says nothing", (t) => {
  const { s, args } = addKernel(8);
  const f = lower(s, args, { name: "add" }).get("add");
  t.deepEqual(functionInfo(f).params, [
    { kind: "tensor", name: "A", dtype: "float32", ndim: 1, noalias: "read" },
    { kind: "tensor", name: "B", dtype: "float32", ndim: 1, noalias: "read" },
    { kind: "tensor", name: "C", dtype: "float32", ndim: 1, noalias: "written" },
  ]);
  t.deepEqual(functionInfo(new PrimFunc(f.params, f.body, f.bufferMap, { global_symbol: "add" })).params.map((p) => "noalias" in p), [false, false, false]);
});

// for i in parallel(4): tile[64] (256 bytes) and wide[8192] (32 KiB); O[i] = tile[i] + wide[i + 4096].
function allocsKernel(): PrimFunc {
  const O = declBuffer([4], "float32", "O");
  const ib = irBuilder();
  const o = ib.bufferPtr(O);
  ib.forRange(0, 4, "i", (i) => {
    const tile = ib.allocate("float32", 64, "tile");
    const wide = ib.allocate("float32", 8192, "wide");
    ib.forRange(0, 64, "k", (k) => tile.set(k, op.cast("float32", op.add(k, i))));
    ib.forRange(0, 8192, "k", (k) => wide.set(k, op.cast("float32", k)));
    o.set(i, op.add(tile.get(i), wide.get(op.add(i, 4096))));
  }, "parallel");
  return primFunc([O], ib.get(), "allocs");
}

test("a stack array is declared 64-byte aligned, a workspace block is said to be (__builtin_assume_aligned)", (t) => {
  const f = allocsKernel();
  const source = sourceOf(f);
  t.deepEqual(lines(source, /^(float|void)\*? ?(tile|wide)|\* restrict wide =/), [
    "float tile[64] __attribute__((aligned(64)));",
    "void* wide_workspace __attribute__((cleanup(__tejit_free_workspace))) = __TVMBackendAllocWorkspace(1, 0, UINT64_C(32768), 2, 32);",
    "float* restrict wide = (float*)__builtin_assume_aligned(wide_workspace, 64);",
  ]);
  const O = empty([4]);
  buildFunc(f).getFunction("allocs")(O);
  const Oi = empty([4]);
  interpret(f, [Oi]);
  t.deepEqual([...O.toTypedArray()], [0 + 4096, 2 + 4097, 4 + 4098, 6 + 4099]);
  t.deepEqual([...Oi.toTypedArray()], [...O.toTypedArray()]);
});

// wide[8192] from the workspace at the root, filled by one parallel loop with float32x4 stores,
// read by another: O[i] = wide[4 i + 1] = i.
function capturedKernel(): PrimFunc {
  const O = declBuffer([2048], "float32", "O");
  const ib = irBuilder();
  const o = ib.bufferPtr(O);
  const wide = ib.allocate("float32", 8192, "wide");
  ib.forRange(0, 2048, "i", (i) => {
    ib.emit(new Store(wide.data, new Broadcast(op.cast("float32", i), 4), new Ramp(op.mul(i, 4), new IntImm("int32", 1), 4)));
  }, "parallel");
  ib.forRange(0, 2048, "i", (i) => o.set(i, wide.get(op.add(op.mul(i, 4), 1))), "parallel");
  return primFunc([O], ib.get(), "captured");
}

test("a parallel closure restates the alignment of the workspace it captures, and its vector stores there are aligned", (t) => {
  const f = capturedKernel();
  const source = sourceOf(f);
  t.deepEqual(lines(source, /closure->wide/), [
    "float* restrict wide = (float*)__builtin_assume_aligned(closure->wide, 64);",
    "float* restrict wide = (float*)__builtin_assume_aligned(closure->wide, 64);",
  ]);
  t.deepEqual(lines(source, /= __tejit_bcast_float32x4/), ["*(float32x4_a*)(wide + (i * 4)) = __tejit_bcast_float32x4(((float)(i)));"]);
  const O = empty([2048]);
  buildFunc(f).getFunction("captured")(O);
  t.deepEqual([...O.toTypedArray()], Array.from({ length: 2048 }, (_, i) => i));
});

// Allocations of the given float counts, one after another at the root (each filled and summed
// into O[0]), and, with `inParallel`, one more of 4096 floats in a parallel body.
function sizesKernel(counts: number[], inParallel = false): PrimFunc {
  const O = declBuffer([2], "float32", "O");
  const ib = irBuilder();
  const o = ib.bufferPtr(O);
  o.set(0, 0);
  o.set(1, 0);
  counts.forEach((n, j) => {
    const a = ib.allocate("float32", n, `a${j}_${n}`);
    ib.forRange(0, n, "k", (k) => a.set(k, 1));
    ib.forRange(0, n, "k", (k) => o.set(0, op.add(o.get(0), a.get(k))));
  });
  if (inParallel) {
    ib.forRange(0, 1, "p", () => {
      const a = ib.allocate("float32", 4096, "inner");
      ib.forRange(0, 4096, "k", (k) => a.set(k, 2));
      ib.forRange(0, 4096, "k", (k) => o.set(1, op.add(o.get(1), a.get(k))));
    }, "parallel");
  }
  return primFunc([O], ib.get(), "sizes");
}

/** The names of the stack arrays and of the workspace blocks in `source`. */
function placement(source: string): { stack: string[]; workspace: string[] } {
  const stack = [...source.matchAll(/^\s*float (\w+)\[\d+\] __attribute__\(\(aligned\(64\)\)\);/gm)].map((m) => m[1]);
  const workspace = [...source.matchAll(/^\s*void\* (\w+)_workspace __attribute__/gm)].map((m) => m[1]);
  return { stack, workspace };
}

test("constant allocations up to 16 KiB are stack arrays, larger ones come from the workspace; maxStackBytes moves the limit", (t) => {
  t.deepEqual(placement(sourceOf(sizesKernel([4096, 4097]))), { stack: ["a0_4096"], workspace: ["a1_4097"] });
  t.deepEqual(placement(sourceOf(sizesKernel([256, 257]), { maxStackBytes: 1024 })), { stack: ["a0_256"], workspace: ["a1_257"] });
  t.deepEqual(placement(sourceOf(sizesKernel([1, 2]), { maxStackBytes: 0 })), { stack: [], workspace: ["a0_1", "a1_2"] });
});

test("the stack arrays of one function add up to 64 KiB at most; a parallel body has its own budget", (t) => {
  const f = sizesKernel([4096, 4096, 4096, 4096, 4096], true);
  const { stack, workspace } = placement(sourceOf(f));
  t.deepEqual({ stack: stack.sort(), workspace }, { stack: ["a0_4096", "a1_4096", "a2_4096", "a3_4096", "inner"], workspace: ["a4_4096"] });
  const O = empty([2]);
  buildFunc(f).getFunction("sizes")(O);
  t.deepEqual([...O.toTypedArray()], [5 * 4096, 2 * 4096]);
});

test("a call passing overlapping arrays to a noalias kernel that writes one of them is refused, naming both", (t) => {
  const { s, args } = addKernel(64);
  const f = build(s, args, { name: "add" }).getFunction("add");
  const a = array(randomFloats(64, 1));
  const c = empty([64]);
  f(a, a, c);
  assertClose(t, c.toTypedArray() as Float32Array, (a.toTypedArray() as Float32Array).map((x) => 2 * x), 0, "A + A (two reads of one array are fine)");
  t.is(t.throws(() => f(a, c, c))!.message,
    "add: arguments 1 ('B') and 2 ('C') share memory (bytes 0..255 and 0..255 of one ArrayBuffer) and the kernel writes argument 2 ('C'): " +
    "it assumes its tensor arguments do not overlap (tir.noalias, restrict pointers), so the result would be wrong; pass a copy of one of them");
  const big = new Float32Array(129);
  const lo = array(big.subarray(0, 64));
  const hi = array(big.subarray(64, 128));
  const shifted = array(big.subarray(1, 65));
  f(a, a, lo);
  f(lo, a, hi);
  t.deepEqual([...hi.toTypedArray()], [...(a.toTypedArray() as Float32Array).map((x) => 3 * x)], "views of one buffer that do not overlap are fine");
  t.is(t.throws(() => f(shifted, a, lo))!.message,
    "add: arguments 0 ('A') and 2 ('C') share memory (bytes 4..259 and 0..255 of one ArrayBuffer) and the kernel writes argument 2 ('C'): " +
    "it assumes its tensor arguments do not overlap (tir.noalias, restrict pointers), so the result would be wrong; pass a copy of one of them");
  // Strided views: the even and the odd elements span overlapping bytes, so they are refused too.
  const even = new NDArray(big, [64], [2]);
  const odd = new NDArray(big.subarray(1), [64], [2]);
  t.regex(t.throws(() => f(even, a, odd))!.message, /^add: arguments 0 \('A'\) and 2 \('C'\) share memory \(bytes 0\.\.507 and 4\.\.511 of one ArrayBuffer\)/);
});

test("a kernel without tir.noalias takes aliased arguments (in place) and gets them right", (t) => {
  const { s, args } = addKernel(64);
  const f = lower(s, args, { name: "add" }).get("add");
  const mod = buildFunc(new PrimFunc(f.params, f.body, f.bufferMap, { global_symbol: "add" }));
  const a = array(randomFloats(64, 2));
  const before = Float32Array.from(a.toTypedArray() as Float32Array);
  mod.getFunction("add")(a, a, a);
  t.deepEqual([...a.toTypedArray()], [...before.map((x) => 2 * x)]);
});

const ADDRESS = createModuleFromSource(`
#include "tejit_abi.h"
TEJIT_DEFINE_RUNTIME_GLOBALS
/* address_mod_64(A): where A's first element lies modulo 64. */
int32_t address_mod_64(void* args, int32_t* codes, int32_t n, void* ret, int32_t* ret_code, void* h) {
  (void)codes; (void)n; (void)h;
  DLTensor* A = (DLTensor*)((TVMValue*)args)[0].v_handle;
  ((TVMValue*)ret)->v_int64 = (int64_t)(((uintptr_t)A->data + A->byte_offset) % 64);
  *ret_code = kTVMArgInt;
  return 0;
}`, {}).getFunction("address_mod_64");

test("nd.empty and nd.array of a plain array allocate zero-filled 64-byte aligned memory", (t) => {
  const seen: number[] = [];
  for (const n of [1, 3, 16, 17, 1000, 4097, 300000]) {
    for (const dtype of ["float32", "float64", "int8", "int64"] as const) {
      const x = empty([n], dtype);
      seen.push(Number(ADDRESS(x)));
      t.true([...x.toTypedArray()].every((v) => Number(v) === 0), `empty([${n}], ${dtype}) is zero-filled`);
    }
    seen.push(Number(ADDRESS(array(Array.from({ length: n }, (_, i) => i)))));
  }
  t.deepEqual([...new Set(seen)], [0]);
  // A view that starts 4 bytes in is 4 bytes off: the kernel is told the truth.
  const base = empty([65]);
  t.is(Number(ADDRESS(array((base.toTypedArray() as Float32Array).subarray(1)))), 4);
});

// A register-tile GEMM: B packed in nr-wide panels, an mr x nr cacheWrite tile (a stack array) at
// the tile loop, k outermost in it, rows unrolled, columns vectorized, row blocks parallel.
function registerTileGemm(n: number, mr: number, nr: number) {
  const A = te.placeholder([n, n], "float32", "A");
  const B = te.placeholder([n, n], "float32", "B");
  const k = te.reduceAxis([0, n], "k");
  const packedB = te.compute([n / nr, n, nr], (x, y, z) => B.at(y, x.mul(nr).add(z)), "packedB");
  const C = te.compute([n, n], (x, y) => te.sum(A.at(x, k).mul(packedB.at(y.floordiv(nr), k, y.floormod(nr))), k), "C");
  const s = te.createSchedule(C.op);
  const sc = s.stage(C);
  const CC = s.cacheWrite(C, "global");
  const [xo, yo, , yi] = sc.tile(sc.op.axis[0], sc.op.axis[1], mr, nr);
  sc.vectorize(yi);
  const scc = s.stage(CC);
  scc.computeAt(sc, yo);
  const [xc, yc] = scc.op.axis;
  scc.reorder(scc.op.reduceAxis[0], xc, yc);
  scc.unroll(xc);
  scc.vectorize(yc);
  sc.parallel(xo);
  return { s, args: [A, B, C] };
}

test("GEMMs whose tiles are stack arrays inside parallel loops agree with the interpreter and with JS", (t) => {
  const n = 64;
  const a = randomFloats(n * n, 3);
  const b = randomFloats(n * n, 4);
  const ref = gemmReference(a, b, n);
  for (const [what, sched, tile] of [
    ["the tutorial (32 x 32 tile, 4 KiB)", gemm({ n }), "float C_global[1024] __attribute__((aligned(64)));"],
    ["a 4 x 16 register tile", registerTileGemm(n, 4, 16), "float C_global[64] __attribute__((aligned(64)));"],
  ] as const) {
    const mod = lower(sched.s, sched.args, { name: "gemm" });
    const source = generateC(mod).source;
    const tasks = source.split("\nstatic ").filter((fn) => fn.startsWith("int32_t gemm_parallel_"));
    t.true(tasks.some((fn) => fn.slice(0, fn.indexOf("\n}\n")).includes(tile)), `${what}: the tile is a stack array of a parallel task`);
    const C = empty([n, n]);
    build(sched.s, sched.args, { name: "gemm" }).getFunction("gemm")(array(a, [n, n]), array(b, [n, n]), C);
    const Ci = empty([n, n]);
    interpret(mod, [array(a, [n, n]), array(b, [n, n]), Ci]);
    assertClose(t, C.toTypedArray() as Float32Array, ref, 1e-5, `${what}: compiled vs JS`);
    assertClose(t, C.toTypedArray() as Float32Array, Ci.toTypedArray() as Float32Array, 1e-5, `${what}: compiled vs interpreter`);
  }
});

test("a stack tile inside a parallel loop with more iterations than threads is private to each iteration", (t) => {
  // 64 rows of 8 x 16 tiles: each parallel iteration fills its own tile before copying it out.
  const n = 64;
  const sched = registerTileGemm(n, 8, 16);
  const a = randomFloats(n * n, 5);
  const b = randomFloats(n * n, 6);
  const C = empty([n, n]);
  build(sched.s, sched.args, { name: "gemm" }).getFunction("gemm")(array(a, [n, n]), array(b, [n, n]), C);
  assertClose(t, C.toTypedArray() as Float32Array, gemmReference(a, b, n), 1e-5);
});

test("written parameters: a handle parameter without a buffer counts as written, a scalar as neither", (t) => {
  const X = declBuffer([4], "float32", "X");
  const h = new Var("h", "handle");
  const k = new Var("k", "int32");
  const ib = irBuilder();
  ib.emit(new Store(X.data, op.cast("float32", k), new IntImm("int32", 0)));
  const xh = new Var("X_handle", "handle");
  const f = new PrimFunc([xh, h, k], ib.get(), new Map([[xh, X]]), { global_symbol: "w", "tir.noalias": true });
  t.deepEqual(functionInfo(f).params, [
    { kind: "tensor", name: "X", dtype: "float32", ndim: 1, noalias: "written" },
    { kind: "tensor", name: "h", noalias: "written" },
    { kind: "scalar", name: "k", dtype: "int32" },
  ]);
});
