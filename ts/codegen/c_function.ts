// The printer of one C function body, and what it knows while printing: the lines so far and
// their indentation, the C name of each TIR variable in scope (a second binding of the same Var
// gets a fresh name, restored when its scope ends), the ranges of loop variables and constant
// lets (so divisions by constants can use `/` where the dividend is provably non-negative), the
// internal buffers known to be 64-byte aligned (stack arrays and workspace blocks), and the
// workspace holders to free. How each node prints lives in the files by concern: statements
// (c_stmt.ts), expressions (c_expr.ts), calls (c_call.ts), memory (c_memory.ts), outlining
// (c_outline.ts), the packed API (c_packed.ts), literals and lane masks (c_lanes.ts); they reach
// each other through this printer (em.expr, em.stmt, em.outlined), never by importing back.

import { IRError } from "../errors.js";
import type { DataType } from "../ir/dtype.js";
import type { PrimExpr, Var } from "../ir/expr.js";
import type { Range } from "../ir/iter_var.js";
import type { Stmt } from "../ir/stmt.js";
import { ConstIntBoundAnalyzer } from "../arith/const_int_bound.js";
import { ModularSetAnalyzer } from "../arith/modular_set.js";
import type { CModule } from "./c_module.js";
import { NameSupply } from "./c_names.js";
import type { Helpers } from "./c_prelude.js";
import type { CTypes } from "./c_types.js";
import { emitExpr } from "./c_expr.js";
import { emitStmt } from "./c_stmt.js";

/** What an outlined function inherits from the function it was outlined from. */
export interface Inherited {
  ranges: Map<Var, Range>;
  aligned: Set<Var>;
  /** The depth of `pragma_nontemporal_store` regions around the outlined code. */
  streaming: number;
}

/** Prints the body of one C function. */
export class FnEmitter {
  private readonly lines: string[] = [];
  /** The indentation level of the next line (1 inside a function body). */
  indent = 1;
  readonly names: NameSupply;
  private readonly vars = new Map<Var, string>();
  /** Internal buffers known to be 64-byte aligned: stack arrays (STACK_ALIGN) and workspace blocks (WORKSPACE_ALIGN). */
  readonly aligned = new Set<Var>();
  /** The range of each loop variable (and constant let) in scope. */
  readonly ranges = new Map<Var, Range>();
  /** The `void*` holding each workspace allocation, freed by its cleanup attribute. */
  readonly workspaceHolder = new Map<Var, string>();
  /** The depth of `pragma_nontemporal_store` regions in scope: full-vector stores in them stream (c_memory.ts). */
  streaming = 0;
  /** Whether a streaming store was printed since this was last cleared (a store fence is due). */
  streamed = false;
  readonly bounds = new ConstIntBoundAnalyzer();
  readonly modular: ModularSetAnalyzer;

  constructor(readonly mod: CModule, readonly fname: string, readonly noalias: boolean, inherited?: Inherited) {
    this.names = new NameSupply(mod.names);
    this.modular = new ModularSetAnalyzer({ canProveGreaterEqual: (e, lb) => this.bounds.bound(e).minValue >= lb });
    if (inherited) {
      for (const [v, r] of inherited.ranges) this.bindRange(v, r);
      for (const v of inherited.aligned) this.aligned.add(v);
      this.streaming = inherited.streaming;
    }
  }

  get types(): CTypes { return this.mod.types; }
  get helpers(): Helpers { return this.mod.helpers; }

  text(): string {
    return this.lines.join("\n");
  }

  line(s: string): void {
    this.lines.push("  ".repeat(this.indent) + s);
  }

  /** Prints what `body` prints one level deeper. */
  block(body: () => void): void {
    this.indent++;
    try {
      body();
    } finally {
      this.indent--;
    }
  }

  /** Declares `v` under a fresh C name (a second binding of the same Var gets a new name). */
  define(v: Var): string {
    const name = this.names.fresh(v.name);
    this.vars.set(v, name);
    return name;
  }

  /** Runs `body` with `v` defined; restores an earlier binding of the same Var afterwards. */
  scoped<T>(v: Var, body: (name: string) => T): T {
    const prev = this.vars.get(v);
    const name = this.define(v);
    try {
      return body(name);
    } finally {
      if (prev === undefined) this.vars.delete(v);
      else this.vars.set(v, prev);
    }
  }

  bindRange(v: Var, r: Range): void {
    this.ranges.set(v, r);
    try {
      this.bounds.bind(v, r, true);
    } catch {
      // A range the analysis cannot take only costs precision.
    }
  }

  /** True when `e` is provably >= 0 under the ranges in scope. */
  nonNegative(e: PrimExpr): boolean {
    try {
      return this.bounds.bound(e).minValue >= 0;
    } catch {
      return false;
    }
  }

  /** What a function outlined from here inherits. */
  inherited(): Inherited {
    return { ranges: new Map(this.ranges), aligned: new Set(this.aligned), streaming: this.streaming };
  }

  /** The printer of a function outlined from this one: same module, name and noalias, inheriting what is known here. */
  outlined(): FnEmitter {
    return new FnEmitter(this.mod, this.fname, this.noalias, this.inherited());
  }

  varName(v: Var): string {
    const n = this.vars.get(v);
    if (n === undefined) {
      throw new IRError(`codegen(${this.fname}): variable '${v.name}' is used but not defined here (a parameter missing from the argument list, or a variable used outside the statement that binds it)`);
    }
    return n;
  }

  /** The C type of a variable (pointers from their annotation). */
  varType(v: Var): string {
    if (v.dtype.isHandle()) {
      const ann = v.typeAnnotation;
      return ann ? `${this.types.mem(ann.elementType, `pointer '${v.name}'`)}*` : "void*";
    }
    return this.types.value(v.dtype, `variable '${v.name}'`);
  }

  /** The element dtype a pointer variable points to, if annotated. */
  pointee(v: Var): DataType | undefined {
    return v.typeAnnotation?.elementType;
  }

  /** Prints a statement. */
  stmt(s: Stmt): void {
    emitStmt(this, s);
  }

  /** An expression as C. */
  expr(e: PrimExpr): string {
    return emitExpr(this, e);
  }

  /** A condition (scalar bool) as C. */
  cond(e: PrimExpr): string {
    if (e.dtype.lanes !== 1) throw new IRError(`codegen(${this.fname}): a condition must be a scalar, got ${e.dtype} (${e})`);
    return this.expr(e);
  }
}
