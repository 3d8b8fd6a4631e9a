// The C file being generated, as a whole: one name supply for every global (so an exported
// symbol, an outlined function and a packed-callee handle never collide), the vector types and
// helpers asked for on demand, and the functions printed so far. `plan` names every global
// before any body is printed; `source` assembles the file in declaration order.

import { ArgumentError, IRError, UnsupportedError } from "../errors.js";
import { type Call, StringImm } from "../ir/expr.js";
import type { PrimFunc } from "../ir/function.js";
import { StmtExprVisitor } from "../ir/functor.js";
import type { AttrStmt, For, Stmt } from "../ir/stmt.js";
import { CALL_PACKED_LOWERED } from "../transform/host_builtins.js";
import { COMPUTE_SCOPE } from "../transform/make_packed_api.js";
import { CALLABLE_LIBM, NameSupply, isExportableSymbol, isReserved } from "./c_names.js";
import { Helpers, PRELUDE } from "./c_prelude.js";
import { CTypes } from "./c_types.js";

/** The module being generated: global names, types, helpers, and the functions printed so far. */
export class CModule {
  readonly names = new NameSupply();
  readonly types = new CTypes();
  readonly helpers = new Helpers(this.types);
  readonly functions: string[] = [];
  readonly packedHandles = new Map<string, string>();
  readonly closureNames = new Map<Stmt, string>();
  readonly symbols = new Map<string, string>();
  private readonly entryIdents = new Map<PrimFunc, { ident: string; symbol: string }>();

  /** Gives every global its name before any function body is printed. */
  plan(funcs: PrimFunc[]): void {
    // Exported symbols first: they are the names users look up.
    for (const f of funcs) {
      const gs = f.name;
      if (gs === undefined) throw new IRError("codegen: a function has no global_symbol attribute");
      if (gs.includes("\0")) throw new ArgumentError(`codegen: the function name ${JSON.stringify(gs)} contains a NUL character, which would end it early in C: remove the NUL`);
      if (this.symbols.has(gs)) throw new ArgumentError(`codegen: two functions are named '${gs}'`);
      let symbol: string;
      let ident: string;
      if (isExportableSymbol(gs) && !this.names.has(gs)) {
        symbol = gs;
        ident = isReserved(gs) ? this.names.fresh(`${gs}_entry`) : this.names.reserve(gs);
      } else {
        ident = this.names.fresh(gs);
        symbol = ident;
      }
      this.symbols.set(gs, symbol);
      this.entryIdents.set(f, { ident, symbol });
    }
    for (const f of funcs) {
      const ident = this.entryIdents.get(f)!.symbol;
      let nPar = 0;
      const self = this;
      class Scan extends StmtExprVisitor {
        override visitAttrStmt(s: AttrStmt): void {
          if (s.key === COMPUTE_SCOPE) self.closureNames.set(s, self.names.fresh(`${ident}_compute_`));
          super.visitAttrStmt(s);
        }
        override visitFor(s: For): void {
          if (s.forKind === "parallel") self.closureNames.set(s, self.names.fresh(`${ident}_parallel_${nPar++}`));
          super.visitFor(s);
        }
        override visitCall(c: Call): void {
          if (c.op === CALL_PACKED_LOWERED && c.args[0] instanceof StringImm) {
            const callee = c.args[0].value;
            if (!self.packedHandles.has(callee)) self.packedHandles.set(callee, self.names.fresh(`${callee}_packed`));
          }
          super.visitCall(c);
        }
      }
      new Scan().visitStmt(f.body);
    }
  }

  entry(f: PrimFunc): { ident: string; symbol: string } {
    return this.entryIdents.get(f)!;
  }

  /**
   * The C function behind call_extern / call_pure_extern of `name`. Generated libraries link only
   * libm, so only its functions can be called (through GCC/Clang builtins).
   */
  externFunction(name: string): string {
    if (!CALLABLE_LIBM.has(name)) {
      throw new UnsupportedError(`codegen: call_extern of '${name}' is not supported: a generated library links only libm, so call_extern takes libm names (expf, tanh, pow, fmaxf, …)`);
    }
    return `__builtin_${name}`;
  }

  source(metadata: string): string {
    const parts = [PRELUDE];
    const typedefs = this.types.typedefs();
    if (typedefs.length) parts.push(typedefs.join("\n") + "\n");
    const helpers = this.helpers.definitions();
    if (helpers.length) parts.push(helpers.join("\n\n") + "\n");
    if (this.packedHandles.size) {
      parts.push([...this.packedHandles.values()].map((n) => `static void* ${n} = 0;`).join("\n") + "\n");
    }
    parts.push(...this.functions);
    if (metadata) parts.push(metadata);
    return parts.join("\n");
  }
}
