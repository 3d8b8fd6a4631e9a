// Which tensor parameters of a PrimFunc its body may write: the data of the parameter's buffer is
// the target of a store, or escapes (its pointer used as a value: passed to a call, bound by a
// let, its element's address taken), after which anything may write it. Only the loads of a
// buffer leave it read-only. The runtime uses the answer to refuse, for a tir.noalias function,
// two arguments that share memory where one of them is written (ts/runtime/overlap.ts): the C
// declares their pointers `restrict`, so such a call would give wrong numbers.

import type { Buffer } from "../ir/buffer.js";
import { type BufferLoad, type Call, Load, type Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprVisitor } from "../ir/functor.js";
import type { BufferStore, Store } from "../ir/stmt.js";
import { ADDRESS_OF } from "../transform/host_builtins.js";

/** The data variables of `f`'s body that may be written (stored to, or escaping as a pointer). */
function writtenData(f: PrimFunc): Set<Var> {
  const written = new Set<Var>();
  class V extends StmtExprVisitor {
    override visitVar(v: Var): void { written.add(v); }
    override visitStore(s: Store): void { written.add(s.bufferVar); super.visitStore(s); }
    override visitBufferStore(s: BufferStore): void { written.add(s.buffer.data); this.buffer(s.buffer); super.visitBufferStore(s); }
    override visitBufferLoad(e: BufferLoad): void { this.buffer(e.buffer); super.visitBufferLoad(e); }
    override visitCall(c: Call): void {
      if (c.op === ADDRESS_OF && c.args[0] instanceof Load) written.add(c.args[0].bufferVar);
      super.visitCall(c);
    }
    /** The shape, strides and offset of a buffer are expressions too (a data pointer there escapes). */
    private buffer(b: Buffer): void {
      [...b.shape, ...b.strides, b.elemOffset].forEach((e) => this.visitExpr(e));
    }
  }
  new V().visitStmt(f.body);
  return written;
}

/**
 * For each parameter of `f`: true when it is a tensor its body may write, false when it is a
 * tensor it only reads, undefined for a scalar (a handle parameter without a buffer counts as
 * written: the body sees only its pointer).
 */
export function writtenParams(f: PrimFunc): (boolean | undefined)[] {
  const written = writtenData(f);
  return f.params.map((p) => {
    const buf = f.bufferMap.get(p);
    if (buf) return written.has(buf.data);
    return p.dtype.isHandle() ? true : undefined;
  });
}
