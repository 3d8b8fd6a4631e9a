// PrimFunc (a TIR function: parameters, buffer map, body, attributes) and IRModule (named
// functions). IRModule.toString() prints TVM's classic text form.

import { ArgumentError } from "../errors.js";
import type { Buffer } from "./buffer.js";
import type { Var } from "./expr.js";
import type { Stmt } from "./stmt.js";
import { printModule, printPrimFunc } from "./printer.js";

const inspect = Symbol.for("nodejs.util.inspect.custom");

/** Function attribute values: strings print quoted, booleans as True/False, numbers bare. */
export type AttrValue = string | number | boolean;

/**
 * A TIR function (TVM's tir.PrimFunc): parameters, the buffer bound to each handle parameter,
 * a body and attributes (its name is the "global_symbol" attribute). `lower` returns an
 * {@link IRModule} of them; `String(f)` prints TVM's text form.
 */
export class PrimFunc {
  /**
   * @param params The parameters: buffer handles and scalar variables.
   * @param body The body.
   * @param bufferMap The buffer behind each handle parameter.
   * @param attrs The function's attributes, e.g. global_symbol.
   */
  constructor(
    readonly params: Var[],
    readonly body: Stmt,
    readonly bufferMap: Map<Var, Buffer> = new Map(),
    readonly attrs: Readonly<Record<string, AttrValue>> = {},
  ) {}

  /** The function's name (its global_symbol attribute), if it has one. */
  get name(): string | undefined {
    const s = this.attrs["global_symbol"];
    return typeof s === "string" ? s : undefined;
  }

  /**
   * This function with `body`; itself when the body is the same.
   * @param body The new body.
   */
  withBody(body: Stmt): PrimFunc {
    return body === this.body ? this : new PrimFunc(this.params, body, this.bufferMap, this.attrs);
  }

  /**
   * This function with attribute `key` set to `value`.
   * @param key The attribute's name.
   * @param value Its value.
   */
  withAttr(key: string, value: AttrValue): PrimFunc {
    return new PrimFunc(this.params, this.body, this.bufferMap, { ...this.attrs, [key]: value });
  }

  /** The function in TVM's TIR text form. */
  toString(): string { return printPrimFunc(this); }

  /** console.log prints the TIR text. */
  [inspect](): string { return this.toString(); }
}

/**
 * Named TIR functions (TVM's IRModule): what `lower` returns. `String(mod)` (and console.log)
 * prints TVM's text form.
 */
export class IRModule {
  /** The functions by name. */
  readonly functions: ReadonlyMap<string, PrimFunc>;
  /** Why the bounds are what they are, when lower() was asked to explain ({explain: true}). */
  readonly explanation?: { toString(): string };
  /**
   * @param functions The functions by name.
   * @param explanation The bound explanation, when lower() was asked to explain.
   */
  constructor(functions: Map<string, PrimFunc> | Record<string, PrimFunc>, explanation?: { toString(): string }) {
    this.functions = functions instanceof Map ? new Map(functions) : new Map(Object.entries(functions));
    this.explanation = explanation;
  }

  /**
   * This module with a bound explanation attached.
   * @param explanation What {@link IRModule.explanation} will print.
   */
  withExplanation(explanation: { toString(): string }): IRModule {
    return new IRModule(new Map(this.functions), explanation);
  }

  /**
   * The function named `name`.
   * @param name The function's name.
   * @throws Error naming the functions the module has when there is none of that name.
   */
  get(name: string): PrimFunc {
    const f = this.functions.get(name);
    if (!f) {
      throw new ArgumentError(`IRModule has no function '${name}'; it has: ${[...this.functions.keys()].join(", ") || "none"}`);
    }
    return f;
  }

  /** The module with every function passed through `pass`. */
  map(pass: (f: PrimFunc) => PrimFunc): IRModule {
    const out = new Map<string, PrimFunc>();
    for (const [k, f] of this.functions) out.set(k, pass(f));
    return new IRModule(out, this.explanation);
  }

  /** The module in TVM's TIR text form. */
  toString(): string { return printModule(this); }

  /** console.log prints the TIR text. */
  [inspect](): string { return this.toString(); }
}
