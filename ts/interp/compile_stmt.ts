// Compiles TIR statements into closures over a frame. Every loop kind runs serially (parallel
// loops optionally in reverse or shuffled order, to expose iterations that depend on each
// other); attributes are markers and only their body runs, except buffer_bind_scope, which binds
// an extern's placeholder buffer; asserts throw their message; allocations are fresh memory.

import { IRError, KernelError } from "../errors.js";
import { StringImm } from "../ir/expr.js";
import { printExpr } from "../ir/printer.js";
import type {
  Allocate, AssertStmt, AttrStmt, BufferRealize, BufferStore, Evaluate, For, IfThenElse, LetStmt, SeqStmt, Stmt, Store, While,
} from "../ir/stmt.js";
import { isNoOp } from "../ir/stmt.js";
import type { Context, Exec, ParallelOrder, Slots } from "./context.js";
import { compileIndex, compileStore } from "./access.js";
import { compileBindScope, compileBufferRealize, compileBufferStore } from "./buffers.js";
import { allocate } from "./memory.js";
import { accessedAsOtherTypes, allocateRaw, elementBytes } from "./raw_memory.js";
import { prng } from "./prng.js";
import { type Scalar, converter, isBig } from "./values.js";
import { unhandledKind } from "../ir/unhandled_kind.js";

const nop: Exec = () => {};

export function compileStmt(ctx: Context, st: Stmt): Exec {
  switch (st.kind) {
    case "LetStmt": return compileLetStmt(ctx, st as LetStmt);
    case "AttrStmt": return compileAttr(ctx, st as AttrStmt);
    case "AssertStmt": return compileAssert(ctx, st as AssertStmt);
    case "Store": return compileStore(ctx, st as Store);
    case "BufferStore": return compileBufferStore(ctx, st as BufferStore);
    case "BufferRealize": return compileBufferRealize(ctx, st as BufferRealize);
    case "Allocate": return compileAllocate(ctx, st as Allocate);
    case "For": return compileFor(ctx, st as For);
    case "While": return compileWhile(ctx, st as While);
    case "SeqStmt": return compileSeq(ctx, st as SeqStmt);
    case "IfThenElse": return compileIf(ctx, st as IfThenElse);
    case "Evaluate": return compileEvaluate(ctx, st as Evaluate);
    case "ProducerStore":
    case "ProducerRealize":
      throw new IRError(`interpreter (${ctx.fname}): ${st.kind} is a TE-level statement; lower the schedule to TIR first`);
    default: return unhandledKind("the interpreter", st.kind);
  }
}

function compileLetStmt(ctx: Context, st: LetStmt): Exec {
  const V = ctx.expr(st.value);
  return ctx.withVar(st.variable, (slot) => {
    const body = ctx.stmt(st.body);
    return (s) => {
      s[slot] = V(s);
      body(s);
    };
  });
}

function compileAttr(ctx: Context, st: AttrStmt): Exec {
  if (st.key === "buffer_bind_scope") return compileBindScope(ctx, st);
  return ctx.stmt(st.body);
}

function compileAssert(ctx: Context, st: AssertStmt): Exec {
  const C = ctx.expr(st.condition);
  const M = st.message instanceof StringImm ? (() => (st.message as StringImm).value) : ctx.expr(st.message);
  const body = ctx.stmt(st.body);
  return (s) => {
    if (!C(s)) throw new KernelError(String(M(s)));
    body(s);
  };
}

function compileAllocate(ctx: Context, st: Allocate): Exec {
  const exts = st.extents.map((e) => compileIndex(ctx, e));
  const name = st.bufferVar.name;
  const dtype = st.dtype;
  const poison = ctx.options.poisonAllocations ?? false;
  // Memory accessed as several element types (storage rewrite shared it) is held as bytes.
  const raw = accessedAsOtherTypes(st.body, st.bufferVar, dtype.element());
  const bytesPerElement = elementBytes(dtype.element()) * dtype.lanes;
  return ctx.withVar(st.bufferVar, (slot) => {
    const body = ctx.stmt(st.body);
    return (s) => {
      let n = 1;
      for (const e of exts) n *= e(s);
      s[slot] = raw ? allocateRaw(name, n * bytesPerElement, poison) : allocate(name, dtype, n, undefined, poison);
      body(s);
      s[slot] = undefined;
    };
  });
}

