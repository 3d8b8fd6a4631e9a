// Port of TVM v0.10's tests/python/unittest/test_tir_transform_unroll_loop.py: tir.UnrollLoop
// under a PassContext whose "tir.UnrollLoop" config sets auto_max_step, auto_max_depth,
// auto_max_extent and explicit_unroll. Each case also runs the function before and after the
// pass through the interpreter and compares every buffer (TVM's cases check the structure only).
//
// Left out: test_unroll_local_access (GPU: blockIdx/threadIdx bindings and "local" memory, and its
// `unroll_local_access` option came after v0.10).
import test from "ava";
import { te, tir } from "../../ts/index.js";
import { For, SeqStmt, Store, Allocate, type Stmt } from "../../ts/ir/stmt.js";
import { postOrderVisit } from "../../ts/ir/functor.js";
import { scheduleToPrimFunc } from "../../ts/lower.js";
import { primFunc } from "../helpers/prim_func.js";
import { assertSameResults, bodyText } from "../transform/helpers.js";

const { transform } = tir;

function unrollUnder(config: Record<string, unknown>, mod: tir.IRModule): Stmt {
  const ctx = new transform.PassContext({ config: { "tir.UnrollLoop": config } });
  return ctx.scope(() => transform.UnrollLoop()(mod)).get("main").body;
}

test("test_unroll_loop", (t) => {
  const n = te.sizeVar("n");
  // TVM's buffer has n elements and the loop reads A[n], A[n + 1]: here it has `len` (run with
  // n + 2), so the interpreter, which checks bounds, can run it.
  const len = te.sizeVar("len");
  const Ab = tir.declBuffer([len], "int32", "A");
  const build = (): Stmt => {
    const ib = tir.irBuilder();
    const a = ib.bufferPtr(Ab);
    ib.forRange(n, n.add(2), "i", (i) => {
      ib.forRange(0, 8, "j", (j) => a.set(j.add(1), a.get(i).add(1)), "unroll");
    });
    return ib.get();
  };
  const stmt = build();
  t.true(stmt instanceof For);
  const f = primFunc([Ab, n, len], stmt);
  const mod = new tir.IRModule({ main: f });
  const vars = new Map([["n", 8], ["len", 10]]);

  // 2 iterations x 8 unrolled statements = 16 steps.
  const unrolled = unrollUnder({ auto_max_step: 16 }, mod);
  t.false(unrolled instanceof For);
  t.true(unrolled instanceof SeqStmt && unrolled.seq.length === 16);
  assertSameResults(t, f, f.withBody(unrolled), { vars });
  t.true(unrollUnder({ auto_max_step: 15 }, mod) instanceof For);
  const marked = unrollUnder({ auto_max_step: 16, explicit_unroll: false }, mod);
  t.true(marked instanceof For && marked.forKind === "unrolled");
  assertSameResults(t, f, f.withBody(marked), { vars });

  // The same nest once under pragma_auto_unroll_max_step = 16, once without it.
  const ib = tir.irBuilder();
  ib.scopeAttr(0, "pragma_auto_unroll_max_step", 16);
  ib.emit(build());
  const wrapped = new SeqStmt([ib.get(), build()]);
  const g = primFunc([Ab, n, len], wrapped);
  const ret = unrollUnder({ auto_max_depth: 8, explicit_unroll: false }, new tir.IRModule({ main: g }));
  t.true(ret instanceof SeqStmt);
  const [first, second] = (ret as SeqStmt).seq;
  t.true(first instanceof For && first.forKind === "unrolled");
  t.true(second instanceof For && second.forKind !== "unrolled");
  t.false(bodyText(g.withBody(ret)).includes("pragma"));
  assertSameResults(t, g, g.withBody(ret), { vars });
});

test("test_unroll_fake_loop", (t) => {
  const n = te.sizeVar("n");
  const Ab = tir.declBuffer([n], "int32", "A");
  const ib = tir.irBuilder();
  const a = ib.bufferPtr(Ab);
  ib.forRange(0, 1, "i", (i) => {
    a.set(i.mul(2), 3);
    ib.forRange(0, 10, "j", (j) => a.set(j.add(1), a.get(i).add(1)));
  });
  const f = primFunc([Ab, n], ib.get());
  const ret = unrollUnder({ auto_max_depth: 8, auto_max_extent: 1, explicit_unroll: false }, new tir.IRModule({ main: f }));
  // The loop of one iteration is gone even with explicit_unroll off; the loop of 10 stays.
  t.true(ret instanceof SeqStmt && ret.seq[0] instanceof Store);
  t.true((ret as SeqStmt).seq[1] instanceof For);
  assertSameResults(t, f, f.withBody(ret), { vars: new Map([["n", 11]]) });
});

test("test_unroll_single_count_loops", (t) => {
  const n = te.sizeVar("n");
  const A = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (...i) => A.at(...i), "B");
  const s = te.createSchedule(B.op);
  const f = scheduleToPrimFunc(s, [A, B]);
  // Every option at its default but auto_max_step = 1: the loop over n is not constant, nothing changes.
  const ret = unrollUnder({ auto_max_step: 1 }, new tir.IRModule({ main: f }));
  t.is(ret, f.body);
});

test("test_unroll_allocations", (t) => {
  const ib = tir.irBuilder();
  const out = tir.declBuffer([2], "float32", "out");
  const o = ib.bufferPtr(out);
  ib.forRange(0, 2, "i", (i) => {
    const buf = ib.allocate("float32", [16], "buf");
    buf.set(0, 0);
    // TVM's case stores only into the allocation; the copy to `out` makes the result observable.
    o.set(i, buf.get(0).add(1));
  }, "unroll");
  const f = primFunc([out], ib.get());
  const ret = unrollUnder({}, new tir.IRModule({ main: f }));
  const allocs: Allocate[] = [];
  postOrderVisit(ret, (x) => { if (x instanceof Allocate) allocs.push(x); });
  // Two allocations, each binding its own buffer variable (TVM's buf1 and buf2).
  t.is(allocs.length, 2);
  t.not(allocs[0].bufferVar, allocs[1].bufferVar);
  t.true(ret instanceof SeqStmt && ret.seq.every((x) => x instanceof Allocate));
  assertSameResults(t, f, f.withBody(ret));
});
