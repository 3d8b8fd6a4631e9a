// Data types of TIR values: int/uint/float of 8-64 bits, bool, handle, with vector lanes.
// Instances are interned, so two equal types are the same object and `===` compares them.

export type TypeCode = "int" | "uint" | "float" | "handle";

export class DataType {
  private static readonly interned = new Map<string, DataType>();

  private constructor(
    readonly code: TypeCode,
    readonly bits: number,
    readonly lanes: number,
  ) {}

  static of(code: TypeCode, bits: number, lanes = 1): DataType {
    const key = `${code}:${bits}:${lanes}`;
    let t = DataType.interned.get(key);
    if (!t) {
      t = new DataType(code, bits, lanes);
      DataType.interned.set(key, t);
    }
    return t;
  }

  static int(bits = 32, lanes = 1): DataType { return DataType.of("int", bits, lanes); }
  static uint(bits = 32, lanes = 1): DataType { return DataType.of("uint", bits, lanes); }
  static float(bits = 32, lanes = 1): DataType { return DataType.of("float", bits, lanes); }
  static bool(lanes = 1): DataType { return DataType.of("uint", 1, lanes); }
  static handle(): DataType { return DataType.of("handle", 64, 1); }
  static int32(): DataType { return DataType.int(32); }
  static int64(): DataType { return DataType.int(64); }
  static float32(): DataType { return DataType.float(32); }

  /** Parses "float32", "int64", "uint8", "bool", "handle", "float32x8". */
  static parse(spec: string | DataType): DataType {
    if (spec instanceof DataType) return spec;
    const m = /^(int|uint|float|bool|handle)(\d+)?(?:x(\d+))?$/.exec(spec);
    if (!m) throw new Error(`unknown dtype '${spec}': expected e.g. float32, int32, uint8, bool, handle, float32x8`);
    const [, name, bitsStr, lanesStr] = m;
    const lanes = lanesStr ? Number(lanesStr) : 1;
    if (lanes < 1) throw new Error(`dtype '${spec}' has no lanes`);
    if (name === "bool") {
      if (bitsStr) throw new Error(`unknown dtype '${spec}': bool takes no bit width`);
      return DataType.bool(lanes);
    }
    if (name === "handle") return DataType.handle();
    const bits = bitsStr ? Number(bitsStr) : 32;
    const allowed = name === "float" ? [16, 32, 64] : [8, 16, 32, 64];
    if (!allowed.includes(bits)) throw new Error(`unknown dtype '${spec}': ${name} takes ${allowed.join("/")} bits`);
    return DataType.of(name as TypeCode, bits, lanes);
  }

  isInt(): boolean { return this.code === "int"; }
  isUInt(): boolean { return this.code === "uint" && this.bits !== 1; }
  isFloat(): boolean { return this.code === "float"; }
  isBool(): boolean { return this.code === "uint" && this.bits === 1; }
  isHandle(): boolean { return this.code === "handle"; }
  /** int or uint (not bool). */
  isIntegral(): boolean { return this.isInt() || this.isUInt(); }
  isScalar(): boolean { return this.lanes === 1; }
  isVector(): boolean { return this.lanes > 1; }

  element(): DataType { return DataType.of(this.code, this.bits, 1); }
  withLanes(lanes: number): DataType { return DataType.of(this.code, this.bits, lanes); }
  withBits(bits: number): DataType { return DataType.of(this.code, bits, this.lanes); }

  /** Bytes one element (all lanes) occupies in memory; bool takes a byte a lane. */
  bytes(): number { return (this.isBool() ? 8 : this.bits) / 8 * this.lanes; }

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
