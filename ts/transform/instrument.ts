// Pass instruments (TVM's tvm.instrument): objects a PassContext calls around every pass it runs.
// Any object with some of the methods below is an instrument (a user callback is one); two come
// with tejit: PassTimingInstrument (time per pass, nested passes indented under their Sequential)
// and DumpIR (the IR after each pass written to a directory, as Halide's HL_DEBUG_CODEGEN and
// TVM's dump instruments do).

import { ArgumentError } from "../errors.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IRModule } from "../ir/function.js";
import type { PassInfo } from "./pass.js";

/**
 * An object a {@link PassContext} calls around every pass it runs (TVM's PassInstrument); every
 * method is optional, so any object with some of them is an instrument.
 */
export interface PassInstrument {
  /** A name for messages. */
  readonly name?: string;
  /** Called when a context with this instrument becomes current (PassContext.scope). */
  enterPassCtx?(): void;
  /** Called when that context stops being current. */
  exitPassCtx?(): void;
  /** Return false to skip the pass. */
  shouldRun?(mod: IRModule, info: PassInfo): boolean;
  /** Called before a pass runs, with the module it gets. */
  runBeforePass?(mod: IRModule, info: PassInfo): void;
  /** Called after a pass ran, with the module it returned. */
  runAfterPass?(mod: IRModule, info: PassInfo): void;
}

/** One pass run recorded by {@link PassTimingInstrument}. */
export interface PassTiming {
  /** The pass's name. */
  name: string;
  /** Nesting depth: 0 for a pass called directly, 1 for a pass of a Sequential at depth 0, … */
  depth: number;
  /** Its wall-clock time in milliseconds (nested passes included). */
  ms: number;
}

/** Records how long every pass takes (TVM's PassTimingInstrument). */
export class PassTimingInstrument implements PassInstrument {
  readonly name = "PassTimingInstrument";
  /** Every pass run so far, in the order they started. */
  readonly timings: PassTiming[] = [];
  readonly #open: { entry: PassTiming; start: bigint }[] = [];

  /**
   * Starts timing a pass.
   * @param _mod The module (unused).
   * @param info The pass.
   */
  runBeforePass(_mod: IRModule, info: PassInfo): void {
    const entry: PassTiming = { name: info.name, depth: this.#open.length, ms: 0 };
    this.timings.push(entry);
    this.#open.push({ entry, start: process.hrtime.bigint() });
  }

  /** Stops timing the innermost running pass. */
  runAfterPass(): void {
    const top = this.#open.pop();
    if (top) top.entry.ms = Number(process.hrtime.bigint() - top.start) / 1e6;
  }

  /** One line a pass run: its name indented by depth, then milliseconds. */
  render(): string {
    return this.timings.map((t) => `${"  ".repeat(t.depth)}${t.name}: ${t.ms.toFixed(3)} ms`).join("\n");
  }

  /** Forgets the timings recorded. */
  clear(): void {
    this.timings.length = 0;
  }
}

/**
 * Writes the module after each pass to `dir`, one file a pass run, numbered in order
 * (`01_StorageFlatten.tir`, …); a Sequential is not written, only the passes it runs. lower()
 * writes the schedule-ops output first (`00_schedule_ops.tir`) through `dump`.
 */
export class DumpIR implements PassInstrument {
  readonly name = "DumpIR";
  #count = 0;
  /** The files written, in order. */
  readonly files: string[] = [];

  /**
   * @param dir The directory the files go to (created if missing).
   * @throws Error when `dir` is not a non-empty string or cannot be created.
   */
  constructor(readonly dir: string) {
    if (typeof dir !== "string" || dir === "") throw new ArgumentError(`DumpIR: dir must be a non-empty string (the directory to write the IR to), got ${String(dir)}`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new ArgumentError(`DumpIR: cannot create the directory ${dir} (${(e as Error).message})`);
    }
  }

  /** Writes `mod` as the next file, named after `label`. */
  dump(label: string, mod: IRModule): void {
    const file = join(this.dir, `${String(this.#count++).padStart(2, "0")}_${label.replace(/[^A-Za-z0-9_.-]/g, "_")}.tir`);
    writeFileSync(file, `${mod.toString()}\n`);
    this.files.push(file);
  }

  /**
   * Writes the module a pass returned (not for a Sequential, whose passes are written).
   * @param mod The module.
   * @param info The pass.
   */
  runAfterPass(mod: IRModule, info: PassInfo): void {
    if (!info.sequential) this.dump(info.name, mod);
  }
}
