// Division checks (issue 9, item 7, and the negative split factor of item 8): a division or
// modulo by a run-time value that can be 0 (or INT_MIN / -1) makes the kernel return an error
// naming the expression, never SIGFPE; the interpreter running the lowered function gives the
// same error; divisions that cannot trap get no check (the lowered text is unchanged).
import test from "ava";
import "../codegen/helpers.js";
import { STRICT, declBuffer } from "../codegen/helpers.js";
import { Var } from "../../ts/ir/expr.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { primFunc } from "../helpers/prim_func.js";
import { te, lower, build, interpret } from "../../ts/index.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import { bodyText } from "../transform/helpers.js";
import { insertDivisionChecks } from "../../ts/transform/check_division.js";

/** A regular expression matching `text` literally. */
const literally = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

function splitBySymbol() {
  const A = te.placeholder([16], "float32", "A");
  const B = te.compute([16], (i) => A.at(i).mul(2), "B");
  const f = te.var("f");
  const s = te.createSchedule(B.op);
  s.stage(B).split(B.op.axis[0], { factor: f });
  return { s, args: [A, B, f], A, B };
}

test("a symbolic split factor of 0 or less is an error naming the factor, from the kernel and the interpreter", (t) => {
  const { s, args } = splitBySymbol();
  const lowered = lower(s, args);
  t.is(bodyText(lowered).split("\n")[0],
    `  assert((1 <= f), @tejit.format("split of axis 'i' of stage 'B': the factor f must be positive, got ", f, dtype=handle))`);
  const m = build(s, args, { cflags: STRICT });
  const a = array(Float32Array.from({ length: 16 }, (_, i) => i));
  const b = empty([16]);
  m.getFunction("main")(a, b, 5);
  t.deepEqual(Array.from(b.toTypedArray()), Array.from({ length: 16 }, (_, i) => 2 * i));
  for (const f of [0, -2]) {
    const message = `split of axis 'i' of stage 'B': the factor f must be positive, got ${f}`;
    const out = empty([16]);
    t.throws(() => m.getFunction("main")(a, out, f), { message: literally(message) });
    t.throws(() => interpret(lowered, [a, empty([16]), f]), { message });
    // Nothing was written before the check failed.
    t.deepEqual(Array.from(out.toTypedArray()), new Array(16).fill(0));
  }
  // The process is still alive and computing.
  m.getFunction("main")(a, b, 16);
  t.is(b.get([15]), 30);
});

test("a split by nparts known only at call time is checked the same way", (t) => {
  const A = te.placeholder([12], "int32", "A");
  const B = te.compute([12], (i) => A.at(i).add(1), "B");
  const p = te.var("p");
  const s = te.createSchedule(B.op);
  s.stage(B).split(B.op.axis[0], { nparts: p });
  const m = build(s, [A, B, p], { cflags: STRICT });
  const a = array(new Int32Array(12).fill(1));
  const b = empty([12], "int32");
  m.getFunction("main")(a, b, 5);
  t.deepEqual(Array.from(b.toTypedArray()), new Array(12).fill(2));
  t.throws(() => m.getFunction("main")(a, b, 0), { message: /split of axis 'i' of stage 'B': the nparts p must be positive, got 0/ });
});

