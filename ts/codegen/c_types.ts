// C types of TIR dtypes: scalars map to <stdint.h> types, float and double; vectors to GCC/Clang
// vector extensions (`typedef float float32x8 __attribute__((vector_size(32)))`), declared on
// first use, with two memory-access variants: `_u` (element-aligned, for loads and stores that may
// be unaligned) and `_a` (naturally aligned, used where the alignment is proven). Both carry
// may_alias, so reading floats through a vector type is never a strict-aliasing violation; so do
// the `<dtype>_may_alias` scalar types of typed views into memory of another type. A bool
// vector is a lane mask (-1 / 0) of a signed integer vector, as vector comparisons produce it.

import { UnsupportedError } from "../errors.js";
import { DataType } from "../ir/dtype.js";

function scalarName(t: DataType, what: string): string {
  if (t.isBool()) return "_Bool";
  if (t.isHandle()) return "void*";
  if (t.isFloat()) {
    if (t.bits === 32) return "float";
    if (t.bits === 64) return "double";
    throw new UnsupportedError(`the C backend does not support ${t.element()} (${what}); use float32 or float64`);
  }
  if (t.isInt()) return `int${t.bits}_t`;
  if (t.isUInt()) return `uint${t.bits}_t`;
  throw new UnsupportedError(`no C type for ${t} (${what})`);
}

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

export class CTypes {
  private readonly vectors = new Map<string, string>();

  /** The C type of a value of `t` (vectors declared on demand; bool vectors are masks). */
  value(t: DataType, what = "a value"): string {
    if (t.lanes === 1) return scalarName(t, what);
    if (t.isBool()) return this.mask(32, t.lanes);
    return this.vector(t, "", what);
  }

  /** The C type of an element of `t` in memory (bool is one byte). */
  mem(t: DataType, what = "memory"): string {
    if (t.lanes === 1) return t.isBool() ? "uint8_t" : scalarName(t, what);
    return this.vector(t.isBool() ? DataType.uint(8, t.lanes) : t, "", what);
  }

  /**
   * The scalar type `t` (in memory) marked may_alias (`float32_may_alias`): the pointee of a cast
   * pointer that reads or writes memory declared as another type (a typed view of memory shared
   * by storage rewrite), so the access is not subject to strict aliasing.
   */
  mayAlias(t: DataType, what = "memory"): string {
    const scalar = this.mem(t, what);
    const name = `${t.isBool() ? "bool8" : t.toString()}_may_alias`;
    if (!this.vectors.has(name)) this.vectors.set(name, `typedef ${scalar} ${name} __attribute__((may_alias));`);
    return name;
  }

  /** A signed integer vector type of `bits`-bit lanes: the mask type of comparisons. */
  mask(bits: number, lanes: number): string {
    return this.vector(DataType.int(bits, lanes), "", "a lane mask");
  }

  /** The vector type for memory access: `_u` element-aligned, `_a` naturally aligned. */
  access(t: DataType, aligned: boolean): string {
    return this.vector(t.isBool() ? DataType.uint(8, t.lanes) : t, aligned ? "_a" : "_u", "a vector access");
  }

  private vector(t: DataType, variant: "" | "_u" | "_a", what: string): string {
    const elem = t.element();
    const scalar = scalarName(elem, what);
    if (elem.isHandle()) throw new UnsupportedError(`no vector of handles (${what})`);
    if (!isPow2(t.lanes)) {
      throw new UnsupportedError(`the C backend needs vectors of a power-of-two number of lanes, got ${t} (${what}); vectorize a loop whose extent is 2, 4, 8, 16, …`);
    }
    const base = `${elem.isInt() ? "int" : elem.isUInt() ? "uint" : "float"}${elem.bits}x${t.lanes}`;
    const bytes = (elem.bits / 8) * t.lanes;
    if (!this.vectors.has(base)) this.vectors.set(base, `typedef ${scalar} ${base} __attribute__((vector_size(${bytes})));`);
    if (variant === "") return base;
    const name = base + variant;
    if (!this.vectors.has(name)) {
      const align = variant === "_u" ? elem.bits / 8 : bytes;
      this.vectors.set(name, `typedef ${scalar} ${name} __attribute__((vector_size(${bytes}), aligned(${align}), may_alias));`);
    }
    return name;
  }

  /** The typedefs used so far. */
  typedefs(): string[] {
    return [...this.vectors.values()];
  }
}

/** DLPack type code of a dtype (bool is uint). */
export function dlCode(t: DataType): number {
  return t.isInt() ? 0 : t.isFloat() ? 2 : 1;
}
