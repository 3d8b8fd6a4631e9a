// SSA repair (TVM's ConvertSSA), a helper of the passes that copy statements: unrolling a loop or
// partitioning it leaves the same loop variable, let variable or allocation bound several times.
// Every binding after the first one of a variable gets a fresh variable of the same name and type
// (the printer then shows `i.inner_1`), and the uses inside that binding's scope are renamed.
// The interpreter and the C generator accept rebinding, but the printed text (and TVM) want each
// variable bound once.

import { BufferVarMutator } from "../ir/buffer_var_mutator.js";
import { type PrimExpr, Let, Var } from "../ir/expr.js";
import { Allocate, AttrStmt, For, LetStmt, type Stmt } from "../ir/stmt.js";

class SSAConverter extends BufferVarMutator {
  /** Variables bound so far, anywhere in the walk. */
  private readonly defined = new Set<Var>();
  /** The current replacement of each rebound variable (innermost binding last). */
  private readonly scope = new Map<Var, Var[]>();

  constructor(predefined: Iterable<Var>) {
    super();
    for (const v of predefined) this.defined.add(v);
  }

  private current(v: Var): Var {
    const s = this.scope.get(v);
    return s && s.length > 0 ? s[s.length - 1] : v;
  }

  /** Runs `f` with `v` bound: a fresh copy when `v` was bound before. */
  private bind<T>(v: Var, f: (nv: Var) => T): T {
    if (!this.defined.has(v)) {
      this.defined.add(v);
      return f(v);
    }
    const nv = new Var(v.name, v.dtype, v.typeAnnotation);
    let s = this.scope.get(v);
    if (!s) {
      s = [];
      this.scope.set(v, s);
    }
    s.push(nv);
    try {
      return f(nv);
    } finally {
      s.pop();
    }
  }

  override visitVar(v: Var): PrimExpr { return this.current(v); }
  protected override renameBufferVar(v: Var): Var { return this.current(v); }

  override visitLet(e: Let): PrimExpr {
    const value = this.visitExpr(e.value);
    return this.bind(e.variable, (nv) => {
      const body = this.visitExpr(e.body);
      return nv === e.variable && value === e.value && body === e.body ? e : new Let(nv, value, body);
    });
  }

  override visitLetStmt(s: LetStmt): Stmt {
    const value = this.visitExpr(s.value);
    return this.bind(s.variable, (nv) => {
      const body = this.visitStmt(s.body);
      return nv === s.variable && value === s.value && body === s.body ? s : new LetStmt(nv, value, body);
    });
  }

  override visitFor(s: For): Stmt {
    const min = this.visitExpr(s.min);
    const extent = this.visitExpr(s.extent);
    return this.bind(s.loopVar, (nv) => {
      const body = this.visitStmt(s.body);
      if (nv === s.loopVar && min === s.min && extent === s.extent && body === s.body) return s;
      return new For(nv, min, extent, s.forKind, body);
    });
  }

  override visitAllocate(s: Allocate): Stmt {
    const extents = this.visitExprs(s.extents);
    const cond = this.visitExpr(s.condition);
    return this.bind(s.bufferVar, (nv) => {
      const body = this.visitStmt(s.body);
      if (nv === s.bufferVar && extents === s.extents && cond === s.condition && body === s.body) return s;
      return new Allocate(nv, s.dtype, extents, cond, body);
    });
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    // The storage_scope attribute names the allocation right below it: follow its renaming.
    if (s.key === "storage_scope" && s.node instanceof Var && s.body instanceof Allocate && s.body.bufferVar === s.node) {
      const value = this.visitExpr(s.value);
      const alloc = this.visitStmt(s.body);
      if (alloc === s.body && value === s.value) return s;
      const node = alloc instanceof Allocate ? alloc.bufferVar : s.node;
      return new AttrStmt(node, s.key, value, alloc);
    }
    const base = super.visitAttrStmt(s) as AttrStmt;
    if (base.node instanceof Var) {
      const node = this.current(base.node);
      if (node !== base.node) return new AttrStmt(node, base.key, base.value, base.body);
    }
    return base;
  }
}

/**
 * `s` with every variable bound at most once: later bindings of a variable already bound (in
 * `predefined` or earlier in `s`) are renamed to fresh variables of the same name.
 */
export function convertSSA(s: Stmt, predefined: Iterable<Var> = []): Stmt {
  return new SSAConverter(predefined).visitStmt(s);
}
