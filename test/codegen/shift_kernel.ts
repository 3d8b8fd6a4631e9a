// The kernel of shift.test.ts, in its own file so the test's child process can import it
// without ava: O[i] = X[i] << 3 and P[i] = X[i] << (i % 4) over VALUES, in a signed dtype.
import { declBuffer } from "../../ts/ir/buffer.js";
import { primFunc } from "../helpers/prim_func.js";
import { irBuilder } from "../../ts/ir/ir_builder.js";
import { Call } from "../../ts/tir.js";
import * as op from "../../ts/ir/op.js";

export const SHIFT_DTYPES = ["int8", "int16", "int32", "int64"] as const;
export type ShiftDType = (typeof SHIFT_DTYPES)[number];
export const VALUES = [-128, -77, -17, -2, -1, 0, 1, 5, 31, 100, 127];
export const SHIFT = 3;

export function shiftKernel(dtype: ShiftDType) {
  const n = VALUES.length;
  const X = declBuffer([n], dtype, "X");
  const O = declBuffer([n], dtype, "O");
  const P = declBuffer([n], dtype, "P");
  const ib = irBuilder();
  const x = ib.bufferPtr(X);
  const o = ib.bufferPtr(O);
  const p = ib.bufferPtr(P);
  ib.forRange(0, n, "i", (i) => {
    o.set(i, new Call(dtype, "tir.shift_left", [x.get(i), op.constant(SHIFT, dtype)]));
    p.set(i, new Call(dtype, "tir.shift_left", [x.get(i), op.cast(dtype, op.floormod(i, 4))]));
  });
  return primFunc([X, O, P], ib.get(), `shl_${dtype}`);
}
