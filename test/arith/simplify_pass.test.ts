// The Simplify pass (TVM's tir.transform.Simplify): loop ranges bound while simplifying,
// provable `if` / `likely` guards removed, pure lets inlined, self-stores dropped.
import test from "ava";
import { DataType } from "../../ts/ir/dtype.js";
import { Call, IntImm, Load, PrimExpr, SizeVar, StringImm, Var, pointerVar } from "../../ts/ir/expr.js";
import { PrimFunc } from "../../ts/ir/function.js";
import { IterVar } from "../../ts/ir/iter_var.js";
import * as op from "../../ts/ir/op.js";
import { AttrStmt, Evaluate, For, IfThenElse, LetStmt, SeqStmt, Stmt, Store } from "../../ts/ir/stmt.js";
import { simplifyPass, simplifyStmt } from "../../ts/transform/simplify.js";
import { add, int, mul } from "./helpers.js";

const f32 = DataType.float32();
// Statement text without the type annotations the printer adds at a free variable's first use.
const text = (s: Stmt): string => s.toString().replace(/(\w+): (Pointer\(float32\)|int32)(?=[\[,) ])/g, (m, name: string, ty: string, off: number, all: string) =>
  all.slice(Math.max(0, off - 5), off) === "for (" ? m : name);
const load = (buf: Var, i: PrimExpr): Load => new Load(f32, buf, i);
const loop = (v: Var, min: number, ext: PrimExpr | number, body: Stmt): For =>
  new For(v, int(min), typeof ext === "number" ? int(ext) : ext, "serial", body);

test("a let-bound extent is inlined and a provable guard removed", (t) => {
  const A = pointerVar("A", "float32");
  const C = pointerVar("C", "float32");
  const n = new SizeVar("n");
  const i = new Var("i");
  const body = new LetStmt(n, int(10), loop(i, 0, n, new IfThenElse(op.lt(i, 12), new Store(A, load(C, i), i))));
  const out = simplifyStmt(body);
  t.true(out instanceof For);
  t.true((out as For).body instanceof Store);
  t.is(text(out), "for (i: int32, 0, 10) {\n  A[i] = (float32*)C[i]\n}");
});

test("flattened indices are simplified with the loop ranges", (t) => {
  const out = pointerVar("out", "float32");
  const src = pointerVar("src", "float32");
  const [i, j, k] = [new Var("i"), new Var("j"), new Var("k")];
  const idx = (): PrimExpr => add(mul(add(mul(i, 4), j), 8), k);
  const s = loop(i, 0, 3, loop(j, 0, 4, loop(k, 0, 8, new Store(out, load(src, idx()), idx()))));
  t.is(text(simplifyStmt(s)),
    "for (i: int32, 0, 3) {\n  for (j: int32, 0, 4) {\n    for (k: int32, 0, 8) {\n" +
    "      out[(((i*32) + (j*8)) + k)] = (float32*)src[(((i*32) + (j*8)) + k)]\n    }\n  }\n}");
});

test("likely guards implied by the loop bound are removed", (t) => {
  const A = pointerVar("A", "float32");
  const [i, n] = [new Var("i"), new Var("n")];
  const s = loop(i, 0, n, new IfThenElse(op.likely(op.lt(i, n)), new Store(A, op.constant(1, "float32"), i)));
  t.is(text(simplifyStmt(s)), "for (i: int32, 0, n) {\n  A[i] = 1f32\n}");

  // A tail guard that can fail stays.
  const [io, ii] = [new Var("io"), new Var("ii")];
  const guarded = loop(io, 0, 3, loop(ii, 0, 4, new IfThenElse(op.likely(op.lt(add(mul(io, 4), ii), 10)),
    new Store(A, op.constant(1, "float32"), add(mul(io, 4), ii)))));
  t.regex(text(simplifyStmt(guarded)), /if @tir\.likely\(\(\(\(io\*4\) \+ ii\) < 10\), dtype=bool\)/);
  // ... unless the extent makes it always true.
  const even = loop(io, 0, 3, loop(ii, 0, 4, new IfThenElse(op.likely(op.lt(add(mul(io, 4), ii), 12)),
    new Store(A, op.constant(1, "float32"), add(mul(io, 4), ii)))));
  t.false(text(simplifyStmt(even)).includes("if"));
});

