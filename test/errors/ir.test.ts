// The IR's errors by class and code: an unknown dtype and operands whose dtypes do not match are
// DTypeErrors, a buffer indexed with the wrong number of indices a ShapeError, a value of the
// wrong kind an ArgumentError.
import test from "ava";
import { DataType, DTypeError, ShapeError, ArgumentError } from "../../ts/index.js";
import { declBuffer } from "../../ts/ir/buffer.js";
import { Var } from "../../ts/ir/expr.js";
import { exp } from "../../ts/ir/op.js";

test("an unknown dtype is a DTypeError saying what is expected", (t) => {
  const e = t.throws(() => DataType.parse("float7"), { instanceOf: DTypeError });
  t.is(e?.code, "ERR_DTYPE");
  t.is(e?.message, "unknown dtype 'float7': float takes 16/32/64 bits");
  t.throws(() => DataType.parse("complex64"), { instanceOf: DTypeError, message: "unknown dtype 'complex64': expected e.g. float32, int32, uint8, bool, handle, float32x8" });
});

test("operands of different dtypes are a DTypeError naming both", (t) => {
  const x = new Var("x", "int32");
  const v = new Var("v", "int32x4");
  const w = new Var("w", "int32x8");
  const e = t.throws(() => v.add(w), { instanceOf: DTypeError });
  t.is(e?.message, "add: cannot match types int32x4 and int32x8 (different lanes)");
  t.throws(() => exp(x), { instanceOf: DTypeError, message: "exp: needs a float expression, got int32; cast it first" });
});

test("a buffer indexed with the wrong number of indices is a ShapeError; a non-expression operand an ArgumentError", (t) => {
  const B = declBuffer([4, 4], "float32", "B");
  const e = t.throws(() => B.vload([1]), { instanceOf: ShapeError });
  t.is(e?.code, "ERR_SHAPE");
  t.is(e?.message, "buffer 'B' has 2 dimensions, indexed with 1");
  const a = t.throws(() => new Var("x", "int32").add("one" as never), { instanceOf: ArgumentError });
  t.is(a?.code, "ERR_ARGUMENT");
  t.regex(a!.message, /^add: the right operand \(with x\) must be an expression or a number, got /);
});
