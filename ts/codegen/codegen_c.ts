// TIR -> C: the code generator behind build(). It takes PrimFuncs that went through the host passes
// (make_packed_api, lower_tvm_builtin, lower_intrin) and prints one self-contained C file:
// - each function's packed entry point, exported under its global_symbol (an asm label keeps the
//   symbol exact when the C name must differ, e.g. "main"); a symbol that is not a C identifier
//   is exported sanitised and reported in `symbols` (c_module.ts, c_entry.ts);
// - the `compute_scope` body outlined into a static noinline function whose pointer parameters are
//   `restrict` (the function is tir.noalias), so the C compiler may keep values in registers;
// - parallel loops outlined into a closure (a struct of captured variables and a task function)
//   launched through __TVMBackendParallelLaunch, the tasks taking chunks of the range from a shared
//   atomic counter so that work is balanced across threads (c_outline.ts);
// - vectors as GCC/Clang vector extensions: contiguous loads and stores of a ramp index as one
//   (aligned where proven, else element-aligned) vector access, other indices as gathers/scatters
//   (c_memory.ts);
// - floordiv/floormod with floor semantics for negatives, as shifts and masks for constant powers
//   of two and as plain `/` `%` when the dividend is provably non-negative (c_expr.ts);
// - packed calls through a `static void* <callee>_packed` handle per callee, looked up once;
// - failed checks and failed runtime calls set the last error and return -1 (c_stmt.ts).
// One function body is printed by a FnEmitter (c_function.ts).

import type { PrimFunc } from "../ir/function.js";
import { CModule } from "./c_module.js";
import { emitEntry } from "./c_entry.js";

/** What codegenC gives: the C source and the exported symbol of each function. */
export interface CodegenResult {
  /** The C source. */
  source: string;
  /** Exported symbol of each function, by its global_symbol. */
  symbols: Map<string, string>;
}

/**
 * Prints C for functions that went through the host passes. `metadata`, given the exported symbol
 * of each function, returns text appended to the file (the `__tejit_metadata` definition).
 */
export function codegenC(funcs: PrimFunc[], metadata?: (symbols: Map<string, string>) => string): CodegenResult {
  const mod = new CModule();
  mod.plan(funcs);
  for (const f of funcs) emitEntry(mod, f);
  return { source: mod.source(metadata ? metadata(mod.symbols) : ""), symbols: mod.symbols };
}
