// The arithmetic layer in one import: the Analyzer and its analyses, interval sets, linear-form
// detection. Passes and bound inference use these; see docs/arith.md.

export { Analyzer, simplify, canonicalSimplify } from "./analyzer.js";
export { ConstIntBound, ConstIntBoundAnalyzer } from "./const_int_bound.js";
export { ModularSet, ModularSetAnalyzer } from "./modular_set.js";
export { RewriteSimplifier, isIndexType, type CompareResult } from "./rewrite_simplifier.js";
export { CanonicalSimplifier } from "./canonical_simplifier.js";
export {
  IntSet, POS_INF, NEG_INF, isPosInf, isNegInf, evalSet, evalSetRange, evalSetOfSet,
  evalSetForEachSubExpr, unionSets, intersectSets,
} from "./int_set.js";
export { detectLinearEquation, detectClipBound } from "./detect_linear_equation.js";
export { deduceBound } from "./deduce_bound.js";
export { tryConstFold } from "./const_fold.js";
