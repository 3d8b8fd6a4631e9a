// legalize_vector_lanes: rewrites vector statements whose lane count GCC/Clang vector extensions
// cannot express (vector_size must be a power of two: a loop of extent 3, 5, 6, 12 … vectorized)
// into a serial loop over the lanes with scalar code: in a store of a 3-lane value,
// ramp(b, s, 3) becomes b + s*lane and broadcast(v, 3) becomes v. Power-of-two vectors are
// left alone for the code generator to emit as vector types.

import { UnsupportedError } from "../errors.js";
import { DataType } from "../ir/dtype.js";
import {
  BinaryExpr, Broadcast, Call, Cast, CompareExpr, FloatImm, IntImm, Let, Load, LogicalExpr, Not, type PrimExpr, Ramp,
  Select, Var,
} from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator, StmtExprVisitor } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { Evaluate, For, LetStmt, type Stmt, Store } from "../ir/stmt.js";

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function illegal(t: DataType): boolean {
  return t.lanes > 1 && !isPow2(t.lanes);
}

/** True when `e` has a sub-expression with an illegal lane count. */
function hasIllegal(e: PrimExpr): boolean {
  let found = false;
  class V extends StmtExprVisitor {
    override visitExpr(x: PrimExpr): void {
      if (illegal(x.dtype)) found = true;
      else super.visitExpr(x);
    }
  }
  new V().visitExpr(e);
  return found;
}

type BinaryCtor = new (a: PrimExpr, b: PrimExpr) => PrimExpr;

/** Lane `lane` of the vector expression `e` (scalars are the same in every lane). */
function laneOf(e: PrimExpr, lane: Var, fname: string, lets: ReadonlyMap<Var, Var> = new Map()): PrimExpr {
  if (e.dtype.lanes === 1) return e;
  const rec = (x: PrimExpr): PrimExpr => laneOf(x, lane, fname, lets);
  // A vector let (vector math binds its steps) becomes a scalar let of the lane.
  if (e instanceof Var && lets.has(e)) return lets.get(e)!;
  if (e instanceof Let) {
    const v = new Var(e.variable.name, e.variable.dtype.element());
    const inner = new Map(lets).set(e.variable, v);
    return new Let(v, rec(e.value), laneOf(e.body, lane, fname, inner));
  }
  if (e instanceof Ramp) return op.add(e.base, op.mul(e.stride, op.cast(e.base.dtype, lane)));
  if (e instanceof Broadcast) return e.value;
  if (e instanceof IntImm) return new IntImm(e.dtype.element(), e.value);
  if (e instanceof FloatImm) return new FloatImm(e.dtype.element(), e.value);
  if (e instanceof Load) return new Load(e.dtype.element(), e.bufferVar, rec(e.index), rec(e.predicate));
  if (e instanceof BinaryExpr || e instanceof CompareExpr || e instanceof LogicalExpr) {
    return new (e.constructor as BinaryCtor)(rec(e.a), rec(e.b));
  }
  if (e instanceof Not) return new Not(rec(e.a));
  if (e instanceof Cast) return new Cast(e.dtype.element(), rec(e.value));
  if (e instanceof Select) return new Select(rec(e.condition), rec(e.trueValue), rec(e.falseValue));
  if (e instanceof Call) return new Call(e.dtype.element(), e.op, e.args.map(rec));
  throw new UnsupportedError(`legalizeVectorLanes(${fname}): cannot split the ${e.dtype} expression ${e} into lanes; use a power-of-two lane count`);
}

class LaneLegalizer extends StmtExprMutator {
  private count = 0;

  constructor(private readonly fname: string) { super(); }

  private laneVar(): Var {
    return new Var(this.count++ === 0 ? "lane" : `lane_${this.count - 1}`, "int32");
  }

  override visitStore(s: Store): Stmt {
    const lanes = Math.max(s.value.dtype.lanes, s.index.dtype.lanes);
    if (!illegal(DataType.int(32, lanes)) && !hasIllegal(s.value) && !hasIllegal(s.index)) return super.visitStore(s);
    if (!illegal(DataType.int(32, lanes))) {
      throw new UnsupportedError(`legalizeVectorLanes(${this.fname}): a ${s.value.dtype} store computes through vectors of another, non-power-of-two lane count`);
    }
    const lane = this.laneVar();
    const body = new Store(s.bufferVar, laneOf(s.value, lane, this.fname), laneOf(s.index, lane, this.fname), laneOf(s.predicate, lane, this.fname));
    return new For(lane, new IntImm("int32", 0), new IntImm("int32", lanes), "serial", body);
  }

  override visitLetStmt(s: LetStmt): Stmt {
    if (illegal(s.value.dtype)) {
      throw new UnsupportedError(`legalizeVectorLanes(${this.fname}): let '${s.variable.name}' binds a ${s.value.dtype} value; the C backend needs power-of-two lanes`);
    }
    return super.visitLetStmt(s);
  }

  override visitEvaluate(s: Evaluate): Stmt {
    if (hasIllegal(s.value)) {
      throw new UnsupportedError(`legalizeVectorLanes(${this.fname}): cannot evaluate ${s.value} with a non-power-of-two lane count`);
    }
    return super.visitEvaluate(s);
  }
}

export function legalizeVectorLanes(f: PrimFunc): PrimFunc {
  return f.withBody(new LaneLegalizer(f.name ?? "function").visitStmt(f.body));
}
