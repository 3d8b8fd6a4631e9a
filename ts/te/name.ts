// Names of tensors, operations and variables: a non-empty string (they name buffers, loops and
// arguments in lowered text, messages and generated C), refused otherwise by the constructor.
import { ArgumentError } from "../errors.js";
import { describe } from "../ir/op.js";

/** Throws unless `name` is a non-empty string; `what` is the constructor ("placeholder", "var", ...). */
export function checkName(what: string, name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length === 0) {
    throw new ArgumentError(`${what}: name must be a non-empty string, got ${name === "" ? "''" : describe(name)}`);
  }
}
