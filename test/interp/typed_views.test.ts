// Typed views of one allocation (storage rewrite shares memory between element types): the
// interpreter holds such an allocation as bytes and reads and writes each access's type in them,
// as the C code does through a may_alias pointer. The two must agree byte for byte.
import test from "ava";
import { build } from "../../ts/index.js";
import { declBuffer } from "../../ts/ir/buffer.js";
import { DataType } from "../../ts/ir/dtype.js";
import { Cast, FloatImm, IntImm, Load, type PrimExpr, Var } from "../../ts/ir/expr.js";
import { Allocate, SeqStmt, type Stmt, Store } from "../../ts/ir/stmt.js";
import { PointerType } from "../../ts/ir/type.js";
import { interpret } from "../../ts/interp/index.js";
import { halfBits, halfValue } from "../../ts/interp/raw_memory.js";
import { array } from "../../ts/runtime/ndarray.js";
import { primFunc } from "../helpers/prim_func.js";

const O = declBuffer([4], "int32", "O");
const i32 = (v: number): IntImm => new IntImm("int32", v);

/** `allocate(M, float32, [4])` around `body(M)`: 16 bytes. */
function withBlock(body: (m: Var) => Stmt[]): Stmt {
  const m = new Var("M", "handle", new PointerType(DataType.float32(), "global"));
  return new Allocate(m, "float32", [i32(4)], undefined, new SeqStmt(body(m)));
}

const out = (k: number, v: PrimExpr): Store => new Store(O.data, v.dtype === DataType.int32() ? v : new Cast("int32", v), i32(k));

function run(f: ReturnType<typeof primFunc>, built: boolean): number[] {
  const o = array(new Int32Array(4), [4]);
  if (built) build(f).getFunction("main")(o);
  else interpret(f, [o], { poisonAllocations: true });
  return Array.from(o.toTypedArray() as Int32Array);
}

test("float32 memory read back as int32, int16 and int8 views: the interpreter and the C code agree on every byte", (t) => {
  const body = withBlock((m) => [
    new Store(m, new FloatImm("float32", 1), i32(0)),
    out(0, new Load("int32", m, i32(0))),
    new Store(m, new IntImm("int16", 0x1234), i32(2)),
    new Store(m, new IntImm("int16", -2), i32(3)),
    out(1, new Load("int32", m, i32(1))),
    new Store(m, new IntImm("int32", 0), i32(2)),
    new Store(m, new IntImm("int8", -1), i32(8)),
    out(2, new Load("int32", m, i32(2))),
    out(3, new Load("uint8", m, i32(3))),
  ]);
  const f = primFunc([O], body);
  const want = [0x3f800000, 0xfffe1234 | 0, 255, 0x3f];
  t.deepEqual(run(f, false), want);
  t.deepEqual(run(f, true), want);
});

test("a float16 view stores IEEE half bits; half encoding round-trips", (t) => {
  const body = withBlock((m) => [
    new Store(m, new FloatImm("float16", 1.5), i32(0)),
    out(0, new Load("uint16", m, i32(0))),
    new Store(m, new IntImm("uint16", 0x3c00), i32(2)),
    out(1, new Cast("int32", new Load("float16", m, i32(2)))),
    new Store(m, new FloatImm("float32", -2.5), i32(2)),
    out(2, new Cast("int32", new Load("float32", m, i32(2)))),
  ]);
  const f = primFunc([O], body);
  t.deepEqual(run(f, false), [0x3e00, 1, -2, 0]);
  for (const v of [0, 1, -1, 65504, 2 ** -24, 2 ** -14, 0.333251953125, Infinity, -Infinity]) t.is(halfValue(halfBits(v)), v, String(v));
  t.is(halfBits(-0), 0x8000);
  t.true(Number.isNaN(halfValue(halfBits(NaN))));
});

test("a typed view past the allocation's bytes is an Error naming the buffer, the element and the size", (t) => {
  const load = primFunc([O], withBlock((m) => [new Store(m, new FloatImm("float32", 0), i32(0)), out(0, new Load("int32", m, i32(4)))]));
  t.throws(() => run(load, false), { message: /out-of-bounds load from 'M': int32 element 4 \(bytes 16\.\.19\) is outside its 16 bytes/ });
  const store = primFunc([O], withBlock((m) => [new Store(m, new IntImm("int16", 1), i32(8)), out(0, new Load("float32", m, i32(0)))]));
  t.throws(() => run(store, false), { message: /out-of-bounds store to 'M': int16 element 8 \(bytes 16\.\.17\) is outside its 16 bytes/ });
});

test("poisoned byte memory reads NaN as a float and -1 as an integer where nothing wrote", (t) => {
  const Of = declBuffer([2], "float32", "Of");
  const m = new Var("M", "handle", new PointerType(DataType.float32(), "global"));
  const f = primFunc([Of], new Allocate(m, "float32", [i32(2)], undefined, new SeqStmt([
    new Store(m, new IntImm("int16", 5), i32(0)),
    new Store(Of.data, new Load("float32", m, i32(1)), i32(0)),
    new Store(Of.data, new Cast("float32", new Load("int16", m, i32(1))), i32(1)),
  ])));
  const o = array(new Float32Array(2), [2]);
  interpret(f, [o], { poisonAllocations: true });
  const [x, y] = o.toTypedArray() as Float32Array;
  t.true(Number.isNaN(x));
  t.is(y, -1);
});

test("bounds-checked builds count a typed view's own elements in the allocation's bytes", (t) => {
  const f = primFunc([O], withBlock((m) => [
    new Store(m, new IntImm("int8", 7), i32(15)),
    out(0, new Load("int8", m, i32(15))),
    new Store(m, new IntImm("int16", -3), i32(7)),
    out(1, new Load("int16", m, i32(7))),
  ]));
  const o = array(new Int32Array(4), [4]);
  build(f, undefined, { boundsCheck: true }).getFunction("main")(o);
  t.deepEqual(Array.from(o.toTypedArray() as Int32Array), [7, -3, 0, 0]);
  const past = primFunc([O], withBlock((m) => [new Store(m, new IntImm("int8", 1), i32(16)), out(0, new Load("int32", m, i32(0)))]));
  t.throws(() => build(past, undefined, { boundsCheck: true }).getFunction("main")(array(new Int32Array(4), [4])), {
    message: /out-of-bounds store to 'M': index 16 is outside \[0, 16\)/,
  });
});
