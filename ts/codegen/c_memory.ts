// Memory access as C: loads and stores through a pointer typed as its element (a cast where the
// access type differs), a contiguous vector access `ramp(base, 1, lanes)` as one vector load or
// store (aligned where the array is a stack allocation and the base is a proven multiple of the
// vector size, element-aligned otherwise), other vector indices as gathers and lane-by-lane
// scatters, predicated accesses under their mask; and the storage behind them: constant-size
// allocations as aligned stack arrays, workspace allocations freed by a cleanup attribute. Both
// kinds of internal buffer are 64-byte aligned and known to be (`aligned` on the stack array,
// `__builtin_assume_aligned` on the workspace pointer, and in every function outlined from the
// scope). Tensor arguments are not: their memory comes from the caller and its alignment is only
// checked to be the element's, so nothing more is assumed of it.

import { IRError, ShapeError } from "../errors.js";
import type { Buffer } from "../ir/buffer.js";
import type { DataType } from "../ir/dtype.js";
import { Broadcast, type Call, IntImm, Load, type PrimExpr, Ramp, Var } from "../ir/expr.js";
import type { Allocate, LetStmt, Store } from "../ir/stmt.js";
import { isPow2, mask } from "./c_lanes.js";
import type { FnEmitter } from "./c_function.js";

/** Alignment (bytes) of arrays the generated code allocates on the stack. */
export const STACK_ALIGN = 64;

/**
 * Alignment (bytes) of every block __TVMBackendAllocWorkspace returns (tejit's runtime,
 * native/c_api.cc kWorkspaceAlign, allocates them with aligned_alloc at 64).
 */
export const WORKSPACE_ALIGN = 64;

/** The flat element index of `indices` into `b`. */
export function flatIndex(em: FnEmitter, b: Buffer, indices: PrimExpr[]): PrimExpr {
  if (indices.length !== b.shape.length) throw new ShapeError(`codegen(${em.fname}): buffer '${b.name}' has ${b.shape.length} dimensions, indexed with ${indices.length}`);
  return b.elemOffsetOf(indices);
}

/** True when memory of `a` elements read as `b` elements reinterprets its bytes (not just signedness). */
function reinterprets(a: DataType, b: DataType): boolean {
  const byteLike = (x: DataType): boolean => x.isBool() || (x.isIntegral() && x.bits === 8);
  if (byteLike(a) && byteLike(b)) return false;
  return !(a.isIntegral() && b.isIntegral() && a.bits === b.bits) && a !== b;
}

/**
 * The pointer expression of `v` typed as pointing to `elem` elements. Memory declared as another
 * type (storage rewrite's typed views of one allocation: `float A[500]` read as int16) is read
 * through a may_alias type, so gcc's strict-aliasing rules do not apply to it.
 */
export function typedPointer(em: FnEmitter, v: Var, elem: DataType): string {
  const name = em.varName(v);
  const pointee = em.pointee(v);
  if (pointee && (pointee === elem || (pointee.isBool() && elem.isBool()))) return name;
  if (pointee && reinterprets(pointee.element(), elem)) return `((${em.types.mayAlias(elem)}*)${name})`;
  return `((${em.types.mem(elem)}*)${name})`;
}

/** `(p + base)` with p typed as pointing to `elem`, or just p when base is 0. */
function offsetPointer(em: FnEmitter, v: Var, elem: DataType, base: PrimExpr): string {
  const p = typedPointer(em, v, elem);
  return base instanceof IntImm && base.value === 0 ? p : `(${p} + ${em.expr(base)})`;
}

/** True when `index` (in elements of `elem`) is a multiple of `lanes` into an aligned array. */
function provablyAligned(em: FnEmitter, v: Var, base: PrimExpr, elem: DataType, lanes: number): boolean {
  const bytes = (elem.bits / 8) * lanes;
  if (!em.aligned.has(v) || bytes > STACK_ALIGN || !isPow2(bytes)) return false;
  try {
    const m = em.modular.analyze(base);
    const eb = elem.bits / 8;
    if (m.coeff === 0) return (m.base * eb) % bytes === 0;
    return (m.coeff * eb) % bytes === 0 && (m.base * eb) % bytes === 0;
  } catch {
    return false;
  }
}

