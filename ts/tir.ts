// The `tir` namespace: TIR nodes, buffers, builtin calls and the irBuilder, as tvm.tir names them.

export { DataType } from "./ir/dtype.js";
export * from "./ir/expr.js";
export * from "./ir/stmt.js";
export { Buffer, declBuffer } from "./ir/buffer.js";
export { IterVar, Range } from "./ir/iter_var.js";
export { PrimFunc, IRModule } from "./ir/function.js";
export { callPacked, callExtern, packBuffer } from "./ir/builtin.js";
export { irBuilder, IRBuilder, BufferPtr } from "./ir/ir_builder.js";
export { StmtExprVisitor, StmtExprMutator, ExprVisitor, ExprMutator, postOrderVisit } from "./ir/functor.js";
export { substitute } from "./ir/substitute.js";
export {
  add, sub, mul, div, floordiv, floormod, truncmod, min, max, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr,
  logicalNot, neg, cast, select, likely, ifThenElse, constant as const,
} from "./ir/op.js";
export { shiftLeft, shiftRight, bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseNot, reinterpret } from "./ir/bit_ops.js";
export * as transform from "./transform/index.js";