test("division by a loaded value or a scalar argument that is 0 is an error naming the expression", (t) => {
  const d = te.var("d");
  const A = te.placeholder([8], "int32", "A");
  const C = te.placeholder([8], "int32", "C");
  const B = te.compute([8], (i) => A.at(i).floordiv(C.at(i)).add(A.at(i).mod(d)), "B");
  const s = te.createSchedule(B.op);
  const args = [A, C, B, d];
  const lowered = lower(s, args);
  t.is(bodyText(lowered), [
    `  assert((d != 0), "division by zero in ((int32*)A[i] % d) (the divisor d is 0)")`,
    "  for (i: int32, 0, 8) {",
    `    assert(((int32*)C_2[i] != 0), "division by zero in floordiv((int32*)A[i], (int32*)C[i]) (the divisor (int32*)C[i] is 0)")`,
    `    assert((((int32*)C_2[i] != -1) || ((int32*)A_2[i] != -2147483648)), "integer overflow in floordiv((int32*)A[i], (int32*)C[i]) (-2147483648 divided by -1)")`,
    `    assert(((d != -1) || ((int32*)A_2[i] != -2147483648)), "integer overflow in ((int32*)A[i] % d) (-2147483648 divided by -1)")`,
    "    B_2[i] = (floordiv((int32*)A_2[i], (int32*)C_2[i]) + ((int32*)A_2[i] % d))",
    "  }",
  ].join("\n"));
  const m = build(s, args, { cflags: STRICT });
  const a = array(new Int32Array([7, -7, 9, 4, -2147483648, 6, 5, 8]));
  const ones = array(new Int32Array(8).fill(1));
  const cases: [Int32Array, number, string][] = [
    [new Int32Array([2, 2, 2, 0, 2, 2, 2, 2]), 3, "division by zero in floordiv((int32*)A[i], (int32*)C[i]) (the divisor (int32*)C[i] is 0)"],
    [new Int32Array([2, 2, 2, 2, -1, 2, 2, 2]), 3, "integer overflow in floordiv((int32*)A[i], (int32*)C[i]) (-2147483648 divided by -1)"],
    [new Int32Array(8).fill(1), 0, "division by zero in ((int32*)A[i] % d) (the divisor d is 0)"],
    [new Int32Array(8).fill(1), -1, "integer overflow in ((int32*)A[i] % d) (-2147483648 divided by -1)"],
  ];
  for (const [c, dv, message] of cases) {
    t.throws(() => m.getFunction("main")(a, array(c), empty([8], "int32"), dv), { message: literally(message) });
    t.throws(() => interpret(lowered, [a, array(c), empty([8], "int32"), dv]), { message });
  }
  const b = empty([8], "int32");
  m.getFunction("main")(a, array(new Int32Array([2, 2, 2, 3, 1, -4, 2, 2])), b, 4);
  t.deepEqual(Array.from(b.toTypedArray()), [3 + 3, -4 + -3, 4 + 1, 1 + 0, -2147483648 + 0, -2 + 2, 2 + 1, 4 + 0]);
  m.getFunction("main")(a, ones, b, 3);
  t.is(b.get([0]), 8);
});

test("int64 INT_MIN / -1 is caught too; int8 (promoted in C) is only checked for 0", (t) => {
  const A = te.placeholder([2], "int64", "A");
  const C = te.placeholder([2], "int64", "C");
  const B = te.compute([2], (i) => A.at(i).div(C.at(i)), "B");
  const m = build(te.createSchedule(B.op), [A, C, B], { cflags: STRICT });
  const a = array(new BigInt64Array([-(2n ** 63n), 10n]));
  t.throws(() => m.getFunction("main")(a, array(new BigInt64Array([-1n, 1n])), empty([2], "int64")), { message: /integer overflow in \(\(int64\*\)A\[i\] \/ \(int64\*\)C\[i\]\) \(-9223372036854775808 divided by -1\)/ });
  const X = te.placeholder([2], "int8", "X");
  const Y = te.placeholder([2], "int8", "Y");
  const Z = te.compute([2], (i) => X.at(i).div(Y.at(i)), "Z");
  const text = bodyText(lower(te.createSchedule(Z.op), [X, Y, Z]));
  t.is(text.split("\n")[1], `    assert(((int8*)Y_2[i] != 0i8), "division by zero in ((int8*)X[i] / (int8*)Y[i]) (the divisor (int8*)Y[i] is 0)")`);
  t.false(text.includes("overflow"));
});

test("a check leaving a loop that may not run keeps it exact; a guarded division is checked only under its guard", (t) => {
  const n = te.var("n");
  const d = te.var("d");
  const A = te.placeholder([n], "int32", "A");
  const B = te.compute([n], (i) => A.at(i).floordiv(d), "B");
  const s = te.createSchedule(B.op);
  t.is(bodyText(lower(s, [A, B, n, d])).split("\n")[0], `  assert(((n <= 0) || (d != 0)), "division by zero in floordiv((int32*)A[i], d) (the divisor d is 0)")`);
  const m = build(s, [A, B, n, d], { cflags: STRICT });
  // Nothing divides when n is 0, so d = 0 is no error there.
  m.getFunction("main")(array(new Int32Array(0)), empty([0], "int32"), 0, 0);
  t.throws(() => m.getFunction("main")(array(new Int32Array(2)), empty([2], "int32"), 2, 0), { message: /division by zero in floordiv/ });

  const C = te.placeholder([4], "uint8", "C");
  const E = te.placeholder([4], "uint8", "E");
  const G = te.compute([4], (i) => te.ifThenElse(E.at(i).ne(0), C.at(i).div(E.at(i)), 255), "G");
  const sg = te.createSchedule(G.op);
  t.false(lower(sg, [C, E, G]).toString().includes("assert"));
  const g = empty([4], "uint8");
  build(sg, [C, E, G], { cflags: STRICT }).getFunction("main")(array(new Uint8Array([8, 9, 10, 11])), array(new Uint8Array([2, 0, 5, 0])), g);
  t.deepEqual(Array.from(g.toTypedArray()), [4, 255, 2, 255]);
});

