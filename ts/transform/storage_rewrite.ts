// Storage rewrite (TVM's StorageRewrite): plans every allocation of the function again.
//  - Placement: an allocation moves to the start of its attach scope — the innermost enclosing
//    parallel loop, the outermost thread scope (thread_extent / virtual_thread), else the
//    function body — as one flat allocation `attr [x] "storage_scope"; allocate(x, t, [n])`.
//    Allocations appear in the order their buffers are first touched. One whose size uses a
//    variable bound between the two places stays where it is (TVM would move it anyway).
//  - Liveness: the body is linearized into statements (stores, evaluations) and scopes (loops,
//    ifs, asserts, `extern_scope`, thread scopes) seen as a begin and an end point; an access is
//    charged to the outermost statement at the allocation's level that contains it, so a buffer
//    used in a loop lives through the whole loop, and an extern_scope is one opaque block. A
//    buffer is born at its first touch and dies after its last.
//  - Reuse: a buffer born when another of the same attach scope and storage scope is dead takes
//    that buffer's memory: a dead buffer of at least the size wanted (up to 16x) of any element
//    type, else a smaller one (down to 1/16) of the same element type, which grows; buffers of
//    symbolic size need the same element type. Memory shared by several element types is one
//    allocation of the first buffer's type sized in bits (the largest member, rounded up to whole
//    elements); the others access it as typed views (`(int16*)A[i]`), as in TVM. A statement that
//    writes dst[i] from src[i] only, where src dies, may run in place (dst shares src's memory,
//    same element type); extern code is never run in place. As in TVM, buffers of at most 32
//    bits, handles and "local"/"warp" memory are never shared; allocations never touched vanish.
//  - Vector allocation: an allocation accessed only as one vector type (after vectorizing) is
//    declared with that type, its extent divided by the lanes (`allocate(B, float32x32, [n/32])`).
//  - Tagged memory ("global:tag", see storage_tagged.ts): the buffers of one tag at one attach
//    scope, after reuse and whatever their element types, share one allocation side by side, each
//    at an aligned offset (in its own elements) added to its indices (TVM's merge of special
//    tagged memory). Such buffers take part in reuse even when small or "local", as in TVM.
// Unlike TVM, a tagged buffer whose handle is used other than by loads and stores (passed to a
// call), of vector type or of symbolic size keeps its own allocation; a merged buffer is aligned
// to its widest element when that is wider than 32 bits; nested parallel loops each keep their
// own allocations.

import { BufferVarMutator } from "../ir/buffer_var_mutator.js";
import { DataType } from "../ir/dtype.js";
import { Broadcast, Call, IntImm, Load, type PrimExpr, StringImm, Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator, StmtExprVisitor } from "../ir/functor.js";
import { IterVar } from "../ir/iter_var.js";
import * as op from "../ir/op.js";
import {
  Allocate, AssertStmt, AttrStmt, Evaluate, For, IfThenElse, LetStmt, type Stmt, Store, While,
} from "../ir/stmt.js";
import { structuralEqual } from "../ir/structural_equal.js";
import { usesVar } from "../ir/substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import { checkPrimFunc } from "./check_func.js";
import { isSpecialTagged, layoutMerged } from "./storage_tagged.js";
import { InternalError } from "../errors.js";

// ---------------------------------------------------------------------------------------------
// Helpers

function flatExtent(extents: PrimExpr[]): PrimExpr {
  return extents.reduce<PrimExpr>((acc, e) => op.mul(acc, e), op.constant(1, "int32"));
}

function storageAttach(alloc: Allocate, scope: string, body: Stmt): Stmt {
  return new AttrStmt(alloc.bufferVar, "storage_scope", new StringImm(scope), new Allocate(alloc.bufferVar, alloc.dtype, alloc.extents, alloc.condition, body));
}

/** Scopes whose memory is never shared: per-thread registers in TVM ("local", "warp"). */
function neverShared(scope: string): boolean {
  const base = scope.split(".")[0];
  return base === "local" || base === "warp";
}

/** Buffers of this scope are never shared: untagged per-thread memory, or handles. */
function keptApart(scope: string, t: DataType): boolean {
  return (neverShared(scope) && !isSpecialTagged(scope)) || t.isHandle();
}

