// Pre-flattening buffer access, so that programs can be run before storage flattening:
// BufferLoad / BufferStore index a buffer per dimension (each index checked against its
// dimension), through the buffer's shape, strides and elem_offset — or, for a buffer realized by
// BufferRealize, relative to the realized region's minimum in a compact allocation of its
// extents. `buffer_bind_scope` binds an extern's placeholder buffer (data, elem_offset, shape,
// strides) to a region of a real buffer, as storage flattening does.

import { IRError, KernelError, UnsupportedError } from "../errors.js";
import { Buffer } from "../ir/buffer.js";
import { Call, IntImm, type BufferLoad, type PrimExpr, type Var } from "../ir/expr.js";
import { printExpr } from "../ir/printer.js";
import type { AttrStmt, BufferRealize, BufferStore } from "../ir/stmt.js";
import type { Context, Eval, Exec, Slots } from "./context.js";
import { compileIndex, loadElement, stmtText, storeElement } from "./access.js";
import { type Mem, allocate } from "./memory.js";
import { compactStrides } from "../runtime/ndarray.js";
import { type Scalar, converter } from "./values.js";
import { TUPLE } from "../ir/builtin.js";

/** Shape, strides and element offset of a buffer, as numbers. */
interface Geometry {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly elemOffset: number;
}

/** The geometry of a (not realized) buffer from its shape, strides and elem_offset expressions. */
function compileGeometry(ctx: Context, buf: Buffer, where: () => string): (s: Slots) => Geometry {
  const shape = buf.shape.map((e) => compileIndex(ctx, e));
  const strides = buf.strides.map((e) => compileIndex(ctx, e));
  const eo = compileIndex(ctx, buf.elemOffset);
  if (strides.length > 0 && strides.length !== shape.length) {
    throw new IRError(`interpreter (${ctx.fname}): buffer '${buf.name}' has ${shape.length} dimensions but ${strides.length} strides, in ${where()}`);
  }
  const compute = (s: Slots): Geometry => {
    const sh = shape.map((f) => f(s));
    return { shape: sh, strides: strides.length > 0 ? strides.map((f) => f(s)) : compactStrides(sh), elemOffset: eo(s) };
  };
  if ([...buf.shape, ...buf.strides, buf.elemOffset].every((e) => e instanceof IntImm)) {
    const g = compute([]);
    return () => g;
  }
  return compute;
}

function dimensionError(kind: string, buf: Buffer, d: number, index: number, lo: number, hi: number, where: () => string): Error {
  return new KernelError(`interpreter: out-of-bounds ${kind} buffer '${buf.name}': index ${index} of dimension ${d} is outside [${lo}, ${hi}) in ${where()}`);
}

/** The element offset (relative to the data pointer) of `indices` in `buf`, checked per dimension. */
function compileOffset(ctx: Context, buf: Buffer, indices: PrimExpr[], kind: string, where: () => string): (s: Slots) => number {
  if (indices.length !== buf.shape.length) {
    throw new IRError(`interpreter (${ctx.fname}): buffer '${buf.name}' has ${buf.shape.length} dimensions, indexed with ${indices.length}, in ${where()}`);
  }
  for (const i of indices) {
    if (i.dtype.lanes !== 1) throw new UnsupportedError(`interpreter (${ctx.fname}): vector indices into buffer '${buf.name}' are not supported before flattening, in ${where()}`);
  }
  const idx = indices.map((e) => compileIndex(ctx, e));
  const nd = idx.length;
  const slot = ctx.slotOf(buf.data, where);
  if (ctx.realized.has(buf)) {
    return (s) => {
      const L = (s[slot] as Mem).layout!;
      let off = 0;
      for (let d = 0; d < nd; d++) {
        const i = idx[d](s);
        const r = i - L.min[d];
        if (!(r >= 0 && r < L.extent[d])) throw dimensionError(kind, buf, d, i, L.min[d], L.min[d] + L.extent[d], where);
        off += r * L.strides[d];
      }
      return off;
    };
  }
  const geom = compileGeometry(ctx, buf, where);
  return (s) => {
    const g = geom(s);
    let off = g.elemOffset;
    for (let d = 0; d < nd; d++) {
      const i = idx[d](s);
      if (!(i >= 0 && i < g.shape[d])) throw dimensionError(kind, buf, d, i, 0, g.shape[d], where);
      off += i * g.strides[d];
    }
    return off;
  };
}

function checkScalarBuffer(ctx: Context, buf: Buffer, where: () => string): void {
  if (buf.dtype.lanes !== 1) throw new UnsupportedError(`interpreter (${ctx.fname}): buffer '${buf.name}' of vector dtype ${buf.dtype} is not supported before flattening, in ${where()}`);
}

