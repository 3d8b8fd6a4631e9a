// Exceptions thrown by JS functions that kernels call. The kernel only learns that the call
// failed (the addon turns the exception into its message, `packed function 'f' threw: <message>`,
// and the kernel returns an error); the trampoline also keeps the exception itself here, so that
// the kernel's caller gets the callback's own exception back — its class, stack and cause — as a
// JS caller of a throwing callback expects. Values thrown that are not objects (a string) keep
// the kernel's Error, whose message carries them. The last few exceptions are kept, matched by
// the message the addon made of them.

import { KernelError, TejitError } from "../errors.js";

const KEPT = 32;
const recent: { seq: number; message: string; error: object }[] = [];
let seq = 0;

/** A mark to pass to callbackOrigin: only exceptions kept after it belong to the call. */
export function callbackErrorMark(): number {
  return seq;
}

/** The message the addon makes of a thrown value (native/js_bridge.cc, ValueToMessage). */
function messageOf(e: unknown): string {
  if (e instanceof Error && typeof e.message === "string") return e.message;
  try {
    return String(e);
  } catch {
    return "(a value that cannot be converted to a string)";
  }
}

/** Keeps `error`, thrown by the packed function `name` (called by the trampoline). */
export function keepCallbackError(name: string, error: unknown): void {
  if (error === null || (typeof error !== "object" && typeof error !== "function")) return;
  recent.push({ seq: ++seq, message: `packed function '${name}' threw: ${messageOf(error)}`, error: error as object });
  if (recent.length > KEPT) recent.shift();
}

/**
 * What a kernel call started at `mark` that failed with `e` should throw: the callback's
 * exception that `e` reports; else a TejitError or an Error subclass as it is (an argument refused before the
 * call); else (the addon's plain Error: the kernel returned an error) a KernelError with its message.
 */
export function callbackOrigin(e: unknown, mark: number): unknown {
  if (!(e instanceof Error)) return e;
  for (let i = recent.length - 1; i >= 0 && recent[i].seq > mark; i--) {
    if (e.message.includes(recent[i].message)) return recent.splice(i, 1)[0].error;
  }
  if (e instanceof TejitError || Object.getPrototypeOf(e) !== Error.prototype) return e;
  return new KernelError(e.message, { cause: e });
}
