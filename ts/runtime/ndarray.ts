// NDArray: an n-dimensional, possibly strided view over a JavaScript TypedArray, never copying
// the data. It is what compiled kernels receive (marshalled per call to a DLPack DLTensor that
// points into the same memory), what JS callbacks get from kernels (views over the kernel's
// memory), and what the TIR interpreter builds with `NDArray.view` to mirror those views.
//
// Layout: element [i0, …, ik] lives at data[elemOffset + Σ i_d * strides[d]], with
// elemOffset = byteOffset / bytesPerElement. Strides are in elements, byteOffset in bytes from
// the start of `data` (the TypedArray whose first element is where DLTensor.data points).
// Arrays tejit allocates itself (empty, array of a plain array) are 64-byte aligned (nd_alloc.ts).

import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { alignedBuffer } from "./nd_alloc.js";
import { mayShowSharedMemory } from "./shared_memory.js";

/** The element dtypes an NDArray can hold (TVM's dtype names). */
export type DType =
  | "bool"
  | "int8" | "int16" | "int32" | "int64"
  | "uint8" | "uint16" | "uint32" | "uint64"
  | "float32" | "float64";

/** TypedArrays whose elements are numbers. */
export type NumberTypedArray =
  | Int8Array | Int16Array | Int32Array
  | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array
  | Float32Array | Float64Array;
/** TypedArrays whose elements are bigints (int64, uint64). */
export type BigIntTypedArray = BigInt64Array | BigUint64Array;
/** Any TypedArray an NDArray can wrap. */
export type TypedArray = NumberTypedArray | BigIntTypedArray;

/** An element value: bigint for int64/uint64, boolean for bool, number otherwise. */
export type Scalar = number | bigint | boolean;

/** The element value type of a dtype: bigint for int64/uint64, boolean for bool, number otherwise. */
export type ElementOf<D extends DType> = D extends "int64" | "uint64" ? bigint : D extends "bool" ? boolean : number;

/** The TypedArray that stores a dtype (Uint8Array for bool). */
export type ArrayOf<D extends DType> =
  D extends "float32" ? Float32Array : D extends "float64" ? Float64Array :
  D extends "int8" ? Int8Array : D extends "int16" ? Int16Array : D extends "int32" ? Int32Array :
  D extends "bool" | "uint8" ? Uint8Array : D extends "uint16" ? Uint16Array : D extends "uint32" ? Uint32Array :
  D extends "int64" ? BigInt64Array : D extends "uint64" ? BigUint64Array : TypedArray;

/** The dtypes a TypedArray of type `T` can hold (a Uint8Array: uint8 or bool). */
export type DTypeOf<T extends TypedArray> =
  T extends Float32Array ? "float32" : T extends Float64Array ? "float64" :
  T extends Int8Array ? "int8" : T extends Int16Array ? "int16" : T extends Int32Array ? "int32" :
  T extends Uint8Array ? "uint8" | "bool" : T extends Uint8ClampedArray ? "uint8" :
  T extends Uint16Array ? "uint16" : T extends Uint32Array ? "uint32" :
  T extends BigInt64Array ? "int64" : T extends BigUint64Array ? "uint64" : DType;

/** The dtype NDArray gives a TypedArray of type `T` when none is named (a Uint8Array is uint8). */
export type DefaultDTypeOf<T extends TypedArray> = T extends Uint8Array ? "uint8" : DTypeOf<T>;

type TypedArrayCtor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/** How a dtype is stored, and its DLPack DLDataType (code 0 int, 1 uint, 2 float). */
export interface DTypeInfo {
  /** The dtype's name. */
  readonly name: DType;
  /** The TypedArray class that stores it. */
  readonly ctor: TypedArrayCtor;
  /** Bytes an element. */
  readonly bytes: number;
  /** DLPack's type code: 0 int, 1 uint (bool too), 2 float. */
  readonly code: 0 | 1 | 2;
  /** DLPack's bit width (1 for bool, though it is stored in a byte). */
  readonly bits: number;
  /** Whether elements are bigints (int64, uint64). */
  readonly big: boolean;
}

function info(name: DType, ctor: TypedArrayCtor, code: 0 | 1 | 2, bits: number): DTypeInfo {
  return { name, ctor, bytes: ctor.BYTES_PER_ELEMENT, code, bits, big: bits === 64 && code !== 2 };
}