/** Small buffers (at most 32 bits) are not shared, except in tagged memory. */
function tooSmallToShare(scope: string, constBits: number): boolean {
  return !isSpecialTagged(scope) && constBits > 0 && constBits <= 32;
}

function isThreadScope(s: Stmt): s is AttrStmt {
  return s instanceof AttrStmt && (s.key === "thread_extent" || s.key === "virtual_thread");
}

/**
 * Bits an element of `t` takes in memory: bool is a byte (TVM counts it as 1 bit, which would
 * size memory shared with other types too small).
 */
function storageBits(t: DataType): number {
  return (t.isBool() ? 8 : t.bits) * t.lanes;
}

/** The number of elements of an allocation when all its extents are constants, else 0. */
function constantSize(a: Allocate): number {
  let n = 1;
  for (const e of a.extents) {
    if (!(e instanceof IntImm)) return 0;
    n *= e.value;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// The linear access pattern

type EntryKind = "leaf" | "begin" | "end";

interface Entry {
  kind: EntryKind;
  stmt: Stmt;
  /** For begin/end, the index of the other end. */
  partner: number;
  touched: Var[];
}

interface AllocInfo {
  alloc: Allocate;
  scope: string;
  /** Number of enclosing liveness scopes. */
  level: number;
  /** The attach scope (a parallel loop or thread scope), or null for the function body. */
  attach: Stmt | null;
  /** Left where it is: its size uses a variable bound inside the attach scope, or it is allocated twice. */
  fixed: boolean;
}

class LinearAccessPatternFinder extends StmtExprVisitor {
  readonly entries: Entry[] = [];
  readonly allocs = new Map<Var, AllocInfo>();
  /** Buffer variables used as values (passed to a call, say), not only loaded from and stored to. */
  readonly handleUsed = new Set<Var>();
  private readonly storageScopes = new Map<Var, string>();
  private readonly frames: { touched: Var[] }[] = [];
  private readonly attachStack: Stmt[] = [];
  /** Variables bound since the innermost attach scope began. */
  private readonly bound: Var[][] = [[]];
  private inThreadEnv = false;

  private touch(v: Var): void {
    const info = this.allocs.get(v);
    if (!info || info.fixed) return;
    if (info.level < this.frames.length) this.frames[info.level].touched.push(v);
  }

  /** Visits the expressions of `stmt` as a statement of their own (a leaf). */
  private leaf(stmt: Stmt, visit: () => void): void {
    this.frames.push({ touched: [] });
    visit();
    const f = this.frames.pop()!;
    if (f.touched.length > 0) this.entries.push({ kind: "leaf", stmt, partner: -1, touched: f.touched });
  }

  /** Visits `stmt` as a scope: a begin point, its contents, an end point holding its touches. */
  private newScope(stmt: Stmt, visit: () => void): void {
    this.frames.push({ touched: [] });
    const begin = this.entries.length;
    this.entries.push({ kind: "begin", stmt, partner: -1, touched: [] });
    visit();
    const f = this.frames.pop()!;
    const end = this.entries.length;
    this.entries.push({ kind: "end", stmt, partner: begin, touched: f.touched });
    this.entries[begin].partner = end;
  }

  private binding(v: Var, f: () => void): void {
    const vars = this.bound[this.bound.length - 1];
    vars.push(v);
    f();
    vars.pop();
  }

  private attachScope(stmt: Stmt, f: () => void): void {
    this.attachStack.push(stmt);
    this.bound.push([]);
    f();
    this.bound.pop();
    this.attachStack.pop();
  }

  override visitVar(v: Var): void {
    this.touch(v);
    if (this.allocs.has(v)) this.handleUsed.add(v);
  }

  override visitLoad(e: Load): void {
    super.visitLoad(e);
    this.touch(e.bufferVar);
  }

  override visitStore(s: Store): void {
    this.leaf(s, () => {
      super.visitStore(s);
      this.touch(s.bufferVar);
    });
  }

  override visitEvaluate(s: Evaluate): void {
    this.leaf(s, () => super.visitEvaluate(s));
  }

  override visitLetStmt(s: LetStmt): void {
    this.leaf(s, () => this.visitExpr(s.value));
    this.binding(s.variable, () => this.visitStmt(s.body));
  }

  override visitAllocate(s: Allocate): void {
    const known = this.allocs.get(s.bufferVar);
    if (known) {
      known.fixed = true;
    } else {
      const vars = this.bound[this.bound.length - 1];
      const dependsOnInner = vars.length > 0 && s.extents.some((e) => usesVar(e, (v) => vars.includes(v)));
      this.allocs.set(s.bufferVar, {
        alloc: s,
        scope: this.storageScopes.get(s.bufferVar) ?? "global",
        level: this.frames.length,
        attach: this.attachStack.length > 0 ? this.attachStack[this.attachStack.length - 1] : null,
        fixed: dependsOnInner,
      });
    }
    this.leaf(s, () => {
      s.extents.forEach((e) => this.visitExpr(e));
      this.visitExpr(s.condition);
    });
    this.visitStmt(s.body);
  }

  override visitAttrStmt(s: AttrStmt): void {
    if (s.key === "storage_scope" && s.node instanceof Var) {
      if (s.value instanceof StringImm) this.storageScopes.set(s.node, s.value.value);
      this.visitStmt(s.body);
      return;
    }
    const body = (): void => {
      this.visitExpr(s.value);
      this.visitStmt(s.body);
    };
    if (s.key === "thread_extent" && !this.inThreadEnv) {
      this.inThreadEnv = true;
      this.newScope(s, () => this.attachScope(s, body));
      this.inThreadEnv = false;
    } else if (s.key === "virtual_thread" && !this.inThreadEnv) {
      this.newScope(s, () => this.attachScope(s, body));
    } else if (s.key === "extern_scope" || s.key === "virtual_thread") {
      this.newScope(s, body);
    } else {
      this.leaf(s, () => this.visitExpr(s.value));
      if (s.node instanceof IterVar && (s.key === "thread_extent")) this.binding(s.node.var, () => this.visitStmt(s.body));
      else this.visitStmt(s.body);
    }
  }

  override visitFor(s: For): void {
    this.newScope(s, () => {
      this.visitExpr(s.min);
      this.visitExpr(s.extent);
      // Allocations attached to a parallel loop are made inside its body, where its variable is bound.
      if (s.forKind === "parallel") this.attachScope(s, () => this.visitStmt(s.body));
      else this.binding(s.loopVar, () => this.visitStmt(s.body));
    });
  }

  override visitWhile(s: While): void { this.newScope(s, () => super.visitWhile(s)); }
  override visitIfThenElse(s: IfThenElse): void { this.newScope(s, () => super.visitIfThenElse(s)); }
  override visitAssertStmt(s: AssertStmt): void { this.newScope(s, () => super.visitAssertStmt(s)); }
}

// ---------------------------------------------------------------------------------------------
// In-place check: does `stmt` only compute dst[i] from src[i] (same index), reading nothing else
// of dst and no indirect index?

class InplaceOpVerifier extends StmtExprVisitor {
  private result = true;
  private memNest = 0;
  private store: Store | undefined;

  constructor(private readonly dst: Var, private readonly src: Var) { super(); }

  check(stmt: Stmt): boolean {
    if (!(stmt instanceof AttrStmt || stmt instanceof For || stmt instanceof IfThenElse || stmt instanceof Store)) return false;
    this.visitStmt(stmt);
    return this.result;
  }

  override visitStmt(s: Stmt): void {
    if (this.result) super.visitStmt(s);
  }
  override visitExpr(e: PrimExpr): void {
    if (this.result) super.visitExpr(e);
  }
  override visitVar(v: Var): void {
    if (v === this.dst || v === this.src) this.result = false;
  }
  override visitStore(s: Store): void {
    this.memNest++;
    this.visitExpr(s.index);
    this.memNest--;
    if (s.bufferVar === this.dst) {
      this.store = s;
      this.visitExpr(s.value);
      this.visitExpr(s.predicate);
      this.store = undefined;
    } else {
      this.visitExpr(s.value);
      this.visitExpr(s.predicate);
    }
  }
  override visitAttrStmt(s: AttrStmt): void {
    if (s.key === "extern_scope" || s.key === "volatile_scope") {
      this.result = false;
      return;
    }
    super.visitAttrStmt(s);
  }
  override visitLoad(e: Load): void {
    const buf = e.bufferVar;
    if (buf === this.dst || this.memNest !== 0) {
      this.result = false;
      return;
    }
    if (buf === this.src) {
      if (!this.store || this.store.value.dtype !== e.dtype || !structuralEqual(this.store.index, e.index)) {
        this.result = false;
        return;
      }
    }
    this.memNest++;
    super.visitLoad(e);
    this.memNest--;
  }
}

// ---------------------------------------------------------------------------------------------
// The plan

interface StorageEntry {
  attach: Stmt | null;
  scope: string;
  elemType: DataType;
  /** Size in bits when constant (grows when the entry is reused by a larger buffer), else 0. */
  constBits: number;
  allocs: AllocInfo[];
  allocVar?: Var;
  newAlloc?: Allocate;
  /** Merged into another entry's allocation (tagged memory), at this offset in bits. */
  mergedInto?: StorageEntry;
  bitsOffset?: number;
}

interface Events {
  gen: Var[];
  kill: Var[];
}

class StoragePlanner {
  readonly allocMap = new Map<Var, StorageEntry>();
  readonly entries: StorageEntry[] = [];
  private readonly events = new Map<number, Events>();
  private readonly constFree: { bits: number; entry: StorageEntry }[] = [];
  private readonly symFree: StorageEntry[] = [];
  private readonly ana = new Analyzer();
  /** Allocations holding merged tagged buffers (kept scalar-typed). */
  readonly mergedVars = new Set<Var>();

  constructor(private readonly finder: LinearAccessPatternFinder, private readonly detectInplace: boolean) {}

  private canon(i: number): number {
    const e = this.finder.entries[i];
    return e.kind === "end" ? e.partner : i;
  }

  private event(i: number): Events {
    let ev = this.events.get(i);
    if (!ev) {
      ev = { gen: [], kill: [] };
      this.events.set(i, ev);
    }
    return ev;
  }

  private liveness(): void {
    const seq = this.finder.entries;
    // Allocations left in place (see AllocInfo.fixed) take no part in the plan.
    const seen = new Set<Var>([...this.finder.allocs].filter(([, info]) => info.fixed).map(([v]) => v));
    const fixed = new Set(seen);
    for (let i = seq.length - 1; i >= 0; i--) {
      for (const v of seq[i].touched) {
        if (seen.has(v)) continue;
        seen.add(v);
        this.event(this.canon(i)).kill.push(v);
      }
    }
    seen.clear();
    for (const v of fixed) seen.add(v);
    for (let i = 0; i < seq.length; i++) {
      if (seq[i].kind === "end") continue;
      const s = seq[i].kind === "begin" ? seq[seq[i].partner] : seq[i];
      for (const v of s.touched) {
        if (seen.has(v)) continue;
        seen.add(v);
        this.event(i).gen.push(v);
      }
    }
  }

  plan(): void {
    this.liveness();
    const seq = this.finder.entries;
    const inplaceFlag = new Set<Var>();
    for (let i = 0; i < seq.length; i++) {
      const s = seq[i];
      const ev = this.events.get(this.canon(i));
      if (ev && s.kind !== "end") {
        const detect = this.detectInplace && ev.gen.length <= 2;
        for (const v of ev.gen) {
          const info = this.finder.allocs.get(v)!;
          let dst: StorageEntry | undefined;
          if (detect) dst = this.findInplace(s.stmt, v, info, ev.kill, inplaceFlag);
          dst ??= this.findAlloc(info);
          dst.allocs.push(info);
          this.allocMap.set(v, dst);
        }
      }
      if (s.kind === "end" && this.isAttachScope(s.stmt)) this.leaveScope(s.stmt);
      if (ev && s.kind !== "begin") {
        for (const v of ev.kill) if (!inplaceFlag.has(v)) this.free(v);
      }
    }
  }

  private isAttachScope(s: Stmt): boolean {
    return (s instanceof For && s.forKind === "parallel") || isThreadScope(s);
  }

  /** Memory attached to a scope cannot be reused after it. */
  private leaveScope(s: Stmt): void {
    for (let i = this.constFree.length - 1; i >= 0; i--) if (this.constFree[i].entry.attach === s) this.constFree.splice(i, 1);
    for (let i = this.symFree.length - 1; i >= 0; i--) if (this.symFree[i].attach === s) this.symFree.splice(i, 1);
  }

  private bitsOf(info: AllocInfo): number {
    const t = info.alloc.dtype;
    return constantSize(info.alloc) * storageBits(t);
  }

  private findInplace(stmt: Stmt, dst: Var, info: AllocInfo, kills: Var[], inplaceFlag: Set<Var>): StorageEntry | undefined {
    for (const src of kills) {
      if (inplaceFlag.has(src)) continue;
      const e = this.allocMap.get(src);
      if (!e) continue;
      if (e.scope !== info.scope || e.attach !== info.attach || e.elemType !== info.alloc.dtype.element()) continue;
      if (!new InplaceOpVerifier(dst, src).check(stmt)) continue;
      if (e.constBits !== this.bitsOf(info)) continue;
      inplaceFlag.add(src);
      return e;
    }
    return undefined;
  }

  private newAlloc(info: AllocInfo, constBits: number): StorageEntry {
    const e: StorageEntry = { attach: info.attach, scope: info.scope, elemType: info.alloc.dtype.element(), constBits, allocs: [] };
    this.entries.push(e);
    return e;
  }

  private findAlloc(info: AllocInfo): StorageEntry {
    const t = info.alloc.dtype;
    const constBits = this.bitsOf(info);
    if (keptApart(info.scope, t) || tooSmallToShare(info.scope, constBits)) return this.newAlloc(info, constBits);
    const sameMemory = (e: StorageEntry): boolean => e.attach === info.attach && e.scope === info.scope;
    const fits = (e: StorageEntry): boolean => sameMemory(e) && e.elemType === t.element();
    if (constBits !== 0) {
      const list = this.constFree;
      let mid = 0;
      while (mid < list.length && list[mid].bits < constBits) mid++;
      // Larger (or equal) dead buffers first, up to 16 times the size, of any element type (the
      // buffer becomes a typed view of that memory, as in TVM).
      for (let i = mid; i < list.length && list[i].bits <= constBits * 16; i++) {
        const e = list[i].entry;
        if (!sameMemory(e)) continue;
        e.constBits = Math.max(constBits, e.constBits);
        list.splice(i, 1);
        return e;
      }
      // Then smaller ones, down to a sixteenth.
      const low = Math.floor(constBits / 16);
      for (let i = mid - 1; i >= 0 && list[i].bits >= low; i--) {
        const e = list[i].entry;
        if (!fits(e)) continue;
        e.constBits = Math.max(constBits, e.constBits);
        list.splice(i, 1);
        return e;
      }
    } else {
      for (let i = 0; i < this.symFree.length; i++) {
        const e = this.symFree[i];
        if (!fits(e)) continue;
        this.symFree.splice(i, 1);
        return e;
      }
    }
    return this.newAlloc(info, constBits);
  }

  private free(v: Var): void {
    const e = this.allocMap.get(v);
    if (!e || e.allocs.length === 0) return;
    if (keptApart(e.scope, e.allocs[0].alloc.dtype) || tooSmallToShare(e.scope, e.constBits)) return;
    if (e.constBits !== 0) {
      let at = 0;
      while (at < this.constFree.length && this.constFree[at].bits <= e.constBits) at++;
      this.constFree.splice(at, 0, { bits: e.constBits, entry: e });
    } else {
      this.symFree.push(e);
    }
  }

  /** Builds each entry's allocation (one buffer: its own size; several: the largest). */
  prepareAllocs(): void {
    for (const e of this.entries) {
      const first = e.allocs[0].alloc;
      e.allocVar = first.bufferVar;
      let type = first.dtype;
      for (const a of e.allocs) if (a.alloc.dtype.lanes > type.lanes) type = a.alloc.dtype;
      if (e.allocs.length === 1) {
        e.newAlloc = new Allocate(e.allocVar, type, [flatExtent(first.extents)], first.condition, new Evaluate(new IntImm("int32", 0)));
        continue;
      }
      let combo: PrimExpr | undefined;
      for (const a of e.allocs) {
        const bits = op.mul(flatExtent(a.alloc.extents), storageBits(a.alloc.dtype));
        combo = combo === undefined ? bits : op.max(combo, bits);
      }
      const typeBits = storageBits(type);
      const divided = this.ana.canProve(op.eq(op.floormod(combo!, typeBits), 0));
      let size = op.floordiv(combo!, typeBits);
      if (!divided) size = op.add(size, 1);
      e.newAlloc = new Allocate(e.allocVar, type, [this.ana.simplify(size)], undefined, new Evaluate(new IntImm("int32", 0)));
    }
    this.mergeTagged();
  }

  /**
   * Places the entries of one tag and attach scope side by side in one allocation of the first
   * entry's element type; the others become typed views at their offsets (TVM's tag merging).
   */
  private mergeTagged(): void {
    const groups = new Map<string, StorageEntry[]>();
    const attachIds = new Map<Stmt | null, number>();
    for (const e of this.entries) {
      if (!isSpecialTagged(e.scope) || e.constBits === 0 || e.elemType.isHandle()) continue;
      if (e.allocs.some((a) => a.alloc.dtype.lanes !== 1 || this.finder.handleUsed.has(a.alloc.bufferVar))) continue;
      if (!attachIds.has(e.attach)) attachIds.set(e.attach, attachIds.size);
      const key = `${attachIds.get(e.attach)} ${e.scope}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const [parent, ...children] = group;
      const widestElement = (e: StorageEntry): number => Math.max(...e.allocs.map((a) => storageBits(a.alloc.dtype)));
      const { offsets, totalBits } = layoutMerged(group.map((e) => ({ bits: e.constBits, elemBits: widestElement(e) })));
      const elemBits = storageBits(parent.elemType);
      children.forEach((c, k) => {
        c.mergedInto = parent;
        c.bitsOffset = offsets[k + 1];
        c.allocVar = parent.allocVar;
      });
      const extent = op.constant(Math.ceil(totalBits / elemBits), "int32");
      parent.newAlloc = new Allocate(parent.allocVar!, parent.elemType, [extent], undefined, new Evaluate(new IntImm("int32", 0)));
      this.mergedVars.add(parent.allocVar!);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The rewrite

class StoragePlanRewriter extends BufferVarMutator {
  private readonly attachMap = new Map<Stmt | null, StorageEntry[]>();

  constructor(private readonly finder: LinearAccessPatternFinder, private readonly planner: StoragePlanner) {
    super();
    for (const e of planner.entries) {
      let list = this.attachMap.get(e.attach);
      if (!list) {
        list = [];
        this.attachMap.set(e.attach, list);
      }
      list.push(e);
    }
  }

  private remap(v: Var): Var {
    const e = this.planner.allocMap.get(v);
    return e?.allocVar ?? v;
  }

  private makeAttach(list: StorageEntry[] | undefined, body: Stmt): Stmt {
    if (!list) return body;
    let out = body;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (e.mergedInto) continue;
      out = storageAttach(e.newAlloc!, e.scope, out);
    }
    return out;
  }

  run(s: Stmt): Stmt {
    return this.makeAttach(this.attachMap.get(null), this.visitStmt(s));
  }

  /** Allocations left in place keep their statement (with one flat extent); others are re-made at their scope. */
  private fixed(v: Var): AllocInfo | undefined {
    const info = this.finder.allocs.get(v);
    return info?.fixed ? info : undefined;
  }

  override visitVar(v: Var): PrimExpr { return this.remap(v); }
  protected override renameBufferVar(v: Var): Var { return this.remap(v); }

  /** An index moved by the buffer's offset in a merged allocation (in elements of `t`). */
  private shifted(v: Var, t: DataType, index: PrimExpr): PrimExpr {
    const bits = this.planner.allocMap.get(v)?.bitsOffset;
    if (!bits) return index;
    const elemBits = storageBits(t.element());
    if (bits % elemBits !== 0) {
      throw new InternalError(`storageRewrite: '${v.name}' is merged at bit offset ${bits}, which is not a whole number of its ${t.element()} elements`);
    }
    const off = op.constant(bits / elemBits, index.dtype.element());
    return op.add(index, index.dtype.lanes > 1 ? new Broadcast(off, index.dtype.lanes) : off);
  }

  override visitLoad(e: Load): PrimExpr {
    const base = super.visitLoad(e) as Load;
    const index = this.shifted(e.bufferVar, e.dtype, base.index);
    return index === base.index ? base : new Load(base.dtype, base.bufferVar, index, base.predicate);
  }

  override visitStore(s: Store): Stmt {
    const base = super.visitStore(s) as Store;
    const index = this.shifted(s.bufferVar, s.value.dtype, base.index);
    return index === base.index ? base : new Store(base.bufferVar, base.value, index, base.predicate);
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key === "storage_scope" && s.node instanceof Var && this.finder.allocs.has(s.node)) {
      if (this.fixed(s.node)) {
        const body = this.visitStmt(s.body);
        return new AttrStmt(s.node, s.key, s.value, body);
      }
      return this.visitStmt(s.body);
    }
    if (isThreadScope(s) && this.attachMap.has(s)) {
      const base = super.visitAttrStmt(s) as AttrStmt;
      return new AttrStmt(base.node, base.key, base.value, this.makeAttach(this.attachMap.get(s), base.body));
    }
    const base = super.visitAttrStmt(s) as AttrStmt;
    // An attribute naming a buffer (e.g. volatile_scope) follows it to its new memory.
    if (base.node instanceof Var && base.key !== "storage_scope") {
      const node = this.remap(base.node);
      if (node !== base.node) return new AttrStmt(node, base.key, base.value, base.body);
    }
    return base;
  }

  override visitFor(s: For): Stmt {
    if (this.attachMap.has(s)) {
      const base = super.visitFor(s) as For;
      return new For(base.loopVar, base.min, base.extent, base.forKind, this.makeAttach(this.attachMap.get(s), base.body));
    }
    return super.visitFor(s);
  }

  override visitAllocate(s: Allocate): Stmt {
    if (this.fixed(s.bufferVar)) {
      const base = super.visitAllocate(s) as Allocate;
      return new Allocate(base.bufferVar, base.dtype, [flatExtent(base.extents)], base.condition, base.body);
    }
    return this.visitStmt(s.body);
  }
}

// ---------------------------------------------------------------------------------------------
// Vector allocation types

class VectorAllocRewriter extends StmtExprMutator {
  private readonly accessTypes = new Map<Var, DataType[]>();
  private readonly ana = new Analyzer();

  /** @param keepScalar Allocations that keep their scalar type (merged tagged memory). */
  constructor(private readonly keepScalar: ReadonlySet<Var>) { super(); }

  private note(v: Var, t: DataType): void {
    let list = this.accessTypes.get(v);
    if (!list) {
      list = [];
      this.accessTypes.set(v, list);
    }
    if (!list.includes(t)) list.push(t);
  }

  override visitLoad(e: Load): PrimExpr {
    this.note(e.bufferVar, e.dtype);
    return super.visitLoad(e);
  }

  override visitStore(s: Store): Stmt {
    this.note(s.bufferVar, s.value.dtype);
    return super.visitStore(s);
  }

  override visitCall(e: Call): PrimExpr {
    if (e.op === "tir.tvm_access_ptr" && e.args.length === 5 && e.args[1] instanceof Var) this.note(e.args[1], e.args[0].dtype);
    return super.visitCall(e);
  }

  override visitAllocate(s: Allocate): Stmt {
    const base = super.visitAllocate(s) as Allocate;
    const types = this.accessTypes.get(base.bufferVar) ?? [];
    if (types.length !== 1 || this.keepScalar.has(base.bufferVar)) return base;
    const t = types[0];
    if (t.element() !== base.dtype.element() || t.lanes % base.dtype.lanes !== 0 || t.lanes === base.dtype.lanes) return base;
    const factor = t.lanes / base.dtype.lanes;
    const last = base.extents[base.extents.length - 1];
    const m = this.ana.modularSet(last);
    if (m.base % factor !== 0 || m.coeff % factor !== 0) return base;
    const extents = [...base.extents.slice(0, -1), op.div(last, op.constant(factor, last.dtype))];
    return new Allocate(base.bufferVar, t, extents, base.condition, base.body);
  }
}

export interface StorageRewriteOptions {
  /** Let a statement computing dst[i] from a dying src[i] reuse src in place (default true, as TVM). */
  detectInplace?: boolean;
}

/** Plans the function's allocations (see the header). */
export function storageRewrite(f: PrimFunc, opts: StorageRewriteOptions = {}): PrimFunc {
  checkPrimFunc(f, "storageRewrite");
  const finder = new LinearAccessPatternFinder();
  finder.visitStmt(f.body);
  const planner = new StoragePlanner(finder, opts.detectInplace ?? true);
  planner.plan();
  planner.prepareAllocs();
  let body = new StoragePlanRewriter(finder, planner).run(f.body);
  body = new VectorAllocRewriter(planner.mergedVars).visitStmt(body);
  return f.withBody(body);
}
