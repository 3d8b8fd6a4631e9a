// Memory as the interpreter sees it: a Mem is what a handle variable (a buffer's data pointer, an
// allocation) holds — a TypedArray, the element index the pointer points at, and the index range
// the program may touch. Every load and store is checked against that range, so a bad lowering
// shows up as an Error naming the buffer variable, the index and the size instead of silently
// reading a neighbour. Allocations get fresh zeroed TypedArrays (bool stored as int8, float16 as
// float32 holding half-precision values); arguments point into the caller's NDArray; views for
// packed calls are NDArrays over the same memory.

import { IRError, KernelError, ShapeError, UnsupportedError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import { type AnyNDArray, NDArray, type TypedArray, compactStrides, dtypeInfo } from "../runtime/ndarray.js";
import type { Scalar } from "./values.js";

/** Element layout of a buffer realized by BufferRealize (pre-flattening programs). */
export interface RealizeLayout {
  readonly min: readonly number[];
  readonly extent: readonly number[];
  readonly strides: readonly number[];
}

export class Mem {
  constructor(
    /** The buffer variable's name, for errors. */
    readonly name: string,
    readonly data: TypedArray,
    /** Index into `data` of element 0 of the pointer (may be negative: only base + [lo, hi) is used). */
    readonly base: number,
    /** The indices (relative to base) the program may access: [lo, hi). */
    readonly lo: number,
    readonly hi: number,
    /** The scalar element type stored. */
    readonly dtype: DataType,
    /** Set for memory created by BufferRealize. */
    readonly layout?: RealizeLayout,
    /**
     * Set for byte-addressed memory (raw_memory.ts): `data` is its bytes, `dtype` uint8, base, lo
     * and hi count bytes, and accesses of other element types go through this view.
     */
    readonly raw?: DataView,
  ) {}

  describeRange(): string {
    return `[${this.lo}, ${this.hi})`;
  }
}

type StorageCtor = new (n: number) => TypedArray;

/** The TypedArray that stores scalar elements of `t`. */
export function storageCtor(t: DataType, what: string): StorageCtor {
  if (t.isBool()) return Int8Array;
  if (t.isFloat()) {
    if (t.bits === 64) return Float64Array;
    if (t.bits === 32 || t.bits === 16) return Float32Array;
  } else if (t.isInt()) {
    switch (t.bits) {
      case 8: return Int8Array;
      case 16: return Int16Array;
      case 32: return Int32Array;
      case 64: return BigInt64Array;
    }
  } else if (t.isUInt()) {
    switch (t.bits) {
      case 8: return Uint8Array;
      case 16: return Uint16Array;
      case 32: return Uint32Array;
      case 64: return BigUint64Array;
    }
  }
  throw new UnsupportedError(`${what}: the interpreter cannot store elements of dtype ${t}`);
}

/**
 * A fresh allocation of `count` elements of `t` (its scalar element type): zero-filled, or with
 * `poison` NaN for floats and the byte 0x5a everywhere else, so that reading memory nothing
 * wrote shows up in the results.
 */
export function allocate(name: string, t: DataType, count: number, layout?: RealizeLayout, poison = false): Mem {
  const elem = t.element();
  const n = count * t.lanes;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new IRError(`interpreter: allocation of '${name}' has ${count} elements of ${t}; expected a non-negative integer`);
  }
  let data: TypedArray;
  try {
    data = new (storageCtor(elem, `allocation of '${name}'`))(n);
  } catch (err) {
    if (err instanceof RangeError) throw new UnsupportedError(`interpreter: cannot allocate ${n} elements of ${elem} for '${name}': ${err.message}`);
    throw err;
  }
  if (poison) {
    if (elem.isFloat()) (data as Float32Array | Float64Array).fill(NaN);
    else new Uint8Array(data.buffer, data.byteOffset, data.byteLength).fill(0x5a);
  }
  return new Mem(name, data, 0, 0, n, elem, layout);
}

