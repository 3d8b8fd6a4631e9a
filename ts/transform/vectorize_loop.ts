// Loop vectorization (TVM's VectorizeLoop, after Halide's): the body of a loop marked
// "vectorized" with constant extent n is rewritten once with its variable replaced by
// `ramp(min, 1, n)`; expressions that depend on it become n-lane vectors (ramp and broadcast
// indices, vector loads and stores, lane-wise arithmetic, selects and vectorizable intrinsic
// calls), the rest stay scalar and are broadcast where they meet a vector.
//
// Where a statement cannot be written with vectors, TVM scalarizes it — wraps that statement
// alone in `for (v.s, 0, n)` — and so does this pass: an `if` (or if_then_else) whose condition
// depends on the lane, a call that is not vectorizable (a packed call, call_extern, …) with
// lane-dependent arguments, a broadcast of a vector, an inner loop or allocation whose bounds
// depend on the lane. Beyond TVM, it keeps results the same as the serial loop's:
//  - a statement with a side-effecting call (packed, extern) is always scalarized, so the call
//    runs once per lane as in the serial loop (TVM keeps a lane-independent call and runs it once);
//  - the whole loop stays serial when lanes could touch the same memory location of a buffer the
//    body writes (a loop-carried dependence, a store to a lane-independent index, a buffer handle
//    passed to a call), when the extent is not a constant (TVM aborts), or when vector lanes do
//    not match.
// A `while` loop inside a vectorized loop is refused with an Error naming the loop, as TVM
// refuses it. Vector stores and loads already in the body (irBuilder's
// `bufferPtr(buf, "float32x4")`) widen: `ramp(j*4, 1, 4)` over 4 lanes of j is `ramp(0, 1, 16)`.
// An allocation inside the loop gets one copy per lane, unless its handle is passed to a call
// (an extern's buffer): then the loop stays serial, since the callee would not see the copies.
// With `disableVectorize` every vectorized loop becomes serial (TVM's VectorizeSkipper). A
// vectorized loop nested in another one runs serially inside the outer vector body.
// A vectorized loop of more than MAX_VECTOR_LANES iterations is refused (the C compiler's time
// grows quadratically with the statements a wide vector splits into: 65,536 float32 lanes took
// gcc 12 -O3 tens of seconds); the message names the loop and says to split it first.

