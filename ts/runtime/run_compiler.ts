// Runs the C compiler as a child process and turns every way it can go wrong into a clear Error:
// not found, cannot be started, killed after a time limit (TEJIT_CC_TIMEOUT seconds, default 300;
// the compiler's whole process group is killed, so a hung cc1 does not outlive it), a non-zero
// exit (with its output), and an exit 0 that wrote no output file.
// Work that runs processes (a compile, the compiler probe) is written once, as a generator of
// process steps, and driven either synchronously (runStepsSync: build()) or without blocking the
// event loop (runStepsAsync: buildAsync(), at most as many processes at once as there are cores).
import { ArgumentError, CompileError, ConfigError } from "../errors.js";
import { type SpawnSyncOptionsWithStringEncoding, spawn, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { accessSync, constants, lstatSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

/** The C compiler chosen: its command line and where that came from. */
export interface Compiler {
  /** Executable and its leading arguments. */
  argv: string[];
  /** Where it came from: "option", "TEJIT_CC", "CC" or "default". */
  from: string;
}

/** Splits a command line or a flag string on whitespace (no quoting, as make's $(CC) and $(CFLAGS)). */
export function splitWords(s: string): string[] {
  return s.split(/\s+/).filter((w) => w.length > 0);
}

/** Flags given as one string ("-O2 -g", split on whitespace) or as a list (one argument each). */
export function flagList(flags: string | readonly string[] | undefined, what = "cflags"): string[] {
  if (flags === undefined) return [];
  if (typeof flags === "string") return splitWords(flags);
  if (!Array.isArray(flags) || flags.some((f) => typeof f !== "string")) {
    throw new ArgumentError(`${what} must be a string or an array of strings, got ${Array.isArray(flags) ? "an array with a non-string element" : typeof flags}`);
  }
  return [...flags];
}

export function chosenBy(c: Compiler): string {
  return c.from === "default" ? "default" : c.from === "option" ? "the cc option" : `$${c.from}`;
}

export function missingCompiler(c: Compiler): Error {
  return new CompileError(`C compiler '${c.argv[0]}' not found (chosen by ${chosenBy(c)}): install gcc or clang, or set TEJIT_CC to a C compiler`);
}

const DEFAULT_TIMEOUT_S = 300;

/** The time limit of one compiler run, in milliseconds (TEJIT_CC_TIMEOUT, seconds). */
export function compilerTimeoutMs(): number {
  const v = process.env.TEJIT_CC_TIMEOUT;
  if (v === undefined || v === "") return DEFAULT_TIMEOUT_S * 1000;
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0) throw new ConfigError(`TEJIT_CC_TIMEOUT must be a positive number of seconds, got '${v}'`);
  return s * 1000;
}

export interface CompilerRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  /** stderr then stdout, trimmed. */
  output: string;
  stdout: string;
}

/**
 * Runs `c` with `args`. Throws when it cannot be started or exceeds the time limit (`what` says
 * what was being compiled); a non-zero exit is returned for the caller to report.
 */
export function runCompiler(c: Compiler, args: string[], what: string): CompilerRun {
  return runStepsSync(compilerStep(c, args, what));
}

function timeoutError(c: Compiler, what: string, timeout: number): Error {
  return new CompileError(`C compiler '${c.argv.join(" ")}' did not finish ${what} within ${timeout / 1000} s and was killed: check the compiler (chosen by ${chosenBy(c)}), or raise TEJIT_CC_TIMEOUT (seconds)`);
}

function startError(c: Compiler, what: string, e: Error): Error {
  if ((e as NodeJS.ErrnoException).code === "ENOENT") return missingCompiler(c);
  return new CompileError(`cannot run C compiler '${c.argv.join(" ")}' (chosen by ${chosenBy(c)}) ${what}: ${e.message}`);
}

function runCompilerNow(c: Compiler, args: string[], what: string): CompilerRun {
  const timeout = compilerTimeoutMs();
  // `detached` (its own process group, killed whole on a timeout) is honoured by spawnSync but
  // missing from its typings; without it the group kill below finds no group and does nothing.
  const options = {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout,
    killSignal: "SIGKILL",
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  } as SpawnSyncOptionsWithStringEncoding;
  const r = spawnSync(c.argv[0], [...c.argv.slice(1), ...args], options);
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === "ETIMEDOUT") {
      try { process.kill(-r.pid!, "SIGKILL"); } catch { /* the group is gone */ }
      throw timeoutError(c, what, timeout);
    }
    throw startError(c, what, r.error);
  }
  return { status: r.status, signal: r.signal, output: `${r.stderr ?? ""}${r.stdout ?? ""}`.trim(), stdout: r.stdout ?? "" };
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/** runCompilerNow without blocking: the same outcomes, as a Promise. */
function runCompilerLater(c: Compiler, args: string[], what: string): Promise<CompilerRun> {
  const timeout = compilerTimeoutMs();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(c.argv[0], [...c.argv.slice(1), ...args], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size <= MAX_OUTPUT) into.push(b);
    };
    child.stdout.on("data", collect(out));
    child.stderr.on("data", collect(err));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, "SIGKILL"); } catch { /* the group is gone */ }
    }, timeout);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(startError(c, what, e));
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(timeoutError(c, what, timeout));
      const stdout = Buffer.concat(out).toString("utf8");
      resolvePromise({ status, signal, output: `${Buffer.concat(err).toString("utf8")}${stdout}`.trim(), stdout });
    });
  });
}

