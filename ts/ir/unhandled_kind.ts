// The default case of every switch over node kinds (the visitor and mutator bases, the printer,
// structural equality and hashing, the interpreter, the C emitter, the bound analyses). The
// compiler checks that such a switch has a case for every kind: the kind that reaches the
// default must have type `never`, so adding a kind to ExprKind or StmtKind fails to type-check
// until every switch handles it. At run time a node whose kind has no case (a node that is not
// one of tejit's, or a kind added without its cases) fails loudly, naming the switch and the
// kind, instead of being skipped or printed as nothing.

import { InternalError } from "../errors.js";

/**
 * Ends a switch over node kinds.
 * @param where The switch, as a user would name it ("printer", "interpreter", "C emitter").
 * @param kind The kind switched on: `never` when the switch is exhaustive.
 * @throws InternalError always: the node's kind has no case.
 */
export function unhandledKind(where: string, kind: never): never {
  const name = typeof kind === "string" ? `'${kind}'` : `${String(kind)} (not a tejit node)`;
  throw new InternalError(`${where} has no case for the node kind ${name} (a node that is not one of tejit's classes, or a kind added without its cases)`);
}