/** The element range an NDArray spans in its data, relative to its first element: [lo, hi). */
function span(a: AnyNDArray): [number, number] {
  let lo = 0;
  let hi = 0;
  if (a.size === 0) return [0, 0];
  for (let d = 0; d < a.ndim; d++) {
    const s = (a.shape[d] - 1) * a.strides[d];
    if (s < 0) lo += s;
    else hi += s;
  }
  return [lo, hi + 1];
}

/**
 * The memory of an NDArray argument, for a buffer whose element [0, …, 0] is at `elemOffset`
 * from its data pointer: the pointer is placed so that buffer element [0, …] is the array's.
 * Only the elements the array spans are accessible.
 */
export function memOfArray(name: string, a: AnyNDArray, elemOffset: number, dtype: DataType): Mem {
  const [lo, hi] = span(a);
  return new Mem(name, a.data, a.elemOffset - elemOffset, lo + elemOffset, hi + elemOffset, dtype);
}

/** The NDArray dtype name of a scalar dtype, or an Error saying NDArray cannot hold it. */
export function ndDtypeName(t: DataType, what: string): string {
  const s = t.toString();
  if (t.lanes !== 1 || t.isHandle() || (t.isFloat() && t.bits === 16)) {
    throw new UnsupportedError(`${what}: dtype ${s} cannot be held by an NDArray (it holds bool, int8-64, uint8-64, float32, float64)`);
  }
  dtypeInfo(s);
  return s;
}

/**
 * An NDArray view of `mem` (as tvm_stack_make_array describes it): `shape`, `strides` in elements
 * (null = compact), element [0, …] at pointer index `elemOffset`. The view must stay inside the
 * memory the pointer may access.
 */
export function viewOf(mem: Mem, dtype: DataType, shape: number[], strides: number[] | null, elemOffset: number, what: string): AnyNDArray {
  const name = ndDtypeName(dtype, what);
  const info = dtypeInfo(name);
  let data = mem.data;
  if (mem.raw) return viewOfRaw(mem, info, name, shape, strides, elemOffset, what);
  if (!(data instanceof info.ctor) || (name === "bool" && !(data instanceof Uint8Array))) {
    if (data.BYTES_PER_ELEMENT !== info.bytes) {
      throw new UnsupportedError(`${what}: a ${dtype} view of '${mem.name}', which holds ${mem.dtype}, is not supported (element sizes differ)`);
    }
    data = new info.ctor(data.buffer, data.byteOffset, data.length);
  }
  const str = strides ?? compactStrides(shape);
  let lo = elemOffset;
  let hi = elemOffset;
  let size = 1;
  for (let d = 0; d < shape.length; d++) {
    size *= shape[d];
    const s = (shape[d] - 1) * str[d];
    if (s < 0) lo += s;
    else hi += s;
  }
  if (size > 0 && (lo < mem.lo || hi >= mem.hi)) {
    throw new ShapeError(`${what}: the view of '${mem.name}' with shape [${shape.join(", ")}], strides [${str.join(", ")}] and elem_offset ${elemOffset} reaches elements ${lo}..${hi}, outside ${mem.describeRange()} of '${mem.name}'`);
  }
  return NDArray.view(data, shape, strides, (mem.base + elemOffset) * info.bytes, name);
}

/** The element range [lo, hi] (inclusive) a view of `shape` and `strides` spans from elemOffset. */
function viewSpan(shape: number[], str: number[], elemOffset: number): { lo: number; hi: number; size: number } {
  let lo = elemOffset;
  let hi = elemOffset;
  let size = 1;
  for (let d = 0; d < shape.length; d++) {
    size *= shape[d];
    const s = (shape[d] - 1) * str[d];
    if (s < 0) lo += s;
    else hi += s;
  }
  return { lo, hi, size };
}

