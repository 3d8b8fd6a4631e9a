// The TIR interpreter: the oracle compiled kernels and schedules are checked against. A PrimFunc
// is compiled once (cached per function object) into JS closures, then run on NDArrays and
// numbers with C's semantics for every dtype and every memory access bounds-checked. Slow
// compared with compiled C, but exact.

import { guardStack } from "../stack_guard.js";
import { ArgumentError, IRError, UnsupportedError } from "../errors.js";
import { IRModule, type PrimFunc } from "../ir/function.js";
import { type Binder, type Arg, compileBinder } from "./bind_args.js";
import { ReturnSignal } from "./calls.js";
import { Context, type Exec, type InterpretOptions, type Slots } from "./context.js";

export type { Arg } from "./bind_args.js";
export type { InterpretOptions, ParallelOrder } from "./context.js";

interface Compiled {
  readonly nSlots: number;
  readonly bind: Binder;
  readonly body: Exec;
}

/** Compiled functions, per function object and options that change the code. */
const cache = new WeakMap<PrimFunc, Map<string, Compiled>>();

function compile(fn: PrimFunc, fname: string, opts: InterpretOptions): Compiled {
  const key = `${fname}\u0000${opts.parallelOrder ?? "forward"}\u0000${opts.poisonAllocations ? 1 : 0}`;
  let perFn = cache.get(fn);
  const hit = perFn?.get(key);
  if (hit) return hit;
  const ctx = new Context(fname, opts);
  const bind = compileBinder(ctx, fn);
  const body = ctx.stmt(fn.body);
  const compiled: Compiled = { nSlots: ctx.nSlots, bind, body };
  if (!perFn) {
    perFn = new Map();
    cache.set(fn, perFn);
  }
  perFn.set(key, compiled);
  return compiled;
}

/** The function of a module to run: `name`, else its only function, else "main". */
function select(mod: IRModule, name: string | undefined): [PrimFunc, string] {
  if (name !== undefined) return [mod.get(name), name];
  const names = [...mod.functions.keys()];
  if (names.length === 1) return [mod.get(names[0]), names[0]];
  if (mod.functions.has("main")) return [mod.get("main"), "main"];
  throw new ArgumentError(`interpret: the module has ${names.length} functions (${names.join(", ") || "none"}); pass {name} to choose one`);
}

/**
 * Runs `fn` (a PrimFunc, or a function of an IRModule) on `args`: NDArrays for buffer (and
 * other handle) parameters, numbers (bigints for 64-bit integers) for scalar ones. Writes go to
 * the NDArrays' memory. Returns the value of `tir.ret` if the function returns one (as a number;
 * a 64-bit result beyond 2^53 is an Error), else undefined.
 */
export function interpret(fn: PrimFunc | IRModule, args: readonly Arg[], opts: InterpretOptions = {}): number | undefined {
  let f: PrimFunc;
  let fname: string;
  if (fn instanceof IRModule) {
    [f, fname] = select(fn, opts.name);
  } else {
    f = fn;
    fname = opts.name ?? fn.name ?? "main";
  }
  if (!Array.isArray(args)) throw new ArgumentError(`interpret(${fname}): args must be an array of NDArrays and numbers`);
  const c = guardStack(`interpret(${fname})`, () => compile(f, fname, opts));
  const slots: Slots = new Array(c.nSlots);
  c.bind(slots, args);
  try {
    c.body(slots);
  } catch (err) {
    if (err instanceof ReturnSignal) return returnValue(fname, err.value);
    throw err;
  }
  return undefined;
}

function returnValue(fname: string, v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new UnsupportedError(`interpret(${fname}): the returned value ${v} is beyond 2^53 and cannot be returned as a number`);
    return n;
  }
  throw new IRError(`interpret(${fname}): tir.ret returned a non-scalar value`);
}

/** Drops the compiled form of `fn` (it is recompiled on the next call). */
export function clearCompiled(fn: PrimFunc): void {
  cache.delete(fn);
}
