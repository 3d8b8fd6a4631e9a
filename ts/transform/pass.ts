// Passes as values (TVM's tvm.transform.Pass): a pass is a function from IRModule to IRModule with
// a name and the options it reads, run under a PassContext. A PrimFunc pass applies a pure
// PrimFunc -> PrimFunc function to every function of the module; Sequential runs passes in order.
// Calling a pass consults the current context: a disabled pass (or one above its opt level) is
// skipped, and the context's instruments see the module before and after every pass that runs,
// nested ones included (a Sequential and each of its passes), as TVM's PassInstrument does.

import { ArgumentError } from "../errors.js";
import { IRModule, PrimFunc } from "../ir/function.js";
import { describe } from "../ir/op.js";
import { PassContext } from "./pass_context.js";

/** What a pass is: its name, the opt level it needs and the options it reads (TVM's PassInfo). */
export interface PassInfo {
  /** The pass's name, as TVM names it ("LoopPartition", "tir.Simplify" is "Simplify" here). */
  readonly name: string;
  /** The lowest PassContext optLevel at which it runs (0: always, as TVM's TIR passes). */
  readonly optLevel: number;
  /** The PassContext options it reads (keys of PassContext.options). */
  readonly options: readonly string[];
  /** Whether it is a Sequential (it runs other passes, which instruments see too). */
  readonly sequential: boolean;
}

/** A pass: call it on an IRModule (under PassContext.current(), or the context given). */
export interface Pass {
  (mod: IRModule, ctx?: PassContext): IRModule;
  /** Its name, opt level and the options it reads. */
  readonly info: PassInfo;
  /** The passes a Sequential runs (empty for a single pass). */
  readonly passes: readonly Pass[];
}

/** How a pass is declared (createPrimFuncPass, createModulePass, sequential). */
export interface PassSpec {
  /** The pass's name; a PassContext's disabledPass and requiredPass refer to it. */
  name: string;
  /** The lowest PassContext optLevel at which it runs (0, always, by default). */
  optLevel?: number;
  /** The PassContext options it reads (keys of {@link PassOptions}). */
  options?: readonly string[];
}

function checkModule(mod: unknown, name: string): asserts mod is IRModule {
  if (!(mod instanceof IRModule)) {
    throw new ArgumentError(`pass ${name}: expects an IRModule (lower() gives one; new tir.IRModule({main: f}) wraps a PrimFunc), got ${describe(mod)}`);
  }
}

function makePass(spec: PassSpec, run: (mod: IRModule, ctx: PassContext) => IRModule, passes?: readonly Pass[]): Pass {
  if (typeof spec.name !== "string" || spec.name === "") throw new ArgumentError(`a pass needs a non-empty name, got ${describe(spec.name)}`);
  const info: PassInfo = Object.freeze({
    name: spec.name,
    optLevel: spec.optLevel ?? 0,
    options: Object.freeze([...(spec.options ?? [])]),
    sequential: passes !== undefined,
  });
  const pass = (mod: IRModule, ctx: PassContext = PassContext.current()): IRModule => {
    checkModule(mod, info.name);
    if (!ctx.shouldRun(info, mod)) return mod;
    ctx.runBeforePass(mod, info);
    const out = run(mod, ctx);
    checkModule(out, info.name);
    ctx.runAfterPass(out, info);
    return out;
  };
  Object.defineProperty(pass, "name", { value: info.name });
  return Object.assign(pass, { info, passes: Object.freeze([...(passes ?? [])]) }) as Pass;
}

/**
 * A pass applying `fn` to every PrimFunc of the module (TVM's tir.transform.prim_func_pass).
 * `fn` must be pure: it returns a new PrimFunc (or the same one, unchanged).
 */
export function createPrimFuncPass(fn: (f: PrimFunc, ctx: PassContext) => PrimFunc, spec: PassSpec): Pass {
  if (typeof fn !== "function") throw new ArgumentError(`createPrimFuncPass '${spec?.name}': expects a function (PrimFunc, PassContext) => PrimFunc, got ${describe(fn)}`);
  return makePass(spec, (mod, ctx) => mod.map((f) => {
    const out = fn(f, ctx);
    if (!(out instanceof PrimFunc)) throw new ArgumentError(`pass ${spec.name}: its function returned ${describe(out)} instead of a PrimFunc`);
    return out;
  }));
}

/** A pass over the whole module (TVM's tvm.transform.module_pass). */
export function createModulePass(fn: (mod: IRModule, ctx: PassContext) => IRModule, spec: PassSpec): Pass {
  if (typeof fn !== "function") throw new ArgumentError(`createModulePass '${spec?.name}': expects a function (IRModule, PassContext) => IRModule, got ${describe(fn)}`);
  return makePass(spec, fn);
}

/** Runs `passes` in order (TVM's tvm.transform.Sequential). */
export function Sequential(passes: readonly Pass[], name = "Sequential"): Pass {
  if (!Array.isArray(passes)) throw new ArgumentError(`Sequential: expects an array of passes, got ${describe(passes)}`);
  passes.forEach((p, i) => {
    if (typeof p !== "function" || !(p as Partial<Pass>).info) throw new ArgumentError(`Sequential '${name}': element ${i} is not a pass (tir.transform.Simplify() and createPrimFuncPass(...) make passes), got ${describe(p)}`);
  });
  const options = [...new Set(passes.flatMap((p) => p.info.options))];
  return makePass({ name, options }, (mod, ctx) => passes.reduce((m, p) => p(m, ctx), mod), passes);
}
