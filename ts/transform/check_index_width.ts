// Refuses a function with a tensor too large for its int32 indices: an argument buffer or a
// realized intermediate whose constant shape has more than 2^31 - 1 elements. tejit computes
// flat offsets (i * 1073741824 + j) in the index type of the loops, int32; past 2^31 - 1 they
// overflow, which in C is undefined behaviour (in practice a negative offset: a write before the
// tensor). build() runs it on the schedule-ops function, with CheckCertainBounds; a symbolic
// shape is checked when the kernel is called instead (make_packed_api.ts: "more than 2147483647
// elements"). Indexing in int64 (TVM's int64 shapes) is not supported yet.

import { ScheduleError } from "../errors.js";
import type { Buffer } from "../ir/buffer.js";
import { isConstInt, type PrimExpr } from "../ir/expr.js";
import { StmtExprVisitor } from "../ir/functor.js";
import type { PrimFunc } from "../ir/function.js";
import { printExpr } from "../ir/printer.js";
import type { BufferRealize } from "../ir/stmt.js";
import { checkPrimFunc } from "./check_func.js";

/** The most elements an int32 flat index addresses. */
export const MAX_INT32_ELEMENTS = 2 ** 31 - 1;

/** The element count of a constant shape, or undefined when a dimension is symbolic. */
function constantElements(shape: readonly PrimExpr[]): number | undefined {
  let n = 1;
  for (const ext of shape) {
    if (!isConstInt(ext)) return undefined;
    n *= ext.value;
  }
  return n;
}

function refuse(fname: string, what: string, name: string, shape: readonly PrimExpr[], n: number): never {
  throw new ScheduleError(`build: '${fname}': ${what} '${name}' of shape [${shape.map((x) => printExpr(x)).join(", ")}] has ${n} elements, ` +
    `more than the ${MAX_INT32_ELEMENTS} that tejit's int32 indices address; split it into smaller tensors`);
}

class IndexWidthChecker extends StmtExprVisitor {
  constructor(private readonly fname: string) { super(); }

  override visitBufferRealize(s: BufferRealize): void {
    const n = constantElements(s.bounds.map((r) => r.extent));
    if (n !== undefined && n > MAX_INT32_ELEMENTS) refuse(this.fname, "the intermediate", s.buffer.name, s.bounds.map((r) => r.extent), n);
    super.visitBufferRealize(s);
  }
}

/** Throws a ScheduleError naming the tensor and its element count when `f` has a tensor int32 indices cannot address. */
export function checkIndexWidth(f: PrimFunc): PrimFunc {
  checkPrimFunc(f, "CheckIndexWidth");
  const fname = typeof f.attrs.global_symbol === "string" ? f.attrs.global_symbol : "main";
  for (const b of f.bufferMap.values() as Iterable<Buffer>) {
    const n = constantElements(b.shape);
    if (n !== undefined && n > MAX_INT32_ELEMENTS) refuse(fname, "the argument", b.name, b.shape, n);
  }
  new IndexWidthChecker(fname).visitStmt(f.body);
  return f;
}
