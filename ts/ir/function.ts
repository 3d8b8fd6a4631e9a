// PrimFunc (a TIR function: parameters, buffer map, body, attributes) and IRModule (named
// functions). IRModule.toString() prints TVM's classic text form.

import type { Buffer } from "./buffer.js";
import type { Var } from "./expr.js";
import type { Stmt } from "./stmt.js";
import { printModule, printPrimFunc } from "./printer.js";

const inspect = Symbol.for("nodejs.util.inspect.custom");

/** Function attribute values: strings print quoted, booleans as True/False, numbers bare. */
export type AttrValue = string | number | boolean;

export class PrimFunc {
  constructor(
    readonly params: Var[],
    readonly body: Stmt,
    readonly bufferMap: Map<Var, Buffer> = new Map(),
    readonly attrs: Readonly<Record<string, AttrValue>> = {},
  ) {}

  get name(): string | undefined {
    const s = this.attrs["global_symbol"];
    return typeof s === "string" ? s : undefined;
  }

  withBody(body: Stmt): PrimFunc {
    return body === this.body ? this : new PrimFunc(this.params, body, this.bufferMap, this.attrs);
  }

  withAttr(key: string, value: AttrValue): PrimFunc {
    return new PrimFunc(this.params, this.body, this.bufferMap, { ...this.attrs, [key]: value });
  }

  toString(): string { return printPrimFunc(this); }

  /** console.log prints the TIR text. */
  [inspect](): string { return this.toString(); }
}

export class IRModule {
  readonly functions: ReadonlyMap<string, PrimFunc>;
  /** Why the bounds are what they are, when lower() was asked to explain ({explain: true}). */
  readonly explanation?: { toString(): string };
  constructor(functions: Map<string, PrimFunc> | Record<string, PrimFunc>, explanation?: { toString(): string }) {
    this.functions = functions instanceof Map ? new Map(functions) : new Map(Object.entries(functions));
    this.explanation = explanation;
  }

  withExplanation(explanation: { toString(): string }): IRModule {
    return new IRModule(new Map(this.functions), explanation);
  }

  get(name: string): PrimFunc {
    const f = this.functions.get(name);
    if (!f) {
      throw new Error(`IRModule has no function '${name}'; it has: ${[...this.functions.keys()].join(", ") || "none"}`);
    }
    return f;
  }

  /** The module with every function passed through `pass`. */
  map(pass: (f: PrimFunc) => PrimFunc): IRModule {
    const out = new Map<string, PrimFunc>();
    for (const [k, f] of this.functions) out.set(k, pass(f));
    return new IRModule(out, this.explanation);
  }

  toString(): string { return printModule(this); }

  /** console.log prints the TIR text. */
  [inspect](): string { return this.toString(); }
}
