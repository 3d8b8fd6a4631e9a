// The errors tejit throws: `TejitError`, with a stable `code`, and one subclass a kind of
// failure, so that a caller (and a test) can tell a mistake in its own program (a bad argument,
// a shape or dtype mismatch, an invalid schedule, an unsupported feature) from a failure of the
// environment (the C compiler, the cache directory), of a kernel at run time, or from a bug in
// tejit itself (InternalError). Every class extends Error, so `instanceof Error` holds.
// This file imports nothing, so that any file (ir/expr.ts included) can import it without a cycle.

/** The codes of tejit's errors, one per class (docs/errors.md lists what each means). */
export type TejitErrorCode =
  | "ERR_TEJIT"
  | "ERR_ARGUMENT"
  | "ERR_SHAPE"
  | "ERR_DTYPE"
  | "ERR_SCHEDULE"
  | "ERR_IR"
  | "ERR_UNSUPPORTED"
  | "ERR_COMPILE"
  | "ERR_KERNEL"
  | "ERR_CONFIG"
  | "ERR_TUNE"
  | "ERR_INTERNAL";

/** Options of an error's constructor: the error that caused it (kept as `cause`). */
export interface TejitErrorOptions {
  /** The error this one reports (as Error's `cause`). */
  cause?: unknown;
}

/**
 * The base of every error tejit throws. `code` is stable across versions (match it, or the
 * class, rather than the message, whose wording may improve); `name` is the class's name.
 */
export class TejitError extends Error {
  /** A stable string naming the kind of error, e.g. "ERR_SHAPE". */
  readonly code: TejitErrorCode;

  /** An error with `message` and `code` (a subclass passes its own code). */
  constructor(message: string, code: TejitErrorCode = "ERR_TEJIT", options?: TejitErrorOptions) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, "name", { value: new.target.name, enumerable: false, configurable: true, writable: true });
  }
}

/** A value passed to tejit's API is of the wrong kind or out of range (code "ERR_ARGUMENT"). */
export class ArgumentError extends TejitError {
  /** An argument error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_ARGUMENT", options);
  }
}

/** Shapes, ranks or index counts do not match (code "ERR_SHAPE"). */
export class ShapeError extends TejitError {
  /** A shape error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_SHAPE", options);
  }
}

/** A dtype is unknown, or two dtypes that must agree do not (code "ERR_DTYPE"). */
export class DTypeError extends TejitError {
  /** A dtype error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_DTYPE", options);
  }
}

/** A schedule primitive is applied where it is not valid (code "ERR_SCHEDULE"). */
export class ScheduleError extends TejitError {
  /** A schedule error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_SCHEDULE", options);
  }
}

/**
 * TIR given to a pass, the C backend or the interpreter is ill-formed, or not yet in the form
 * that step needs (e.g. not lowered) (code "ERR_IR").
 */
export class IRError extends TejitError {
  /** An IR error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_IR", options);
  }
}

/** A well-formed program uses something tejit does not implement (code "ERR_UNSUPPORTED"). */
export class UnsupportedError extends TejitError {
  /** An unsupported-feature error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_UNSUPPORTED", options);
  }
}

/** The C compiler failed, was not found or timed out (code "ERR_COMPILE"). */
export class CompileError extends TejitError {
  /** A compile error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_COMPILE", options);
  }
}

/**
 * A kernel failed while it ran: an assertion of the generated code (an argument's shape, a
 * division check), a packed function that failed, or an out-of-bounds access the interpreter
 * caught (code "ERR_KERNEL").
 */
export class KernelError extends TejitError {
  /** A kernel error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_KERNEL", options);
  }
}

/**
 * The environment is not usable: an environment variable's value, the cache directory, the
 * native addon (code "ERR_CONFIG").
 */
export class ConfigError extends TejitError {
  /** A configuration error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_CONFIG", options);
  }
}

/** The auto-scheduler could not measure or tune (a queue, a worker, a record) (code "ERR_TUNE"). */
export class TuneError extends TejitError {
  /** A tuning error with `message`. */
  constructor(message: string, options?: TejitErrorOptions) {
    super(message, "ERR_TUNE", options);
  }
}

/** Options of InternalError: the IR the compiler failed on, and the cause. */
export interface InternalErrorOptions extends TejitErrorOptions {
  /** The IR (a PrimFunc, statement, expression or its text) being processed when the bug showed. */
  ir?: unknown;
}

/** How much of the failing IR an InternalError's message shows (the whole text is in `ir`). */
const SHOWN_LINES = 40;
const SHOWN_CHARS = 4000;

/** The first lines of `text`, at most SHOWN_LINES lines and SHOWN_CHARS characters. */
function shorten(text: string): string {
  const lines = text.split("\n");
  let shown = lines.slice(0, SHOWN_LINES).join("\n");
  if (shown.length > SHOWN_CHARS) shown = shown.slice(0, SHOWN_CHARS);
  if (shown.length === text.length) return text;
  const rest = lines.length - shown.split("\n").length;
  return `${shown}\n… (${rest > 0 ? `${rest} more lines` : "shortened"}; the whole IR is in the error's \`ir\` property)`;
}

/** The text of `ir`: its toString (IR nodes print TVM's text form), or a note when that throws. */
function irText(ir: unknown): string {
  try {
    return String(ir);
  } catch (e) {
    return `(the IR could not be printed: ${e instanceof Error ? e.message : String(e)})`;
  }
}

/**
 * A bug in tejit: a state the compiler should never reach (code "ERR_INTERNAL"). The message
 * asks for a report and shows the start of the failing IR; `ir` holds all of it.
 */
export class InternalError extends TejitError {
  /** The text of the IR being processed when the bug showed (undefined when none was given). */
  readonly ir: string | undefined;

  /** An internal error: `message` says what went wrong; `options.ir` is the IR it went wrong on. */
  constructor(message: string, options: InternalErrorOptions = {}) {
    const ir = options.ir === undefined ? undefined : irText(options.ir);
    const report = "This is a bug in tejit: please report it with this message and the program that produced it.";
    super(`internal error: ${message}\n${report}${ir === undefined ? "" : `\nIR:\n${shorten(ir)}`}`, "ERR_INTERNAL", options);
    this.ir = ir;
  }
}
