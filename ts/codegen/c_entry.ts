// A function's packed entry point in C: `int32_t f(void* args, int32_t* type_codes, int32_t
// num_args, ...)` (the parameters make_packed_api gave it) exported under its global symbol,
// through an asm label when the C name must differ, with its body printed by a FnEmitter.
// codegen_c.ts calls it once per function; nothing the body's printers use imports it back.

import type { PrimFunc } from "../ir/function.js";
import { IRError } from "../errors.js";
import { FnEmitter } from "./c_function.js";
import type { CModule } from "./c_module.js";
import { cString } from "./c_names.js";

/** Prints an entry function (after make_packed_api). */
export function emitEntry(mod: CModule, f: PrimFunc): void {
  if (f.attrs["calling_conv"] !== 1) throw new IRError(`codegen: function '${f.name}' has no packed API; run makePackedAPI first`);
  const { ident, symbol } = mod.entry(f);
  const em = new FnEmitter(mod, f.name!, f.attrs["tir.noalias"] === true);
  const params = f.params.map((p) => `${em.varType(p)} ${em.define(p)}`);
  const sig = `int32_t ${ident}(${params.join(", ")})`;
  const decl = ident !== symbol ? `${sig} __asm__(${cString(symbol)});\n` : "";
  for (const p of f.params) em.line(`(void)${em.varName(p)};`);
  em.stmt(f.body);
  em.line("return 0;");
  mod.functions.push(`${decl}${sig} {\n${em.text()}\n}\n`);
}
