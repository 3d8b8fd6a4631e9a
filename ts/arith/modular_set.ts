// Modular set analysis (TVM's ModularSetAnalyzer): every value of an integer expression has the
// form coeff * k + base for some integer k. coeff = 0 means the expression is the constant base;
// coeff = 1, base = 0 means nothing is known. The simplifier uses it to fold floormod/truncmod of
// expressions whose residue is fixed (e.g. floormod(x*8 + 3, 4) = 3) and to decide x == 0.

import { ArgumentError } from "../errors.js";
import { FloorMod, IntImm, Mod, PrimExpr, Var, type BinaryExpr, type Call, type Cast, type Let, type Select } from "../ir/expr.js";
import { EQ } from "../ir/expr.js";
import { extendedEuclidean, floorMod, truncDiv, zeroAwareGcd } from "./int_operator.js";
import { visitLetBody } from "./let_binding.js";
import { unhandledKind } from "../ir/unhandled_kind.js";

/** The set { coeff * k + base | k integer }; coeff >= 0, 0 <= base < coeff when coeff > 0. */
export class ModularSet {
  /** The step between members (0 for a single value). */
  readonly coeff: number;
  /** The residue: every member is base modulo coeff. */
  readonly base: number;
  constructor(coeff: number, base: number) {
    if (!(coeff >= 0)) throw new ArgumentError(`ModularSet: coeff must be >= 0, got ${coeff}`);
    this.coeff = coeff;
    this.base = coeff !== 0 ? floorMod(base, coeff) : base;
  }
  /** Whether the set is one value (coeff 0). */
  isConst(): boolean { return this.coeff === 0; }
  /** Whether `o` is the same set. */
  equals(o: ModularSet): boolean { return this.coeff === o.coeff && this.base === o.base; }
  /** `ModularSet(coeff=c, base=b)`. */
  toString(): string { return `ModularSet(coeff=${this.coeff}, base=${this.base})`; }
}

const EVERYTHING = new ModularSet(1, 0);
// The empty set (TVM encodes it as coeff 0, base 1 in intersections).
const NOTHING = new ModularSet(0, 1);

function union(a: ModularSet, b: ModularSet): ModularSet {
  const coeff = zeroAwareGcd(a.coeff, b.coeff);
  if (coeff === 0) return a.base === b.base ? a : EVERYTHING;
  const base0 = floorMod(a.base, coeff);
  const base1 = floorMod(b.base, coeff);
  if (base0 === base1) return new ModularSet(coeff, base0);
  return new ModularSet(zeroAwareGcd(zeroAwareGcd(base0, base1), coeff), base0);
}

function intersect(a: ModularSet, b: ModularSet): ModularSet {
  const [g, x] = extendedEuclidean(a.coeff, b.coeff);
  if (g === 0) return a.base === b.base ? a : NOTHING;
  const v = b.base - a.base;
  if (v % g !== 0) return NOTHING;
  const p = (v / g) * x;
  return new ModularSet((a.coeff / g) * b.coeff, p * a.coeff + a.base);
}

/** What the modular analysis needs from its analyzer. */
export interface NonNegativeProver {
  canProveGreaterEqual(e: PrimExpr, lowerBound: number): boolean;
}

/** Computes the residues of expressions under known variable residues (TVM's ModularSetAnalyzer). */
export class ModularSetAnalyzer {
  private readonly varMap = new Map<Var, ModularSet>();

  constructor(private readonly parent: NonNegativeProver) {}

  /** The modular set of `e`. */
  analyze(e: PrimExpr): ModularSet {
    return this.visit(e);
  }

  /** Sets the modular set of `v`; without allowOverride a different earlier one is an error. */
  update(v: Var, info: ModularSet, allowOverride = false): void {
    if (!allowOverride) {
      const old = this.varMap.get(v);
      if (old && !old.equals(info)) {
        throw new ArgumentError(`trying to update var '${v.name}' with a different modular set: original=${old}, new=${info} (pass allowOverride to replace it)`);
      }
    }
    this.varMap.set(v, info);
  }

