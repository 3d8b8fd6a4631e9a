// Scalar semantics: C's integer wrap-around, truncating vs flooring division, float32 and
// float16 rounding after every operation, casts, exact 64-bit integers, and comparisons/logic.
import test from "ava";
import {
  Add, And, Cast, Div, EQ, FloorDiv, FloorMod, LT, Max, Min, Mod, Mul, Not, Or, Select, Sub, Var,
} from "../../ts/ir/expr.js";
import { f16round } from "../../ts/interp/index.js";
import { evalExpr } from "./helpers.js";

const i32 = (name: string) => new Var(name, "int32");

test("int32 add, sub and mul wrap around as two's complement", (t) => {
  const [a, b] = [i32("a"), i32("b")];
  t.is(evalExpr([a, b], [2147483647, 1], (x, y) => new Add(x, y)), -2147483648);
  t.is(evalExpr([a, b], [-2147483648, 1], (x, y) => new Sub(x, y)), 2147483647);
  t.is(evalExpr([a, b], [65536, 65536], (x, y) => new Mul(x, y)), 0);
  // The exact product exceeds 2^53: the low 32 bits must still be right.
  t.is(evalExpr([a, b], [123456789, 987654321], (x, y) => new Mul(x, y)), Math.imul(123456789, 987654321));
  t.is(evalExpr([a, b], [-2147483648, -1], (x, y) => new Div(x, y)), -2147483648);
});

test("narrow and unsigned integers wrap to their width", (t) => {
  const u8 = [new Var("a", "uint8"), new Var("b", "uint8")];
  t.is(evalExpr(u8, [200, 100], (x, y) => new Add(x, y)), 44);
  t.is(evalExpr(u8, [3, 5], (x, y) => new Sub(x, y)), 254);
  const i8 = [new Var("a", "int8"), new Var("b", "int8")];
  t.is(evalExpr(i8, [127, 1], (x, y) => new Add(x, y)), -128);
  t.is(evalExpr(i8, [16, 16], (x, y) => new Mul(x, y)), 0);
  const u32 = [new Var("a", "uint32"), new Var("b", "uint32")];
  t.is(evalExpr(u32, [0, 1], (x, y) => new Sub(x, y)), 4294967295);
  t.is(evalExpr(u32, [4294967295, 4294967295], (x, y) => new Mul(x, y)), 1);
  t.is(evalExpr(u32, [4294967295, 2], (x, y) => new Div(x, y)), 2147483647);
});

test("int64 is exact beyond 2^53 and wraps at 2^64", (t) => {
  const [a, b] = [new Var("a", "int64"), new Var("b", "int64")];
  t.is(evalExpr([a, b], [2n ** 53n, 1n], (x, y) => new Add(x, y)), 2n ** 53n + 1n);
  t.is(evalExpr([a, b], [2n ** 62n, 4n], (x, y) => new Mul(x, y)), 0n);
  t.is(evalExpr([a, b], [2n ** 63n - 1n, 1n], (x, y) => new Add(x, y)), -(2n ** 63n));
  t.is(evalExpr([a, b], [-7n, 2n], (x, y) => new FloorDiv(x, y)), -4n);
  t.is(evalExpr([a, b], [-7n, 2n], (x, y) => new Mod(x, y)), -1n);
  t.is(evalExpr([a, b], [-7n, 2n], (x, y) => new FloorMod(x, y)), 1n);
  const u = [new Var("a", "uint64"), new Var("b", "uint64")];
  t.is(evalExpr(u, [0n, 1n], (x, y) => new Sub(x, y)), 2n ** 64n - 1n);
  // Numbers are accepted for 64-bit parameters when they are safe integers.
  t.is(evalExpr([a, b], [5, 6], (x, y) => new Mul(x, y)), 30n);
});

test("div and mod truncate, floordiv and floormod floor, on every sign combination", (t) => {
  const [a, b] = [i32("a"), i32("b")];
  const cases: [number, number, number, number, number, number][] = [
    // a, b, div, mod, floordiv, floormod
    [7, 2, 3, 1, 3, 1],
    [-7, 2, -3, -1, -4, 1],
    [7, -2, -3, 1, -4, -1],
    [-7, -2, 3, -1, 3, -1],
    [-8, 2, -4, 0, -4, 0],
  ];
  for (const [x, y, d, m, fd, fm] of cases) {
    t.is(evalExpr([a, b], [x, y], (p, q) => new Div(p, q)), d, `${x} / ${y}`);
    t.is(evalExpr([a, b], [x, y], (p, q) => new Mod(p, q)), m, `${x} % ${y}`);
    t.is(evalExpr([a, b], [x, y], (p, q) => new FloorDiv(p, q)), fd, `floordiv(${x}, ${y})`);
    t.is(evalExpr([a, b], [x, y], (p, q) => new FloorMod(p, q)), fm, `floormod(${x}, ${y})`);
  }
});

test("integer division by zero is an Error naming the expression", (t) => {
  const [a, b] = [i32("a"), i32("b")];
  for (const node of [Div, Mod, FloorDiv, FloorMod]) {
    const err = t.throws(() => evalExpr([a, b], [5, 0], (p, q) => new node(p, q)));
    t.regex(err!.message, /division by zero/);
    t.regex(err!.message, /a/);
  }
  // Float division by zero is IEEE, not an error.
  const [x, y] = [new Var("x", "float32"), new Var("y", "float32")];
  t.is(evalExpr([x, y], [1, 0], (p, q) => new Div(p, q)), Infinity);
});

