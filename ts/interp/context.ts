// The compile-time context of the interpreter. TIR is compiled once into JS closures that take a
// frame (an array of slots); this context gives every binding of a variable (parameter, let,
// loop, allocation, realize) its own slot and tracks which variables are in scope, so a use of a
// variable outside the statement that binds it is an Error at compile time, and running a
// closure never looks anything up by name.

import { IRError } from "../errors.js";
import type { Buffer } from "../ir/buffer.js";
import type { PrimExpr, Var } from "../ir/expr.js";
import type { Stmt } from "../ir/stmt.js";
import type { Mem } from "./memory.js";
import type { Scalar } from "./values.js";
import { compileExpr } from "./compile_expr.js";
import { compileStmt } from "./compile_stmt.js";

/** What a slot holds: a scalar, the lanes of a vector, memory (a handle), a string. */
export type Value = Scalar | Scalar[] | Mem | string | null | undefined;
export type Slots = Value[];
/** A compiled expression. */
export type Eval = (s: Slots) => Value;
/** A compiled statement. */
export type Exec = (s: Slots) => void;

/** How the iterations of a parallel loop are ordered (all orders must give the same result). */
export type ParallelOrder = "forward" | "reverse" | "shuffle";

export interface InterpretOptions {
  /** The function to run, for an IRModule with several (default: the only one, or "main"). */
  name?: string;
  /**
   * Order of parallel loop iterations: "forward" (default), "reverse" or "shuffle" (a fixed
   * pseudo-random permutation per loop run). Running a program under several orders finds
   * parallel loops whose iterations depend on each other.
   */
  parallelOrder?: ParallelOrder;
  /**
   * Fill fresh allocations (Allocate, BufferRealize) with NaN (floats) or the byte 0x5a (other
   * types) instead of zeros, so that a program reading memory it never wrote gives visibly wrong
   * results. Default false (zeros).
   */
  poisonAllocations?: boolean;
}

export class Context {
  /** Number of slots a frame needs. */
  nSlots = 0;
  private readonly scope = new Map<Var, number>();
  /** Buffers realized (BufferRealize) around the code being compiled. */
  readonly realized = new Set<Buffer>();

  constructor(
    /** The function's name, for messages. */
    readonly fname: string,
    readonly options: InterpretOptions,
  ) {}

  /** Gives `v` a fresh slot for the rest of the function (parameters and their shape variables). */
  declare(v: Var): number {
    const slot = this.nSlots++;
    this.scope.set(v, slot);
    return slot;
  }

  /** Compiles `body` with `v` bound to a fresh slot; `v`'s previous binding (if any) is restored after. */
  withVar<T>(v: Var, body: (slot: number) => T): T {
    const prev = this.scope.get(v);
    const slot = this.nSlots++;
    this.scope.set(v, slot);
    try {
      return body(slot);
    } finally {
      if (prev === undefined) this.scope.delete(v);
      else this.scope.set(v, prev);
    }
  }

  /** Compiles `body` with all of `vars` bound to fresh slots. */
  withVars<T>(vars: Var[], body: (slots: number[]) => T): T {
    const bind = (i: number, acc: number[]): T =>
      i === vars.length ? body(acc) : this.withVar(vars[i], (slot) => bind(i + 1, [...acc, slot]));
    return bind(0, []);
  }

  /** Compiles `body` with `buffer` counted as realized. */
  withRealized<T>(buffer: Buffer, body: () => T): T {
    const had = this.realized.has(buffer);
    this.realized.add(buffer);
    try {
      return body();
    } finally {
      if (!had) this.realized.delete(buffer);
    }
  }

  isBound(v: Var): boolean {
    return this.scope.has(v);
  }

  /** The slot of `v`; an Error when no enclosing statement binds it. `where` describes the use. */
  slotOf(v: Var, where: () => string): number {
    const slot = this.scope.get(v);
    if (slot === undefined) {
      const what = v.dtype.isHandle() ? "buffer variable" : "variable";
      throw new IRError(`interpreter (${this.fname}): ${what} '${v.name}' is used where nothing binds it, in ${where()}`);
    }
    return slot;
  }

  expr(e: PrimExpr): Eval {
    return compileExpr(this, e);
  }

  stmt(s: Stmt): Exec {
    return compileStmt(this, s);
  }
}
