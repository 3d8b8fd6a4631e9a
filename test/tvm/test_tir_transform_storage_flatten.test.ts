// Port of TVM v0.10's tests/python/unittest/test_tir_transform_storage_flatten.py:
// tir.StorageFlatten (then Simplify where TVM runs it) on TE schedules and hand-built TIR. Each
// case that computes something runs the function by the interpreter (or builds it) and checks
// the numbers against JS.
//
// Left out: test_flatten_double_buffer (GPU: threadIdx, "shared" memory, InjectDoubleBuffer and
// ThreadSync). test_flatten_prefetch is rebuilt with stage.prefetch: tejit has no tir.Prefetch
// node (InjectPrefetch writes the flat loop nest itself, docs/passes.md), and steps the innermost
// dimension by cache lines rather than merging contiguous dimensions as TVM does.
// test_flatten_tir: TVM leaves a function not made by a TE schedule alone; tejit flattens every
// function, and the case checks that the result computes the same. TestPreserveDeclBuffer (in the
// stored, later revision of the TVM file: DeclBuffer nodes) is not in v0.10 and is not ported.
import test from "ava";
import { build, lower, nd, te, tir } from "../../ts/index.js";
import { BufferLoad, Call, IntImm, Var } from "../../ts/ir/expr.js";
import type { PrimFunc } from "../../ts/ir/function.js";
import { postOrderVisit } from "../../ts/ir/functor.js";
import { Allocate, AttrStmt, BufferStore, Evaluate, For, LetStmt } from "../../ts/ir/stmt.js";
import { interpret } from "../../ts/interp/index.js";
import { array } from "../../ts/runtime/ndarray.js";
import { scheduleToPrimFunc } from "../../ts/lower.js";
import type { Schedule } from "../../ts/schedule/schedule.js";
import type { LowerArg } from "../../ts/schedule/postproc_to_primfunc.js";
import { bodyText } from "../transform/helpers.js";

const { transform } = tir;

function flatten(f: PrimFunc, simplify = true): PrimFunc {
  const passes = simplify ? [transform.StorageFlatten(), transform.Simplify()] : [transform.StorageFlatten()];
  return transform.Sequential(passes)(new tir.IRModule({ main: f })).get("main");
}

function flatFromSchedule(s: Schedule, args: LowerArg[], opts: { binds?: Map<te.Tensor, tir.Buffer> } = {}): PrimFunc {
  return flatten(scheduleToPrimFunc(s, args, opts));
}

test("test_flatten2", (t) => {
  const m = te.sizeVar("m");
  const l = te.sizeVar("l");
  const A = te.placeholder([m, l], "float32", "A");
  const A1 = te.compute([m, l], (i, j) => A.at(i, j), "A1");
  const A2 = te.compute([m, l], (i, j) => A1.at(i, j).add(3), "A2");
  const s = te.createSchedule(A2.op);
  const [xo] = s.stage(A2).split(A2.op.axis[0], { factor: 8 });
  s.stage(A1).computeAt(s.stage(A2), xo);
  const Ab = tir.declBuffer(A.shape, A.dtype, "A");
  const A2b = tir.declBuffer(A2.shape, A2.dtype, "A2");
  const f = flatFromSchedule(s, [Ab, A2b], { binds: new Map([[A, Ab], [A2, A2b]]) });
  // A1 is one flat allocation of 8 rows inside xo, indexed row-major.
  const allocs: Allocate[] = [];
  postOrderVisit(f.body, (n) => { if (n instanceof Allocate) allocs.push(n); });
  t.is(allocs.length, 1);
  t.is(String(allocs[0].extents), "8,l");
  for (const [mv, lv] of [[5, 3], [17, 2]]) {
    const a = Float32Array.from({ length: mv * lv }, (_, i) => i * 0.25 - 1);
    const out = array(new Float32Array(mv * lv), [mv, lv]);
    interpret(f, [array(a.slice(), [mv, lv]), out, lv, mv].slice(0, f.params.length));
    t.deepEqual(Array.from(out.toTypedArray() as Float32Array), Array.from(a, (v) => v + 3));
  }
});