export function compileBufferLoad(ctx: Context, e: BufferLoad): Eval {
  const where = (): string => printExpr(e);
  checkScalarBuffer(ctx, e.buffer, where);
  const slot = ctx.slotOf(e.buffer.data, where);
  const offset = compileOffset(ctx, e.buffer, e.indices, "load from", where);
  const t = e.buffer.dtype;
  const bool = t.isBool();
  return (s) => {
    const v = loadElement(s[slot] as Mem, offset(s), t, where);
    return bool ? (v !== 0 ? 1 : 0) : v;
  };
}

export function compileBufferStore(ctx: Context, st: BufferStore): Exec {
  const where = (): string => stmtText(st);
  checkScalarBuffer(ctx, st.buffer, where);
  const slot = ctx.slotOf(st.buffer.data, where);
  const offset = compileOffset(ctx, st.buffer, st.indices, "store to", where);
  const V = ctx.expr(st.value);
  const t = st.buffer.dtype;
  if (st.value.dtype !== t) {
    throw new IRError(`interpreter (${ctx.fname}): storing ${st.value.dtype} into buffer '${st.buffer.name}' of ${t}, in ${where()}`);
  }
  return (s) => {
    const v = V(s) as Scalar;
    storeElement(s[slot] as Mem, offset(s), v, t, where);
  };
}

export function compileBufferRealize(ctx: Context, r: BufferRealize): Exec {
  const buf = r.buffer;
  // A buffer that is already bound (a function argument) is not allocated again, as in TVM.
  if (ctx.isBound(buf.data)) return ctx.stmt(r.body);
  const where = (): string => `realize of '${buf.name}'`;
  checkScalarBuffer(ctx, buf, where);
  if (r.bounds.length !== buf.shape.length) {
    throw new IRError(`interpreter (${ctx.fname}): realize of '${buf.name}' has ${r.bounds.length} bounds for ${buf.shape.length} dimensions`);
  }
  const mins = r.bounds.map((b) => compileIndex(ctx, b.min));
  const exts = r.bounds.map((b) => compileIndex(ctx, b.extent));
  const poison = ctx.options.poisonAllocations ?? false;
  return ctx.withVar(buf.data, (slot) => ctx.withRealized(buf, () => {
    const body = ctx.stmt(r.body);
    return (s: Slots) => {
      const min = mins.map((f) => f(s));
      const extent = exts.map((f) => f(s));
      for (let d = 0; d < extent.length; d++) {
        if (!(extent[d] >= 0)) throw new IRError(`interpreter (${ctx.fname}): realize of '${buf.name}' has extent ${extent[d]} in dimension ${d}`);
      }
      const strides = compactStrides(extent);
      const count = extent.reduce((a, b) => a * b, 1);
      s[slot] = allocate(buf.name, buf.dtype, count, { min, extent, strides }, poison);
      body(s);
      s[slot] = undefined;
    };
  }));
}

/** One field of the placeholder buffer: bound to a new variable, or checked against an expression. */
interface Field {
  what: string;
  value: (r: Region) => number;
  slot?: number;
  conv?: (x: Scalar) => Scalar;
  check?: (s: Slots) => number;
}

interface Region {
  offset: number;
  extent: number[];
  strides: readonly number[];
}

