// Storage rewrite, placement part (TVM's StorageRewrite): every allocation moves to the start
// of its attach scope — the innermost enclosing parallel loop, thread or pragma scope, or the
// function body — as one flat allocation (`attr [x] "storage_scope"; allocate(x, t, [n])`).
// An allocation whose size depends on a variable bound between the two places stays put.

import { type PrimExpr, StringImm, Var } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprMutator } from "../ir/functor.js";
import { mul, constant } from "../ir/op.js";
import { Allocate, AttrStmt, For, LetStmt, type Stmt } from "../ir/stmt.js";
import { usesVar } from "../ir/substitute.js";

interface Hoisted {
  alloc: Allocate;
  scope: string;
}

function isScopeAttr(key: string): boolean {
  return key === "thread_extent" || key === "virtual_thread" || key.startsWith("pragma_");
}

function flatExtent(extents: PrimExpr[]): PrimExpr {
  return extents.reduce<PrimExpr>((acc, e) => mul(acc, e), constant(1, "int32"));
}

function attach(list: Hoisted[], body: Stmt): Stmt {
  let out = body;
  for (let i = list.length - 1; i >= 0; i--) {
    const { alloc, scope } = list[i];
    out = new AttrStmt(alloc.bufferVar, "storage_scope", new StringImm(scope), new Allocate(alloc.bufferVar, alloc.dtype, [flatExtent(alloc.extents)], alloc.condition, out));
  }
  return out;
}

class AllocationHoister extends StmtExprMutator {
  /** Allocations waiting for their attach scope, innermost scope last. */
  private readonly pending: Hoisted[][] = [[]];
  /** Variables bound since the current attach scope began. */
  private readonly boundVars: Var[][] = [[]];

  private inScope(body: () => Stmt): Stmt {
    this.pending.push([]);
    this.boundVars.push([]);
    const b = body();
    this.boundVars.pop();
    return attach(this.pending.pop()!, b);
  }

  private binding<T>(v: Var, f: () => T): T {
    const vars = this.boundVars[this.boundVars.length - 1];
    vars.push(v);
    const r = f();
    vars.pop();
    return r;
  }

  override visitFor(s: For): Stmt {
    const body = s.forKind === "parallel"
      ? this.inScope(() => this.visitStmt(s.body))
      : this.binding(s.loopVar, () => this.visitStmt(s.body));
    return body === s.body ? s : new For(s.loopVar, s.min, s.extent, s.forKind, body);
  }

  override visitLetStmt(s: LetStmt): Stmt {
    const body = this.binding(s.variable, () => this.visitStmt(s.body));
    return body === s.body ? s : new LetStmt(s.variable, s.value, body);
  }

  override visitAttrStmt(s: AttrStmt): Stmt {
    if (s.key === "storage_scope" && s.body instanceof Allocate && s.body.bufferVar === s.node) {
      return this.hoist(s.body, (s.value as StringImm).value);
    }
    if (isScopeAttr(s.key)) {
      const body = this.inScope(() => this.visitStmt(s.body));
      return body === s.body ? s : new AttrStmt(s.node, s.key, s.value, body);
    }
    return super.visitAttrStmt(s);
  }

  override visitAllocate(s: Allocate): Stmt {
    return this.hoist(s, "global");
  }

  private hoist(a: Allocate, scope: string): Stmt {
    const vars = this.boundVars[this.boundVars.length - 1];
    const body = this.visitStmt(a.body);
    const dependsOnInner = vars.length > 0 && a.extents.some((e) => usesVar(e, (v) => vars.includes(v)));
    if (dependsOnInner) {
      return new AttrStmt(a.bufferVar, "storage_scope", new StringImm(scope), new Allocate(a.bufferVar, a.dtype, [flatExtent(a.extents)], a.condition, body));
    }
    this.pending[this.pending.length - 1].push({ alloc: a, scope });
    return body;
  }

  run(s: Stmt): Stmt {
    const body = this.visitStmt(s);
    return attach(this.pending[0], body);
  }
}

export function storageRewrite(f: PrimFunc): PrimFunc {
  return f.withBody(new AllocationHoister().run(f.body));
}