function compileFor(ctx: Context, st: For): Exec {
  const t = st.loopVar.dtype;
  const conv = converter(t);
  const minE = ctx.expr(st.min);
  const extE = ctx.expr(st.extent);
  const same = st.min.dtype === t && st.extent.dtype === t;
  const MIN = same ? minE : (s: Slots) => conv(minE(s) as Scalar);
  const EXT = same ? extE : (s: Slots) => conv(extE(s) as Scalar);
  const order: ParallelOrder = st.forKind === "parallel" ? ctx.options.parallelOrder ?? "forward" : "forward";
  return ctx.withVar(st.loopVar, (slot) => {
    const body = ctx.stmt(st.body);
    if (isBig(t)) {
      return (s) => {
        const m = MIN(s) as bigint;
        const end = m + (EXT(s) as bigint);
        for (let i = m; i < end; i++) {
          s[slot] = i;
          body(s);
        }
      };
    }
    if (order === "reverse") {
      return (s) => {
        const m = MIN(s) as number;
        for (let i = m + (EXT(s) as number) - 1; i >= m; i--) {
          s[slot] = i;
          body(s);
        }
      };
    }
    if (order === "shuffle") {
      let runs = 0;
      return (s) => {
        const m = MIN(s) as number;
        const n = EXT(s) as number;
        const perm = Array.from({ length: Math.max(n, 0) }, (_, k) => m + k);
        const rand = prng(0x9e3779b9 ^ (runs++ * 7919) ^ n);
        for (let k = perm.length - 1; k > 0; k--) {
          const j = Math.floor(rand() * (k + 1));
          [perm[k], perm[j]] = [perm[j], perm[k]];
        }
        for (const i of perm) {
          s[slot] = i;
          body(s);
        }
      };
    }
    return (s) => {
      const m = MIN(s) as number;
      const end = m + (EXT(s) as number);
      for (let i = m; i < end; i++) {
        s[slot] = i;
        body(s);
      }
    };
  });
}

function compileWhile(ctx: Context, st: While): Exec {
  const C = ctx.expr(st.condition);
  const body = ctx.stmt(st.body);
  return (s) => {
    while (C(s)) body(s);
  };
}

function compileSeq(ctx: Context, st: SeqStmt): Exec {
  const fns = st.seq.filter((x) => !isNoOp(x)).map((x) => ctx.stmt(x));
  if (fns.length === 0) return nop;
  if (fns.length === 1) return fns[0];
  if (fns.length === 2) {
    const [a, b] = fns;
    return (s) => {
      a(s);
      b(s);
    };
  }
  return (s) => {
    for (let k = 0; k < fns.length; k++) fns[k](s);
  };
}

function compileIf(ctx: Context, st: IfThenElse): Exec {
  if (st.condition.dtype.lanes !== 1) {
    throw new IRError(`interpreter (${ctx.fname}): an if needs a scalar condition, got ${st.condition.dtype} (${printExpr(st.condition)})`);
  }
  const C = ctx.expr(st.condition);
  const T = ctx.stmt(st.thenCase);
  const E = st.elseCase ? ctx.stmt(st.elseCase) : undefined;
  if (!E) {
    return (s) => {
      if (C(s)) T(s);
    };
  }
  return (s) => {
    if (C(s)) T(s);
    else E(s);
  };
}

function compileEvaluate(ctx: Context, st: Evaluate): Exec {
  if (st.value.kind === "IntImm" || st.value.kind === "FloatImm") return nop;
  const E = ctx.expr(st.value);
  return (s) => {
    E(s);
  };
}