/** A contiguous vector access `ramp(base, 1, lanes)`, or undefined. */
function contiguous(index: PrimExpr, lanes: number): PrimExpr | undefined {
  if (index instanceof Ramp && index.lanes === lanes && index.stride instanceof IntImm && index.stride.value === 1) return index.base;
  return undefined;
}

/** True when a load or store predicate is constant true (scalar or broadcast). */
function isAllTrue(predicate: PrimExpr): boolean {
  return predicate instanceof IntImm ? predicate.value !== 0 : predicate instanceof Broadcast && predicate.value instanceof IntImm && predicate.value.value !== 0;
}

export function load(em: FnEmitter, e: Load): string {
  const t = e.dtype;
  const elem = t.element();
  const allTrue = isAllTrue(e.predicate);
  if (t.lanes === 1) {
    if (!allTrue) return `(${em.cond(e.predicate)} ? ${typedPointer(em, e.bufferVar, elem)}[${em.expr(e.index)}] : 0)`;
    return `${typedPointer(em, e.bufferVar, elem)}[${em.expr(e.index)}]`;
  }
  if (e.index.dtype.lanes === 1) {
    // A vector element of a buffer of vectors.
    return `((${em.types.value(t)})((${em.types.access(t, false)}*)${em.varName(e.bufferVar)})[${em.expr(e.index)}])`;
  }
  const base = contiguous(e.index, t.lanes);
  if (base && allTrue) {
    const aligned = provablyAligned(em, e.bufferVar, base, elem, t.lanes);
    // Read through the access type, typed as the plain vector type (they differ in alignment).
    return `((${em.types.value(t)})*(${em.types.access(t, aligned)}*)${offsetPointer(em, e.bufferVar, elem, base)})`;
  }
  const g = em.helpers.gather(t, e.index.dtype, !allTrue);
  return `${g}(${typedPointer(em, e.bufferVar, elem)}, ${em.expr(e.index)}${allTrue ? "" : `, ${mask(em, e.predicate, 32)}`})`;
}

/** A load through a buffer (flattened to its element offset). */
export function bufferLoad(em: FnEmitter, dtype: DataType, b: Buffer, indices: PrimExpr[]): string {
  return load(em, new Load(dtype, b.data, flatIndex(em, b, indices)));
}

/**
 * The pragma (`stage.pragma(axis, "nontemporal_store")`) under which full-vector stores of
 * float32/float64 to the kernel's arguments (never to its own stack or workspace buffers) stream
 * past the caches (movntps/movntpd of the vector's width when the target
 * has it and the address is aligned to it; an ordinary store otherwise): for outputs too large
 * to stay in the last-level cache, so that writing them neither reads their lines first nor
 * evicts the inputs.
 */
export const NONTEMPORAL_STORE = "pragma_nontemporal_store";

