// The global packed-function registry: JavaScript functions registered by name, which generated
// code calls through tvm_call_packed. It is plain TypeScript so that the TIR interpreter can use
// it without the native addon; the addon's loader subscribes to changes so that kernels can look
// names up (__TVMBackendGetFuncFromEnv) from any thread without calling into JS.
import { ArgumentError } from "../errors.js";

/** A function callable by name from kernels: NDArray views, numbers, bigints, strings in. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PackedFunc = (...args: any[]) => unknown;

/** Options of {@link registerFunc}. */
export interface RegisterOptions {
  /** Replace an existing registration instead of failing. */
  override?: boolean;
}

export type RegistryEvent = "register" | "remove";
type Listener = (name: string, event: RegistryEvent) => void;

const funcs = new Map<string, PackedFunc>();
const listeners = new Set<Listener>();

function checkName(name: unknown, what: string): asserts name is string {
  if (typeof name !== "string" || name.length === 0) {
    throw new ArgumentError(`${what}: name must be a non-empty string, got ${typeof name === "string" ? "''" : typeof name}`);
  }
  // Kernels look names up as C strings: "safe\0evil" would reach the function named "safe".
  if (name.includes("\0")) throw new ArgumentError(`${what}: the name ${JSON.stringify(name)} contains a NUL character, which would end it early in C: remove the NUL`);
}

/** Registers `fn` under `name`; an existing name is an Error unless `{override: true}`. */
export function registerFunc(name: string, fn: PackedFunc, opts: RegisterOptions = {}): void {
  checkName(name, "registerFunc");
  if (typeof fn !== "function") {
    throw new ArgumentError(`registerFunc('${name}'): expected a function, got ${fn === null ? "null" : typeof fn}`);
  }
  if (funcs.has(name) && !opts.override) {
    throw new ArgumentError(`registerFunc: a function named '${name}' is already registered; pass {override: true} to replace it`);
  }
  funcs.set(name, fn);
  for (const l of listeners) l(name, "register");
}

/** The function registered as `name`; an Error if there is none, unless `{allowMissing: true}`. */
export function getGlobalFunc(name: string): PackedFunc;
export function getGlobalFunc(name: string, opts: { allowMissing: true }): PackedFunc | undefined;
export function getGlobalFunc(name: string, opts: { allowMissing?: boolean } = {}): PackedFunc | undefined {
  checkName(name, "getGlobalFunc");
  const fn = funcs.get(name);
  if (!fn && !opts.allowMissing) {
    throw new ArgumentError(`getGlobalFunc: no function named '${name}' is registered (registerFunc('${name}', fn) first)`);
  }
  return fn;
}

/** Names of all registered functions, sorted. */
export function listGlobalFuncNames(): string[] {
  return [...funcs.keys()].sort();
}

/** Removes a registration; returns whether there was one. Kernels calling it then get an error. */
export function removeGlobalFunc(name: string): boolean {
  checkName(name, "removeGlobalFunc");
  const had = funcs.delete(name);
  if (had) for (const l of listeners) l(name, "remove");
  return had;
}

/** @internal Subscribes to registrations and removals (the addon mirrors the names natively). */
export function onRegistryChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
