// Bound deduction (TVM's DeduceBound): from a comparison such as `a*4 + b < c`, the interval of
// values of one variable `a` that make it true, given sets for the other variables. Loop
// partitioning uses it to find where a guard like `likely(i*32 + j < n)` holds for all j.
// The comparison is rewritten as `expr (>=|<=|==) result` with the variable on the left, both
// sides are relaxed over `relaxMap`, then the operations on the path from the root to the
// variable (+, -, * by a value of known sign, floordiv by a positive constant) are undone one by
// one on the right-hand side. Anything else on the path, or a variable appearing more than once,
// fails: the result is then the empty set (IntSet.nothing()).

import { ArgumentError } from "../errors.js";
import {
  type BinaryExpr, type CompareExpr, IntImm, PrimExpr, Var,
} from "../ir/expr.js";
import { ExprVisitor } from "../ir/functor.js";
import * as op from "../ir/op.js";
import { Analyzer } from "./analyzer.js";
import { IntSet, NEG_INF, POS_INF, evalSet, evalSetForEachSubExpr } from "./int_set.js";

type CompareOp = "greater" | "less" | "equal";

function reverse(c: CompareOp): CompareOp {
  return c === "greater" ? "less" : c === "less" ? "greater" : "equal";
}

/** The nodes from `expr` down to `target` (by identity), or [] when `target` is absent. */
function pathTo(target: PrimExpr, expr: PrimExpr): PrimExpr[] {
  const path: PrimExpr[] = [];
  const visited = new Set<PrimExpr>();
  let found = false;
  class Finder extends ExprVisitor {
    override visitExpr(e: PrimExpr): void {
      if (visited.has(e)) return;
      visited.add(e);
      if (!found) path.push(e);
      if (e === target) found = true;
      super.visitExpr(e);
      if (!found) path.pop();
    }
  }
  new Finder().visitExpr(expr);
  return found ? path : [];
}

function countUses(target: Var, e: PrimExpr): number {
  let n = 0;
  class Counter extends ExprVisitor {
    override visitExpr(x: PrimExpr): void {
      if (x === target) n++;
      super.visitExpr(x);
    }
  }
  new Counter().visitExpr(e);
  return n;
}

class Deducer extends ExprVisitor {
  result!: PrimExpr;
  comp: CompareOp = "greater";
  ok = true;
  private expr!: PrimExpr;
  private path: PrimExpr[] = [];
  private iter = 0;
  private exprMap = new Map<PrimExpr, IntSet>();
  private readonly ana = new Analyzer();

  constructor(
    private readonly target: Var,
    private readonly cond: PrimExpr,
    private readonly hintMap: ReadonlyMap<Var, IntSet>,
    private readonly relaxMap: ReadonlyMap<Var, IntSet>,
  ) { super(); }

  deduce(): void {
    if (countUses(this.target, this.cond) !== 1) this.ok = false;
    this.transform();
    if (!this.ok) return;
    this.relax();
    if (!this.ok) return;
    this.path = pathTo(this.target, this.expr);
    if (this.path.length === 0) {
      this.ok = false;
      return;
    }
    this.exprMap = evalSetForEachSubExpr(this.expr, this.hintMap);
    this.visitExpr(this.expr);
  }

  /** Puts the side holding the variable in `expr`, the other in `result`. */
  private transform(): void {
    const c = this.cond;
    if (c.kind !== "LT" && c.kind !== "LE" && c.kind !== "GT" && c.kind !== "GE" && c.kind !== "EQ") {
      this.ok = false;
      return;
    }
    const { a, b } = c as CompareExpr;
    const onRight = pathTo(this.target, a).length === 0;
    switch (c.kind) {
      case "LT": // a < b: b >= a + 1, or a <= b - 1
        [this.comp, this.expr, this.result] = onRight ? ["greater", b, op.add(a, 1)] : ["less", a, op.sub(b, 1)];
        break;
      case "LE":
        [this.comp, this.expr, this.result] = onRight ? ["greater", b, a] : ["less", a, b];
        break;
      case "GT": // a > b: b <= a - 1, or a >= b + 1
        [this.comp, this.expr, this.result] = onRight ? ["less", b, op.sub(a, 1)] : ["greater", a, op.add(b, 1)];
        break;
      case "GE":
        [this.comp, this.expr, this.result] = onRight ? ["less", b, a] : ["greater", a, b];
        break;
      default:
        [this.comp, this.expr, this.result] = onRight ? ["equal", b, a] : ["equal", a, b];
    }
  }

