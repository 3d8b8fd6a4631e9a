// Turns a JavaScript stack overflow inside tejit's recursive passes into a clear Error. The IR
// visitors recurse once per nested expression, so one expression chain of a few thousand
// operations (built by a loop, e.g. a long sum written as e = e.add(x)) overflows V8's stack in
// the simplifier or the code generator; without this the user saw V8's "Maximum call stack size
// exceeded" from deep inside a pass. Entry points (te.compute, lower, build, buildAsync,
// interpret) wrap their work in guardStack.

import { UnsupportedError } from "./errors.js";

/** True for V8's stack overflow. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes("Maximum call stack size exceeded");
}

/** The error `what` throws for a stack overflow. */
export function stackOverflowError(what: string): UnsupportedError {
  return new UnsupportedError(`${what}: the program nests expressions too deeply for tejit's passes (the JavaScript stack overflowed; ` +
    `a chain of a few thousand operations in one expression is the limit); compute the chain in several stages (te.compute), ` +
    `sum with te.sum over a reduce axis, or run node with a larger --stack-size`);
}

/** Runs `fn`; a stack overflow in it becomes {@link stackOverflowError}(what). */
export function guardStack<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isStackOverflow(e)) throw stackOverflowError(what);
    throw e;
  }
}
