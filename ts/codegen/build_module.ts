// The build pipeline from TIR to a loaded module: the host passes (legalize_vector_lanes, then
// those TVM's build runs: make_packed_api, lower_tvm_builtin, lower_intrin), then the C code generator, then the
// runtime's compile driver and loader (createModuleFromSource, cached). Each function's parameter
// description (tensor dtype and rank, scalar dtype) is embedded in the library as
// `__tejit_metadata`, so JS arguments are checked and numbers sent as float where a parameter is
// float, also after runtime.loadModule; for a tir.noalias function it also says which tensors the
// kernel writes, so arguments sharing memory with a written one are refused before the call.

import { ArgumentError, UnsupportedError } from "../errors.js";
import { IRModule, type PrimFunc } from "../ir/function.js";
import { describe } from "../ir/op.js";
import { createModuleFromSource, createModuleFromSourceAsync, metadataDefinition, type Module } from "../runtime/module.js";
import type { FunctionInfo, ParamInfo } from "../runtime/marshal.js";
import { compilerFlags } from "../runtime/compile.js";
import { flagList } from "../runtime/run_compiler.js";
import { nativeVectorBytes } from "./vector_width.js";
import { hostPipeline } from "../transform/pipeline.js";
import { PassContext } from "../transform/pass_context.js";
import { log, logLevel, PassLogInstrument, since } from "../log.js";
import { codegenC } from "./codegen_c.js";
import { writtenParams } from "./written_params.js";

/** Options of {@link build} and {@link buildAsync}. */
export interface BuildOptions {
  /** The function's name (global symbol) when building a schedule or an unnamed PrimFunc. Default "main". */
  name?: string;
  /** C compiler command line (default: TEJIT_CC, CC, then cc). */
  cc?: string;
  /** Extra compiler flags, after the defaults (-O3 -march=native -ffp-contract=fast -fPIC -shared) and TEJIT_CFLAGS. */
  cflags?: string | readonly string[];
  /** "c" (the default; "llvm" is accepted as its alias), optionally with " -mcpu=<cpu>" (becomes -march). */
  target?: string;
  /** Embed parameter descriptions (default true; false leaves every check to the C prologue). */
  metadata?: boolean;
  /** Constant allocations up to this many bytes live on the C stack (default 16384, Halide's limit; 64 KiB at most a function or parallel body). */
  maxStackBytes?: number;
  /** The widest vector (bytes) kept whole; wider vector stores are split (default: from the flags). */
  vectorBytes?: number;
}

/** The context the host pipeline runs under: the current one with build's options over it. */
export function hostContext(opts: BuildOptions = {}): PassContext {
  const vectorBytes = opts.vectorBytes ?? nativeVectorBytes(compilerFlags({ cflags: [...targetFlags(opts.target), ...flagList(opts.cflags)] }));
  const extra = logLevel() === "debug" ? [new PassLogInstrument()] : [];
  return PassContext.current().with({ vectorBytes, maxStackBytes: opts.maxStackBytes }, extra);
}

/** The host passes build runs on every function (transform/pipeline.ts's hostPipeline). */
export function hostPasses(f: PrimFunc, opts: BuildOptions = {}): PrimFunc {
  const ctx = hostContext(opts);
  return hostPipeline()(new IRModule(new Map([["f", f]])), ctx).get("f");
}

/**
 * What JS callers pass for each parameter of `f` (before the packed API). For a tir.noalias
 * function every tensor also says whether the kernel writes it (`noalias`), so the runtime can
 * refuse two arguments sharing memory where one is written (the C declares them `restrict`).
 */
export function functionInfo(f: PrimFunc): FunctionInfo {
  const written = f.attrs["tir.noalias"] === true ? writtenParams(f) : undefined;
  const params: ParamInfo[] = f.params.map((p, i) => {
    const buf = f.bufferMap.get(p);
    const noalias = written?.[i] === undefined ? {} : { noalias: written[i] ? "written" as const : "read" as const };
    if (buf) return { kind: "tensor", name: buf.name, dtype: buf.dtype.toString(), ndim: buf.shape.length, ...noalias };
    if (p.dtype.isHandle()) return { kind: "tensor", name: p.name, ...noalias };
    return { kind: "scalar", name: p.name, dtype: p.dtype.toString() };
  });
  return { params };
}

