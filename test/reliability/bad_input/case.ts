// What a bad-input case is (a name, a thunk, what must come out), a private compile cache for the
// run, and the health check run after every case: a small kernel, built once, must still give
// the right values, and a freshly built one must too (after each group and in every child).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, nd, te } from "../../../ts/index.js";

if (!process.env.TEJIT_CACHE_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "tejit-bad-input-cache-"));
  process.env.TEJIT_CACHE_DIR = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}

/** The owner of a fix that is being made elsewhere: the case is skipped until it is merged. */
export type Owner = "runtime" | "compiler" | "lowering";

/** The error a case must raise: its class (exactly Error or TypeError) and a message pattern. */
export interface ExpectedError {
  class: typeof Error | typeof TypeError;
  message: RegExp;
}

export interface BadInputCase {
  name: string;
  /** The bad input; may return a Promise (then its rejection is what is checked). */
  run: () => unknown;
  /** The error it must raise; or `accept`: it must succeed and `accept(result)` returns a complaint or undefined. */
  error?: ExpectedError;
  accept?: (result: unknown) => string | undefined;
  /** Run in a child process (the input might crash or hang the process); `env` is added to its environment. */
  child?: { env?: Record<string, string>; timeoutMs?: number };
  /** The fix is another helper's (issue 9 items 2-8): skipped here, enabled when merged. */
  pending?: Owner;
}

export interface CaseGroup {
  name: string;
  cases: BadInputCase[];
}

/** Shorthands for the expected error. */
export const error = (message: RegExp): ExpectedError => ({ class: Error, message });
export { withEnv } from "../../helpers/env.js";

export const typeError = (message: RegExp): ExpectedError => ({ class: TypeError, message });


/** B = A * scale + offset over float32 [n]: the kernel every health check builds. */
function healthKernel(scale: number, offset: number, n = 16) {
  const A = te.placeholder([n], "float32", "A");
  const B = te.compute([n], (i) => A.at(i).mul(scale).add(offset), "B");
  const s = te.createSchedule(B.op);
  const [, inner] = s.stage(B).split(B.op.axis[0], 4);
  s.stage(B).vectorize(inner);
  return build(s, [A, B], { name: "health" }).getFunction("health");
}

/** Runs `f` on 0..n-1 and returns a complaint unless every value is i * scale + offset. */
function runHealth(f: ReturnType<typeof healthKernel>, scale: number, offset: number, n = 16): string | undefined {
  const a = nd.array(Float32Array.from({ length: n }, (_, i) => i));
  const b = nd.empty([n]);
  f(a, b);
  for (let i = 0; i < n; i++) {
    if (b.data[i] !== i * scale + offset) return `health kernel: B[${i}] = ${b.data[i]}, expected ${i * scale + offset}`;
    if (a.data[i] !== i) return `health kernel: its input A[${i}] changed to ${a.data[i]}`;
  }
  return undefined;
}

let prebuilt: ReturnType<typeof healthKernel> | undefined;

/** The kernel built once still computes right (cheap: run after every case). */
export function stillComputes(): string | undefined {
  prebuilt ??= healthKernel(2, 1);
  return runHealth(prebuilt, 2, 1);
}

let fresh = 0;
/** A kernel built now (new source, so the compiler runs) computes right. */
export function stillBuilds(): string | undefined {
  const scale = 3 + (fresh++ % 1000) + (process.pid % 1000) * 1000;
  return runHealth(healthKernel(scale, -1), scale, -1);
}

/** What running a case gave: an error's class and message, or a complaint from `accept`. */
export interface Outcome {
  threw: boolean;
  /** "TypeError", "RangeError", ... for the built-in error classes, "Error" for Error and its other subclasses. */
  errorClass?: string;
  message?: string;
  complaint?: string;
}

const BUILTIN_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

/** The built-in class of `e`: a TejitError (a subclass of Error) counts as Error, a TypeError as TypeError. */
function errorClass(e: Error): string {
  return BUILTIN_ERRORS.find((cls) => e instanceof cls)?.name ?? "Error";
}

/** Runs a case's thunk (awaiting a returned Promise) and describes what came out. */
export async function outcome(c: BadInputCase): Promise<Outcome> {
  try {
    const result = await c.run();
    return { threw: false, complaint: c.accept ? c.accept(result) : undefined };
  } catch (e) {
    if (e instanceof Error) return { threw: true, errorClass: errorClass(e), message: e.message };
    return { threw: true, errorClass: typeof e, message: String(e) };
  }
}

/** A complaint about `o` for case `c`, or undefined when it is what the case expects. */
export function judge(c: BadInputCase, o: Outcome): string | undefined {
  if (c.error) {
    if (!o.threw) return `expected ${c.error.class.name} matching ${c.error.message}, but it succeeded`;
    if (o.errorClass !== c.error.class.name) return `expected a ${c.error.class.name}, got a ${o.errorClass}: ${o.message}`;
    if (!c.error.message.test(o.message ?? "")) return `message ${JSON.stringify(o.message)} does not match ${c.error.message}`;
    return undefined;
  }
  if (o.threw) return `expected success, got ${o.errorClass}: ${o.message}`;
  return o.complaint;
}