  private relax(): void {
    const a = evalSet(this.expr, this.relaxMap);
    const b = evalSet(this.result, this.relaxMap);
    if (a.isEverything() || b.isEverything()) {
      this.ok = false;
      return;
    }
    // Both sides of an equality must be single values.
    if (this.comp === "equal" && (!this.ana.canProve(op.eq(b.min, b.max)) || !this.ana.canProve(op.eq(a.min, a.max)))) {
      this.ok = false;
      return;
    }
    this.expr = this.comp === "greater" ? a.min : a.max;
    this.result = this.comp === "greater" ? b.max : b.min;
  }

  override visitExpr(e: PrimExpr): void {
    if (!this.ok) return;
    if (this.iter < this.path.length && e === this.path[this.iter++]) {
      super.visitExpr(e);
    } else {
      this.ok = false;
    }
  }

  override visitCompare(e: CompareExpr): void {
    if (e.kind === "EQ" || e.kind === "NE") super.visitCompare(e);
    else this.ok = false;
  }

  override visitBinary(e: BinaryExpr): void {
    const left = e.a === this.path[this.iter];
    switch (e.kind) {
      case "Add":
        this.result = op.sub(this.result, left ? e.b : e.a);
        this.visitExpr(left ? e.a : e.b);
        return;
      case "Sub":
        if (left) {
          this.result = op.add(this.result, e.b);
        } else {
          this.result = op.neg(op.sub(this.result, e.a));
          this.comp = reverse(this.comp);
        }
        this.visitExpr(left ? e.a : e.b);
        return;
      case "Mul": {
        const operand = left ? e.b : e.a;
        const sign = operand.dtype.isUInt() ? "positive" : (this.exprMap.get(operand)?.signType() ?? "unknown");
        if (sign === "negative") {
          this.comp = reverse(this.comp);
        } else if (sign === "unknown") {
          this.ok = false;
          return;
        }
        const divided = this.ana.canProve(op.eq(op.floormod(this.result, operand), 0));
        this.result = op.floordiv(this.result, operand); // rounds down
        if (!divided) {
          if (this.comp === "greater") {
            this.result = op.add(this.result, 1); // x >= 3/2 means x >= 2
          } else if (this.comp === "equal") {
            this.ok = false; // no integer solution
            return;
          }
        }
        this.visitExpr(left ? e.a : e.b);
        return;
      }
      case "FloorDiv": {
        // floordiv(x, c) with c > 0 a constant: <= r means x <= r*c + c - 1, >= r means x >= r*c.
        if (!left || !(e.b instanceof IntImm) || e.b.value <= 0 || this.comp === "equal") {
          this.ok = false;
          return;
        }
        const c = e.b;
        this.result = this.comp === "less" ? op.add(op.mul(this.result, c), c.value - 1) : op.mul(this.result, c);
        this.visitExpr(e.a);
        return;
      }
      default:
        super.visitBinary(e);
    }
  }
}

/**
 * The values of `v` for which `cond` holds, knowing the sets of other variables (`hintMap`,
 * used for signs) and relaxing `relaxMap`'s variables to the worst case. IntSet.nothing() when
 * the bound cannot be deduced.
 */
export function deduceBound(
  v: Var,
  cond: PrimExpr,
  hintMap: ReadonlyMap<Var, IntSet> = new Map(),
  relaxMap: ReadonlyMap<Var, IntSet> = new Map(),
): IntSet {
  if (!(v instanceof Var)) throw new ArgumentError(`deduceBound: expected a Var, got ${op.describe(v)}`);
  if (!(cond instanceof PrimExpr)) throw new ArgumentError(`deduceBound: expected a condition, got ${op.describe(cond)}`);
  const d = new Deducer(v, cond, hintMap, relaxMap);
  d.deduce();
  if (!d.ok) return IntSet.nothing();
  if (d.comp === "equal") return IntSet.single(d.result);
  return d.comp === "greater" ? IntSet.interval(d.result, POS_INF) : IntSet.interval(NEG_INF, d.result);
}