test("float32 rounds after every operation, float64 does not", (t) => {
  const f = [new Var("a", "float32"), new Var("b", "float32")];
  t.is(evalExpr(f, [0.1, 0.2], (x, y) => new Add(x, y)), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  // 2^24 + 1 is not a float32: the sum rounds back to 2^24.
  t.is(evalExpr(f, [16777216, 1], (x, y) => new Add(x, y)), 16777216);
  // (a*b)-c is rounded twice (no fused multiply-add).
  const c = new Var("c", "float32");
  const [p, q, r] = [1 + 2 ** -12, 1 + 2 ** -12, 1 + 2 ** -11]; // exact p*q - r is 2^-24
  const got = evalExpr([...f, c], [p, q, r], (x, y, z) => new Sub(new Mul(x, y), z));
  t.is(got, Math.fround(Math.fround(p * q) - r));
  t.is(got, 0);
  const d = [new Var("a", "float64"), new Var("b", "float64")];
  t.is(evalExpr(d, [0.1, 0.2], (x, y) => new Add(x, y)), 0.1 + 0.2);
  t.is(evalExpr(d, [16777216, 1], (x, y) => new Add(x, y)), 16777217);
});

test("float16 arithmetic rounds to half precision (ties to even)", (t) => {
  const h = [new Var("a", "float16"), new Var("b", "float16")];
  // 2048 + 1 is halfway between 2048 and 2050: ties to even gives 2048; 2048 + 3 gives 2052.
  t.is(evalExpr(h, [2048, 1], (x, y) => new Cast("float32", new Add(x, y))), 2048);
  t.is(evalExpr(h, [2048, 3], (x, y) => new Cast("float32", new Add(x, y))), 2052);
  t.is(evalExpr(h, [60000, 10000], (x, y) => new Cast("float32", new Add(x, y))), Infinity);
  t.is(f16round(0.1), 0.0999755859375);
  t.is(f16round(2 ** -25), 0); // half of the smallest subnormal: ties to even (zero)
  t.is(f16round(3 * 2 ** -25), 2 ** -23);
  t.is(f16round(65504), 65504);
  t.is(f16round(-65519), -65504);
});

test("casts truncate floats, wrap integers, and make any non-zero true", (t) => {
  const x = new Var("x", "float32");
  t.is(evalExpr([x], [-2.75], (v) => new Cast("int32", v)), -2);
  t.is(evalExpr([x], [2.75], (v) => new Cast("int32", v)), 2);
  t.is(evalExpr([x], [300.5], (v) => new Cast("uint8", v)), 44);
  t.is(evalExpr([x], [0.5], (v) => new Cast("bool", v)), 1);
  t.is(evalExpr([x], [-1e10], (v) => new Cast("int64", v)), -10000000000n);
  const i = i32("i");
  t.is(evalExpr([i], [-1], (v) => new Cast("uint16", v)), 65535);
  t.is(evalExpr([i], [0x12345678], (v) => new Cast("int8", v)), 0x78);
  t.is(evalExpr([i], [16777217], (v) => new Cast("float32", v)), 16777216);
  t.is(evalExpr([i], [-5], (v) => new Cast("int64", v)), -5n);
  const big = new Var("b", "int64");
  // 2^60 + 2^36 + 1 lies just above halfway between two float32s: it must round up, which a
  // conversion through a double (2^60 + 2^36, exactly halfway, ties to even: down) would miss.
  t.is(evalExpr([big], [2n ** 60n + 2n ** 36n + 1n], (v) => new Cast("float32", v)), 2 ** 60 + 2 ** 37);
  t.is(evalExpr([big], [2n ** 40n + 7n], (v) => new Cast("int32", v)), 7);
  const d = new Var("d", "float64");
  t.is(evalExpr([d], [1 + 2 ** -30], (v) => new Cast("float32", v)), 1);
});

test("min, max, comparisons, select and logic give C's results", (t) => {
  const [a, b] = [i32("a"), i32("b")];
  t.is(evalExpr([a, b], [-3, 2], (x, y) => new Min(x, y)), -3);
  t.is(evalExpr([a, b], [-3, 2], (x, y) => new Max(x, y)), 2);
  t.is(evalExpr([a, b], [-3, 2], (x, y) => new Select(new LT(x, y), x, y)), -3);
  t.is(evalExpr([a, b], [4, 2], (x, y) => new Select(new LT(x, y), x, y)), 2);
  t.is(evalExpr([a, b], [2, 2], (x, y) => new Cast("int32", new EQ(x, y))), 1);
  t.is(evalExpr([a, b], [1, 2], (x, y) => new Cast("int32", new And(new LT(x, y), new Not(new EQ(x, y))))), 1);
  t.is(evalExpr([a, b], [3, 2], (x, y) => new Cast("int32", new Or(new LT(x, y), new EQ(x, y)))), 0);
  const [p, q] = [new Var("p", "int64"), new Var("q", "int64")];
  t.is(evalExpr([p, q], [2n ** 60n, 2n ** 60n + 1n], (x, y) => new Cast("int32", new LT(x, y))), 1);
});