  /** Uses constraints `x % c == b` / `floormod(x, c) == b`; returns the function undoing it. */
  enterConstraint(constraint: PrimExpr): (() => void) | undefined {
    if (!(constraint instanceof EQ)) return undefined;
    const lhs = constraint.a;
    const rhs = constraint.b;
    if (!(lhs instanceof Mod || lhs instanceof FloorMod)) return undefined;
    if (!(lhs.a instanceof Var) || !(lhs.b instanceof IntImm) || !(rhs instanceof IntImm)) return undefined;
    if (lhs.b.value <= 0) return undefined;
    const v = lhs.a;
    const entry = new ModularSet(lhs.b.value, rhs.value);
    const old = this.varMap.get(v);
    this.varMap.set(v, intersect(old ?? EVERYTHING, entry));
    return () => {
      if (old) this.varMap.set(v, old);
      else this.varMap.delete(v);
    };
  }

  private visit(e: PrimExpr): ModularSet {
    switch (e.kind) {
      case "IntImm": return new ModularSet(0, (e as IntImm).value);
      case "Var": return this.varMap.get(e as Var) ?? EVERYTHING;
      case "Cast": return this.visit((e as Cast).value);
      case "Add": case "Sub": {
        const b = e as BinaryExpr;
        const x = this.visit(b.a);
        const y = this.visit(b.b);
        return new ModularSet(zeroAwareGcd(x.coeff, y.coeff), e.kind === "Add" ? x.base + y.base : x.base - y.base);
      }
      case "Mul": {
        const b = e as BinaryExpr;
        const x = this.visit(b.a);
        const y = this.visit(b.b);
        // (p*s + n)(q*t + m) = pq*st + pm*s + qn*t + nm
        const pq = x.coeff * y.coeff;
        const pm = x.coeff * y.base;
        const qn = x.base * y.coeff;
        return new ModularSet(zeroAwareGcd(pq, zeroAwareGcd(pm, qn)), x.base * y.base);
      }
      case "Div": case "FloorDiv": {
        const b = e as BinaryExpr;
        const d = this.visit(b.b);
        if (d.isConst() && d.base !== 0) return this.divByConst(b.a, d.base, e.kind === "FloorDiv");
        return EVERYTHING;
      }
      case "Mod": case "FloorMod": {
        const b = e as BinaryExpr;
        const d = this.visit(b.b);
        if (d.isConst() && d.base !== 0) return this.modByConst(b.a, d.base, e.kind === "FloorMod");
        return EVERYTHING;
      }
      case "Min": case "Max": {
        const b = e as BinaryExpr;
        return union(this.visit(b.a), this.visit(b.b));
      }
      case "Select": {
        const s = e as Select;
        return union(this.visit(s.trueValue), this.visit(s.falseValue));
      }
      case "Let": return visitLetBody(this.varMap, e as Let, (x) => this.visit(x));
      case "Call": {
        const c = e as Call;
        if (c.op === "tir.shift_right" && c.args.length === 2) {
          const s = this.visit(c.args[1]);
          if (s.isConst() && s.base >= 0 && s.base < 53) return this.divByConst(c.args[0], 2 ** s.base, true);
        }
        return EVERYTHING;
      }
      case "FloatImm": case "StringImm": case "EQ": case "NE": case "LT": case "LE": case "GT":
      case "GE": case "And": case "Or": case "Not": case "Load": case "BufferLoad":
      case "ProducerLoad": case "Ramp": case "Broadcast": case "Shuffle": case "Reduce":
        return EVERYTHING;
      default: return unhandledKind("the modular-set analysis", e.kind);
    }
  }

  private divByConst(lhs: PrimExpr, val: number, roundDown: boolean): ModularSet {
    const a = this.visit(lhs);
    if (a.coeff % val === 0) {
      if (a.base === 0) return new ModularSet(Math.abs(truncDiv(a.coeff, val)), 0);
      // Only positive divisions round predictably.
      if (a.base > 0 && val > 0 && (roundDown || this.parent.canProveGreaterEqual(lhs, 0))) {
        return new ModularSet(truncDiv(a.coeff, val), truncDiv(a.base, val));
      }
    }
    return EVERYTHING;
  }

  private modByConst(lhs: PrimExpr, val: number, roundDown: boolean): ModularSet {
    const a = this.visit(lhs);
    const coeff = zeroAwareGcd(a.coeff, val);
    if (a.base % coeff === 0 || (a.base > 0 && (roundDown || this.parent.canProveGreaterEqual(lhs, 0)))) {
      return new ModularSet(coeff, a.base % coeff);
    }
    return EVERYTHING;
  }
}
