// tejit's log (TEJIT_LOG=info or debug, to stderr): each phase of lower() and build() with its
// time — lowering, code generation, compilation or a cache hit, loading — at "info", and each
// pass at "debug". Off by default; the variable is read at every message, so it can be turned on
// inside a running process. Messages are one line each: `tejit <phase>: <detail> (<ms> ms)`.

import type { IRModule } from "./ir/function.js";
import type { PassInfo } from "./transform/pass.js";
import type { PassInstrument } from "./transform/instrument.js";

export type LogLevel = "off" | "info" | "debug";

/** The level TEJIT_LOG asks for ("off" for anything else, with one warning for a typo). */
export function logLevel(): LogLevel {
  const v = process.env.TEJIT_LOG;
  if (v === undefined || v === "" || v === "0" || v === "off") return "off";
  if (v === "info" || v === "debug") return v;
  if (!warned) {
    warned = true;
    process.stderr.write(`tejit: TEJIT_LOG='${v}' is not a level; use info or debug\n`);
  }
  return "off";
}
let warned = false;

/** Writes one log line at `level` (if TEJIT_LOG allows it). */
export function log(level: "info" | "debug", phase: string, detail: string, ms?: number): void {
  const want = logLevel();
  if (want === "off" || (level === "debug" && want !== "debug")) return;
  process.stderr.write(`tejit ${phase}: ${detail}${ms === undefined ? "" : ` (${ms.toFixed(2)} ms)`}\n`);
}

/** Milliseconds since `start` (a process.hrtime.bigint()). */
export function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `fn` and logs its time at `level` under `phase`, with `detail(result)`. */
export function timed<T>(level: "info" | "debug", phase: string, detail: (r: T) => string, fn: () => T): T {
  if (logLevel() === "off") return fn();
  const start = process.hrtime.bigint();
  const r = fn();
  log(level, phase, detail(r), since(start));
  return r;
}

/** An instrument logging every pass that is not a Sequential at "debug". */
export class PassLogInstrument implements PassInstrument {
  readonly name = "PassLogInstrument";
  readonly #starts: bigint[] = [];
  runBeforePass(): void {
    this.#starts.push(process.hrtime.bigint());
  }
  runAfterPass(_mod: IRModule, info: PassInfo): void {
    const start = this.#starts.pop();
    if (start !== undefined && !info.sequential) log("debug", "pass", info.name, since(start));
  }
}
