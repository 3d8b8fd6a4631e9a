// From the TE-level program to a PrimFunc (TVM's SchedulePostProcToPrimFunc): every tensor gets
// a buffer (function arguments get the buffers of the parameter list), producer reads/writes
// become buffer loads/stores, realize and bind attributes refer to buffers.

import { ArgumentError } from "../errors.js";
import { Buffer, declBuffer } from "../ir/buffer.js";
import { BufferLoad, type PrimExpr, ProducerLoad, Var, SizeVar } from "../ir/expr.js";
import { PrimFunc } from "../ir/function.js";
import { StmtExprMutator } from "../ir/functor.js";
import { AttrStmt, BufferRealize, BufferStore, ProducerRealize, ProducerStore, type Stmt } from "../ir/stmt.js";
import { Operation } from "../te/operation.js";
import { Tensor } from "../te/tensor.js";
import { describe } from "../ir/op.js";
import { BUFFER_BIND_SCOPE } from "./extern_provide.js";
import { REALIZE_SCOPE } from "./schedule_ops.js";

/** What a lowered function takes: tensors (become buffers), buffers, or scalar variables. */
export type LowerArg = Tensor | Buffer | Var;

function bufferFor(t: Tensor): Buffer {
  return declBuffer(t.shape, t.dtype, t.name);
}

class TensorToBuffer extends StmtExprMutator {
  constructor(private readonly buffers: Map<Tensor, Buffer>) { super(); }

  buffer(t: Tensor): Buffer {
    let b = this.buffers.get(t);
    if (!b) {
      b = bufferFor(t);
      this.buffers.set(t, b);
    }
    return b;
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    const base = super.visitAttrStmt(s) as AttrStmt;
    if (base.key === REALIZE_SCOPE && base.node instanceof Operation) {
      let body = base.body;
      for (let i = base.node.numOutputs - 1; i >= 0; i--) body = new AttrStmt(this.buffer(base.node.output(i)), base.key, base.value, body);
      return body;
    }
    if (base.key === BUFFER_BIND_SCOPE) {
      const [placeholder, tensor] = base.node as [Buffer, Tensor];
      return new AttrStmt([placeholder, this.buffer(tensor)], base.key, base.value, base.body);
    }
    if (base.node instanceof Tensor) return new AttrStmt(this.buffer(base.node), base.key, base.value, base.body);
    return base;
  }
  override visitProducerRealize(s: ProducerRealize): Stmt {
    const base = super.visitProducerRealize(s) as ProducerRealize;
    return new BufferRealize(this.buffer(base.producer as Tensor), base.bounds, base.condition, base.body);
  }
  override visitProducerStore(s: ProducerStore): Stmt {
    const base = super.visitProducerStore(s) as ProducerStore;
    return new BufferStore(this.buffer(base.producer as Tensor), base.value, base.indices);
  }
  override visitProducerLoad(e: ProducerLoad): PrimExpr {
    const base = super.visitProducerLoad(e) as ProducerLoad;
    return new BufferLoad(this.buffer(base.producer as Tensor), base.indices);
  }
}

export interface PostProcResult {
  func: PrimFunc;
  /** The buffer each tensor was given (arguments and intermediates). */
  buffers: Map<Tensor, Buffer>;
}

export function schedulePostProcToPrimFunc(args: LowerArg[], body: Stmt, name: string, binds?: Map<Tensor, Buffer>): PostProcResult {
  const buffers = new Map<Tensor, Buffer>(binds ?? []);
  const params: Var[] = [];
  const bufferMap = new Map<Var, Buffer>();
  args.forEach((a, i) => {
    if (a instanceof Var) {
      params.push(a);
    } else if (a instanceof Tensor) {
      let b = buffers.get(a);
      if (!b) {
        const symbolic = a.shape.some((d) => d instanceof Var && !(d instanceof SizeVar));
        b = declBuffer(a.shape, a.dtype, a.name, { bufferType: symbolic ? "autoBroadcast" : "default" });
        buffers.set(a, b);
      }
      const p = new Var(b.name, "handle");
      params.push(p);
      bufferMap.set(p, b);
    } else if (a instanceof Buffer) {
      const p = new Var(a.name, "handle");
      params.push(p);
      bufferMap.set(p, a);
    } else {
      throw new ArgumentError(`lower: argument ${i} must be a tensor, a buffer or a variable, got ${describe(a)}`);
    }
  });
  const mapped = new TensorToBuffer(buffers).visitStmt(body);
  return { func: new PrimFunc(params, mapped, bufferMap, { global_symbol: name, "tir.noalias": true }), buffers };
}
