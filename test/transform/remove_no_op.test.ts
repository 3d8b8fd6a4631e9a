import test from "ava";
import { declBuffer } from "../../ts/ir/buffer.js";
import { callPacked } from "../../ts/ir/builtin.js";
import { Call, IntImm, Load, Var } from "../../ts/ir/expr.js";
import * as op from "../../ts/ir/op.js";
import {
  Allocate, AttrStmt, BufferStore, Evaluate, For, IfThenElse, LetStmt, SeqStmt, type Stmt, Store, noOp,
} from "../../ts/ir/stmt.js";
import { removeNoOp, removeNoOpStmt } from "../../ts/transform/remove_no_op.js";
import { assertSameResults, bodyText } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";

const A = declBuffer([8], "float32", "A");
const store = (i: number, v: number): Stmt => new Store(A.data, op.constant(v, "float32"), new IntImm("int32", i));
const i = new Var("i");
const text = (s: Stmt): string => bodyText(primFunc([A], s));

test("zero-trip loops, loops with an empty body and pure evaluations go", (t) => {
  t.is(text(removeNoOpStmt(new SeqStmt([
    new For(i, new IntImm("int32", 0), new IntImm("int32", 0), "serial", store(0, 1)),
    new For(i, new IntImm("int32", 0), new IntImm("int32", -3), "serial", store(0, 1)),
    new For(i, new IntImm("int32", 0), new IntImm("int32", 4), "serial", noOp()),
    new Evaluate(op.add(new Load("float32", A.data, new IntImm("int32", 0)), 1)),
    store(1, 2),
  ]))), "  A_1[1] = 2f32");
});

test("side effects in what is removed are kept as evaluations", (t) => {
  const call = callPacked("f", 1);
  t.is(text(removeNoOpStmt(new LetStmt(new Var("x"), call, noOp()))), "  @tir.tvm_call_packed(\"f\", 1, dtype=int32)");
  t.is(text(removeNoOpStmt(new SeqStmt([new Evaluate(call), store(0, 1)]))), [
    "  @tir.tvm_call_packed(\"f\", 1, dtype=int32)",
    "  A_1[0] = 1f32",
  ].join("\n"));
  t.is(text(removeNoOpStmt(new IfThenElse(new Call("bool", "tir.tvm_call_packed", [op.constant(1)]), noOp()))), "  @tir.tvm_call_packed(1, dtype=bool)");
});

test("empty if branches: no branch left, an empty else dropped, an empty then inverted", (t) => {
  const c = i.lt(3);
  const loop = (s: Stmt): Stmt => new For(i, new IntImm("int32", 0), new IntImm("int32", 8), "serial", s);
  t.is(text(removeNoOpStmt(loop(new IfThenElse(c, noOp(), noOp())))), "  0");
  t.is(text(removeNoOpStmt(loop(new IfThenElse(c, store(0, 1), noOp())))), [
    "  for (i: int32, 0, 8) {",
    "    if (i < 3) {",
    "      A_1[0] = 1f32",
    "    }",
    "  }",
  ].join("\n"));
  t.is(text(removeNoOpStmt(loop(new IfThenElse(c, noOp(), store(0, 1))))), [
    "  for (i: int32, 0, 8) {",
    "    if !(i < 3) {",
    "      A_1[0] = 1f32",
    "    }",
    "  }",
  ].join("\n"));
});

test("a store of a location's own value goes; a store of another location stays", (t) => {
  const idx = op.add(i, 1);
  const self = new Store(A.data, new Load("float32", A.data, op.add(i, 1)), idx);
  const other = new Store(A.data, new Load("float32", A.data, i), idx);
  const loop = (s: Stmt): Stmt => new For(i, new IntImm("int32", 0), new IntImm("int32", 7), "serial", s);
  t.is(text(removeNoOpStmt(loop(self))), "  0");
  t.is(text(removeNoOpStmt(loop(other))), [
    "  for (i: int32, 0, 7) {",
    "    A_1[(i + 1)] = (float32*)A_1[i]",
    "  }",
  ].join("\n"));
  t.is(removeNoOpStmt(new BufferStore(A, A.vload([i]), [i])).toString(), "0");
});

test("allocations, attributes and skipped regions with nothing inside go", (t) => {
  const x = new Var("x", "handle");
  const f = primFunc([A], new SeqStmt([
    new AttrStmt(x, "storage_scope", op.constant(0), new Allocate(x, "float32", [new IntImm("int32", 4)], undefined, noOp())),
    new AttrStmt(0, "pragma_debug_skip_region", op.constant(1), store(2, 5)),
    store(3, 4),
  ]));
  const g = removeNoOp(f);
  t.is(bodyText(g), "  A_1[3] = 4f32");
  assertSameResults(t, primFunc([A], store(3, 4)), g);
});
