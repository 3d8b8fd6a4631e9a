// Byte-addressed memory for allocations that are typed views of one block: storage rewrite lets
// buffers of different element types share one allocation (a float32 buffer's memory reused by
// an int16 one, tagged memory merged side by side), and each accesses it as its own type at its
// own element index, as C does through a cast pointer. Such an allocation is held as raw bytes (a
// Uint8Array and a DataView in the machine's byte order), its range [lo, hi) in bytes, and every
// access of another element type reads or writes those bytes: element i of type t is the
// bytes [i * size(t), (i + 1) * size(t)), checked to lie inside the allocation. float16 is
// stored as its IEEE half bits. Allocations accessed only as one type (or interchangeable types:
// bool and 8-bit integers, integers of one width) keep their plain TypedArray.

import { DataType } from "../ir/dtype.js";
import { BufferLoad, Call, Load, type PrimExpr, type Var } from "../ir/expr.js";
import { postOrderVisit } from "../ir/functor.js";
import { BufferStore, type Stmt, Store } from "../ir/stmt.js";
import { Mem } from "./memory.js";
import { type Scalar, f16round } from "./values.js";
import { IRError, KernelError, UnsupportedError } from "../errors.js";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes one element of the scalar type `t` takes in memory (bool: 1, float16: 2). */
export function elementBytes(t: DataType): number {
  return t.isBool() ? 1 : t.bits / 8;
}

const byteLike = (x: DataType): boolean => x.isBool() || (x.isIntegral() && x.bits === 8);

/** True when memory of `a` elements can be read as `b` elements without reinterpreting bytes. */
export function interchangeable(a: DataType, b: DataType): boolean {
  return a === b || (byteLike(a) && byteLike(b)) || (a.isIntegral() && b.isIntegral() && a.bits === b.bits);
}

/** True when `body` accesses the memory of `v` as an element type not interchangeable with `elem`. */
export function accessedAsOtherTypes(body: Stmt, v: Var, elem: DataType): boolean {
  let other = false;
  const note = (t: DataType): void => {
    if (!interchangeable(elem, t.element())) other = true;
  };
  postOrderVisit(body, (n) => {
    if (other) return;
    if (n instanceof Load && n.bufferVar === v) note(n.dtype);
    else if (n instanceof Store && n.bufferVar === v) note(n.value.dtype);
    else if (n instanceof BufferLoad && n.buffer.data === v) note(n.dtype);
    else if (n instanceof BufferStore && n.buffer.data === v) note(n.value.dtype);
    else if (n instanceof Call && n.op === "tir.tvm_access_ptr" && n.args[1] === v) note((n.args[0] as PrimExpr).dtype);
  });
  return other;
}

/**
 * A fresh byte-addressed allocation of `bytes` bytes: zeros, or with `poison` every byte 0xff
 * (NaN as any float, -1 as any signed integer).
 */
export function allocateRaw(name: string, bytes: number, poison: boolean): Mem {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new IRError(`interpreter: allocation of '${name}' needs ${bytes} bytes; expected a non-negative integer`);
  }
  let data: Uint8Array;
  try {
    data = new Uint8Array(bytes);
  } catch (err) {
    if (err instanceof RangeError) throw new UnsupportedError(`interpreter: cannot allocate ${bytes} bytes for '${name}': ${err.message}`);
    throw err;
  }
  if (poison) data.fill(0xff);
  return new Mem(name, data, 0, 0, bytes, DataType.uint(8), undefined, new DataView(data.buffer, data.byteOffset, data.byteLength));
}

/** The IEEE half-precision bits of a float16 value (`x` is rounded to half first). */
export function halfBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = f16round(Math.abs(x));
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | (a / 2 ** -24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return sign | ((e + 15) << 10) | ((a / 2 ** e - 1) * 1024);
}

/** The value of IEEE half-precision bits. */
export function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m !== 0 ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** The byte position of element `i` of type `t` in raw memory `m`, bounds-checked. */
function bytePosition(kind: "load from" | "store to", m: Mem, i: number, t: DataType, where: () => string): number {
  const size = elementBytes(t);
  const at = i * size;
  if (!(at >= m.lo && at + size <= m.hi)) {
    throw new KernelError(`interpreter: out-of-bounds ${kind} '${m.name}': ${t} element ${i} (bytes ${at}..${at + size - 1}) is outside its ${m.hi - m.lo} bytes in ${where()}`);
  }
  return m.base + at;
}

/** Reads element `i` of scalar type `t` from raw memory `m`. */
export function rawLoad(m: Mem, i: number, t: DataType, where: () => string): Scalar {
  const at = bytePosition("load from", m, i, t, where);
  const dv = m.raw!;
  if (t.isBool()) return dv.getUint8(at) !== 0 ? 1 : 0;
  if (t.isFloat()) {
    if (t.bits === 16) return halfValue(dv.getUint16(at, LITTLE_ENDIAN));
    return t.bits === 32 ? dv.getFloat32(at, LITTLE_ENDIAN) : dv.getFloat64(at, LITTLE_ENDIAN);
  }
  const signed = t.isInt();
  switch (t.bits) {
    case 8: return signed ? dv.getInt8(at) : dv.getUint8(at);
    case 16: return signed ? dv.getInt16(at, LITTLE_ENDIAN) : dv.getUint16(at, LITTLE_ENDIAN);
    case 32: return signed ? dv.getInt32(at, LITTLE_ENDIAN) : dv.getUint32(at, LITTLE_ENDIAN);
    case 64: return signed ? dv.getBigInt64(at, LITTLE_ENDIAN) : dv.getBigUint64(at, LITTLE_ENDIAN);
  }
  throw new IRError(`interpreter: cannot load ${t} from '${m.name}' (${where()})`);
}

/** Writes element `i` of scalar type `t` into raw memory `m`. */
export function rawStore(m: Mem, i: number, v: Scalar, t: DataType, where: () => string): void {
  const at = bytePosition("store to", m, i, t, where);
  const dv = m.raw!;
  if (t.isBool()) return dv.setUint8(at, v ? 1 : 0);
  if (t.isFloat()) {
    if (t.bits === 16) return dv.setUint16(at, halfBits(v as number), LITTLE_ENDIAN);
    return t.bits === 32 ? dv.setFloat32(at, v as number, LITTLE_ENDIAN) : dv.setFloat64(at, v as number, LITTLE_ENDIAN);
  }
  const signed = t.isInt();
  switch (t.bits) {
    case 8: return signed ? dv.setInt8(at, v as number) : dv.setUint8(at, v as number);
    case 16: return signed ? dv.setInt16(at, v as number, LITTLE_ENDIAN) : dv.setUint16(at, v as number, LITTLE_ENDIAN);
    case 32: return signed ? dv.setInt32(at, v as number, LITTLE_ENDIAN) : dv.setUint32(at, v as number, LITTLE_ENDIAN);
    case 64: return signed ? dv.setBigInt64(at, v as bigint, LITTLE_ENDIAN) : dv.setBigUint64(at, v as bigint, LITTLE_ENDIAN);
  }
  throw new IRError(`interpreter: cannot store ${t} into '${m.name}' (${where()})`);
}