const DTYPES: Record<DType, DTypeInfo> = {
  bool: info("bool", Uint8Array, 1, 1), // TVM's bool: DLDataType {uint, 1 bit}, one byte per element
  int8: info("int8", Int8Array, 0, 8),
  int16: info("int16", Int16Array, 0, 16),
  int32: info("int32", Int32Array, 0, 32),
  int64: info("int64", BigInt64Array, 0, 64),
  uint8: info("uint8", Uint8Array, 1, 8),
  uint16: info("uint16", Uint16Array, 1, 16),
  uint32: info("uint32", Uint32Array, 1, 32),
  uint64: info("uint64", BigUint64Array, 1, 64),
  float32: info("float32", Float32Array, 2, 32),
  float64: info("float64", Float64Array, 2, 64),
};

/** Storage and DLPack type of a dtype name; an Error listing the supported ones otherwise. */
export function dtypeInfo(dtype: string): DTypeInfo {
  const d = (DTYPES as Record<string, DTypeInfo | undefined>)[dtype];
  if (!d) throw new DTypeError(`unsupported NDArray dtype '${dtype}': expected one of ${Object.keys(DTYPES).join(", ")}`);
  return d;
}

/** The dtype name of a DLPack DLDataType, or undefined when NDArray cannot hold it. */
export function dtypeFromDL(code: number, bits: number, lanes: number): DType | undefined {
  if (lanes !== 1) return undefined;
  for (const d of Object.values(DTYPES)) if (d.code === code && d.bits === bits) return d.name;
  return undefined;
}

/**
 * Whether `x` is a TypedArray (an ArrayBuffer view other than a DataView).
 * @param x Any value.
 */
export function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** The dtype a TypedArray holds by default (a Uint8Array is uint8; pass "bool" explicitly). */
const CTOR_DTYPE = new Map<unknown, DType>([[Uint8ClampedArray, "uint8"]]);
for (const d of Object.values(DTYPES)) if (d.name !== "bool") CTOR_DTYPE.set(d.ctor, d.name);

/**
 * The dtype a TypedArray holds by default (a Uint8Array is uint8; a Uint8ClampedArray too).
 * @param a The TypedArray.
 * @throws Error for a TypedArray NDArray cannot hold (e.g. a Float16Array).
 */
export function dtypeOfTypedArray(a: TypedArray): DType {
  const known = CTOR_DTYPE.get(a.constructor);
  if (known) return known;
  if (a instanceof Uint8ClampedArray) return "uint8";
  for (const d of Object.values(DTYPES)) if (d.name !== "bool" && a instanceof d.ctor) return d.name;
  throw new DTypeError(`unsupported TypedArray ${Object.prototype.toString.call(a)}`);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "Array";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function checkShape(shape: readonly number[], what: string): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${what}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  const out = shape.slice();
  for (let d = 0; d < out.length; d++) {
    const s = out[d];
    if (!Number.isSafeInteger(s) || s < 0) throw new ShapeError(`${what}: shape[${d}] must be a non-negative integer, got ${String(s)}`);
  }
  return out;
}

/** Compact row-major strides (in elements) of a shape. */
export function compactStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Converts a value to what a TypedArray of `d` stores (bigint for 64-bit ints). */
function toElement(d: DTypeInfo, v: unknown, what: string): number | bigint {
  if (typeof v === "boolean") v = v ? 1 : 0;
  if (d.big) {
    if (typeof v === "bigint") return v;
    if (typeof v === "number" && Number.isFinite(v)) return BigInt(Math.trunc(v));
    throw new ArgumentError(`${what}: expected a bigint or finite number for dtype ${d.name}, got ${String(v)}`);
  }
  if (typeof v === "bigint") v = Number(v);
  if (typeof v !== "number") throw new ArgumentError(`${what}: expected a number for dtype ${d.name}, got ${describe(v)}`);
  if (d.name === "bool") return v ? 1 : 0;
  return v;
}

function fromElement(d: DTypeInfo, v: number | bigint): Scalar {
  return d.name === "bool" ? v !== 0 : v;
}