/** An NDArray view of byte-addressed memory: its elements must be aligned to their size. */
function viewOfRaw(mem: Mem, info: ReturnType<typeof dtypeInfo>, name: string, shape: number[], strides: number[] | null, elemOffset: number, what: string): AnyNDArray {
  const bytes = info.bytes;
  const start = mem.data.byteOffset + mem.base + elemOffset * bytes;
  if (start % bytes !== 0) {
    throw new ShapeError(`${what}: the ${name} view of '${mem.name}' starts at byte ${mem.base + elemOffset * bytes}, not a multiple of its ${bytes}-byte elements`);
  }
  const str = strides ?? compactStrides(shape);
  const { lo, hi, size } = viewSpan(shape, str, elemOffset);
  if (size > 0 && (mem.base + lo * bytes < mem.base + mem.lo || mem.base + (hi + 1) * bytes > mem.base + mem.hi)) {
    throw new ShapeError(`${what}: the view of '${mem.name}' with shape [${shape.join(", ")}], strides [${str.join(", ")}] and elem_offset ${elemOffset} reaches ${name} elements ${lo}..${hi}, outside the ${mem.hi - mem.lo} bytes of '${mem.name}'`);
  }
  const data = new info.ctor(mem.data.buffer, 0, Math.floor(mem.data.buffer.byteLength / bytes));
  return NDArray.view(data, shape, strides, start, name);
}

/** The Error for an access outside a pointer's memory. */
export function outOfBounds(kind: "load from" | "store to", mem: unknown, index: number, where: () => string): Error {
  if (!(mem instanceof Mem)) {
    return new KernelError(`interpreter: ${kind} a variable that holds no memory (${where()})`);
  }
  const unit = mem.raw ? "bytes" : "elements";
  return new KernelError(`interpreter: out-of-bounds ${kind} '${mem.name}': index ${index} is outside ${mem.describeRange()} (${mem.hi - mem.lo} ${unit}) in ${where()}`);
}

/**
 * A converter for loading elements of `t` from memory that stores another dtype, or an Error if
 * the two are not interchangeable (bool and 8-bit integers are; element sizes must match).
 */
export function reinterpretLoad(mem: Mem, t: DataType, where: () => string): (v: Scalar) => Scalar {
  const m = mem.dtype;
  const byteLike = (x: DataType): boolean => x.isBool() || (x.isIntegral() && x.bits === 8);
  if (byteLike(m) && byteLike(t)) {
    if (t.isBool()) return (v) => (v !== 0 ? 1 : 0);
    if (t.isInt()) return (v) => ((v as number) << 24) >> 24;
    return (v) => (v as number) & 0xff;
  }
  if (m.isIntegral() && t.isIntegral() && m.bits === t.bits) {
    if (t.bits === 64) return t.isInt() ? (v) => BigInt.asIntN(64, v as bigint) : (v) => BigInt.asUintN(64, v as bigint);
    if (t.bits === 32) return t.isInt() ? (v) => (v as number) | 0 : (v) => (v as number) >>> 0;
    return t.isInt() ? (v) => ((v as number) << 16) >> 16 : (v) => (v as number) & 0xffff;
  }
  throw new IRError(`interpreter: cannot load ${t} from '${mem.name}', which holds ${m} (${where()})`);
}

/** Converts a value of `t` for storing into `mem`, or an Error if the dtypes are not interchangeable. */
export function reinterpretStore(mem: Mem, t: DataType, where: () => string): (v: Scalar) => Scalar {
  const m = mem.dtype;
  const byteLike = (x: DataType): boolean => x.isBool() || (x.isIntegral() && x.bits === 8);
  if (byteLike(m) && byteLike(t)) return (v) => v;
  if (m.isIntegral() && t.isIntegral() && m.bits === t.bits) return (v) => v;
  throw new IRError(`interpreter: cannot store ${t} into '${mem.name}', which holds ${m} (${where()})`);
}

/** The TypedArray a Mem's data is, as an indexable record (for generic element access). */
export type Cells = { [i: number]: Scalar };