import { InternalError, ScheduleError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import {
  type BinaryExpr, Broadcast, type BufferLoad, Call, Cast, type CompareExpr, IntImm, Let, Load,
  type LogicalExpr, Not, type PrimExpr, type ProducerLoad, Ramp, type Reduce, Select, Shuffle, Var,
  Mul, Div, Mod, FloorDiv, FloorMod, Min, Max, EQ, NE, LT, LE, GT, GE, And, Or,
} from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { isVectorizable } from "../ir/intrinsics.js";
import { Range } from "../ir/iter_var.js";
import { StmtExprMutator, StmtExprVisitor } from "../ir/functor.js";
import * as op from "../ir/op.js";
import {
  Allocate, AssertStmt, AttrStmt, type BufferRealize, type BufferStore, For, IfThenElse, LetStmt,
  type ProducerRealize, type ProducerStore, type Stmt, Store, type While,
} from "../ir/stmt.js";
import { substitute, usesVar } from "../ir/substitute.js";
import { structuralEqual } from "../ir/structural_equal.js";
import { Analyzer } from "../arith/analyzer.js";
import { detectLinearEquation } from "../arith/detect_linear_equation.js";
import { IntSet, evalSet } from "../arith/int_set.js";
import { hasSideEffect } from "./remove_no_op.js";
import { checkPrimFunc } from "./check_func.js";

export interface VectorizeOptions {
  /** Turn vectorized loops into serial ones (TVM's `tir.disable_vectorize`). */
  disableVectorize?: boolean;
}

/** The widest vector a loop may be vectorized into (docs/reliability.md, "Limits"). */
export const MAX_VECTOR_LANES = 1024;

/** Thrown inside the vectorizer when the whole loop must stay serial. */
class GiveUp {
  constructor(readonly reason: string) {}
}

function broadcastTo(e: PrimExpr, lanes: number): PrimExpr {
  if (e.dtype.lanes === lanes) return e;
  if (e instanceof Broadcast && lanes % e.lanes === 0) return new Broadcast(e.value, lanes);
  // The all-lanes predicate of a vector load or store: a constant of every width.
  if (e instanceof IntImm && e.dtype.lanes > 1 && lanes % e.dtype.lanes === 0) return new IntImm(e.dtype.withLanes(lanes), e.value);
  if (e.dtype.lanes !== 1) throw new GiveUp(`cannot broadcast ${e.dtype} to ${lanes} lanes`);
  return new Broadcast(e, lanes);
}

/** Lane i of `e` (a vector, or a scalar used for every lane). */
function extractElement(e: PrimExpr, i: number): PrimExpr {
  if (e.dtype.lanes === 1) return e;
  if (e instanceof Broadcast) return e.value;
  return new Shuffle([e], [i]);
}

type BinaryCtor = new (a: PrimExpr, b: PrimExpr) => PrimExpr;
const BINARY: Record<string, BinaryCtor> = {
  Div, Mod, FloorDiv, FloorMod, Min, Max, EQ, NE, LT, LE, GT, GE, And, Or,
};

// ---------------------------------------------------------------------------------------------
// Legality: can lanes of the loop touch the same location of a buffer the body writes?

interface Access {
  index: PrimExpr;
  write: boolean;
  /** Variables bound inside the vectorized body (inner loops, lets) when the access happens. */
  inner: readonly Var[];
  innerRanges: ReadonlyMap<Var, { min: PrimExpr; extent: PrimExpr }>;
}

class AccessCollector extends StmtExprVisitor {
  readonly accesses = new Map<Var, Access[]>();
  readonly opaque = new Set<Var>();
  readonly innerAllocs = new Set<Var>();
  private readonly inner: Var[] = [];
  private readonly innerRanges = new Map<Var, { min: PrimExpr; extent: PrimExpr }>();

  private add(buf: Var, index: PrimExpr, write: boolean): void {
    let list = this.accesses.get(buf);
    if (!list) {
      list = [];
      this.accesses.set(buf, list);
    }
    const inner = [...this.inner];
    const innerRanges = new Map(this.innerRanges);
    // A vector access already in the body (a store through bufferPtr(buf, "float32x4")) touches
    // base + stride*k for k over its lanes: k is one more inner loop variable.
    if (index instanceof Ramp && index.base.dtype.lanes === 1 && index.stride.dtype.lanes === 1) {
      const k = new Var("lane", index.base.dtype);
      inner.push(k);
      innerRanges.set(k, { min: new IntImm(index.base.dtype, 0), extent: new IntImm(index.base.dtype, index.lanes) });
      index = op.add(index.base, op.mul(index.stride, k));
    }
    list.push({ index, write, inner, innerRanges });
  }

  override visitVar(v: Var): void {
    if (v.dtype.isHandle()) this.opaque.add(v);
  }
  override visitLoad(e: Load): void {
    this.add(e.bufferVar, e.index, false);
    this.visitExpr(e.index);
    this.visitExpr(e.predicate);
  }
  override visitStore(s: Store): void {
    this.add(s.bufferVar, s.index, true);
    this.visitExpr(s.value);
    this.visitExpr(s.index);
    this.visitExpr(s.predicate);
  }
  override visitFor(s: For): void {
    this.visitExpr(s.min);
    this.visitExpr(s.extent);
    this.inner.push(s.loopVar);
    this.innerRanges.set(s.loopVar, { min: s.min, extent: s.extent });
    this.visitStmt(s.body);
    this.innerRanges.delete(s.loopVar);
    this.inner.pop();
  }
  override visitLetStmt(s: LetStmt): void {
    this.visitExpr(s.value);
    this.inner.push(s.variable);
    this.visitStmt(s.body);
    this.inner.pop();
  }
  override visitLet(e: Let): void {
    this.visitExpr(e.value);
    this.inner.push(e.variable);
    this.visitExpr(e.body);
    this.inner.pop();
  }
  override visitAllocate(s: Allocate): void {
    this.innerAllocs.add(s.bufferVar);
    super.visitAllocate(s);
  }
  override visitAttrStmt(s: AttrStmt): void {
    // The storage_scope node names an allocation; that is not a use of its memory.
    if (s.key !== "storage_scope" && s.node instanceof Var && s.node.dtype.isHandle()) this.opaque.add(s.node);
    super.visitAttrStmt(s);
  }
}

/** Why lanes of the loop over `v` (from `min`, `lanes` lanes) may conflict in memory, or undefined. */
function laneConflict(body: Stmt, v: Var, min: PrimExpr, lanes: number): string | undefined {
  const c = new AccessCollector();
  c.visitStmt(body);
  for (const [buf, list] of c.accesses) {
    if (c.innerAllocs.has(buf)) continue; // one copy per lane after vectorizing
    if (!list.some((a) => a.write)) continue;
    if (c.opaque.has(buf)) return `buffer '${buf.name}' is written and also used as a handle`;
    for (const w of list) {
      if (!w.write) continue;
      for (const r of list) {
        const why = pairConflict(w, r, v, min, lanes);
        if (why) return `buffer '${buf.name}': ${why}`;
      }
    }
  }
  return undefined;
}

/** True when the locations `w` and `r` can touch, over all lanes and inner loops, provably do not meet. */
function disjoint(w: Access, r: Access, v: Var, min: PrimExpr, lanes: number): boolean {
  const dom = (acc: Access): Map<Var, IntSet> => {
    const m = new Map<Var, IntSet>([[v, IntSet.interval(min, op.add(min, lanes - 1))]]);
    for (const [x, rng] of acc.innerRanges) m.set(x, IntSet.interval(rng.min, op.sub(op.add(rng.min, rng.extent), 1)));
    return m;
  };
  const sw = evalSet(w.index, dom(w));
  const sr = evalSet(r.index, dom(r));
  if (!sw.hasLowerBound() || !sw.hasUpperBound() || !sr.hasLowerBound() || !sr.hasUpperBound()) return false;
  const ana = new Analyzer();
  return ana.canProve(op.lt(sw.maxValue(), sr.minValue())) || ana.canProve(op.lt(sr.maxValue(), sw.minValue()));
}

function pairConflict(w: Access, r: Access, v: Var, min: PrimExpr, lanes: number): string | undefined {
  const why = `index ${w.index} against ${r.index}`;
  if (w !== r && disjoint(w, r, v, min, lanes)) return undefined;
  const lw = detectLinearEquation(w.index, [v]);
  const lr = detectLinearEquation(r.index, [v]);
  if (!lw || !lr) return `index ${w.index} or ${r.index} is not linear in ${v.name}`;
  const [a, b] = lw;
  const [c, d] = lr;
  const inner = new Set([...w.inner, ...r.inner]);
  const usesInner = (e: PrimExpr): boolean => usesVar(e, (x) => inner.has(x));
  if (usesInner(a) || usesInner(c)) return `the stride of ${v.name} depends on an inner loop`;
  const ana = new Analyzer();
  if (!(a instanceof IntImm) || !(c instanceof IntImm)) {
    // Symbolic stride: only identical accesses with a non-zero stride are safe.
    if (!structuralEqual(w.index, r.index) || usesInner(b)) return why;
    if (!ana.canProve(op.ne(a, 0))) return `the stride of ${v.name} in ${w.index} may be zero`;
    return undefined;
  }
  // Lanes p != q meet when a*(min + p) + b(i) == c*(min + q) + d(i'), i.e. a*p - c*q == d(i') - b(i) + (c - a)*min,
  // where the inner loop variables may differ between the two accesses.
  let dr = d;
  const copies = new Map<Var, PrimExpr>();
  for (const x of r.inner) {
    if (w.inner.includes(x)) copies.set(x, x.copyWithSuffix("'"));
  }
  if (copies.size > 0) dr = substitute(d, copies);
  for (const [x, rng] of w.innerRanges) bindRange(ana, x, rng);
  for (const [x, rng] of r.innerRanges) bindRange(ana, (copies.get(x) as Var | undefined) ?? x, rng);
  let rhs = op.sub(dr, b);
  if (a.value !== c.value) {
    if (!(min instanceof IntImm)) return why;
    rhs = op.add(rhs, (c.value - a.value) * min.value);
  }
  const diff = ana.simplify(rhs);
  const bound = ana.constIntBound(diff);
  const mod = ana.modularSet(diff);
  const possible = (x: number): boolean => {
    if (x < bound.minValue || x > bound.maxValue) return false;
    if (mod.coeff === 0) return x === mod.base;
    return (((x - mod.base) % mod.coeff) + mod.coeff) % mod.coeff === 0;
  };
  if (a.value === c.value) {
    for (let k = 1; k < lanes; k++) {
      if (possible(a.value * k) || possible(-a.value * k)) return why;
    }
    return undefined;
  }
  if (lanes > 64) return why;
  for (let p = 0; p < lanes; p++) {
    for (let q = 0; q < lanes; q++) {
      if (p !== q && possible(a.value * p - c.value * q)) return why;
    }
  }
  return undefined;
}

function bindRange(ana: Analyzer, x: Var, r: { min: PrimExpr; extent: PrimExpr }): void {
  if (r.min instanceof IntImm && r.extent instanceof IntImm && r.extent.value >= 1) {
    ana.bind(x, new Range(r.min, r.extent), true);
  }
}

// ---------------------------------------------------------------------------------------------
// The vectorizer of one loop body.

/** Whether `body` uses the handle `buf` other than as the buffer of a load or store. */
function handleUsed(body: Stmt, buf: Var): boolean {
  let used = false;
  class Finder extends StmtExprVisitor {
    override visitVar(v: Var): void {
      if (v === buf) used = true;
    }
  }
  new Finder().visitStmt(body);
  return used;
}

class VecAllocAccess extends StmtExprMutator {
  /** `lane` is the lane number (the loop variable minus the loop's min). */
  constructor(private readonly buf: Var, private readonly lane: PrimExpr, private readonly lanes: number) { super(); }
  override visitLoad(e: Load): PrimExpr {
    const base = super.visitLoad(e) as Load;
    if (base.bufferVar !== this.buf) return base;
    return new Load(base.dtype, base.bufferVar, op.add(op.mul(base.index, this.lanes), this.lane), base.predicate);
  }
  override visitStore(s: Store): Stmt {
    const base = super.visitStore(s) as Store;
    if (base.bufferVar !== this.buf) return base;
    return new Store(base.bufferVar, base.value, op.add(op.mul(base.index, this.lanes), this.lane), base.predicate);
  }
}

class Vectorizer extends StmtExprMutator {
  private readonly ramp: Ramp;
  private needScalarize = false;
  private readonly letBinding = new Map<Var, PrimExpr>();
  /** Let variables whose value became a vector (a scalarized statement cannot use them). */
  private readonly vectorLets = new Map<Var, PrimExpr>();
  private readonly ana = new Analyzer();

  constructor(private readonly v: Var, private readonly min: PrimExpr, private readonly lanes: number) {
    super();
    this.ramp = new Ramp(min, op.constant(1, min.dtype), lanes);
  }

  override visitStmt(s: Stmt): Stmt {
    if (this.needScalarize) throw new InternalError("vectorize: scalarization pending", { ir: s });
    const ret = super.visitStmt(s);
    if (this.needScalarize) {
      this.needScalarize = false;
      return this.scalarize(s);
    }
    return ret;
  }

  private scalarize(s: Stmt): Stmt {
    const idx = new Var(`${this.v.name}.s`, this.v.dtype);
    const lane = new Map<Var, PrimExpr>([[this.v, op.add(this.min, idx)]]);
    // Let variables made vectors around this statement are bound again, per lane, to their
    // scalar values (and those they depend on), under fresh copies.
    const lets = [...this.vectorLets];
    const needed = new Set<Var>();
    const uses = (n: Stmt | PrimExpr): void => {
      for (const [x] of lets) if (!needed.has(x) && usesVar(n, (u) => u === x)) needed.add(x);
    };
    uses(s);
    for (let i = lets.length - 1; i >= 0; i--) if (needed.has(lets[i][0])) uses(lets[i][1]);
    const rebinds: [Var, PrimExpr][] = [];
    for (const [x, value] of lets) {
      if (!needed.has(x)) continue;
      const copy = x.copyWithSuffix();
      rebinds.push([copy, substitute(value, lane)]);
      lane.set(x, copy);
    }
    let body = substitute(s, lane);
    for (let i = rebinds.length - 1; i >= 0; i--) body = new LetStmt(rebinds[i][0], rebinds[i][1], body);
    return new For(idx, new IntImm(this.v.dtype, 0), new IntImm(this.v.dtype, this.lanes), "serial", body);
  }

  // ---- expressions

  override visitVar(e: Var): PrimExpr {
    if (e === this.v) return this.ramp;
    return this.letBinding.get(e) ?? e;
  }

  override visitBinary(e: BinaryExpr): PrimExpr {
    switch (e.kind) {
      case "Add": return this.addSub(e, op.add);
      case "Sub": return this.addSub(e, op.sub);
      case "Mul": return this.mulVec(e);
      default: return this.binaryVec(e, BINARY[e.kind]);
    }
  }
  override visitCompare(e: CompareExpr): PrimExpr { return this.binaryVec(e, BINARY[e.kind]); }
  override visitLogical(e: LogicalExpr): PrimExpr { return this.binaryVec(e, BINARY[e.kind]); }

  private binaryVec(e: { a: PrimExpr; b: PrimExpr }, ctor: BinaryCtor): PrimExpr {
    const a = this.visitExpr(e.a);
    const b = this.visitExpr(e.b);
    if (a === e.a && b === e.b) return e as unknown as PrimExpr;
    const lanes = Math.max(a.dtype.lanes, b.dtype.lanes);
    return new ctor(broadcastTo(a, lanes), broadcastTo(b, lanes));
  }

  private addSub(e: BinaryExpr, f: (a: PrimExpr, b: PrimExpr) => PrimExpr): PrimExpr {
    const a = this.visitExpr(e.a);
    const b = this.visitExpr(e.b);
    if (a === e.a && b === e.b) return e;
    const lanes = Math.max(a.dtype.lanes, b.dtype.lanes);
    if (lanes !== 1) {
      if (a.dtype.lanes === 1 && b instanceof Ramp) {
        return new Ramp(f(a, b.base), f(op.constant(0, b.stride.dtype), b.stride), b.lanes);
      }
      if (b.dtype.lanes === 1 && a instanceof Ramp) return new Ramp(f(a.base, b), a.stride, a.lanes);
    }
    return f(broadcastTo(a, lanes), broadcastTo(b, lanes));
  }

  private mulVec(e: BinaryExpr): PrimExpr {
    const a = this.visitExpr(e.a);
    const b = this.visitExpr(e.b);
    if (a === e.a && b === e.b) return e;
    const lanes = Math.max(a.dtype.lanes, b.dtype.lanes);
    if (lanes !== 1) {
      if (a instanceof Ramp && b.dtype.lanes === 1 && this.ana.canProve(op.gt(b, 0))) {
        return new Ramp(op.mul(a.base, b), op.mul(a.stride, b), a.lanes);
      }
      if (b instanceof Ramp && a.dtype.lanes === 1 && this.ana.canProve(op.gt(a, 0))) {
        return new Ramp(op.mul(b.base, a), op.mul(b.stride, a), b.lanes);
      }
    }
    return new Mul(broadcastTo(a, lanes), broadcastTo(b, lanes));
  }

  override visitNot(e: Not): PrimExpr {
    const a = this.visitExpr(e.a);
    return a === e.a ? e : op.logicalNot(a);
  }

  override visitRamp(e: Ramp): PrimExpr {
    const base = this.visitExpr(e.base);
    const stride = this.visitExpr(e.stride);
    if (base === e.base && stride === e.stride) return e;
    if (base.dtype.lanes > 1 && stride.dtype.lanes === 1 && base instanceof Ramp &&
        this.ana.canProve(op.eq(base.stride, op.mul(stride, e.lanes)))) {
      return new Ramp(base.base, stride, e.lanes * base.lanes);
    }
    const lanes = Math.max(base.dtype.lanes, stride.dtype.lanes);
    const b = broadcastTo(base, lanes);
    const s = broadcastTo(stride, lanes);
    const elems: PrimExpr[] = [];
    for (let i = 0; i < lanes; i++) elems.push(new Ramp(extractElement(b, i), extractElement(s, i), e.lanes));
    return new Shuffle(elems, Array.from({ length: lanes * e.lanes }, (_, i) => i));
  }

  override visitBroadcast(e: Broadcast): PrimExpr {
    const value = this.visitExpr(e.value);
    if (value.dtype.lanes !== 1) {
      this.needScalarize = true;
      return e;
    }
    return value === e.value ? e : new Broadcast(value, e.lanes);
  }

  override visitShuffle(e: Shuffle): PrimExpr {
    const vs = e.vectors.map((x) => this.visitExpr(x));
    if (vs.some((x, i) => x.dtype.lanes !== e.vectors[i].dtype.lanes)) {
      this.needScalarize = true;
      return e;
    }
    return vs.every((x, i) => x === e.vectors[i]) ? e : new Shuffle(vs, e.indices);
  }

  override visitSelect(e: Select): PrimExpr {
    const c = this.visitExpr(e.condition);
    const t = this.visitExpr(e.trueValue);
    const f = this.visitExpr(e.falseValue);
    if (c === e.condition && t === e.trueValue && f === e.falseValue) return e;
    const lanes = Math.max(c.dtype.lanes, t.dtype.lanes, f.dtype.lanes);
    return new Select(c, broadcastTo(t, lanes), broadcastTo(f, lanes));
  }

  override visitCast(e: Cast): PrimExpr {
    const value = this.visitExpr(e.value);
    return value === e.value ? e : new Cast(e.dtype.withLanes(value.dtype.lanes), value);
  }

  override visitCall(e: Call): PrimExpr {
    if (e.op === "tir.if_then_else" && e.args.length === 3) {
      const c = this.visitExpr(e.args[0]);
      if (c.dtype.lanes > 1) {
        this.needScalarize = true;
        return e;
      }
      const t = this.visitExpr(e.args[1]);
      const f = this.visitExpr(e.args[2]);
      if (c === e.args[0] && t === e.args[1] && f === e.args[2]) return e;
      const lanes = Math.max(t.dtype.lanes, f.dtype.lanes);
      return new Call(e.dtype.withLanes(lanes), e.op, [c, broadcastTo(t, lanes), broadcastTo(f, lanes)]);
    }
    if (isVectorizable(e.op)) {
      const args = e.args.map((x) => this.visitExpr(x));
      if (args.every((x, i) => x === e.args[i])) return e;
      const lanes = Math.max(...args.map((x) => x.dtype.lanes));
      return new Call(e.dtype.withLanes(lanes), e.op, args.map((x) => broadcastTo(x, lanes)));
    }
    // Not vectorizable: lane-dependent arguments, or a side effect to run once per lane.
    if (hasSideEffect(e)) {
      this.needScalarize = true;
      return e;
    }
    const args: PrimExpr[] = [];
    for (const x of e.args) {
      const nx = this.visitExpr(x);
      if (nx.dtype.lanes > 1 && x.dtype.lanes === 1) {
        this.needScalarize = true;
        return e;
      }
      args.push(nx);
    }
    return args.every((x, i) => x === e.args[i]) ? e : new Call(e.dtype, e.op, args);
  }

  override visitLoad(e: Load): PrimExpr {
    const index = this.visitExpr(e.index);
    const pred = this.visitExpr(e.predicate);
    if (index === e.index && pred === e.predicate) return e;
    const lanes = Math.max(index.dtype.lanes, pred.dtype.lanes);
    return new Load(e.dtype.withLanes(lanes), e.bufferVar, broadcastTo(index, lanes), broadcastTo(pred, lanes));
  }

  /**
   * Binds a let's variable for its body: itself, or a new vector variable when vectorizing made
   * its value (`original` before) a vector.
   */
  private bindLet(variable: Var, value: PrimExpr, original: PrimExpr): Var {
    if (value.dtype.lanes === original.dtype.lanes) {
      this.letBinding.set(variable, variable);
      return variable;
    }
    const nv = new Var(variable.name, value.dtype);
    this.letBinding.set(variable, nv);
    this.vectorLets.set(variable, original);
    return nv;
  }

  override visitLet(e: Let): PrimExpr {
    const value = this.visitExpr(e.value);
    const known = this.letBinding.get(e.variable);
    if (known !== undefined && known !== e.variable && !structuralEqual(known, value)) {
      throw new GiveUp(`let '${e.variable.name}' is bound to two different values`);
    }
    const v = this.bindLet(e.variable, value, e.value);
    const body = this.visitExpr(e.body);
    return v === e.variable && value === e.value && body === e.body ? e : new Let(v, value, body);
  }

  override visitBufferLoad(_e: BufferLoad): PrimExpr { throw new GiveUp("the body is not flattened (a buffer load)"); }
  override visitProducerLoad(_e: ProducerLoad): PrimExpr { throw new GiveUp("the body is not flattened (a producer load)"); }
  override visitReduce(e: Reduce): PrimExpr {
    throw new GiveUp(`a reduction expression (${e}) is left in the body`);
  }
  override visitBufferStore(_s: BufferStore): Stmt { throw new GiveUp("the body is not flattened (a buffer store)"); }
  override visitBufferRealize(_s: BufferRealize): Stmt { throw new GiveUp("the body is not flattened (a realize)"); }
  override visitProducerStore(_s: ProducerStore): Stmt { throw new GiveUp("the body is not flattened (a producer store)"); }
  override visitProducerRealize(_s: ProducerRealize): Stmt { throw new GiveUp("the body is not flattened (a producer realize)"); }

  // ---- statements

  override visitStore(s: Store): Stmt {
    const value = this.visitExpr(s.value);
    const index = this.visitExpr(s.index);
    const pred = this.visitExpr(s.predicate);
    if (value === s.value && index === s.index && pred === s.predicate) return s;
    const lanes = Math.max(value.dtype.lanes, index.dtype.lanes, pred.dtype.lanes);
    return new Store(s.bufferVar, broadcastTo(value, lanes), broadcastTo(index, lanes), broadcastTo(pred, lanes));
  }

  /** After visiting a statement's own expressions: true when the statement must run lane by lane. */
  private headerScalar(exprs: PrimExpr[]): boolean {
    const vector = exprs.some((x) => x.dtype.lanes > 1);
    if (vector || this.needScalarize) {
      this.needScalarize = false;
      return true;
    }
    return false;
  }

  override visitFor(s: For): Stmt {
    const min = this.visitExpr(s.min);
    const extent = this.visitExpr(s.extent);
    if (this.headerScalar([min, extent])) return this.scalarize(s);
    const body = this.visitStmt(s.body);
    const kind = s.forKind === "vectorized" ? "serial" : s.forKind;
    if (min === s.min && extent === s.extent && body === s.body && kind === s.forKind) return s;
    return new For(s.loopVar, min, extent, kind, body);
  }

  override visitIfThenElse(s: IfThenElse): Stmt {
    const cond = this.visitExpr(s.condition);
    if (this.headerScalar([cond])) return this.scalarize(s);
    const t = this.visitStmt(s.thenCase);
    const e = s.elseCase ? this.visitStmt(s.elseCase) : undefined;
    if (cond === s.condition && t === s.thenCase && e === s.elseCase) return s;
    return new IfThenElse(cond, t, e);
  }

  override visitWhile(_s: While): Stmt {
    throw new GiveUp("the body holds a while loop");
  }

  override visitLetStmt(s: LetStmt): Stmt {
    const value = this.visitExpr(s.value);
    if (this.needScalarize) {
      this.needScalarize = false;
      return this.scalarize(s);
    }
    if (this.letBinding.has(s.variable)) throw new GiveUp(`let '${s.variable.name}' is bound twice`);
    const v = this.bindLet(s.variable, value, s.value);
    const body = this.visitStmt(s.body);
    return v === s.variable && value === s.value && body === s.body ? s : new LetStmt(v, value, body);
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    const value = this.visitExpr(s.value);
    if (this.headerScalar([value])) return this.scalarize(s);
    const body = this.visitStmt(s.body);
    return value === s.value && body === s.body ? s : new AttrStmt(s.node, s.key, value, body);
  }

  override visitAssertStmt(s: AssertStmt): Stmt {
    const cond = this.visitExpr(s.condition);
    const message = this.visitExpr(s.message);
    if (this.headerScalar([cond, message])) return this.scalarize(s);
    const body = this.visitStmt(s.body);
    if (cond === s.condition && message === s.message && body === s.body) return s;
    return new AssertStmt(cond, message, body);
  }

  override visitAllocate(s: Allocate): Stmt {
    const cond = this.visitExpr(s.condition);
    const extents = s.extents.map((x) => this.visitExpr(x));
    if (this.headerScalar([cond, ...extents])) return this.scalarize(s);
    // Per-lane copies change the buffer's layout, which only its loads and stores are rewritten
    // for: a buffer whose handle goes elsewhere (an extern's packed call) keeps the loop serial.
    if (handleUsed(s.body, s.bufferVar)) throw new GiveUp(`allocation '${s.bufferVar.name}' is passed to a call by its handle`);
    // Each lane gets its own copy: the lane index becomes the fastest dimension.
    const rewritten = new VecAllocAccess(s.bufferVar, op.sub(this.v, this.min), this.lanes).visitStmt(s.body);
    const body = this.visitStmt(rewritten);
    return new Allocate(s.bufferVar, s.dtype, [...extents, new IntImm(DataType.int32(), this.lanes)], cond, body);
  }
}

/** Whether `s` holds a while loop. */
function holdsWhile(s: Stmt): boolean {
  let found = false;
  class Finder extends StmtExprVisitor {
    override visitExpr(): void {}
    override visitWhile(): void { found = true; }
  }
  new Finder().visitStmt(s);
  return found;
}

class LoopVectorizer extends StmtExprMutator {
  constructor(private readonly disabled: boolean) { super(); }

  override visitFor(s: For): Stmt {
    if (s.forKind !== "vectorized") return super.visitFor(s);
    const serial = (): Stmt => {
      const body = this.visitStmt(s.body);
      return new For(s.loopVar, s.min, s.extent, "serial", body);
    };
    if (this.disabled) return serial();
    if (!(s.extent instanceof IntImm) || s.extent.value < 1) return serial();
    const lanes = s.extent.value;
    if (lanes === 1) return this.visitStmt(substitute(s.body, new Map([[s.loopVar, s.min]])));
    if (lanes > MAX_VECTOR_LANES) {
      throw new ScheduleError(
        `vectorize: loop '${s.loopVar.name}' has extent ${lanes}, more than the ${MAX_VECTOR_LANES} vector lanes allowed ` +
        `(docs/reliability.md, "Limits"); split it first and vectorize the inner axis ` +
        `(const [o, i] = stage.split(axis, {factor: 16}); stage.vectorize(i))`);
    }
    if (holdsWhile(s.body)) {
      throw new ScheduleError(
        `vectorize: loop '${s.loopVar.name}' holds a while loop; a while loop inside a vectorized loop is not supported ` +
        `(as in TVM): make '${s.loopVar.name}' serial, or move the while loop out of it`);
    }
    if (laneConflict(s.body, s.loopVar, s.min, lanes) !== undefined) return serial();
    try {
      return new Vectorizer(s.loopVar, s.min, lanes).visitStmt(s.body);
    } catch (err) {
      if (err instanceof GiveUp) return serial();
      throw err;
    }
  }
}

/** Why the vectorized loop `s` would stay serial, or undefined when it vectorizes (for tests and docs). */
export function explainVectorize(s: For): string | undefined {
  if (!(s.extent instanceof IntImm)) return `the extent ${s.extent} is not a constant`;
  if (s.extent.value < 1) return `the extent ${s.extent.value} is not positive`;
  if (holdsWhile(s.body)) return "the body holds a while loop (vectorizeLoop refuses it)";
  const conflict = laneConflict(s.body, s.loopVar, s.min, s.extent.value);
  if (conflict) return conflict;
  try {
    new Vectorizer(s.loopVar, s.min, s.extent.value).visitStmt(s.body);
  } catch (err) {
    if (err instanceof GiveUp) return err.reason;
    throw err;
  }
  return undefined;
}

/** Vectorizes the loops marked "vectorized" (see the header). */
export function vectorizeLoop(f: PrimFunc, opts: VectorizeOptions = {}): PrimFunc {
  checkPrimFunc(f, "vectorizeLoop");
  return f.withBody(new LoopVectorizer(opts.disableVectorize ?? false).visitStmt(f.body));
}
