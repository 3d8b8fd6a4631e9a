// Loop unrolling (TVM's UnrollLoop, after Halide's): a loop of kind "unroll" with a constant
// extent is replaced by one copy of its body per iteration, the loop variable substituted by
// min + i; so is a serial loop with constant extent when automatic unrolling allows it: inside
// `pragma(axis, "auto_unroll_max_step", n)` (or with the `autoUnrollMaxStep` option), a loop
// with no non-unrolled loop inside it, at most `autoUnrollMaxDepth` unrolled levels deep, whose
// extent times the statements of its (already unrolled) body is at most n — or whose extent is
// at most `autoUnrollMaxExtent`. With `unrollExplicit: false` (or `pragma_unroll_explicit` = 0)
// the loops chosen are kept as `for ... "unroll"` for the C compiler to unroll instead (TVM's
// `explicit_unroll`; TVM's default, kept here, is true: loops are expanded). The pragma
// attributes that steer it are consumed. Copies that rebind a variable are renamed (SSA).
// A loop of kind "unroll" whose extent is not constant becomes serial (TVM aborts).
// Unrolling is budgeted: a function gets at most MAX_UNROLLED_STATEMENTS statements from
// unrolling (a vector statement counts once per 128-bit piece the C code splits it into), because
// C compilers take time quadratic in a function's size (gcc 12.2 -O3, 2 busy cores: 1,024
// unrolled stores about 1 s, 2,048 about 5 s, 4,096 about 15 s). An explicit unroll past the
// budget is refused, naming the loop; automatic unrolling simply stops there.

import { ArgumentError, IRError, ScheduleError } from "../errors.js";
import { IntImm, type PrimExpr, Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator, StmtExprVisitor } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { AttrStmt, Evaluate, For, SeqStmt, type Stmt, Store, BufferStore, noOp } from "../ir/stmt.js";
import { substitute } from "../ir/substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import { convertSSA } from "./convert_ssa.js";
import { checkPrimFunc } from "./check_func.js";

export interface UnrollOptions {
  /** Unroll loops automatically up to this many steps (TVM's auto_unroll_max_step; default 0). */
  autoUnrollMaxStep?: number;
  /** The deepest nest of loops unrolled automatically (default 8). */
  autoUnrollMaxDepth?: number;
  /** Unroll any loop of at most this extent (default 0: off). */
  autoUnrollMaxExtent?: number;
  /** Expand unrolled loops (default true); false keeps them as `for ... "unroll"`. */
  unrollExplicit?: boolean;
}

const INT_MAX = 2147483647;

/** The most statements unrolling may add to one function (docs/reliability.md, "Limits"). */
export const MAX_UNROLLED_STATEMENTS = 1024;

/** What a statement costs in the budget: 1, or the 128-bit pieces of a vector store's value. */
function statementWeight(value: PrimExpr): number {
  const t = value.dtype;
  return t.lanes === 1 ? 1 : Math.max(1, Math.ceil((t.lanes * t.bits) / 128));
}

/** The weighted statements of `s` (stores and evaluations; loops count their body once). */
function countStatements(s: Stmt): number {
  let n = 0;
  class Counter extends StmtExprVisitor {
    override visitExpr(): void {}
    override visitStore(x: Store): void { n += statementWeight(x.value); }
    override visitBufferStore(x: BufferStore): void { n += statementWeight(x.value); }
    override visitEvaluate(): void { n += 1; }
  }
  new Counter().visitStmt(s);
  return n;
}

function intValue(e: PrimExpr, what: string): number {
  if (e instanceof IntImm) return e.value;
  throw new IRError(`unroll: ${what} must be an integer constant, got ${e}`);
}

class LoopUnroller extends StmtExprMutator {
  private maxStep: number;
  private readonly maxDepth: number;
  private readonly maxExtent: number;
  private explicit: boolean;
  /** Loops not unrolled in the current scope. */
  private normalLoopDepth = 0;
  /** Unrolled loop levels in the current scope. */
  private unrollDepth = 0;
  /** Statements the current scope executes per iteration of its enclosing loops. */
  private stepCount = 0;
  private readonly ana = new Analyzer();
  /** Statements unrolling has added to the function so far. */
  private unrolledStatements = 0;

