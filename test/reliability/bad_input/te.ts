// Building tensor expressions from the wrong things: shapes, dtypes, names, fcompute arity and
// results, indices, reduce axes, reducers, expressions, externs and their region maps.
import { lower, te, tir } from "../../../ts/index.js";
import { type BadInputCase, error } from "./case.js";

const A4 = () => te.placeholder([4], "float32", "A");
const k4 = () => te.reduceAxis([0, 4], "k");
/** Lowers C = E (an extern over a [4] or [4, 4] input A with the given region map), E computed at C's first loop. */
function lowerExtern(shape: number[], regionMap: unknown, inShape = shape) {
  const A = te.placeholder(inShape, "float32", "A");
  const E = te.extern(shape, [A], (ins, outs) => tir.callPacked("f", ins[0], outs[0]), { name: "E", regionMap: regionMap as "elementwise" });
  const C = te.compute(shape, (...i) => E.at(...i), "C");
  const s = te.createSchedule(C.op);
  s.stage(E).computeAt(s.stage(C), C.op.axis[0]);
  return lower(s, [A, C]);
}
const userError = new Error("fcompute of the user failed");

export const teCases: BadInputCase[] = [
  { name: "placeholder shape is a string", run: () => te.placeholder("4" as unknown as number[]), error: error(/^placeholder 'placeholder': shape must be an array of sizes, got string 4$/) },
  { name: "placeholder size is not an integer", run: () => te.placeholder([2.5], "float32", "X"), error: error(/^placeholder 'X': dimension 0 must be a non-negative integer, got 2\.5$/) },
  { name: "placeholder size is negative", run: () => te.placeholder([4, -1], "float32", "X"), error: error(/^placeholder 'X': dimension 1 must be a non-negative integer, got -1$/) },
  { name: "placeholder size is NaN", run: () => te.placeholder([NaN], "float32", "X"), error: error(/^placeholder 'X': dimension 0 must be a non-negative integer, got NaN$/) },
  { name: "placeholder size is a BigInt", run: () => te.placeholder([4n as unknown as number], "float32", "X"), error: error(/^placeholder 'X': dimension 0 must be a number or an integer expression, got bigint 4$/) },
  { name: "placeholder size is a float expression", run: () => te.placeholder([te.var("w", "float32")], "float32", "X"), error: error(/^placeholder 'X': dimension 0 must be an integer expression, got float32$/) },
  { name: "unknown dtype", run: () => te.placeholder([4], "float13"), error: error(/^unknown dtype 'float13': float takes 16\/32\/64 bits$/) },
  { name: "dtype is a number", run: () => te.placeholder([4], 32 as unknown as string), error: error(/^unknown dtype '32': expected e\.g\. float32, int32/) },
  { name: "placeholder name is empty", run: () => te.placeholder([4], "float32", ""), error: error(/^placeholder: name must be a non-empty string, got ''$/) },
  { name: "placeholder name is a number", run: () => te.placeholder([4], "float32", 7 as unknown as string), error: error(/^placeholder: name must be a non-empty string, got number 7$/) },
  { name: "compute name is not a string", run: () => te.compute([4], (i) => i, {} as unknown as string), error: error(/^compute: name must be a non-empty string, got an object \(Object\)$/) },
  { name: "var name is empty", run: () => te.var(""), error: error(/^var: name must be a non-empty string, got ''$/) },
  { name: "sizeVar of a float dtype", run: () => te.sizeVar("n", "float32"), error: error(/^sizeVar 'n': a size must have an integer dtype, got float32$/) },
  { name: "fcompute takes fewer indices than the shape has", run: () => { const A = te.placeholder([4, 4], "float32", "A"); return te.compute([4, 4], (i: tir.Var) => A.at(i, i), "C"); }, error: error(/^compute 'C': fcompute takes 1 index arguments \(i\) but the shape has 2 dimensions$/) },
  { name: "fcompute takes more indices than the shape has", run: () => te.compute([4], ((i: tir.Var, j: tir.Var) => i.add(j)) as never, "C"), error: error(/^compute 'C': fcompute takes 2 index arguments \(i, j\) but the shape has 1 dimensions$/) },
  { name: "fcompute is not a function", run: () => te.compute([4], 3 as never, "C"), error: error(/^compute 'C': fcompute must be a function of the indices, got number 3$/) },
  { name: "fcompute returns undefined", run: () => te.compute([4], ((_i: tir.Var) => undefined) as never, "C"), error: error(/^compute 'C': fcompute returned undefined; it must return an expression/) },
  { name: "fcompute returns a string", run: () => te.compute([4], ((_i: tir.Var) => "x") as never, "C"), error: error(/^compute 'C': fcompute must return an expression, got string/) },
  { name: "fcompute throws (the user's error comes out unchanged)", run: () => te.compute([4], (_i) => { throw userError; }, "C"), error: error(/^fcompute of the user failed$/) },
  { name: "compute shape with a negative size", run: () => te.compute([-4], (i) => i, "C"), error: error(/^compute 'C': dimension 0 must be a non-negative integer, got -4$/) },
  { name: "tensor indexed with too few indices", run: () => { const A = te.placeholder([4, 4], "float32", "A"); return te.compute([4], (i) => A.at(i), "C"); }, error: error(/^tensor 'A' has 2 dimensions \(shape \[4, 4\]\) but was indexed with 1 indices$/) },
  { name: "tensor indexed with a string", run: () => { const A = A4(); return te.compute([4], (_i) => A.at("i" as never), "C"); }, error: error(/^tensor 'A': index 0 must be a number, an expression or an axis, got string i$/) },
  { name: "tensor indexed with a fraction", run: () => { const A = A4(); return te.compute([4], (_i) => A.at(1.5), "C"); }, error: error(/^tensor 'A': index 0 must be a scalar integer, got float32/) },
  { name: "tensor indexed with a float expression", run: () => { const A = A4(); return te.compute([4], (i) => A.at(A.at(i)), "C"); }, error: error(/^tensor 'A': index 0 must be a scalar integer, got float32 \(A\[i\]\)$/) },
  { name: "tensor indexed with undefined", run: () => { const A = A4(); return te.compute([4], (_i) => A.at(undefined as never), "C"); }, error: error(/^tensor 'A': index 0 must be a number, an expression or an axis, got undefined$/) },
  { name: "reduceAxis domain of one bound", run: () => te.reduceAxis([4] as never, "k"), error: error(/^reduceAxis 'k': domain must be \[lo, hi\], got an array/) },
  { name: "reduceAxis domain is a string", run: () => te.reduceAxis("0:4" as never, "k"), error: error(/^reduceAxis 'k': domain must be \[lo, hi\], got string 0:4$/) },
  { name: "reduceAxis [4, 0] (empty, reversed)", run: () => te.reduceAxis([4, 0], "k"), error: error(/^reduceAxis 'k': the range \[4, 0\) has a negative extent \(-4\); expected \[lo, hi\] with lo <= hi$/) },
  { name: "reduceAxis [0, -3] (negative extent)", run: () => te.reduceAxis([0, -3], "k"), error: error(/reduceAxis 'k'.*-3/) },
  { name: "reduceAxis [0, 2.5] (a fraction)", run: () => te.reduceAxis([0, 2.5], "k"), error: error(/^reduceAxis 'k': the upper bound must be an integer, got 2\.5$/) },
  { name: "sum of a number", run: () => te.sum(3 as never, k4()), error: error(/^sum: expects an expression to reduce, got number 3$/) },
  { name: "sum over no axes", run: () => { const A = A4(); return te.compute([1], (_i) => te.sum(A.at(0), []), "C"); }, error: error(/^sum: needs at least one reduce axis$/) },
  { name: "sum over a data-parallel axis", run: () => { const A = A4(); const C = te.compute([4], (i) => A.at(i), "C"); return te.compute([4], (_i) => te.sum(A.at(0), [C.op.axis[0]]), "D"); }, error: error(/^sum: axis must be reduce axes made by te\.reduceAxis, got DataPar axis 'i'$/) },
  { name: "a reduction nested inside an expression", run: () => { const A = A4(); const k = k4(); return te.compute([1], (_i) => te.sum(A.at(k), k).add(1), "C"); }, error: error(/^compute 'C': a reduction may only be the top level of a compute body, not nested inside an expression$/) },
  { name: "commReducer combine is not a function", run: () => te.commReducer(3 as never, (t: tir.DataType) => te.const(0, t), "r"), error: error(/^commReducer 'r': fcombine must be a function \(x, y\) => expression, got number 3$/) },
  { name: "commReducer identity is not a function", run: () => te.commReducer((x: tir.PrimExpr, y: tir.PrimExpr) => x.add(y), 0 as never, "r"), error: error(/^commReducer 'r': fidentity must be a function \(dtype\) => expression, got number 0$/) },
  { name: "commReducer identity of the wrong dtype", run: () => { const r = te.commReducer((x: tir.PrimExpr, y: tir.PrimExpr) => x.add(y), () => te.const(0, "int8"), "r"); const A = A4(); const k = k4(); return te.compute([1], (_i) => r(A.at(k), k), "C"); }, error: error(/^r: identity returned int8 for a float32 value$/) },
  { name: "expression plus a string", run: () => te.var("n").add("1" as never), error: error(/^add: the right operand \(with n\) must be an expression or a number, got string 1$/) },
  { name: "expression plus undefined", run: () => te.var("n").add(undefined as never), error: error(/^add: the right operand \(with n\) must be an expression or a number, got undefined$/) },
  { name: "expression plus a tensor (not an element)", run: () => te.var("n").add(A4() as never), error: error(/^add: the right operand \(with n\) must be an expression or a number, got an object \(Tensor\)$/) },
  { name: "exp of an integer", run: () => te.exp(te.var("n")), error: error(/^exp: needs a float expression, got int32; cast it first$/) },
  { name: "ifThenElse on an integer condition", run: () => te.ifThenElse(te.var("n"), 1, 2), error: error(/^ifThenElse: needs a bool expression, got int32 \(n\)$/) },
  { name: "extern inputs not an array", run: () => te.extern([4], A4() as never, (ins, outs) => tir.callPacked("f", ins[0], outs[0]), { name: "E" }), error: error(/^extern 'E': inputs must be an array of tensors, got an object \(Tensor\)$/) },
  { name: "extern fcompute returns nothing", run: () => te.extern([4], [A4()], (() => undefined) as never, { name: "E" }), error: error(/^extern 'E': fcompute returned undefined; it must return a statement or an expression/) },
  { name: "extern regionMap of an unknown kind", run: () => te.extern([4], [A4()], (ins, outs) => tir.callPacked("f", ins[0], outs[0]), { name: "E", regionMap: "rows" as never }), error: error(/^extern 'E': regionMap must be "elementwise" or a function from the output region to input regions, got string rows$/) },
  { name: "extern regionMap of the wrong rank", run: () => lowerExtern([4, 4], (r: { min: tir.PrimExpr; extent: tir.PrimExpr }[]) => [[r[0]]]), error: error(/^extern 'E': regionMap returned a region of rank 1 for input 'A', which has rank 2$/) },
  { name: "extern regionMap leaving the input's bounds", run: () => lowerExtern([4], (r: { min: tir.PrimExpr; extent: tir.PrimExpr }[]) => [[{ min: r[0].min.add(1), extent: r[0].extent }]]), error: error(/^extern 'E': regionMap reaches outside input 'A' in dimension 0: it reads \[1, 5\) of extent 4 for the full output$/) },
  { name: "extern regionMap returning nothing", run: () => lowerExtern([4], () => undefined), error: error(/^extern 'E': regionMap must return one region per input \(1\), got undefined$/) },
  { name: "extern regionMap returning a non-region", run: () => lowerExtern([4], () => [[{ lo: 0, hi: 4 }]]), error: error(/^extern 'E': regionMap's region for input 'A', dimension 0, must be \{min, extent\}, got an object \(Object\)$/) },
  { name: "extern regionMap elementwise over another rank", run: () => lowerExtern([16], "elementwise", [4, 4]), error: error(/^extern 'E': regionMap "elementwise" needs every input to have the output's rank 1, but input 'A' has rank 2$/) },
  { name: "callPacked without a name", run: () => tir.callPacked(3 as never), error: error(/^callPacked: the first argument must be the function's name, got number 3$/) },
  { name: "callPacked with an object argument", run: () => tir.callPacked("f", {} as never), error: error(/^callPacked\('f'\): argument 1 must be a buffer, an expression, a number or a string, got an object \(Object\)$/) },
  { name: "callPacked name with a NUL", run: () => tir.callPacked("safe\0evil"), error: error(/callPacked.*NUL/) },
  { name: "createSchedule of nothing", run: () => te.createSchedule([]), error: error(/^createSchedule needs at least one output op$/) },
  { name: "createSchedule of a number", run: () => te.createSchedule(3 as never), error: error(/^createSchedule: output 0 must be an op or a tensor, got number 3$/) },
];