/** Calls fn(k, offset) for every element in row-major order: k its rank, offset its data index. */
function forEachOffset(shape: readonly number[], strides: readonly number[], base: number, fn: (k: number, off: number) => void): void {
  const n = product(shape);
  if (n === 0) return;
  const nd = shape.length;
  if (nd === 0) {
    fn(0, base);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1;
  const lastExtent = shape[last];
  const lastStride = strides[last];
  let off = base;
  for (let k = 0; k < n; ) {
    for (let i = 0; i < lastExtent; i++, k++) fn(k, off + i * lastStride);
    // Carry into the outer dimensions.
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

const RELEASE = Symbol("tejit.release");

/** An NDArray of any dtype. */
export type AnyNDArray = NDArray<TypedArray>;

/**
 * @internal What the marshaller reads of an NDArray, fixed at construction: one frozen record per
 * array, read through `layoutOf` (a private-field access), so that no assignment, redefinition,
 * subclass getter or Proxy can change what a kernel is given after the constructor checked it.
 */
export interface NDLayout {
  readonly data: TypedArray;
  readonly info: DTypeInfo;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly byteOffset: number;
  readonly contiguous: boolean;
  /** Elements of `data` the array reaches (its highest element + 1; 0 when empty). */
  readonly minLength: number;
  /** `data.buffer`, read once (the getter costs tens of ns a call on small arrays). */
  readonly buffer: ArrayBufferLike;
  /** Another buffer object may show this memory (shared_memory.ts): aliasing is checked by address. */
  readonly sharedMemory: boolean;
}

let layoutOfImpl: (a: NDArray<TypedArray>) => NDLayout | undefined;

/** @internal The checked layout of a real NDArray; undefined for anything else (a Proxy, a lookalike). */
export function layoutOf(a: unknown): NDLayout | undefined {
  return layoutOfImpl(a as NDArray<TypedArray>);
}

/**
 * The type parameter is the type of `data` (and of `toTypedArray()`): number-valued TypedArrays
 * by default, so that `view.toTypedArray().map((v) => v + 1)` typechecks; arrays made from a
 * BigInt64Array/BigUint64Array (or `empty(shape, "int64")`) are `NDArray<BigIntTypedArray>`.
 * A parameter that accepts any NDArray can be typed `NDArray<TypedArray>` (AnyNDArray).
 *
 * Every field is read-only at run time too: they are getters over private state, so assigning
 * one throws a TypeError (in strict mode; sloppy-mode assignments are ignored), and kernels are
 * marshalled from that private state, never from properties a caller could redefine.
 */
export class NDArray<T extends TypedArray = NumberTypedArray, D extends DType = DTypeOf<T>> {
  readonly #layout: NDLayout;
  readonly #dtype: DType;
  readonly #elemOffset: number;
  readonly #size: number;
  #released: string | undefined;

  static {
    layoutOfImpl = (a) => (a !== null && typeof a === "object" && #layout in a ? a.#layout : undefined);
  }

  /**
   * Wraps `data` without copying. `strides` (elements) default to compact row-major,
   * `byteOffset` (bytes, a multiple of the element size) to 0, `dtype` to the TypedArray's own
   * (only "bool" may be given over a Uint8Array). Every element must lie inside `data`, and its
   * ArrayBuffer must not be resizable (a shrink would take memory from a running kernel).
   */
  constructor(data: TypedArray, shape: readonly number[], strides?: readonly number[] | null, byteOffset = 0, dtype?: DType | string) {
    const what = "NDArray";
    if (!isTypedArray(data)) throw new ArgumentError(`${what}: data must be a TypedArray, got ${describe(data)}`);
    const own = dtypeOfTypedArray(data);
    let dt: DType = own;
    if (dtype !== undefined) {
      const d = dtypeInfo(dtype);
      if (!(d.name === own || (d.name === "bool" && own === "uint8"))) {
        throw new DTypeError(`${what}: dtype '${dtype}' does not match the data, a ${data.constructor.name} (dtype ${own})`);
      }
      dt = d.name;
    }
    if ((data.buffer as { resizable?: boolean }).resizable === true) {
      throw new ArgumentError(`${what}: the data's ArrayBuffer is resizable (maxByteLength ${(data.buffer as { maxByteLength?: number }).maxByteLength}); shrinking it would take memory a kernel may be using: use a fixed-length ArrayBuffer`);
    }
    const info = DTYPES[dt];
    const shp = checkShape(shape, what);
    const nd = shp.length;
    let str: number[];
    if (strides === undefined || strides === null) {
      str = compactStrides(shp);
    } else {
      if (!Array.isArray(strides) || strides.length !== nd) {
        throw new ShapeError(`${what}: strides must be an array of ${nd} integers (one per dimension of shape ${fmtShape(shp)}), got ${Array.isArray(strides) ? fmtShape(strides) : describe(strides)}`);
      }
      str = strides.slice();
      for (let d = 0; d < nd; d++) {
        if (!Number.isSafeInteger(str[d])) throw new ShapeError(`${what}: strides[${d}] must be an integer, got ${String(str[d])}`);
      }
    }
    if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset % info.bytes !== 0) {
      throw new ArgumentError(`${what}: byteOffset must be a non-negative multiple of ${info.bytes} (the size of ${dt}), got ${String(byteOffset)}`);
    }
    const eo = byteOffset / info.bytes;
    // One pass: size, the lowest and highest element reached, and compactness.
    let size = 1;
    let lo = eo;
    let hi = eo;
    let contiguous = true;
    let compact = 1;
    for (let d = nd - 1; d >= 0; d--) {
      const n = shp[d];
      const st = str[d];
      size *= n;
      if (n !== 1 && st !== compact) contiguous = false;
      compact *= n;
      const span = (n - 1) * st;
      if (span < 0) lo += span;
      else hi += span;
    }
    if (size === 0) contiguous = true;
    else if (lo < 0 || hi >= data.length) {
      throw new ShapeError(`${what}: shape ${fmtShape(shp)} with strides ${fmtShape(str)} and byteOffset ${byteOffset} reaches elements ${lo}..${hi}, outside the data's ${data.length} elements`);
    }
    this.#layout = Object.freeze({
      data,
      info,
      shape: Object.freeze(shp),
      strides: Object.freeze(str),
      byteOffset,
      contiguous,
      minLength: size === 0 ? 0 : hi + 1,
      buffer: data.buffer,
      sharedMemory: mayShowSharedMemory(data.buffer),
    });
    this.#dtype = dt;
    this.#elemOffset = eo;
    this.#size = size;
  }

  /** Extent of each dimension. */
  get shape(): number[] { return this.#layout.shape as number[]; }
  /** The element dtype. */
  get dtype(): DType { return this.#dtype; }
  /** Distance between neighbouring elements of each dimension, in elements. */
  get strides(): number[] { return this.#layout.strides as number[]; }
  /** Bytes from the start of `data` to element [0, …, 0]. */
  get byteOffset(): number { return this.#layout.byteOffset; }
  /** The backing TypedArray; DLTensor.data points at its first element. */
  get data(): T { return this.#layout.data as T; }

  /** A strided view over an existing TypedArray: the same view a kernel would pass. */
  static view(data: BigIntTypedArray, shape: readonly number[], strides: readonly number[] | null | undefined, byteOffset: number, dtype?: DType | string): NDArray<BigIntTypedArray>;
  static view(data: TypedArray, shape: readonly number[], strides: readonly number[] | null | undefined, byteOffset: number, dtype?: DType | string): NDArray;
  static view(data: TypedArray, shape: readonly number[], strides: readonly number[] | null | undefined, byteOffset: number, dtype?: DType | string): NDArray<TypedArray> {
    return new NDArray(data, shape, strides, byteOffset, dtype);
  }

  /** Number of dimensions. */
  get ndim(): number { return this.#layout.shape.length; }
  /** Number of elements. */
  get size(): number { return this.#size; }
  /** Index into `data` of element [0, …, 0] (byteOffset / bytes per element). */
  get elemOffset(): number { return this.#elemOffset; }
  /** Storage and DLPack type of the dtype. */
  get dtypeInfo(): DTypeInfo { return this.#layout.info; }
  /** True once a callback view has been released. */
  get released(): boolean { return this.#released !== undefined; }

  /** Compact row-major (dimensions of extent 1 may have any stride). */
  isContiguous(): boolean { return this.#layout.contiguous; }

  /** Throws if this view was released; `what` names the operation. */
  assertLive(what: string): void {
    if (this.#released !== undefined) throw new ArgumentError(`${what}: ${this.#released}`);
  }

  /** The elements in row-major order: a no-copy view when contiguous, else a compact copy. */
  toTypedArray(): T {
    this.assertLive("NDArray.toTypedArray");
    const eo = this.#elemOffset;
    if (this.#layout.contiguous) return (this.#layout.data as T).subarray(eo, eo + this.#size) as T;
    const out = new this.#layout.info.ctor(this.#size) as T;
    const src = this.#layout.data as unknown as ArrayLike<number | bigint>;
    const dst = out as unknown as { [k: number]: number | bigint };
    forEachOffset(this.#layout.shape, this.#layout.strides, eo, (k, off) => { dst[k] = src[off]; });
    return out;
  }

  /** Copies `src` into this array in row-major order, honouring strides; converts element types. */
  copyFrom(src: TypedArray | readonly (number | bigint | boolean)[] | NDArray<TypedArray>): this {
    const what = "NDArray.copyFrom";
    this.assertLive(what);
    let values: ArrayLike<unknown>;
    if (src instanceof NDArray) {
      src.assertLive(what);
      if (src.shape.length !== this.#layout.shape.length || src.shape.some((s, d) => s !== this.#layout.shape[d])) {
        throw new ShapeError(`${what}: source shape ${fmtShape(src.shape)} differs from destination shape ${fmtShape(this.#layout.shape)}`);
      }
      values = src.toTypedArray();
    } else if (isTypedArray(src) || Array.isArray(src)) {
      values = src as ArrayLike<unknown>;
    } else {
      throw new ArgumentError(`${what}: expected a TypedArray, an array of numbers or an NDArray, got ${describe(src)}`);
    }
    if (values.length !== this.#size) {
      throw new ShapeError(`${what}: source has ${values.length} elements, destination shape ${fmtShape(this.#layout.shape)} has ${this.#size}`);
    }
    const d = this.#layout.info;
    const dst = this.#layout.data as unknown as { [k: number]: number | bigint; set(a: ArrayLike<number | bigint>, o: number): void };
    const sameKind = isTypedArray(values) && (values instanceof BigInt64Array || values instanceof BigUint64Array) === d.big;
    if (this.#layout.contiguous && sameKind && d.name !== "bool") {
      dst.set(values as ArrayLike<number | bigint>, this.#elemOffset);
      return this;
    }
    forEachOffset(this.#layout.shape, this.#layout.strides, this.#elemOffset, (k, off) => {
      dst[off] = toElement(d, values[k], what);
    });
    return this;
  }

  /** Offset into `data` of an index, bounds-checked per dimension. */
  offsetOf(index: readonly number[], what = "NDArray.offsetOf"): number {
    if (!Array.isArray(index) || index.length !== this.#layout.shape.length) {
      throw new ShapeError(`${what}: index must have ${this.#layout.shape.length} entries for shape ${fmtShape(this.#layout.shape)}, got ${Array.isArray(index) ? fmtShape(index) : describe(index)}`);
    }
    let off = this.#elemOffset;
    for (let d = 0; d < index.length; d++) {
      const i = index[d];
      if (!Number.isInteger(i) || i < 0 || i >= this.#layout.shape[d]) {
        throw new ArgumentError(`${what}: index ${String(i)} is out of range for dimension ${d} of extent ${this.#layout.shape[d]} (shape ${fmtShape(this.#layout.shape)})`);
      }
      off += i * this.#layout.strides[d];
    }
    return off;
  }

  /**
   * The element at `index`: bigint for int64/uint64, boolean for bool, number otherwise (typed
   * by the array's dtype `D`, so `nd.empty([2], "int32").get([0])` is a number).
   * @param index One index a dimension.
   * @throws Error when the index has the wrong length or is out of range, or the view was released.
   */
  get(index: readonly number[]): ElementOf<D>;
  get(index: readonly number[]): Scalar {
    this.assertLive("NDArray.get");
    const off = this.offsetOf(index, "NDArray.get");
    return fromElement(this.#layout.info, (this.#layout.data as unknown as ArrayLike<number | bigint>)[off]);
  }

  /** Sets the element at `index` (numbers, bigints and booleans are converted to the dtype). */
  set(index: readonly number[], value: Scalar): void {
    this.assertLive("NDArray.set");
    const off = this.offsetOf(index, "NDArray.set");
    (this.#layout.data as unknown as { [k: number]: number | bigint })[off] = toElement(this.#layout.info, value, "NDArray.set");
  }

  /** `NDArray(dtype, shape [..])`, with strides and byteOffset when not compact. */
  toString(): string {
    return `NDArray(${this.dtype}, shape ${fmtShape(this.#layout.shape)}${this.#layout.contiguous ? "" : `, strides ${fmtShape(this.#layout.strides)}`}${this.byteOffset ? `, byteOffset ${this.byteOffset}` : ""}${this.released ? ", released" : ""})`;
  }

  /** @internal Marks the view released; later use throws `message`. Used by the callback trampoline. */
  [RELEASE](message: string): void {
    this.#released = message;
  }
}

/** @internal Releases a callback view: any later get/set/toTypedArray/copyFrom throws `message`. */
export function releaseView(a: NDArray<TypedArray>, message: string): void {
  a[RELEASE](message);
}

/**
 * Wraps a TypedArray without copying (shape defaults to [length]; dtype "bool" may be given for a
 * Uint8Array). A plain array of numbers is copied into a new TypedArray of `dtype` (default float32).
 */
export function array<A extends TypedArray>(src: A, shape?: readonly number[]): NDArray<A, DefaultDTypeOf<A>>;
export function array<D extends DTypeOf<A>, A extends TypedArray>(src: A, shape: readonly number[] | undefined, dtype: D): NDArray<A, D>;
export function array<D extends DType = "float32">(src: readonly (number | bigint | boolean)[], shape?: readonly number[], dtype?: D): NDArray<ArrayOf<D>, D>;
export function array(src: BigIntTypedArray, shape?: readonly number[], dtype?: DType | string): NDArray<BigIntTypedArray>;
export function array(src: TypedArray | readonly (number | bigint | boolean)[], shape?: readonly number[], dtype?: DType | string): NDArray;
export function array(src: TypedArray | readonly (number | bigint | boolean)[], shape?: readonly number[], dtype?: DType | string): NDArray<TypedArray> {
  let data: TypedArray;
  if (isTypedArray(src)) {
    data = src;
  } else if (Array.isArray(src)) {
    const d = dtypeInfo(dtype ?? "float32");
    data = allocateData(d, src.length, `nd.array: ${src.length} elements of ${d.name}`);
    const dst = data as unknown as { [k: number]: number | bigint };
    src.forEach((v, k) => { dst[k] = toElement(d, v, "nd.array"); });
  } else {
    throw new ArgumentError(`nd.array: expected a TypedArray or an array of numbers, got ${describe(src)}`);
  }
  const shp = shape === undefined ? [data.length] : checkShape(shape, "nd.array");
  if (product(shp) !== data.length) {
    throw new ShapeError(`nd.array: shape ${fmtShape(shp)} holds ${product(shp)} elements but the data has ${data.length}`);
  }
  return new NDArray(data, shp, null, 0, dtype);
}

/** A new zero-filled compact array; its memory is 64-byte aligned (when the native addon is built). */
export function empty<D extends DType = "float32">(shape: readonly number[], dtype?: D): NDArray<ArrayOf<D>, D>;
export function empty(shape: readonly number[], dtype: "int64" | "uint64"): NDArray<BigIntTypedArray>;
export function empty(shape: readonly number[], dtype?: DType | string): NDArray;
export function empty(shape: readonly number[], dtype: DType | string = "float32"): NDArray<TypedArray> {
  const d = dtypeInfo(dtype);
  const shp = checkShape(shape, "nd.empty");
  return new NDArray(allocateData(d, product(shp), `nd.empty: shape ${fmtShape(shp)} of ${d.name}`), shp, null, 0, d.name);
}

/**
 * A new zero-filled TypedArray of `length` elements of `d`, or an ArgumentError saying `what` and
 * how many bytes it needed when the process cannot have that much memory (the allocator's
 * failure, the TypedArray length limit, or a size beyond 2^53 bytes).
 */
function allocateData(d: DTypeInfo, length: number, what: string): TypedArray {
  const bytes = length * d.bytes;
  if (!Number.isSafeInteger(bytes)) throw new ArgumentError(`${what} needs ${bytes} bytes, more than any process can allocate`);
  try {
    return new d.ctor(alignedBuffer(bytes));
  } catch (e) {
    throw new ArgumentError(`${what} needs ${bytes} bytes, which cannot be allocated (${e instanceof Error ? e.message : String(e)})`);
  }
}
