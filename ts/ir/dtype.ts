// Data types of TIR values: int/uint/float of 8-64 bits, bool, handle, with vector lanes.
// Instances are interned, so two equal types are the same object and `===` compares them.
import { DTypeError } from "../errors.js";

/** The type code of a {@link DataType}: signed int, unsigned int (bool is uint of 1 bit), float or handle. */
export type TypeCode = "int" | "uint" | "float" | "handle";

/**
 * A TIR data type (TVM's DataType): a type code, a bit width and a number of vector lanes,
 * written as TVM writes it ("float32", "int64", "bool", "handle", "float32x8").
 * Instances are interned, so equal types are the same object and `===` compares them.
 */
export class DataType {
  private static readonly interned = new Map<string, DataType>();

  /**
   * @param code The type code.
   * @param bits The bit width of one lane (1 for bool, 64 for handle).
   * @param lanes The number of vector lanes (1 for a scalar).
   */
  private constructor(
    readonly code: TypeCode,
    readonly bits: number,
    readonly lanes: number,
  ) {}

  /**
   * The interned type of `code`, `bits` and `lanes`.
   * @param code The type code.
   * @param bits The bit width.
   * @param lanes The lanes, 1 by default.
   */
  static of(code: TypeCode, bits: number, lanes = 1): DataType {
    const key = `${code}:${bits}:${lanes}`;
    let t = DataType.interned.get(key);
    if (!t) {
      t = new DataType(code, bits, lanes);
      DataType.interned.set(key, t);
    }
    return t;
  }

  /**
   * A signed int type, int32 by default.
   * @param bits The bit width.
   * @param lanes The lanes.
   */
  static int(bits = 32, lanes = 1): DataType { return DataType.of("int", bits, lanes); }
  /**
   * An unsigned int type, uint32 by default.
   * @param bits The bit width.
   * @param lanes The lanes.
   */
  static uint(bits = 32, lanes = 1): DataType { return DataType.of("uint", bits, lanes); }
  /**
   * A float type, float32 by default.
   * @param bits The bit width (16, 32 or 64).
   * @param lanes The lanes.
   */
  static float(bits = 32, lanes = 1): DataType { return DataType.of("float", bits, lanes); }
  /**
   * The bool type (uint of 1 bit), with `lanes` lanes.
   * @param lanes The lanes.
   */
  static bool(lanes = 1): DataType { return DataType.of("uint", 1, lanes); }
  /** The handle type: an opaque 64-bit pointer. */
  static handle(): DataType { return DataType.of("handle", 64, 1); }
  /** int32. */
  static int32(): DataType { return DataType.int(32); }
  /** int64. */
  static int64(): DataType { return DataType.int(64); }
  /** float32. */
  static float32(): DataType { return DataType.float(32); }

  /** Parses "float32", "int64", "uint8", "bool", "handle", "float32x8". */
  static parse(spec: string | DataType): DataType {
    if (spec instanceof DataType) return spec;
    const m = /^(int|uint|float|bool|handle)(\d+)?(?:x(\d+))?$/.exec(spec);
    if (!m) throw new DTypeError(`unknown dtype '${spec}': expected e.g. float32, int32, uint8, bool, handle, float32x8`);
    const [, name, bitsStr, lanesStr] = m;
    const lanes = lanesStr ? Number(lanesStr) : 1;
    if (lanes < 1) throw new DTypeError(`dtype '${spec}' has no lanes`);
    if (name === "bool") {
      if (bitsStr) throw new DTypeError(`unknown dtype '${spec}': bool takes no bit width`);
      return DataType.bool(lanes);
    }
    if (name === "handle") return DataType.handle();
    const bits = bitsStr ? Number(bitsStr) : 32;
    const allowed = name === "float" ? [16, 32, 64] : [8, 16, 32, 64];
    if (!allowed.includes(bits)) throw new DTypeError(`unknown dtype '${spec}': ${name} takes ${allowed.join("/")} bits`);
    return DataType.of(name as TypeCode, bits, lanes);
  }

  /** Whether it is a signed int type. */
  isInt(): boolean { return this.code === "int"; }
  /** Whether it is an unsigned int type (not bool). */
  isUInt(): boolean { return this.code === "uint" && this.bits !== 1; }
  /** Whether it is a float type. */
  isFloat(): boolean { return this.code === "float"; }
  /** Whether it is bool. */
  isBool(): boolean { return this.code === "uint" && this.bits === 1; }
  /** Whether it is a handle (pointer). */
  isHandle(): boolean { return this.code === "handle"; }
  /** int or uint (not bool). */
  isIntegral(): boolean { return this.isInt() || this.isUInt(); }
  /** Whether it has one lane. */
  isScalar(): boolean { return this.lanes === 1; }
  /** Whether it has more than one lane. */
  isVector(): boolean { return this.lanes > 1; }

  /** The type of one lane (the same type with 1 lane). */
  element(): DataType { return DataType.of(this.code, this.bits, 1); }
  /**
   * The same type with `lanes` lanes.
   * @param lanes The lanes.
   */
  withLanes(lanes: number): DataType { return DataType.of(this.code, this.bits, lanes); }
  /**
   * The same type with `bits` bits a lane.
   * @param bits The bit width.
   */
  withBits(bits: number): DataType { return DataType.of(this.code, bits, this.lanes); }

  /** Bytes one element (all lanes) occupies in memory; bool takes a byte a lane. */
  bytes(): number { return (this.isBool() ? 8 : this.bits) / 8 * this.lanes; }

  /** The name TVM writes: "float32", "int8x16", "bool", "handle". */
  toString(): string {
    let s: string;
    if (this.isBool()) s = "bool";
    else if (this.isHandle()) s = "handle";
    else s = `${this.code}${this.bits}`;
    return this.lanes > 1 ? `${s}x${this.lanes}` : s;
  }
}

/** Anything accepted where a dtype is expected. */
export type DTypeLike = string | DataType;

export function dtypeOf(t: DTypeLike): DataType {
  return DataType.parse(t);
}
