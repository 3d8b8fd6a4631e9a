// Random expressions (int32 and float32, scalar and 8-lane vector) compiled to C and run against
// the TIR interpreter on the same inputs: integer results must match exactly, float results to
// rounding (the C compiler may contract a*b+c into an FMA). The operators cover arithmetic,
// floordiv/floormod by constants of either sign (power-of-two or not), min/max, comparisons,
// select, casts and bit operations, so each C helper meets the interpreter's semantics.
import test from "ava";
import { assertClose, declBuffer, buildFuncs } from "./helpers.js";
import { primFunc } from "../helpers/prim_func.js";
import { pick, prng, randomInt } from "../helpers/random.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { Broadcast, Call, IntImm, Load, type PrimExpr, Ramp, Store } from "../../ts/tir.js";
import * as op from "../../ts/ir/op.js";
import { interpret } from "../../ts/interp/index.js";
import { array, empty } from "../../ts/runtime/ndarray.js";
import type { PrimFunc } from "../../ts/ir/function.js";

const LEN = 64;
const COUNT = Number(process.env.FUZZ_COUNT ?? 24);

/** A random int32 or float32 expression of the leaves (at most `depth` deep). */
function randomExpr(r: () => number, leaves: { i: PrimExpr[]; f: PrimExpr[] }, float: boolean, depth: number, lanes: number): PrimExpr {
  const konst = (v: number, t: string): PrimExpr => (lanes > 1 ? new Broadcast(op.constant(v, t), lanes) : op.constant(v, t));
  if (depth === 0 || r() < 0.2) return pick(r, float ? leaves.f : leaves.i);
  const sub = (fl = float): PrimExpr => randomExpr(r, leaves, fl, depth - 1, lanes);
  if (float) {
    switch (pick(r, ["add", "sub", "mulc", "min", "max", "select", "cast", "div"])) {
      case "add": return op.add(sub(), sub());
      case "sub": return op.sub(sub(), sub());
      case "mulc": return op.mul(sub(), konst(pick(r, [0.5, -1.5, 3]), "float32"));
      case "min": return op.min(sub(), sub());
      case "max": return op.max(sub(), sub());
      case "select": return op.select(op.lt(sub(), sub()), sub(), sub());
      case "cast": return op.cast(lanes > 1 ? `float32x${lanes}` : "float32", sub(false));
      default: return op.div(sub(), konst(pick(r, [2, -4, 8]), "float32"));
    }
  }
  const c = pick(r, [1, 2, 3, 4, 7, 8, -3, -8, 16]);
  switch (pick(r, ["add", "sub", "mulc", "fdiv", "fmod", "min", "max", "select", "and", "xor", "cast", "cmp"])) {
    case "add": return op.add(sub(), sub());
    case "sub": return op.sub(sub(), sub());
    case "mulc": return op.mul(sub(), konst(pick(r, [2, -3, 5]), "int32"));
    case "fdiv": return op.floordiv(sub(), konst(c, "int32"));
    case "fmod": return op.floormod(sub(), konst(c, "int32"));
    case "min": return op.min(sub(), sub());
    case "max": return op.max(sub(), sub());
    case "select": return op.select(op.ge(sub(), sub()), sub(), sub());
    case "and": return new Call(lanes > 1 ? `int32x${lanes}` : "int32", "tir.bitwise_and", [sub(), konst(pick(r, [7, 255, -2]), "int32")]);
    case "xor": return new Call(lanes > 1 ? `int32x${lanes}` : "int32", "tir.bitwise_xor", [sub(), sub()]);
    case "cast": return op.cast(lanes > 1 ? `int32x${lanes}` : "int32", op.floor(sub(true)));
    default: return op.cast(lanes > 1 ? `int32x${lanes}` : "int32", op.logicalAnd(op.lt(sub(), sub()), op.ne(sub(), konst(0, "int32"))));
  }
}

/** f(X: int32[LEN], Y: float32[LEN], OI: int32[LEN], OF: float32[LEN]) computing two random expressions. */
function randomKernel(k: number): PrimFunc {
  const r = prng(1000 + k);
  const lanes = k % 2 === 0 ? 1 : 8;
  const X = declBuffer([LEN], "int32", "X");
  const Y = declBuffer([LEN], "float32", "Y");
  const OI = declBuffer([LEN], "int32", "OI");
  const OF = declBuffer([LEN], "float32", "OF");
  const ib = irBuilder();
  ib.forRange(0, LEN / lanes, "i", (i) => {
    const idx = (shift: number): PrimExpr => {
      const base = op.floormod(op.add(op.mul(i, lanes), shift), LEN);
      return lanes > 1 ? new Ramp(op.mul(op.floormod(op.add(i, shift), LEN / lanes), lanes), new IntImm("int32", 1), lanes) : base;
    };
    const ld = (buf: typeof X, t: string, shift: number): PrimExpr => new Load(lanes > 1 ? `${t}x${lanes}` : t, buf.data, idx(shift));
    const leaves = { i: [ld(X, "int32", 0), ld(X, "int32", 1), ld(X, "int32", 3)], f: [ld(Y, "float32", 0), ld(Y, "float32", 2)] };
    ib.emit(new Store(OI.data, randomExpr(r, leaves, false, 4, lanes), idx(0)));
    ib.emit(new Store(OF.data, randomExpr(r, leaves, true, 4, lanes), idx(0)));
  });
  return primFunc([X, Y, OI, OF], ib.get(), `fuzz_${k}`);
}

const funcs = Array.from({ length: COUNT }, (_, k) => randomKernel(k));
const mod = buildFuncs(funcs);

test(`${COUNT} random scalar and vector programs agree with the interpreter`, (t) => {
  const r = prng(7);
  const X = Int32Array.from({ length: LEN }, () => randomInt(r, -100, 99));
  const Y = Float32Array.from({ length: LEN }, () => Math.round((r() * 20 - 10) * 64) / 64);
  funcs.forEach((f, k) => {
    const c = [empty([LEN], "int32"), empty([LEN])];
    mod.getFunction(f.name!)(array(X), array(Y), ...c);
    const i = [empty([LEN], "int32"), empty([LEN])];
    interpret(f, [array(X), array(Y), ...i]);
    t.deepEqual([...c[0].toTypedArray()], [...i[0].toTypedArray()], `${f.name}: int32 result`);
    assertClose(t, c[1].toTypedArray() as Float32Array, i[1].toTypedArray() as Float32Array, 1e-5, `${f.name}: float32 result`);
  });
});
