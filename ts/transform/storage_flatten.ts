// Storage flattening (TVM's StorageFlatten): multi-dimensional realizes become flat
// allocations (`attr [x] "storage_scope"` + `allocate`), buffer loads/stores become loads/stores
// of the data pointer at a row-major (or storage-aligned) offset relative to the realized
// region, and `buffer_bind_scope` binds an extern's placeholder buffer (data, offset, shape,
// strides) to the region of the real buffer, substituting its variables in the body (a
// placeholder of lower rank binds the trailing dimensions of a region whose leading ones have
// extent 1, and an offset factor is checked, as for tensorize's binds).
// A buffer neither realized nor in the buffer map, over a pointer the function defines (a handle
// parameter, a handle bound by a LetStmt, an allocation), is accessed with its own shape and
// strides, as TVM does for a buffer backed by a let-bound pointer.

import { DTypeError, IRError } from "../errors.js";
import { Buffer } from "../ir/buffer.js";
import { BufferVarMutator } from "../ir/buffer_var_mutator.js";
import { DataType } from "../ir/dtype.js";
import { BufferLoad, Call, IntImm, Load, type PrimExpr, StringImm, Var, isConstInt, pointerVar } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import type { Range } from "../ir/iter_var.js";
import { add, floormod, mul, sub, eq } from "../ir/op.js";
import { Allocate, AssertStmt, AttrStmt, BufferRealize, BufferStore, LetStmt, type Stmt, Store, noOp } from "../ir/stmt.js";
import { Analyzer } from "../arith/analyzer.js";

interface BufferEntry {
  buffer: Buffer;
  bounds: Range[];
  external: boolean;
  released: boolean;
}

class StorageFlattener extends BufferVarMutator {
  private readonly bufMap = new Map<Buffer, BufferEntry>();
  private readonly storageScope = new Map<Buffer, string>();
  private readonly dimAlign = new Map<Buffer, { factor: number; offset: number }[]>();
  private readonly varRemap = new Map<Var, PrimExpr>();
  private readonly ana = new Analyzer();

  /** Pointers defined where the point visited is: handle parameters, let-bound handles, allocations. */
  private readonly definedData = new Set<Var>();

  constructor(f: PrimFunc) {
    super();
    for (const b of f.bufferMap.values()) {
      this.bufMap.set(b, { buffer: b, bounds: [], external: true, released: false });
      this.definedData.add(b.data);
    }
    for (const p of f.params) if (p.dtype.isHandle()) this.definedData.add(p);
  }

  override visitLetStmt(s: LetStmt): Stmt {
    if (!s.variable.dtype.isHandle() || this.definedData.has(s.variable)) return super.visitLetStmt(s);
    this.definedData.add(s.variable);
    try {
      return super.visitLetStmt(s);
    } finally {
      this.definedData.delete(s.variable);
    }
  }

  override visitAllocate(s: Allocate): Stmt {
    if (this.definedData.has(s.bufferVar)) return super.visitAllocate(s);
    this.definedData.add(s.bufferVar);
    try {
      return super.visitAllocate(s);
    } finally {
      this.definedData.delete(s.bufferVar);
    }
  }