test("nested identical likely guards: the inner one is removed", (t) => {
  const A = pointerVar("A", "float32");
  const C = pointerVar("C", "float32");
  const n = new SizeVar("n");
  const tx = new IterVar(undefined, new Var("threadIdx.x"), "ThreadIndex", "threadIdx.x");
  const ty = new IterVar(undefined, new Var("threadIdx.y"), "ThreadIndex", "threadIdx.y");
  const cond = (): PrimExpr => op.likely(op.lt(add(mul(tx.var, 32), ty.var), n));
  const inner = new IfThenElse(cond(), new Store(A, load(C, add(mul(tx.var, 32), ty.var)), tx.var));
  const body = new AttrStmt(tx, "thread_extent", int(32), new AttrStmt(ty, "thread_extent", int(32), new IfThenElse(cond(), inner)));
  const out = simplifyStmt(body) as AttrStmt;
  const outer = (out.body as AttrStmt).body;
  t.true(outer instanceof IfThenElse);
  t.false((outer as IfThenElse).thenCase instanceof IfThenElse);
});

test("thread extents bound their variables", (t) => {
  const A = pointerVar("A", "float32");
  const C = pointerVar("C", "float32");
  const n = new SizeVar("n");
  const tx = new IterVar(undefined, new Var("tx"), "ThreadIndex", "threadIdx.x");
  const ty = new IterVar(undefined, new Var("ty"), "ThreadIndex", "threadIdx.y");
  const body = new LetStmt(n, int(10), new AttrStmt(tx, "thread_extent", n, new AttrStmt(ty, "thread_extent", int(1),
    new IfThenElse(op.lt(add(tx.var, ty.var), 12), new Store(A, load(C, add(tx.var, ty.var)), tx.var)))));
  const out = simplifyStmt(body) as AttrStmt;
  t.true((out.body as AttrStmt).body instanceof Store);
});

test("if/else with a decidable condition keeps the branch taken", (t) => {
  const A = pointerVar("A", "float32");
  const i = new Var("i");
  const one = op.constant(1, "float32");
  const two = op.constant(2, "float32");
  const s = loop(i, 0, 8, new IfThenElse(op.ge(i, 8), new Store(A, one, i), new Store(A, two, i)));
  t.is(text(simplifyStmt(s)), "for (i: int32, 0, 8) {\n  A[i] = 2f32\n}");
  const s2 = loop(i, 0, 8, new IfThenElse(op.ge(i, 8), new Store(A, one, i)));
  t.is(text(simplifyStmt(s2)), "for (i: int32, 0, 8) {\n  0\n}");
  // the branches know the condition
  const s3 = loop(i, 0, 8, new IfThenElse(op.lt(i, 4), new Store(A, one, op.min(i, 5)), new Store(A, two, op.max(i, 2))));
  t.is(text(simplifyStmt(s3)), "for (i: int32, 0, 8) {\n  if (i < 4) {\n    A[i] = 1f32\n  } else {\n    A[i] = 2f32\n  }\n}");
});

test("storing a location's own value is removed; impure lets stay", (t) => {
  const A = pointerVar("A", "float32");
  const i = new Var("i");
  const self = loop(i, 0, 4, new Store(A, load(A, add(i, 0)), i));
  t.is(text(simplifyStmt(self)), "for (i: int32, 0, 4) {\n  0\n}");
  const v = new Var("v", "float32");
  const letLoad = new LetStmt(v, load(A, int(0)), new Store(A, v, int(1)));
  t.is(text(simplifyStmt(letLoad)), "let v: float32 = (float32*)A[0]\nA[1] = v");
});

test("packed calls keep their string arguments and identity", (t) => {
  const A = pointerVar("A", "float32");
  const call = new Call("int32", "tir.tvm_call_packed", [new StringImm("my_py_func"), A, int(3)]);
  const s = new SeqStmt([new AttrStmt(int(0), "extern_scope", int(0), new Evaluate(call))]);
  const out = simplifyStmt(s);
  t.is(out, s);
  t.is(text(out), ' {\n  attr [0] "extern_scope" = 0;\n  @tir.tvm_call_packed("my_py_func", A, 3, dtype=int32)\n}');
});

test("simplifyPass maps a PrimFunc's body and rejects other input", (t) => {
  const A = pointerVar("A", "float32");
  const i = new Var("i");
  const f = new PrimFunc([A], loop(i, 0, 4, new Store(A, op.constant(0, "float32"), add(mul(add(i, 1), 2), -2))), new Map(), { global_symbol: "main" });
  const g = simplifyPass(f);
  t.is(g.attrs.global_symbol, "main");
  t.is(text(g.body), "for (i: int32, 0, 4) {\n  A[(i*2)] = 0f32\n}");
  t.is(text(simplifyPass(g).body), text(g.body));
  t.throws(() => simplifyPass({} as PrimFunc), { message: /expected a PrimFunc/ });
  t.throws(() => simplifyStmt(int(1) as unknown as Stmt), { message: /expected a statement/ });
  t.true(new IntImm("int32", 0).value === 0);
});