/** The target's extra compiler flags. */
export function targetFlags(target: string | undefined): string[] {
  if (target === undefined) return [];
  if (typeof target !== "string") throw new ArgumentError(`build: target must be a string such as "c", got ${describe(target)}`);
  const [kind, ...rest] = target.trim().split(/\s+/);
  if (kind !== "c" && kind !== "llvm") {
    throw new UnsupportedError(`build: target '${target}' is not supported; tejit compiles C for the host CPU (target "c", optionally "c -mcpu=<cpu>")`);
  }
  return rest.map((opt) => {
    const m = /^-mcpu=([A-Za-z0-9_.+-]+)$/.exec(opt);
    if (!m) throw new ArgumentError(`build: unknown target option '${opt}' in '${target}'; only -mcpu=<cpu> is supported`);
    return `-march=${m[1]}`;
  });
}

/** What generateC gives: the C source, the exported symbols and the parameter descriptions. */
export interface GeneratedC {
  /** The C source of the whole module. */
  source: string;
  /** Exported symbol of each function, by its global_symbol. */
  symbols: Map<string, string>;
  /** Parameter descriptions by exported symbol. */
  functions: Record<string, FunctionInfo>;
}

/** The functions of `mod`, each with a global_symbol (the module key when it has none). */
function namedFunctions(mod: IRModule): PrimFunc[] {
  if (mod.functions.size === 0) throw new ArgumentError("build: the module has no functions");
  return [...mod.functions].map(([key, f]) => (f.name === undefined ? f.withAttr("global_symbol", key) : f));
}

/** C source for every function of `mod`, through the host passes. */
export function generateC(mod: IRModule, opts: BuildOptions = {}): GeneratedC {
  const start = process.hrtime.bigint();
  const funcs = namedFunctions(mod);
  const ctx = hostContext(opts);
  const host = hostPipeline();
  const lowered = funcs.map((f) => host(new IRModule(new Map([["f", f]])), ctx).get("f"));
  // Metadata is keyed by exported symbol, which the code generator decides.
  const functions: Record<string, FunctionInfo> = {};
  const { source, symbols } = codegenC(lowered, (syms) => {
    funcs.forEach((f) => { functions[syms.get(f.name!)!] = functionInfo(f); });
    return opts.metadata === false ? "" : metadataDefinition(functions);
  });
  log("info", "codegen", `${funcs.map((f) => `'${f.name}'`).join(", ")}: ${source.length} bytes of C`, since(start));
  return { source, symbols, functions };
}

/** The loaded module with the functions renamed by the code generator found under their TIR names too. */
export function withTirNames(m: Module, symbols: ReadonlyMap<string, string>): Module {
  const renamed = [...symbols].filter(([name, sym]) => name !== sym);
  if (renamed.length > 0) {
    const map = new Map(renamed);
    const getFunction = m.getFunction.bind(m);
    const timeEvaluator = m.timeEvaluator.bind(m);
    m.getFunction = (name: string) => getFunction(map.get(name) ?? name);
    m.timeEvaluator = (name: string, o) => timeEvaluator(map.get(name) ?? name, o);
  }
  return m;
}

function checkModule(mod: unknown): asserts mod is IRModule {
  if (!(mod instanceof IRModule)) throw new ArgumentError(`build: expects an IRModule, got ${describe(mod)}`);
}

function compileOptions(opts: BuildOptions) {
  return { cc: opts.cc, cflags: [...targetFlags(opts.target), ...flagList(opts.cflags)] };
}

/** Compiles and loads `mod`; functions whose name is not a C identifier are found under both names. */
export function buildModule(mod: IRModule, opts: BuildOptions = {}): Module {
  checkModule(mod);
  const { source, symbols } = generateC(mod, opts);
  return withTirNames(createModuleFromSource(source, compileOptions(opts)), symbols);
}

/** buildModule compiling in a child process awaited without blocking the event loop. */
export async function buildModuleAsync(mod: IRModule, opts: BuildOptions = {}): Promise<Module> {
  checkModule(mod);
  const { source, symbols } = generateC(mod, opts);
  return withTirNames(await createModuleFromSourceAsync(source, compileOptions(opts)), symbols);
}