export function store(em: FnEmitter, s: Store): void {
  const t = s.value.dtype;
  const elem = t.element();
  const allTrue = isAllTrue(s.predicate);
  const value = em.expr(s.value);
  if (t.lanes === 1) {
    const st = `${typedPointer(em, s.bufferVar, elem)}[${em.expr(s.index)}] = ${value};`;
    if (allTrue) em.line(st);
    else em.line(`if (${em.cond(s.predicate)}) ${st}`);
    return;
  }
  if (s.index.dtype.lanes === 1) {
    em.line(`((${em.types.access(t, false)}*)${em.varName(s.bufferVar)})[${em.expr(s.index)}] = ${value};`);
    return;
  }
  const base = contiguous(s.index, t.lanes);
  if (base && allTrue) {
    // Only to memory the kernel was given (an output): its own buffers are read back soon.
    const stream = em.streaming > 0 && !em.aligned.has(s.bufferVar) ? em.helpers.streamStore(t) : undefined;
    if (stream) {
      em.line(`${stream}(${offsetPointer(em, s.bufferVar, elem, base)}, ${value});`);
      em.streamed = true;
      return;
    }
    const aligned = provablyAligned(em, s.bufferVar, base, elem, t.lanes);
    em.line(`*(${em.types.access(t, aligned)}*)${offsetPointer(em, s.bufferVar, elem, base)} = ${value};`);
    return;
  }
  // Scatter, lane by lane.
  const idx = em.names.fresh("index");
  const val = em.names.fresh("value");
  const ptr = typedPointer(em, s.bufferVar, elem);
  em.line("{");
  em.block(() => {
    em.line(`${em.types.value(s.index.dtype)} ${idx} = ${em.expr(s.index)};`);
    em.line(`${em.types.value(t)} ${val} = ${value};`);
    let m: string | undefined;
    if (!allTrue) {
      m = em.names.fresh("mask");
      em.line(`${em.types.mask(32, t.lanes)} ${m} = ${mask(em, s.predicate, 32)};`);
    }
    for (let k = 0; k < t.lanes; k++) {
      const st = `${ptr}[${idx}[${k}]] = ${val}[${k}];`;
      em.line(m ? `if (${m}[${k}]) ${st}` : st);
    }
  });
  em.line("}");
}

/** `address_of(load)`: the address of the loaded element. */
export function addressOf(em: FnEmitter, e: Call): string {
  const l = e.args[0];
  if (!(l instanceof Load)) throw new IRError(`codegen(${em.fname}): address_of needs a load`);
  return `(&${typedPointer(em, l.bufferVar, l.dtype.element())}[${em.expr(l.index)}])`;
}

/** A constant-size allocation: an aligned array on the stack. */
export function allocate(em: FnEmitter, s: Allocate): void {
  let n = 1;
  for (const e of s.extents) {
    if (!(e instanceof IntImm)) {
      throw new IRError(`codegen(${em.fname}): allocation '${s.bufferVar.name}' has a non-constant size; run lowerTVMBuiltin to allocate it from the workspace`);
    }
    n *= e.value;
  }
  const v = s.bufferVar;
  const elemT = em.pointee(v) ?? s.dtype;
  const lanes = (s.dtype.lanes * s.dtype.bits) / (elemT.lanes * elemT.bits);
  const count = Math.max(1, Math.ceil(n * lanes));
  const ty = em.types.mem(elemT, `allocation '${v.name}'`);
  em.scoped(v, (name) => {
    em.line(`${ty} ${name}[${count}] __attribute__((aligned(${STACK_ALIGN})));`);
    em.aligned.add(v);
    em.stmt(s.body);
    em.aligned.delete(v);
  });
}

/** `let v = alloc_workspace(...)`: a holder freed by its cleanup attribute on every return. */
export function workspace(em: FnEmitter, s: LetStmt, call: Call): void {
  const v = s.variable;
  const holder = em.names.fresh(`${v.name}_workspace`);
  const free = em.helpers.freeWorkspace();
  const args = call.args.map((a) => em.expr(a));
  em.line(`void* ${holder} __attribute__((cleanup(${free}))) = __TVMBackendAllocWorkspace(${args.join(", ")});`);
  em.scoped(v, (name) => {
    const ty = em.varType(v);
    em.line(`${ty}${em.noalias && ty !== "void*" ? " restrict" : ""} ${name} = (${ty})__builtin_assume_aligned(${holder}, ${WORKSPACE_ALIGN});`);
    em.workspaceHolder.set(v, holder);
    em.aligned.add(v);
    em.stmt(s.body);
    em.aligned.delete(v);
    em.workspaceHolder.delete(v);
  });
}

/** An evaluated free_workspace: through the holder when it has one (so it is freed once). */
export function freeWorkspace(em: FnEmitter, e: Call): void {
  const target = e.args[2];
  const holder = target instanceof Var ? em.workspaceHolder.get(target) : undefined;
  if (holder) em.line(`${em.helpers.freeWorkspace()}(&${holder});`);
  else em.line(`(void)__TVMBackendFreeWorkspace(${e.args.map((a) => em.expr(a)).join(", ")});`);
}
