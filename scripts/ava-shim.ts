// A stand-in for the parts of ava's API the runtime, codegen and extern tests use (test,
// test.serial, test.skip and the assertions t.is ... t.throwsAsync), so scripts/run-tests.ts can
// run several test files in ONE process: under valgrind every node process costs about a minute
// of start-up, so ava's one-process-per-file would not finish in reasonable time. Tests run in
// registration order, serial ones of a file first, as ava orders them; an assertion failure
// throws, which fails the test.
import { deepStrictEqual } from "node:assert";
import { inspect } from "node:util";

export interface TestCase {
  file: string;
  title: string;
  serial: boolean;
  skip: boolean;
  fn: (t: Assertions) => unknown;
}

/** Tests registered by the files imported so far (run-tests.ts drains it per file). */
export const registered: TestCase[] = [];
let currentFile = "";
/** Names the file whose tests are being registered. */
export function setCurrentFile(file: string): void {
  currentFile = file;
}

class AssertionFailure extends Error {}

function fail(message: string | undefined, detail: string): never {
  throw new AssertionFailure(message ? `${message}: ${detail}` : detail);
}

interface ThrowsExpectation {
  message?: string | RegExp | ((m: string) => boolean);
  instanceOf?: new (...a: never[]) => unknown;
  name?: string;
  code?: unknown;
  is?: unknown;
  any?: boolean;
}

function checkThrown(e: unknown, exp: ThrowsExpectation | undefined | null, message?: string): Error {
  if (!exp?.any && !(e instanceof Error)) fail(message, `threw a non-Error: ${inspect(e)}`);
  const err = e as Error;
  if (exp) {
    if (exp.instanceOf && !(e instanceof exp.instanceOf)) fail(message, `threw ${inspect(e)}, not an instance of ${exp.instanceOf.name}`);
    if (exp.is !== undefined && e !== exp.is) fail(message, `threw a different value: ${inspect(e)}`);
    if (exp.name !== undefined && err.name !== exp.name) fail(message, `threw name ${err.name}, expected ${exp.name}`);
    if (exp.code !== undefined && (err as { code?: unknown }).code !== exp.code) fail(message, `threw code ${String((err as { code?: unknown }).code)}`);
    const m = exp.message;
    if (typeof m === "string" && err.message !== m) fail(message, `threw message ${JSON.stringify(err.message)}, expected ${JSON.stringify(m)}`);
    if (m instanceof RegExp && !m.test(err.message)) fail(message, `threw message ${JSON.stringify(err.message)}, expected to match ${m}`);
    if (typeof m === "function" && !m(err.message)) fail(message, `threw message ${JSON.stringify(err.message)}, rejected by the predicate`);
  }
  return err;
}

export class Assertions {
  assertions = 0;
  readonly title: string;
  constructor(title: string) {
    this.title = title;
  }
  is(a: unknown, b: unknown, message?: string): void {
    this.assertions++;
    if (!Object.is(a, b)) fail(message, `${inspect(a)} is not ${inspect(b)}`);
  }
  not(a: unknown, b: unknown, message?: string): void {
    this.assertions++;
    if (Object.is(a, b)) fail(message, `${inspect(a)} is ${inspect(b)}`);
  }
  deepEqual(a: unknown, b: unknown, message?: string): void {
    this.assertions++;
    try {
      deepStrictEqual(a, b);
    } catch (e) {
      fail(message, (e as Error).message);
    }
  }
  true(v: unknown, message?: string): void {
    this.assertions++;
    if (v !== true) fail(message, `${inspect(v)} is not true`);
  }
  false(v: unknown, message?: string): void {
    this.assertions++;
    if (v !== false) fail(message, `${inspect(v)} is not false`);
  }
  regex(s: string, re: RegExp, message?: string): void {
    this.assertions++;
    if (!re.test(s)) fail(message, `${inspect(s)} does not match ${re}`);
  }
  notRegex(s: string, re: RegExp, message?: string): void {
    this.assertions++;
    if (re.test(s)) fail(message, `${inspect(s)} matches ${re}`);
  }
  pass(): void {
    this.assertions++;
  }
  notThrows(fn: () => unknown, message?: string): void {
    this.assertions++;
    try {
      fn();
    } catch (e) {
      fail(message, `threw ${inspect(e)}`);
    }
  }
  throws(fn: () => unknown, exp?: ThrowsExpectation | null, message?: string): Error {
    this.assertions++;
    let thrown = false;
    let error: unknown;
    try {
      fn();
    } catch (e) {
      thrown = true;
      error = e;
    }
    if (!thrown) fail(message, "did not throw");
    return checkThrown(error, exp, message);
  }
  async throwsAsync(p: Promise<unknown> | (() => Promise<unknown>), exp?: ThrowsExpectation | null, message?: string): Promise<Error> {
    this.assertions++;
    try {
      await (typeof p === "function" ? p() : p);
    } catch (e) {
      return checkThrown(e, exp, message);
    }
    fail(message, "did not reject");
  }
  log(...values: unknown[]): void {
    console.log(`  [${this.title}]`, ...values);
  }
}

type Fn = (t: Assertions) => unknown;
function add(title: string, fn: Fn, serial: boolean, skip: boolean): void {
  registered.push({ file: currentFile, title, fn, serial, skip });
}
function unsupported(name: string): never {
  throw new Error(`scripts/ava-shim.ts: test.${name} is not supported; add it to the shim or leave the file out`);
}

const test = Object.assign((title: string, fn: Fn) => add(title, fn, false, false), {
  serial: Object.assign((title: string, fn: Fn) => add(title, fn, true, false), { skip: (title: string, fn: Fn) => add(title, fn, true, true) }),
  skip: (title: string, fn: Fn) => add(title, fn, false, true),
  only: () => unsupported("only"),
  before: () => unsupported("before"),
  after: () => unsupported("after"),
  beforeEach: () => unsupported("beforeEach"),
  afterEach: () => unsupported("afterEach"),
});

export type ExecutionContext = Assertions;
export default test;