/** A program run by a step (the compiler probe's test program). */
export interface ProgramRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  /** It could not be started or ran past its time limit. */
  failed: boolean;
}

/** One process a piece of work needs: the compiler, or a program it built. */
export type ProcessStep =
  | { kind: "compiler"; c: Compiler; args: string[]; what: string }
  | { kind: "program"; exe: string; timeoutMs: number };

/** Work that runs processes: yields each step and receives its result. */
export type Steps<T> = Generator<ProcessStep, T, CompilerRun | ProgramRun>;

/** A compiler run as a step: `const r = yield* compilerStep(c, args, what)`. */
export function* compilerStep(c: Compiler, args: string[], what: string): Steps<CompilerRun> {
  return (yield { kind: "compiler", c, args, what }) as CompilerRun;
}

/** A program run as a step (killed after `timeoutMs`). */
export function* programStep(exe: string, timeoutMs: number): Steps<ProgramRun> {
  return (yield { kind: "program", exe, timeoutMs }) as ProgramRun;
}

function runProgramNow(exe: string, timeoutMs: number): ProgramRun {
  const r = spawnSync(exe, [], { timeout: timeoutMs, killSignal: "SIGKILL", stdio: "ignore" });
  return { status: r.status, signal: r.signal, failed: r.error !== undefined };
}

function runProgramLater(exe: string, timeoutMs: number): Promise<ProgramRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(exe, [], { stdio: "ignore" });
    let failed = false;
    const timer = setTimeout(() => { failed = true; child.kill("SIGKILL"); }, timeoutMs);
    child.on("error", () => { failed = true; });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolvePromise({ status, signal, failed });
    });
  });
}

/** Runs `work` to its end, each process in turn, blocking. */
export function runStepsSync<T>(work: Steps<T>): T {
  let next = work.next();
  while (!next.done) {
    const step = next.value;
    let result: CompilerRun | ProgramRun;
    try {
      result = step.kind === "compiler" ? runCompilerNow(step.c, step.args, step.what) : runProgramNow(step.exe, step.timeoutMs);
    } catch (e) {
      next = work.throw(e);
      continue;
    }
    next = work.next(result);
  }
  return next.value;
}

// At most as many processes at once as there are cores, over all asynchronous work.
const slots = { free: Math.max(1, availableParallelism()), waiting: [] as (() => void)[] };

async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((r) => slots.waiting.push(r));
  try {
    return await fn();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

/** Runs `work` to its end without blocking the event loop. */
export async function runStepsAsync<T>(work: Steps<T>): Promise<T> {
  let next = work.next();
  while (!next.done) {
    const step = next.value;
    let result: CompilerRun | ProgramRun;
    try {
      result = await withSlot<CompilerRun | ProgramRun>(() => (step.kind === "compiler" ? runCompilerLater(step.c, step.args, step.what) : runProgramLater(step.exe, step.timeoutMs)));
    } catch (e) {
      next = work.throw(e);
      continue;
    }
    next = work.next(result);
  }
  return next.value;
}

/** True when `path` is a regular file (not a symlink) of at least one byte. */
export function wroteOutput(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() && st.size > 0;
  } catch {
    return false;
  }
}

const resolved = new Map<string, string | undefined>();

/** Where `command` is found (a path as given, else the first executable in PATH); undefined if nowhere. */
export function resolveExecutable(command: string): string | undefined {
  const key = `${command}\0${process.env.PATH ?? ""}\0${process.cwd()}`;
  if (resolved.has(key)) return resolved.get(key);
  const candidates = command.includes("/") ? [resolve(command)] : (process.env.PATH ?? "").split(delimiter).filter((d) => d !== "").map((d) => join(d, command));
  let found: string | undefined;
  for (const p of candidates) {
    try {
      if (!statSync(p, { throwIfNoEntry: false })?.isFile()) continue; // no exception per PATH entry: they are slow under source maps
      accessSync(p, constants.X_OK);
      found = p;
      break;
    } catch {
      // not executable, or a file in the way (ENOTDIR)
    }
  }
  resolved.set(key, found);
  return found;
}