  constructor(opts: UnrollOptions) {
    super();
    this.maxStep = opts.autoUnrollMaxStep ?? 0;
    this.maxDepth = opts.autoUnrollMaxDepth ?? 8;
    this.maxExtent = opts.autoUnrollMaxExtent ?? 0;
    this.explicit = opts.unrollExplicit ?? true;
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key === "pragma_auto_unroll_max_step") {
      const saved = this.maxStep;
      this.maxStep = intValue(s.value, "pragma auto_unroll_max_step");
      try {
        return this.visitStmt(s.body);
      } finally {
        this.maxStep = saved;
      }
    }
    if (s.key === "pragma_unroll_explicit") {
      const saved = this.explicit;
      this.explicit = intValue(s.value, "pragma unroll_explicit") !== 0;
      try {
        return this.visitStmt(s.body);
      } finally {
        this.explicit = saved;
      }
    }
    return super.visitAttrStmt(s);
  }

  /** The loop's extent when it is a constant that fits int32, else -1. */
  private extentOf(s: For): number {
    const e = this.ana.simplify(s.extent);
    return e instanceof IntImm && e.value <= INT_MAX ? e.value : -1;
  }

  override visitFor(s: For): Stmt {
    const visited = super.visitFor(s) as For;
    const value = this.extentOf(visited);
    let autoUnroll = visited.forKind === "serial" && value >= 0 && this.normalLoopDepth === 0 &&
      this.unrollDepth <= this.maxDepth;
    autoUnroll = autoUnroll && (value * this.stepCount <= this.maxStep || value <= this.maxExtent);
    const expands = this.explicit && value > 1 && (autoUnroll || visited.forKind === "unrolled");
    const added = expands ? (value - 1) * countStatements(visited.body) : 0;
    const overBudget = this.unrolledStatements + added > MAX_UNROLLED_STATEMENTS;
    if (visited.forKind === "unrolled") {
      if (value < 0) {
        // Not a constant extent: TVM refuses; a serial loop keeps the program's meaning.
        this.normalLoopDepth += 1;
        return new For(visited.loopVar, visited.min, visited.extent, "serial", visited.body);
      }
      if (overBudget) throw new ScheduleError(this.budgetMessage(visited, value, added));
      autoUnroll = true;
    } else if (overBudget) {
      autoUnroll = false;
    }
    if (autoUnroll) {
      this.stepCount *= value;
      this.unrollDepth += 1;
    } else {
      this.normalLoopDepth += 1;
    }
    if ((autoUnroll && this.explicit) || (value >= 0 && value <= this.maxExtent && this.maxExtent === 1)) {
      return this.unroll(visited, value);
    }
    if (autoUnroll && visited.forKind !== "unrolled") {
      return new For(visited.loopVar, visited.min, visited.extent, "unrolled", visited.body);
    }
    return visited;
  }

  override visitStore(s: Store): Stmt {
    this.stepCount += 1;
    return super.visitStore(s);
  }
  override visitBufferStore(s: BufferStore): Stmt {
    this.stepCount += 1;
    return super.visitBufferStore(s);
  }
  override visitEvaluate(s: Evaluate): Stmt {
    this.stepCount += 1;
    return super.visitEvaluate(s);
  }

  override visitSeqStmt(s: SeqStmt): Stmt {
    const out = s.seq.map((x) => {
      const steps = this.stepCount;
      const unrollDepth = this.unrollDepth;
      const normalDepth = this.normalLoopDepth;
      this.stepCount = 0;
      this.unrollDepth = 0;
      this.normalLoopDepth = 0;
      const r = this.visitStmt(x);
      this.stepCount += steps;
      this.normalLoopDepth = Math.max(normalDepth, this.normalLoopDepth);
      this.unrollDepth = Math.max(unrollDepth, this.unrollDepth);
      return r;
    });
    return out.every((x, i) => x === s.seq[i]) ? s : SeqStmt.flatten(out);
  }

  private budgetMessage(s: For, value: number, added: number): string {
    const body = added / (value - 1);
    const before = this.unrolledStatements > 0 ? ` after ${this.unrolledStatements} statements unrolled elsewhere in the function` : "";
    return `unroll: loop '${s.loopVar.name}' (extent ${value}, ${body} statement${body === 1 ? "" : "s"} in its body) ` +
      `would add ${added} statements${before}; the limit is ${MAX_UNROLLED_STATEMENTS} unrolled statements per function ` +
      `(C compilers slow down quadratically past it; docs/reliability.md, "Limits"). ` +
      `Split the loop and unroll a smaller inner part, or build with unrollExplicit: false`;
  }

  private unroll(s: For, value: number): Stmt {
    if (value === 0) return noOp();
    if (value > 1) this.unrolledStatements += (value - 1) * countStatements(s.body);
    const steps: Stmt[] = [];
    for (let i = 0; i < value; i++) {
      steps.push(substitute(s.body, new Map<Var, PrimExpr>([[s.loopVar, op.add(s.min, op.constant(i, s.loopVar.dtype))]])));
    }
    return SeqStmt.flatten(steps);
  }
}

function checkCount(name: string, v: number | undefined): void {
  if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
    throw new ArgumentError(`unroll: ${name} must be a non-negative integer, got ${String(v)}`);
  }
}

/** Unrolls loops (see the header). */
export function unrollLoop(f: PrimFunc, opts: UnrollOptions = {}): PrimFunc {
  checkPrimFunc(f, "unrollLoop");
  checkCount("autoUnrollMaxStep", opts.autoUnrollMaxStep);
  checkCount("autoUnrollMaxDepth", opts.autoUnrollMaxDepth);
  checkCount("autoUnrollMaxExtent", opts.autoUnrollMaxExtent);
  const body = new LoopUnroller(opts).visitStmt(f.body);
  return f.withBody(body === f.body ? body : convertSSA(body, f.params));
}