test("divisions that cannot trap get no check: constant divisors, constant splits, positive extents", (t) => {
  const A = te.placeholder([64], "int32", "A");
  const B = te.compute([64], (i) => A.at(i.floordiv(4).mul(4)).add(A.at(i).floormod(8)).add(i.floormod(3)), "B");
  const s = te.createSchedule(B.op);
  const [, inner] = s.stage(B).split(B.op.axis[0], { factor: 8 });
  s.stage(B).vectorize(inner);
  const text = lower(s, [A, B]).toString();
  t.false(text.includes("assert"));
  // The pass returns the very same function when nothing needs a check.
  const f = lower(s, [A, B]).get("main");
  t.is(insertDivisionChecks(f), f);
});

test("a vectorized division by a scalar is checked for 0 once, outside the loops, and for INT_MIN / -1 lane by lane", (t) => {
  const d = te.var("d");
  const A = te.placeholder([4, 8], "int32", "A");
  const B = te.compute([4, 8], (i, j) => A.at(i, j).floordiv(d), "B");
  const s = te.createSchedule(B.op);
  s.stage(B).vectorize(B.op.axis[1]);
  const lowered = lower(s, [A, B, d]);
  const lanes = Array.from({ length: 8 }, (_, k) => `((int32*)A_2[${k === 0 ? "(i*8)" : `((i*8) + ${k})`}] != -2147483648)`);
  const all = lanes.slice(1).reduce((acc, x) => `(${acc} && ${x})`, lanes[0]);
  t.is(bodyText(lowered), [
    `  assert((d != 0), "division by zero in floordiv((int32x8*)A[ramp((i*8), 1, 8)], broadcast(d, 8)) (the divisor broadcast(d, 8) is 0)")`,
    "  for (i: int32, 0, 4) {",
    `    assert(((d != -1) || ${all}), "integer overflow in floordiv((int32x8*)A[ramp((i*8), 1, 8)], broadcast(d, 8)) (-2147483648 divided by -1)")`,
    "    B_2[ramp((i*8), 1, 8)] = floordiv((int32x8*)A_2[ramp((i*8), 1, 8)], broadcast(d, 8))",
    "  }",
  ].join("\n"));
  const m = build(s, [A, B, d], { cflags: STRICT });
  const a = Int32Array.from({ length: 32 }, (_, k) => k - 16);
  const b = empty([4, 8], "int32");
  m.getFunction("main")(array(a, [4, 8]), b, -1);
  t.deepEqual(Array.from(b.toTypedArray()), Array.from(a, (x) => Math.imul(x, -1)));
  a[13] = -2147483648;
  const message = "integer overflow in floordiv((int32x8*)A[ramp((i*8), 1, 8)], broadcast(d, 8)) (-2147483648 divided by -1)";
  t.throws(() => m.getFunction("main")(array(a, [4, 8]), b, -1), { message: literally(message) });
  t.throws(() => interpret(lowered, [array(a, [4, 8]), empty([4, 8], "int32"), -1]), { message });
  m.getFunction("main")(array(a, [4, 8]), b, 2);
  t.is(b.get([1, 5]), -1073741824);
});

test("build() checks the divisions of a hand-built PrimFunc too, and checking twice adds nothing", (t) => {
  const A = declBuffer([4], "int32", "A");
  const d = new Var("d", "int32");
  const ib = irBuilder();
  const a = ib.bufferPtr(A);
  ib.forRange(0, 4, "i", (i) => a.set(i, a.get(i).floormod(d)));
  const m = build(primFunc([A, d], ib.get(), "mod"), undefined, { cflags: STRICT });
  const x = array(new Int32Array([5, 6, 7, 8]));
  m.getFunction("mod")(x, 3);
  t.deepEqual(Array.from(x.toTypedArray()), [2, 0, 1, 2]);
  t.throws(() => m.getFunction("mod")(x, 0), { message: literally("division by zero in floormod((int32*)A[i], d) (the divisor d is 0)") });
  const n = te.var("n");
  const e = te.var("e");
  const B = te.placeholder([n], "int32", "B");
  const C = te.compute([n, 8], (i, j) => B.at(i).add(j).floordiv(e), "C");
  const s = te.createSchedule(C.op);
  s.stage(C).vectorize(C.op.axis[1]);
  const f = lower(s, [B, C, n, e]).get("main");
  t.is(insertDivisionChecks(f).toString(), f.toString());
});