test("test_flatten_prefetch", (t) => {
  // TVM prefetches the region A[i:i+2, j:j+8, 0:4] of a (25, 100, 4) tensor; here that region is
  // what iteration jo + 1 of a (2, 8)-tiled copy reads.
  const A = te.placeholder([25, 100, 4], "float32", "A");
  const B = te.compute([24, 96, 4], (i, j, k) => A.at(i, j, k).mul(2), "B");
  const s = te.createSchedule(B.op);
  const st = s.stage(B);
  const [i, j, k] = B.op.axis;
  const [io, ii] = st.split(i, { factor: 2 });
  const [jo, ji] = st.split(j, { factor: 8 });
  st.reorder(io, jo, ii, ji, k);
  st.prefetch(A, jo, 1);
  const f = lower(s, [A, B]).get("main");
  const text = bodyText(f);
  // Two rows of eight 16-byte runs (cut at A's end): one prefetch per run, where TVM, merging a
  // row's 128 contiguous bytes, issues two per row.
  t.regex(text, /for \(prefetch\.A\.0: int32, 0, 2\) \{\n\s+for \(prefetch\.A\.1: int32, 0, \(min\(16, \(100 - \(j2\.outer\*8\)\)\) - 8\)\) \{\n\s+@tir\.prefetch\(@tir\.address_of\(\(float32\*\)A_2\[/);
  let flat = true;
  postOrderVisit(f.body, (n) => { if (n instanceof BufferLoad && n.indices.length !== 1) flat = false; });
  t.true(flat);
  const a = Float32Array.from({ length: 25 * 100 * 4 }, (_, x) => (x % 13) - 6);
  const out = nd.empty([24, 96, 4]);
  build(s, [A, B]).getFunction("main")(nd.array(a, [25, 100, 4]), out);
  const o = out.toTypedArray() as Float32Array;
  let ok = true;
  for (let x = 0; x < 24; x++) for (let y = 0; y < 96; y++) for (let z = 0; z < 4; z++) if (o[(x * 96 + y) * 4 + z] !== a[(x * 100 + y) * 4 + z] * 2) ok = false;
  t.true(ok);
});

test("test_flatten_storage_align", (t) => {
  const [m, l] = [8, 16];
  const A = te.placeholder([m, l], "float32", "A");
  const A1 = te.compute([m, l], (i, j) => A.at(i, j), "A1");
  const A2 = te.compute([m, l], (i, j) => A1.at(i, j).add(3), "A2");
  const s = te.createSchedule(A2.op);
  s.stage(A1).storageAlign(A1.op.axis[0], 2, 1);
  const f = flatFromSchedule(s, [A, A2]);
  let alloc: Allocate | undefined;
  postOrderVisit(f.body, (n) => { if (n instanceof Allocate) alloc = n; });
  // Rows padded from 16 to 17 floats (a stride of 1 modulo 2).
  t.is((alloc!.extents[0] as IntImm).value, 17 * 8);
  t.regex(bodyText(f), /A1\[\(\(i\*17\) \+ j\)\]/);
  const a = Float32Array.from({ length: m * l }, (_, i) => i - 40);
  const out = array(new Float32Array(m * l), [m, l]);
  interpret(f, [array(a.slice(), [m, l]), out]);
  t.deepEqual(Array.from(out.toTypedArray() as Float32Array), Array.from(a, (v) => v + 3));
});

test("test_flatten_let_buffer", (t) => {
  // A pointer defined by a LetStmt, and a buffer backed by that pointer: flattening must not throw.
  const data = new Var("A_data", "handle");
  const A = tir.declBuffer([1], "float32", "A", { data });
  const body = new LetStmt(data, tir.callExtern("handle", "dummy_extern_function"), new Evaluate(new BufferLoad(A, [new IntImm("int32", 0)])));
  const f = new tir.PrimFunc([], body);
  const g = flatten(f, false);
  t.true(g.body instanceof LetStmt);
  t.true((g.body as LetStmt).value instanceof Call);
  t.regex(bodyText(g), /\(float32\*\)A_data\[0\]/);
});

test("test_flatten_tir", (t) => {
  // A and B over the same memory, as TVM's match_buffer of one handle twice: A[0, 1] = B[1, 1].
  const A = tir.declBuffer([2, 2], "float32", "A");
  const B = tir.declBuffer([2, 2], "float32", "B", { data: A.data });
  const handle = new Var("a", "handle");
  const body = new BufferStore(A, new BufferLoad(B, [new IntImm("int32", 1), new IntImm("int32", 1)]), [new IntImm("int32", 0), new IntImm("int32", 1)]);
  const f = new tir.PrimFunc([handle], body, new Map([[handle, A]]));
  const g = flatten(f, false);
  t.is(bodyText(g).trim(), "A_1[1] = (float32*)A_1[3]");
  const mem = array(Float32Array.from([1, 2, 3, 4]), [2, 2]);
  interpret(g, [mem]);
  t.deepEqual(Array.from(mem.toTypedArray() as Float32Array), [1, 4, 3, 4]);
  t.false(g.body instanceof AttrStmt || g.body instanceof For);
});
