// The command line's program commands: `lower FILE` prints the TIR, `build FILE --emit c|so`
// writes the C source or the shared library, `bench FILE` builds the program and times it on
// random inputs (sizes of symbolic shapes given with --var n=1024).

import { ArgumentError } from "../errors.js";
import { writeFileSync } from "node:fs";
import { build } from "../build.js";
import { lower } from "../lower.js";
import { Var } from "../ir/expr.js";
import { Buffer as TirBuffer } from "../ir/buffer.js";
import { empty } from "../runtime/ndarray.js";
import type { NDArray } from "../runtime/ndarray.js";
import { postOrderVisit } from "../ir/functor.js";
import { Tensor } from "../te/tensor.js";
import type { PrimExpr } from "../ir/expr.js";
import { IntImm } from "../ir/expr.js";
import { substitute } from "../ir/substitute.js";
import { Analyzer } from "../arith/analyzer.js";
import { loadProgram, type Program } from "./program_file.js";

export interface ProgramFlags {
  name?: string;
  output?: string;
  cflags?: string;
}

function optionsOf(p: Program, flags: ProgramFlags) {
  return { ...p.options, name: flags.name ?? p.name ?? p.options.name ?? "main", ...(flags.cflags !== undefined ? { cflags: flags.cflags } : {}) };
}

function emit(text: string, output: string | undefined, out: (s: string) => void): void {
  if (output === undefined) out(text.endsWith("\n") ? text : `${text}\n`);
  else writeFileSync(output, text);
}

export async function lowerCommand(file: string, flags: ProgramFlags, out: (s: string) => void): Promise<void> {
  const p = await loadProgram(file);
  emit(lower(p.schedule, p.args, optionsOf(p, flags)).toString(), flags.output, out);
}

export async function buildCommand(file: string, flags: ProgramFlags & { emit?: string }, out: (s: string) => void): Promise<void> {
  const kind = flags.emit ?? "so";
  if (kind !== "c" && kind !== "so") throw new ArgumentError(`build: --emit must be c or so, got '${kind}'`);
  const p = await loadProgram(file);
  const opts = optionsOf(p, flags);
  const mod = build(p.schedule, p.args, opts);
  if (kind === "c") return emit(mod.getSource(), flags.output, out);
  const output = flags.output ?? `${opts.name}.so`;
  mod.exportLibrary(output);
  out(`wrote ${output} (function '${opts.name}'; load it with runtime.loadModule)\n`);
}

/** `--var n=1024` pairs as a map from name to value. */
export function parseVars(pairs: readonly string[]): Map<string, number> {
  const vars = new Map<string, number>();
  for (const p of pairs) {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)=(-?\d+)$/.exec(p);
    if (!m) throw new ArgumentError(`--var expects NAME=INTEGER, got '${p}'`);
    vars.set(m[1], Number(m[2]));
  }
  return vars;
}

function constantShape(what: string, shape: readonly PrimExpr[], vars: Map<string, number>): number[] {
  const ana = new Analyzer();
  return shape.map((e, d) => {
    const vmap = new Map<Var, PrimExpr>();
    postOrderVisit(e, (n) => {
      if (n instanceof Var && vars.has(n.name)) vmap.set(n, new IntImm(n.dtype, vars.get(n.name)!));
    });
    const bound = substitute(e, vmap);
    const s = ana.simplify(bound);
    if (!(s instanceof IntImm)) throw new ArgumentError(`bench: dimension ${d} of ${what} is ${e}; give its variables with --var NAME=VALUE`);
    return s.value;
  });
}

function randomArray(shape: number[], dtype: string): NDArray {
  const a = empty(shape, dtype);
  const data = a.data as unknown as { length: number; [i: number]: number | bigint };
  const big = typeof data[0] === "bigint";
  for (let i = 0; i < data.length; i++) {
    const v = dtype.startsWith("float") ? Math.random() * 2 - 1 : Math.floor(Math.random() * 8);
    data[i] = big ? BigInt(v) : v;
  }
  return a;
}

export async function benchCommand(file: string, flags: ProgramFlags & { vars: string[]; number?: number; repeat?: number }, out: (s: string) => void): Promise<void> {
  const p = await loadProgram(file);
  const opts = optionsOf(p, flags);
  const vars = parseVars(flags.vars);
  const mod = build(p.schedule, p.args, opts);
  const inputs = p.args.map((a) => {
    if (a instanceof Tensor) return randomArray(constantShape(`tensor '${a.op.name}'`, a.shape, vars), a.dtype.toString());
    if (a instanceof TirBuffer) return randomArray(constantShape(`buffer '${a.name}'`, a.shape, vars), a.dtype.toString());
    if (a instanceof Var) {
      if (!vars.has(a.name)) throw new ArgumentError(`bench: the program takes the scalar '${a.name}'; give it with --var ${a.name}=VALUE`);
      return vars.get(a.name)!;
    }
    throw new ArgumentError(`bench: cannot make an input for ${String(a)}`);
  });
  const number = flags.number ?? 10;
  const repeat = flags.repeat ?? 5;
  const r = mod.timeEvaluator(opts.name, { number, repeat })(...inputs);
  const ms = r.results.map((s) => s * 1e3).sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  out(`${opts.name}: median ${median.toFixed(4)} ms, min ${ms[0].toFixed(4)} ms, max ${ms[ms.length - 1].toFixed(4)} ms (${repeat} repeats of ${number} calls)\n`);
}