  override visitVar(v: Var): PrimExpr {
    return this.varRemap.get(v) ?? v;
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key === "realize_scope") {
      this.storageScope.set(s.node as Buffer, (s.value as StringImm).value);
      return this.visitStmt(s.body);
    }
    if (s.key === "buffer_dim_align") {
      const args = (s.value as Call).args.map((a) => (a as IntImm).value);
      const list = this.dimAlign.get(s.node as Buffer) ?? [];
      list[args[0]] = { factor: args[1], offset: args[2] };
      this.dimAlign.set(s.node as Buffer, list);
      return this.visitStmt(s.body);
    }
    if (s.key === "buffer_bind_scope") return this.bindBufferScope(s);
    return super.visitAttrStmt(s);
  }

  override visitBufferRealize(s: BufferRealize): Stmt {
    const key = s.buffer;
    const known = this.bufMap.get(key);
    if (known) {
      if (!known.external) throw new IRError(`buffer '${key.name}' is realized twice`);
      return this.visitStmt(s.body);
    }
    const bounds = s.bounds.map((r) => r);
    const shape = bounds.map((r) => this.visitExpr(r.extent));
    const scopeName = this.storageScope.get(key) || "global";
    const strides = this.alignedStrides(key, shape);
    // The 2020 printer shows Pointer(float32) whatever the scope; the scope is in the attribute.
    const data = pointerVar(key.data.name, key.dtype);
    const buffer = new Buffer(data, key.dtype, shape, strides, new IntImm(DataType.int32(), 0), key.name, scopeName);
    const entry: BufferEntry = { buffer, bounds: bounds.map((r) => ({ min: this.visitExpr(r.min), extent: this.visitExpr(r.extent) }) as Range), external: false, released: false };
    this.bufMap.set(key, entry);
    const body = this.visitStmt(s.body);
    entry.released = true;
    const storageType = key.dtype.isBool() ? DataType.int(8, key.dtype.lanes) : key.dtype;
    const extents = strides.length > 0 ? [mul(strides[0], shape[0])] : shape.length === 0 ? [new IntImm(DataType.int32(), 1)] : shape;
    const alloc = new Allocate(data, storageType, extents, undefined, body);
    return new AttrStmt(data, "storage_scope", new StringImm(scopeName), alloc);
  }

  private alignedStrides(key: Buffer, shape: PrimExpr[]): PrimExpr[] {
    const align = this.dimAlign.get(key);
    if (!align || shape.length === 0) return [];
    const rstrides: PrimExpr[] = [];
    let stride: PrimExpr = new IntImm(shape[0].dtype, 1);
    for (let dim = shape.length - 1; dim >= 0; dim--) {
      const a = align[dim];
      if (a && a.factor !== 0) {
        stride = add(stride, floormod(sub(a.factor + a.offset, floormod(stride, a.factor)), a.factor));
        stride = this.ana.simplify(stride);
      }
      rstrides.push(stride);
      stride = mul(stride, shape[dim]);
    }
    return rstrides.reverse();
  }

  private entry(b: Buffer, what: string): BufferEntry {
    const e = this.bufMap.get(b);
    if (!e && this.definedData.has(b.data)) return { buffer: b, bounds: [], external: true, released: false };
    if (!e) throw new IRError(`${what} of buffer '${b.name}' outside the region where it is realized`);
    if (e.released) throw new IRError(`${what} of buffer '${b.name}' after the end of its realize`);
    return e;
  }

  private relIndex(e: BufferEntry, indices: PrimExpr[]): PrimExpr[] {
    if (e.bounds.length === 0) return indices;
    return indices.map((idx, i) => sub(idx, e.bounds[i].min));
  }

  /** A bound placeholder's data variable, renamed to the real buffer's in flat loads/stores. */
  protected override renameBufferVar(v: Var): Var {
    const r = this.varRemap.get(v);
    if (r === undefined || r === v) return v;
    if (!(r instanceof Var)) throw new IRError(`buffer data '${v.name}' is bound to ${r}, which is not a pointer variable`);
    return r;
  }

  override visitBufferStore(s: BufferStore): Stmt {
    const base = super.visitBufferStore(s) as BufferStore;
    const e = this.entry(base.buffer, "store");
    return new Store(e.buffer.data, base.value, e.buffer.elemOffsetOf(this.relIndex(e, base.indices)));
  }

  override visitBufferLoad(l: BufferLoad): PrimExpr {
    const base = super.visitBufferLoad(l) as BufferLoad;
    const e = this.entry(base.buffer, "load");
    return new Load(base.dtype, e.buffer.data, e.buffer.elemOffsetOf(this.relIndex(e, base.indices)));
  }

  /** Binds `placeholder` to the region (tuple of min, extent) of the buffer `target`. */
  private bindBufferScope(s: AttrStmt): Stmt {
    const [placeholder, target] = s.node as [Buffer, Buffer];
    const tuple = (s.value as Call).args.map((a) => this.visitExpr(a));
    const be = this.entry(target, "bind");
    if (tuple.length !== be.buffer.shape.length * 2) {
      throw new IRError(`buffer_bind_scope of '${placeholder.name}': region has ${tuple.length / 2} dimensions, buffer '${target.name}' has ${be.buffer.shape.length}`);
    }
    const begins: PrimExpr[] = [];
    const extents: PrimExpr[] = [];
    for (let i = 0; i < be.buffer.shape.length; i++) {
      begins.push(be.bounds.length > 0 ? sub(tuple[2 * i], be.bounds[i].min) : tuple[2 * i]);
      extents.push(this.ana.simplify(tuple[2 * i + 1]));
    }
    let slice = be.buffer.makeSlice(begins, extents, (e) => this.ana.simplify(e));
    if (placeholder.strides.length === 0) {
      if (slice.strides.length > 0) {
        throw new IRError(`buffer '${placeholder.name}' is compact but is bound to a strided region of '${target.name}'; declare it with strides`);
      }
    } else {
      slice = slice.makeStrideView();
    }
    slice = this.dropLeadingUnitDims(placeholder, target, slice);
    const defined: Var[] = [];
    const bind = (arg: PrimExpr, value: PrimExpr, what: string): void => {
      if (arg instanceof Var && !this.varRemap.has(arg)) {
        this.varRemap.set(arg, value);
        defined.push(arg);
        return;
      }
      const lhs = arg instanceof Var ? this.varRemap.get(arg)! : arg;
      if (!this.ana.canProve(eq(lhs, value))) {
        const hint = what === "elem_offset" ? " (declare the buffer with a symbolic elemOffset, or an offsetFactor, to bind it to regions that start inside the tensor)" : "";
        throw new IRError(`buffer '${placeholder.name}': ${what} is ${lhs} but the bound region of '${target.name}' has ${value}${hint}`);
      }
    };
    if (placeholder.dtype !== slice.dtype) throw new DTypeError(`buffer '${placeholder.name}' has dtype ${placeholder.dtype} but is bound to '${target.name}' of ${slice.dtype}`);
    bind(placeholder.data, slice.data, "data");
    bind(placeholder.elemOffset, slice.elemOffset, "elem_offset");
    const asserts = this.offsetFactorAsserts(placeholder, target, slice);
    if (placeholder.shape.length !== slice.shape.length) {
      throw new IRError(`buffer '${placeholder.name}' has ${placeholder.shape.length} dimensions, bound to ${slice.shape.length}`);
    }
    placeholder.shape.forEach((d, i) => bind(d, slice.shape[i], `shape[${i}]`));
    if (slice.strides.length > 0) placeholder.strides.forEach((d, i) => bind(d, slice.strides[i], `strides[${i}]`));
    let body = this.visitStmt(s.body);
    for (const v of defined) this.varRemap.delete(v);
    for (let i = asserts.length - 1; i >= 0; i--) body = new AssertStmt(asserts[i].condition, asserts[i].message, body);
    return body;
  }

  /**
   * A placeholder of lower rank binds the trailing dimensions of the region (TVM's fuzzy
   * match, as tensorize binds [1, n] to [n]): the leading ones must have extent 1.
   */
  private dropLeadingUnitDims(placeholder: Buffer, target: Buffer, slice: Buffer): Buffer {
    const diff = slice.shape.length - placeholder.shape.length;
    if (diff <= 0) return slice;
    for (let i = 0; i < diff; i++) {
      if (!isConstInt(this.ana.simplify(slice.shape[i]), 1)) {
        throw new IRError(`buffer '${placeholder.name}' has ${placeholder.shape.length} dimensions, bound to a region of '${target.name}' of shape [${slice.shape.join(", ")}]: the leading ${diff} must have extent 1`);
      }
    }
    return new Buffer(slice.data, slice.dtype, slice.shape.slice(diff), slice.strides.slice(diff), slice.elemOffset, slice.name, slice.scope, slice.dataAlignment, slice.offsetFactor, slice.bufferType);
  }

  /** The element offset of a bound region must be a multiple of the placeholder's offset factor. */
  private offsetFactorAsserts(placeholder: Buffer, target: Buffer, slice: Buffer): AssertStmt[] {
    if (placeholder.offsetFactor <= 1) return [];
    const cond = this.ana.simplify(eq(floormod(slice.elemOffset, placeholder.offsetFactor), 0));
    if (isConstInt(cond, 1)) return [];
    const what = `buffer '${placeholder.name}' bound to '${target.name}'`;
    if (isConstInt(cond, 0)) {
      throw new IRError(`${what}: the region starts at element offset ${this.ana.simplify(slice.elemOffset)}, not a multiple of the buffer's offset factor ${placeholder.offsetFactor}`);
    }
    return [new AssertStmt(cond, new StringImm(`${what}: the element offset is not a multiple of the offset factor ${placeholder.offsetFactor}`), noOp())];
  }
}

export function storageFlatten(f: PrimFunc): PrimFunc {
  return f.withBody(new StorageFlattener(f).visitStmt(f.body));
}
