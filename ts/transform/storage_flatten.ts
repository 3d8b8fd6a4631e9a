// Storage flattening (TVM's StorageFlatten): multi-dimensional realizes become flat
// allocations (`attr [x] "storage_scope"` + `allocate`), buffer loads/stores become loads/stores
// of the data pointer at a row-major (or storage-aligned) offset relative to the realized
// region, and `buffer_bind_scope` binds an extern's placeholder buffer (data, offset, shape,
// strides) to the region of the real buffer, substituting its variables in the body.

import { DTypeError, IRError } from "../errors.js";
import { Buffer } from "../ir/buffer.js";
import { BufferVarMutator } from "../ir/buffer_var_mutator.js";
import { DataType } from "../ir/dtype.js";
import { BufferLoad, Call, IntImm, Load, type PrimExpr, StringImm, Var, pointerVar } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import type { Range } from "../ir/iter_var.js";
import { add, floormod, mul, sub, eq } from "../ir/op.js";
import { Allocate, AttrStmt, BufferRealize, BufferStore, type Stmt, Store } from "../ir/stmt.js";
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

  constructor(f: PrimFunc) {
    super();
    for (const b of f.bufferMap.values()) this.bufMap.set(b, { buffer: b, bounds: [], external: true, released: false });
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
        throw new IRError(`extern buffer '${placeholder.name}' is compact but is bound to a strided region of '${target.name}'; declare it with strides`);
      }
    } else {
      slice = slice.makeStrideView();
    }
    const defined: Var[] = [];
    const bind = (arg: PrimExpr, value: PrimExpr, what: string): void => {
      if (arg instanceof Var && !this.varRemap.has(arg)) {
        this.varRemap.set(arg, value);
        defined.push(arg);
        return;
      }
      const lhs = arg instanceof Var ? this.varRemap.get(arg)! : arg;
      if (!this.ana.canProve(eq(lhs, value))) {
        throw new IRError(`extern buffer '${placeholder.name}': ${what} is ${lhs} but the bound region of '${target.name}' has ${value}`);
      }
    };
    if (placeholder.dtype !== slice.dtype) throw new DTypeError(`extern buffer '${placeholder.name}' has dtype ${placeholder.dtype} but is bound to '${target.name}' of ${slice.dtype}`);
    bind(placeholder.data, slice.data, "data");
    bind(placeholder.elemOffset, slice.elemOffset, "elem_offset");
    if (placeholder.shape.length !== slice.shape.length) {
      throw new IRError(`extern buffer '${placeholder.name}' has ${placeholder.shape.length} dimensions, bound to ${slice.shape.length}`);
    }
    placeholder.shape.forEach((d, i) => bind(d, slice.shape[i], `shape[${i}]`));
    if (slice.strides.length > 0) placeholder.strides.forEach((d, i) => bind(d, slice.strides[i], `strides[${i}]`));
    const body = this.visitStmt(s.body);
    for (const v of defined) this.varRemap.delete(v);
    return body;
  }
}

export function storageFlatten(f: PrimFunc): PrimFunc {
  return f.withBody(new StorageFlattener(f).visitStmt(f.body));
}