/** `attr [[placeholder, target]] "buffer_bind_scope" = tvm_tuple(min0, extent0, …)`. */
export function compileBindScope(ctx: Context, attr: AttrStmt): Exec {
  const node = attr.node;
  if (!Array.isArray(node) || node.length !== 2 || !(node[0] instanceof Buffer) || !(node[1] instanceof Buffer)) {
    throw new IRError(`interpreter (${ctx.fname}): buffer_bind_scope expects [placeholder buffer, target buffer] as its node`);
  }
  const ph = node[0] as Buffer;
  const target = node[1] as Buffer;
  const where = (): string => `buffer_bind_scope of '${ph.name}' to '${target.name}'`;
  const tuple = attr.value;
  const nd = target.shape.length;
  if (!(tuple instanceof Call) || tuple.op !== TUPLE || tuple.args.length !== 2 * nd) {
    throw new IRError(`interpreter (${ctx.fname}): ${where()} needs tvm_tuple(min, extent, …) with ${nd} dimensions, got ${printExpr(tuple)}`);
  }
  // A placeholder of lower rank binds the trailing dimensions; the leading ones must have extent 1
  // (TVM's fuzzy match, as tensorize binds [1, n] to [n]).
  const lead = nd - ph.shape.length;
  if (lead < 0) {
    throw new IRError(`interpreter (${ctx.fname}): ${where()}: '${ph.name}' has ${ph.shape.length} dimensions, '${target.name}' has ${nd}`);
  }
  if (ph.dtype !== target.dtype) {
    throw new IRError(`interpreter (${ctx.fname}): ${where()}: '${ph.name}' has dtype ${ph.dtype}, '${target.name}' has ${target.dtype}`);
  }
  const mins = tuple.args.filter((_, i) => i % 2 === 0).map((e) => compileIndex(ctx, e));
  const exts = tuple.args.filter((_, i) => i % 2 === 1).map((e) => compileIndex(ctx, e));
  const tslot = ctx.slotOf(target.data, where);
  const realized = ctx.realized.has(target);
  const tgeom = realized ? undefined : compileGeometry(ctx, target, where);

  // The placeholder's variables this scope binds (first occurrence binds, later ones check).
  const fresh: Var[] = [];
  const isFresh = (e: PrimExpr): e is Var =>
    e.kind === "Var" && !ctx.isBound(e as Var) && !fresh.includes(e as Var) && e !== ph.data;
  const plan: { expr: PrimExpr; what: string; value: (r: Region) => number; bind: boolean }[] = [];
  const add = (expr: PrimExpr, what: string, value: (r: Region) => number): void => {
    const bind = isFresh(expr);
    if (bind) fresh.push(expr);
    plan.push({ expr, what, value, bind });
  };
  add(ph.elemOffset, "elem_offset", (r) => r.offset);
  ph.shape.forEach((e, d) => add(e, `shape[${d}]`, (r) => r.extent[d + lead]));
  ph.strides.forEach((e, d) => add(e, `strides[${d}]`, (r) => r.strides[d + lead]));

  return ctx.withVar(ph.data, (dataSlot) => ctx.withVars(fresh, (slots) => {
    const fields: Field[] = plan.map((p) => {
      if (p.bind) {
        const v = p.expr as Var;
        return { what: p.what, value: p.value, slot: slots[fresh.indexOf(v)], conv: converter(v.dtype) };
      }
      return { what: p.what, value: p.value, check: compileIndex(ctx, p.expr) };
    });
    const compactPlaceholder = ph.strides.length === 0;
    const body = ctx.stmt(attr.body);
    return (s: Slots) => {
      const m = s[tslot] as Mem;
      let strides: readonly number[];
      let offset: number;
      const begin = new Array<number>(nd);
      const extent = exts.map((f) => f(s));
      if (realized) {
        const L = m.layout!;
        strides = L.strides;
        offset = 0;
        for (let d = 0; d < nd; d++) {
          begin[d] = mins[d](s) - L.min[d];
          if (begin[d] < 0 || begin[d] + extent[d] > L.extent[d]) {
            throw new KernelError(`interpreter (${ctx.fname}): ${where()}: dimension ${d} region [${mins[d](s)}, ${mins[d](s) + extent[d]}) is outside the realized [${L.min[d]}, ${L.min[d] + L.extent[d]})`);
          }
        }
      } else {
        const g = tgeom!(s);
        strides = g.strides;
        offset = g.elemOffset;
        for (let d = 0; d < nd; d++) {
          begin[d] = mins[d](s);
          if (begin[d] < 0 || begin[d] + extent[d] > g.shape[d]) {
            throw new KernelError(`interpreter (${ctx.fname}): ${where()}: dimension ${d} region [${begin[d]}, ${begin[d] + extent[d]}) is outside [0, ${g.shape[d]})`);
          }
        }
      }
      for (let d = 0; d < nd; d++) offset += begin[d] * strides[d];
      for (let d = 0; d < lead; d++) {
        if (extent[d] !== 1) {
          throw new IRError(`interpreter (${ctx.fname}): ${where()}: '${ph.name}' has ${ph.shape.length} dimensions, so the leading ${lead} of the region of '${target.name}' must have extent 1; dimension ${d} has ${extent[d]}`);
        }
      }
      if (compactPlaceholder) {
        const compact = compactStrides(extent);
        for (let d = 0; d < nd; d++) {
          if (extent[d] > 1 && compact[d] !== strides[d]) {
            throw new IRError(`interpreter (${ctx.fname}): ${where()}: '${ph.name}' is compact but the region of '${target.name}' is strided (stride ${strides[d]} in dimension ${d}, ${compact[d]} expected); declare it with strides`);
          }
        }
      }
      const region: Region = { offset, extent, strides };
      s[dataSlot] = m;
      for (const f of fields) {
        const v = f.value(region);
        if (f.slot !== undefined) s[f.slot] = f.conv!(v);
        else if (f.check!(s) !== v) {
          throw new IRError(`interpreter (${ctx.fname}): ${where()}: ${f.what} of '${ph.name}' is ${f.check!(s)} but the region has ${v}`);
        }
      }
      body(s);
    };
  }));
}
