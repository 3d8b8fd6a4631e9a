// Canonical-form simplification of index expressions (TVM's CanonicalSimplifier). Integer
// additions, subtractions and multiplications by constants are collected into a sum of scaled
// "split" terms, each ((index mod upper) div lower) * scale, plus a constant base. Dividing or
// taking the remainder by a positive constant then splits the sum into the part divisible by it
// and the rest, which is how floordiv(i*8 + j, 8) becomes i and floormod(i*8 + j, 8) becomes j
// when 0 <= j < 8. Terms are merged when they denote the same index, ordered by decreasing scale,
// and printed positive terms first, then the constant, then subtracted negative terms, which
// reproduces TVM's text, e.g. ((i*4 + j)*8 + k) -> (((i*32) + (j*8)) + k).
// Everything that is not an index add/sub/mul/div/mod goes through the rewrite rules.

import { InternalError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import {
  type Add, Div, FloorDiv, FloorMod, IntImm, Mod, Mul, PrimExpr, Reduce, Select, type Sub, type Var,
} from "../ir/expr.js";
import * as op from "../ir/op.js";
import { structuralEqual } from "../ir/structural_equal.js";
import { substitute } from "../ir/substitute.js";
import { tryConstFold } from "./const_fold.js";
import { floorDiv, floorMod, truncDiv, truncMod } from "./int_operator.js";
import { isIndexType, RewriteSimplifier } from "./rewrite_simplifier.js";

const TRUNC = 0;
const FLOOR = 1;
type DivMode = typeof TRUNC | typeof FLOOR;

function modImpl(a: PrimExpr, b: PrimExpr, mode: DivMode): PrimExpr {
  return mode === TRUNC ? op.truncmod(a, b) : op.floormod(a, b);
}
function divImpl(a: PrimExpr, b: PrimExpr, mode: DivMode): PrimExpr {
  return mode === TRUNC ? op.div(a, b) : op.floordiv(a, b);
}

interface SplitFields {
  index: PrimExpr;
  lowerFactor: number;
  upperFactor: number;
  scale: number;
  divMode: DivMode;
}

/** ((index mod upperFactor) div lowerFactor) * scale; upperFactor is Infinity when absent. */
class SplitExpr {
  constructor(
    readonly dtype: DataType,
    readonly index: PrimExpr,
    readonly lowerFactor = 1,
    readonly upperFactor = Infinity,
    readonly scale = 1,
    readonly divMode: DivMode = TRUNC,
  ) {}

  with(p: Partial<SplitFields>): SplitExpr {
    return new SplitExpr(this.dtype, p.index ?? this.index, p.lowerFactor ?? this.lowerFactor,
      p.upperFactor ?? this.upperFactor, p.scale ?? this.scale, p.divMode ?? this.divMode);
  }

  normalizeWithScale(sscale: number): PrimExpr {
    if (this.scale === 0) return op.constant(0, this.dtype);
    let res = this.index;
    if (this.upperFactor !== Infinity) res = modImpl(res, op.constant(this.upperFactor, this.dtype), this.divMode);
    if (this.lowerFactor !== 1) res = divImpl(res, op.constant(this.lowerFactor, this.dtype), this.divMode);
    const s = sscale * this.scale;
    if (s !== 1) res = op.mul(res, op.constant(s, this.dtype));
    return res;
  }

  normalize(): PrimExpr { return this.normalizeWithScale(1); }

  indexEqual(o: SplitExpr): boolean {
    return this.index === o.index || structuralEqual(this.index, o.index);
  }

  divModeCompatibleTo(mode: DivMode): boolean {
    return this.divMode === mode || (this.lowerFactor === 1 && this.upperFactor === Infinity);
  }

  /**
   * Positive factors. A split can get a negative factor (floormod(x * -1, 2) is
   * floormod(x, -2) * -1); the factor algebra below only holds for positive ones, so such a
   * split is treated as an opaque index.
   */
  isPlain(): boolean {
    return this.lowerFactor > 0 && this.upperFactor > 0;
  }
}

/** sum(args) + base. Args with the same index sit together, by decreasing lowerFactor. */
class SumExpr {
  constructor(readonly dtype: DataType, public args: SplitExpr[] = [], public base = 0) {}

  clone(): SumExpr { return new SumExpr(this.dtype, [...this.args], this.base); }

  isZero(): boolean { return this.base === 0 && this.args.length === 0; }

  normalize(): PrimExpr {
    if (this.args.length === 0) return op.constant(this.base, this.dtype);
    return normalizeSum(this.dtype, simplifySplitExprs([...this.args]), this.base);
  }

  divisibleBy(scale: number): boolean {
    return this.base % scale === 0 && this.args.every((a) => a.scale % scale === 0);
  }

  mulToSelf(scale: number): void {
    this.base *= scale;
    this.args = this.args.map((a) => a.with({ scale: a.scale * scale }));
  }

  divideBy(scale: number): void {
    if (!this.divisibleBy(scale)) throw new InternalError(`${scale} does not divide the sum`);
    this.base = truncDiv(this.base, scale);
    this.args = this.args.map((a) => a.with({ scale: truncDiv(a.scale, scale) }));
  }

  addConst(value: number): void { this.base += value; }

  /** this += other * scale, keeping equal indices together. */
  addSplit(other: SplitExpr, scale: number): void {
    if (other.scale === 0) return;
    const args = this.args;
    let start = 0;
    while (start < args.length && !args[start].indexEqual(other)) start++;
    for (let j = start; j < args.length; j++) {
      if (!args[j].indexEqual(other) || other.lowerFactor > args[j].lowerFactor) {
        args.splice(j, 0, other.with({ scale: other.scale * scale }));
        return;
      }
      if (other.lowerFactor === args[j].lowerFactor && other.upperFactor === args[j].upperFactor &&
          other.divModeCompatibleTo(args[j].divMode)) {
        args[j] = args[j].with({ scale: args[j].scale + other.scale * scale });
        return;
      }
    }
    args.push(other.with({ scale: other.scale * scale }));
  }

  addSum(other: SumExpr, scale: number): void {
    for (const a of other.args) this.addSplit(a, scale);
    this.addConst(other.base * scale);
  }
}

/**
 * Merges terms of one index: equal factors add their scales, and
 * (x div (c*s)) * s*k + ((x mod (c*s)) div c) * k becomes (x div c) * k. Then orders by scale.
 */
function simplifySplitExprs(args: SplitExpr[]): SplitExpr[] {
  for (let i = 0; i < args.length; i++) {
    if (args[i].scale === 0) continue;
    for (let j = i + 1; j < args.length; j++) {
      const lhs = args[i];
      const rhs = args[j];
      if (!lhs.indexEqual(rhs)) break;
      if (!lhs.isPlain() || !rhs.isPlain()) continue;
      if (lhs.upperFactor < rhs.lowerFactor) break;
      if (lhs.upperFactor === rhs.upperFactor && lhs.lowerFactor === rhs.lowerFactor &&
          lhs.divModeCompatibleTo(rhs.divMode)) {
        args[j] = rhs.with({ scale: rhs.scale + lhs.scale });
        args[i] = lhs.with({ scale: 0 });
      } else if (lhs.lowerFactor === rhs.upperFactor && rhs.scale !== 0 && lhs.scale % rhs.scale === 0 &&
          lhs.lowerFactor === truncDiv(lhs.scale, rhs.scale) * rhs.lowerFactor && lhs.divModeCompatibleTo(rhs.divMode)) {
        args[j] = rhs.with({ upperFactor: lhs.upperFactor });
        args[i] = lhs.with({ scale: 0 });
        break;
      }
    }
  }
  const order = (a: number, b: number): number => (a > b ? -1 : a < b ? 1 : 0);
  return args.sort((l, r) =>
    order(l.scale, r.scale) || order(l.lowerFactor, r.lowerFactor) || order(l.upperFactor, r.upperFactor) ||
    order(l.divMode, r.divMode));
}

/** Positive terms, then a positive constant, then negative terms and constant subtracted. */
function normalizeSum(dtype: DataType, args: SplitExpr[], base: number): PrimExpr {
  let res: PrimExpr = op.constant(0, dtype);
  for (const a of args) if (a.scale > 0) res = op.add(res, a.normalize());
  if (base > 0) res = op.add(res, op.constant(base, dtype));
  for (const a of args) if (a.scale < 0) res = op.sub(res, a.normalizeWithScale(-1));
  if (base < 0) res = op.sub(res, op.constant(-base, dtype));
  return res;
}

/** What the canonical mutator passes around: plain expressions or the two internal forms. */
type CExpr = PrimExpr | SplitExpr | SumExpr;

/** The canonical simplifier (TVM's CanonicalSimplifier): sums of scaled terms, with split divisions and modulos. */
export class CanonicalSimplifier extends RewriteSimplifier {
  /** One canonicalising pass over `e`. */
  override simplify(e: PrimExpr): PrimExpr {
    return this.visitExpr(e);
  }

  override visitExpr(e: PrimExpr): PrimExpr {
    return this.normalize(this.canonicalMutate(e));
  }

  private normalize(e: CExpr): PrimExpr {
    return e instanceof PrimExpr ? e : e.normalize();
  }

  /** Visits without normalising, so sums and splits flow to the parent node. */
  private canonicalMutate(e: PrimExpr): CExpr {
    switch (e.kind) {
      case "Add": return this.canonAddSub(e as Add, 1);
      case "Sub": return this.canonAddSub(e as Sub, -1);
      case "Mul": return this.canonMul(e as Mul);
      case "Div": return this.canonDiv(e as Div, TRUNC);
      case "FloorDiv": return this.canonDiv(e as FloorDiv, FLOOR);
      case "Mod": return this.canonMod(e as Mod, TRUNC);
      case "FloorMod": return this.canonMod(e as FloorMod, FLOOR);
      case "Reduce": return this.canonReduce(e as Reduce);
      default: return super.visitExpr(e);
    }
  }

  private toSplitExpr(e: CExpr): SplitExpr {
    if (e instanceof SplitExpr) return e;
    if (e instanceof SumExpr) {
      if (e.base === 0 && e.args.length === 1) return e.args[0];
      e = e.normalize();
    }
    return new SplitExpr(e.dtype, e);
  }

  private convertDivMode(e: SplitExpr, mode: DivMode): SplitExpr {
    if (e.divMode === mode) return e;
    if (e.divModeCompatibleTo(mode)) return e.with({ divMode: mode });
    const s = this.toSplitExpr(e.normalize());
    return s.with({ divMode: mode });
  }

  private toSumExpr(e: CExpr): SumExpr {
    if (e instanceof SumExpr) return e.clone();
    if (e instanceof IntImm) return new SumExpr(e.dtype, [], e.value);
    return new SumExpr(e.dtype, [this.toSplitExpr(e)]);
  }

  private canonAddSub(e: Add | Sub, sign: 1 | -1): CExpr {
    if (!isIndexType(e.dtype)) return super.visitExpr(e);
    const a = this.canonicalMutate(e.a);
    const b = this.canonicalMutate(e.b);
    const folded = tryConstFold<CExpr>(sign === 1 ? "Add" : "Sub", a, b);
    if (folded) return folded;
    const ret = this.toSumExpr(a);
    if (b instanceof IntImm) ret.addConst(sign * b.value);
    else if (b instanceof SumExpr) ret.addSum(b, sign);
    else ret.addSplit(this.toSplitExpr(b), sign);
    return ret;
  }

  private canonMul(e: Mul): CExpr {
    if (!isIndexType(e.dtype)) return super.visitExpr(e);
    let a = this.canonicalMutate(e.a);
    let b = this.canonicalMutate(e.b);
    const folded = tryConstFold<CExpr>("Mul", a, b);
    if (folded) return folded;
    if (a instanceof IntImm) [a, b] = [b, a];
    if (b instanceof IntImm) {
      if (a instanceof SumExpr) {
        const ret = a.clone();
        ret.mulToSelf(b.value);
        return ret;
      }
      const s = this.toSplitExpr(a);
      return s.with({ scale: s.scale * b.value });
    }
    const na = this.normalize(a);
    const nb = this.normalize(b);
    return na === e.a && nb === e.b ? e : new Mul(na, nb);
  }

  private separateDivisibleParts(psum: SumExpr, coeff: number): [SumExpr, SumExpr] {
    const divisible = new SumExpr(psum.dtype);
    const rest = new SumExpr(psum.dtype);
    if (psum.base % coeff === 0) divisible.base = psum.base;
    else rest.base = psum.base;
    for (const a of psum.args) (a.scale % coeff === 0 ? divisible : rest).args.push(a);
    return [divisible, rest];
  }

  private splitDivConst(lhs: SplitExpr, cval: number, mode: DivMode): SplitExpr {
    if (!(cval > 0)) throw new InternalError(`division by ${cval}`);
    lhs = this.convertDivMode(lhs, mode);
    if (lhs.scale % cval === 0) return lhs.with({ scale: truncDiv(lhs.scale, cval) });
    if (!lhs.isPlain()) lhs = this.toSplitExpr(lhs.normalize()).with({ divMode: mode });
    // Folding into the lower factor nests divisions; with floor division that is only exact
    // for a positive divisor (TVM folds negative ones too, which is wrong for floordiv).
    if (cval % lhs.scale === 0 && (mode === TRUNC || lhs.scale > 0 || lhs.lowerFactor === 1)) {
      const scaled = truncDiv(cval, lhs.scale);
      if (lhs.upperFactor === Infinity || lhs.upperFactor % (lhs.lowerFactor * scaled) === 0) {
        return lhs.with({ scale: 1, lowerFactor: lhs.lowerFactor * scaled });
      }
      if (lhs.upperFactor <= lhs.lowerFactor * scaled) {
        // (x mod c1) div c2 == 0 when c2 >= c1
        return this.toSplitExpr(op.constant(0, lhs.dtype));
      }
      return lhs.with({
        index: modImpl(lhs.index, op.constant(lhs.upperFactor, lhs.dtype), mode),
        upperFactor: Infinity, scale: 1, lowerFactor: lhs.lowerFactor * scaled,
      });
    }
    const s = this.toSplitExpr(lhs.normalize());
    return s.with({ lowerFactor: s.lowerFactor * cval, divMode: mode });
  }

  private splitModConst(lhs: SplitExpr, cval: number, mode: DivMode): SplitExpr {
    if (!(cval > 0)) throw new InternalError(`modulo by ${cval}`);
    lhs = this.convertDivMode(lhs, mode);
    if (lhs.scale % cval === 0) return lhs.with({ scale: 0 });
    if (!lhs.isPlain()) lhs = this.toSplitExpr(lhs.normalize()).with({ divMode: mode });
    // Under floor division the factor algebra below needs a positive scale; a negative one is
    // only folded into a fresh index: floormod(x * -1, c) == floormod(x, -c) * -1.
    const fresh = lhs.lowerFactor === 1 && lhs.upperFactor === Infinity;
    if (cval % lhs.scale === 0 && (mode === TRUNC || lhs.scale > 0 || fresh)) {
      // (x * c1) mod (c2 * c1) == (x mod c2) * c1; (x div c1) mod c2 == (x mod (c1*c2)) div c1
      const scaled = truncDiv(cval, lhs.scale);
      const newUpper = lhs.lowerFactor * scaled;
      if (lhs.upperFactor === Infinity || lhs.upperFactor % newUpper === 0) {
        if (newUpper < lhs.upperFactor && lhs.upperFactor !== Infinity) {
          // A smaller modulus: simplify the index under it first.
          // Divide first, then scale (scaling first would let the division cancel the scale).
          const updated = this.toSplitExpr(this.visitExpr(modImpl(lhs.index, op.constant(newUpper, lhs.dtype), mode)));
          const divided = lhs.lowerFactor !== 1 ? this.splitDivConst(updated, lhs.lowerFactor, mode) : updated;
          return divided.with({ scale: divided.scale * lhs.scale });
        }
        return lhs.with({ upperFactor: newUpper });
      }
      if (newUpper % lhs.upperFactor === 0) return lhs; // (x mod 2) mod 4 == x mod 2
    }
    const s = this.toSplitExpr(lhs.normalize());
    return s.with({ divMode: mode, upperFactor: cval });
  }

  private canonDiv(e: Div | FloorDiv, mode: DivMode): CExpr {
    if (!isIndexType(e.dtype)) return super.visitExpr(e);
    const a = this.canonicalMutate(e.a);
    const b = this.canonicalMutate(e.b);
    const folded = tryConstFold<CExpr>(mode === TRUNC ? "Div" : "FloorDiv", a, b);
    if (folded) return folded;
    if (b instanceof IntImm && b.value > 0) {
      const cval = b.value;
      if (cval === 1) return a;
      if (a instanceof SumExpr) {
        const [lhs, extra] = this.separateDivisibleParts(a, cval);
        if (extra.isZero()) {
          lhs.divideBy(cval);
          return lhs;
        }
        if (mode === TRUNC) {
          // Truncation only splits over the sum when both parts are non-negative.
          if (this.analyzer.canProveGreaterEqual(lhs.normalize(), 0) &&
              this.analyzer.canProveGreaterEqual(extra.normalize(), 0)) {
            lhs.divideBy(cval);
            const temp = extra.normalize();
            if (temp instanceof IntImm) {
              lhs.addConst(truncDiv(temp.value, cval));
            } else if (this.tryCompare(temp, cval) !== "LT") {
              lhs.addSplit(this.splitDivConst(this.toSplitExpr(temp), cval, TRUNC), 1);
            }
            return lhs;
          }
        } else {
          lhs.divideBy(cval);
          const temp = extra.normalize();
          if (temp instanceof IntImm) {
            lhs.addConst(floorDiv(temp.value, cval));
          } else if (!(this.tryCompare(temp, cval) === "LT" && this.analyzer.canProveGreaterEqual(temp, 0))) {
            lhs.addSplit(this.splitDivConst(this.toSplitExpr(temp), cval, FLOOR), 1);
          }
          return lhs;
        }
      } else {
        const bound = this.analyzer.constIntBound(this.normalize(a));
        if (bound.minValue >= 0 && bound.maxValue < cval) return op.constant(0, a.dtype);
      }
      return this.splitDivConst(this.toSplitExpr(a), cval, mode);
    }
    const na = this.normalize(a);
    const nb = this.normalize(b);
    if (na === e.a && nb === e.b) return e;
    return mode === TRUNC ? new Div(na, nb) : new FloorDiv(na, nb);
  }

  private canonMod(e: Mod | FloorMod, mode: DivMode): CExpr {
    if (!isIndexType(e.dtype)) return super.visitExpr(e);
    let a = this.canonicalMutate(e.a);
    const b = this.canonicalMutate(e.b);
    const folded = tryConstFold<CExpr>(mode === TRUNC ? "Mod" : "FloorMod", a, b);
    if (folded) return folded;
    if (b instanceof IntImm && b.value > 0) {
      const cval = b.value;
      if (a instanceof SumExpr) {
        let psum: SumExpr = a;
        const [lhs, extra] = this.separateDivisibleParts(psum, cval);
        if (mode === TRUNC) {
          if (extra.isZero()) return op.constant(0, a.dtype);
          if (this.analyzer.canProveGreaterEqual(lhs.normalize(), 0) &&
              this.analyzer.canProveGreaterEqual(extra.normalize(), 0)) {
            const temp = extra.normalize();
            if (temp instanceof IntImm) return op.truncmod(temp, b);
            if (this.tryCompare(temp, cval) === "LT") return temp;
            a = psum = extra;
          }
          // Shift the constant toward zero when the sum stays non-negative: (x - 5) % 3 -> (x - 2) % 3.
          const bound = this.analyzer.constIntBound(this.normalize(a));
          const newBase = truncMod(psum.base, cval);
          if (bound.minValue >= 0 && bound.minValue - psum.base + newBase >= 0) {
            const sum = psum.clone();
            sum.base = newBase;
            return this.splitModConst(this.toSplitExpr(sum), cval, TRUNC);
          }
        } else {
          const temp = extra.normalize();
          if (temp instanceof IntImm) return op.floormod(temp, b);
          if (this.tryCompare(temp, cval) === "LT" && this.analyzer.canProveGreaterEqual(temp, 0)) return temp;
          psum = extra;
          const sum = psum.clone();
          sum.base = floorMod(psum.base, cval);
          return this.splitModConst(this.toSplitExpr(sum), cval, FLOOR);
        }
      } else {
        const bound = this.analyzer.constIntBound(this.normalize(a));
        if (bound.minValue >= 0 && bound.maxValue < cval) return a;
      }
      return this.splitModConst(this.toSplitExpr(a), cval, mode);
    }
    const na = this.normalize(a);
    const nb = this.normalize(b);
    if (na === e.a && nb === e.b) return e;
    return mode === TRUNC ? new Mod(na, nb) : new FloorMod(na, nb);
  }

  private canonReduce(e: Reduce): CExpr {
    const ret = super.visitExpr(e);
    if (!(ret instanceof Reduce)) return ret;
    if (ret.axis.length === 0) {
      // A reduction over nothing is its (initial or identity) value, under its condition.
      const idx = ret.valueIndex;
      if (ret.init.length > 0) {
        const lhs = ret.combiner.lhs;
        const rhs = ret.combiner.rhs;
        const vmap = new Map<Var, PrimExpr>();
        lhs.forEach((v, i) => vmap.set(v, ret.init[i]));
        rhs.forEach((v, i) => vmap.set(v, ret.source[i]));
        const combined = substitute(ret.combiner.result[idx], vmap);
        return this.visitExpr(new Select(ret.condition, combined, ret.init[idx]));
      }
      return this.visitExpr(new Select(ret.condition, ret.source[idx], ret.combiner.identity[idx]));
    }
    return ret;
  }
}
