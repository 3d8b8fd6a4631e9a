// The hot loop of a built kernel, read from its machine code: whether the register tile a
// schedule asks for stays in registers. `objdump -d` disassembles the shared library; the
// functions of one kernel are its exported symbol and the functions outlined from it
// (`<symbol>_compute_*`, `<symbol>_parallel_*`); every backward branch inside a function closes a
// loop (from the branch target to the branch), and a loop containing no other loop is innermost.
// In each innermost loop are counted: instructions, memory loads and stores, among them those of
// the stack frame (memory operands relative to %rsp, or to %rbp where the function set %rbp up as
// its frame pointer: spills and reloads), vector instructions (any %xmm/%ymm/%zmm operand) and
// FMAs. A register tile that stays in registers has no stores in its loop at all; a tile kept in
// memory shows as stores (to the stack through another register, or to a workspace). The hot loop is the innermost loop with the most FMAs (then vector instructions).
// x86-64 only (AT&T syntax, as objdump prints it by default); needs binutils' objdump.
// Used by `node --import tsx bench/gemm.ts --disasm`; also a program:
//   npx tsx bench/lib/disasm.ts <library.so> <symbol>
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** One instruction as objdump prints it. */
interface Insn {
  addr: number;
  mnemonic: string;
  operands: string;
}

/** What one innermost loop holds. */
export interface LoopReport {
  /** The function the loop is in. */
  fn: string;
  /** Address range [start, end] of the loop, as objdump prints addresses. */
  start: number;
  end: number;
  instructions: number;
  /** Memory operands read (every load, also folded into an arithmetic instruction). */
  loads: number;
  /** Memory operands written. */
  stores: number;
  /** Loads from the stack frame (a spilled value reloaded, or a tile element read from memory). */
  stackLoads: number;
  /** Stores to the stack frame. */
  stackStores: number;
  /** Instructions with a vector register operand. */
  vector: number;
  /** Fused multiply-adds (vfmadd/vfmsub/vfnmadd/vfnmsub). */
  fma: number;
}

/** The disassembly of `lib`, by function name. */
export function disassemble(lib: string): Map<string, Insn[]> {
  const r = spawnSync("objdump", ["-d", "--no-show-raw-insn", "-w", lib], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`disasm: cannot run objdump (apt-get install binutils): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`disasm: objdump -d ${lib} failed: ${r.stderr.trim()}`);
  const fns = new Map<string, Insn[]>();
  let cur: Insn[] | undefined;
  for (const line of r.stdout.split("\n")) {
    const head = /^[0-9a-f]+ <([^>]+)>:$/.exec(line);
    if (head) {
      cur = [];
      fns.set(head[1], cur);
      continue;
    }
    const m = /^\s*([0-9a-f]+):\s+([a-z][\w.]*)\s*(.*)$/.exec(line);
    if (m && cur) cur.push({ addr: parseInt(m[1], 16), mnemonic: m[2], operands: m[3].replace(/\s+#.*$/, "").trim() });
  }
  return fns;
}

/** The functions of kernel `symbol`: the symbol itself and the functions outlined from it. */
export function kernelFunctions(fns: Map<string, Insn[]>, symbol: string): string[] {
  return [...fns.keys()].filter((n) => n === symbol || n.startsWith(`${symbol}_compute_`) || n.startsWith(`${symbol}_parallel_`));
}

/** Splits AT&T operands at top-level commas (not those inside a memory operand's parentheses). */
function splitOperands(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The innermost loops of one function, as [first index, last index] into `code`. */
function innermost(code: Insn[]): [number, number][] {
  const index = new Map(code.map((x, i) => [x.addr, i]));
  const loops: [number, number][] = [];
  code.forEach((x, i) => {
    if (!/^j/.test(x.mnemonic)) return;
    const t = /^([0-9a-f]+)\b/.exec(x.operands);
    if (!t) return;
    const target = index.get(parseInt(t[1], 16));
    if (target !== undefined && target <= i) loops.push([target, i]);
  });
  return loops.filter(([s, e]) => !loops.some(([s2, e2]) => (s2 !== s || e2 !== e) && s <= s2 && e2 <= e));
}

/** Counts what the loop [s, e] of `code` does. */
function countLoop(fn: string, code: Insn[], s: number, e: number, framePointer: boolean): LoopReport {
  const stack = framePointer ? /\(%r[sb]p[,)]/ : /\(%rsp[,)]/;
  const rep: LoopReport = { fn, start: code[s].addr, end: code[e].addr, instructions: e - s + 1, loads: 0, stores: 0, stackLoads: 0, stackStores: 0, vector: 0, fma: 0 };
  for (let i = s; i <= e; i++) {
    const { mnemonic, operands } = code[i];
    if (/^(lea|nop|prefetch)/.test(mnemonic)) continue;
    const ops = splitOperands(operands);
    ops.forEach((op, k) => {
      if (!op.includes("(") || op.startsWith("*")) return;
      // AT&T: the destination is the last operand (cmp and test only read it).
      const store = k === ops.length - 1 && ops.length > 1 && !/^(cmp|test|vcomi|vucomi|vptest|bt)/.test(mnemonic);
      if (store) rep.stores++;
      else rep.loads++;
      if (!stack.test(op)) return;
      if (store) rep.stackStores++;
      else rep.stackLoads++;
    });
    if (/%[xyz]mm\d/.test(operands)) rep.vector++;
    if (/^vf(n?m(add|sub))/.test(mnemonic)) rep.fma++;
  }
  return rep;
}

/** Every innermost loop of kernel `symbol` in library `lib`, the hot loop first. */
export function hotLoops(lib: string, symbol: string): LoopReport[] {
  const fns = disassemble(lib);
  const names = kernelFunctions(fns, symbol);
  if (names.length === 0) throw new Error(`disasm: ${lib} has no function '${symbol}' (its functions: ${[...fns.keys()].filter((n) => !n.startsWith("_") && !n.includes("@")).join(", ")})`);
  const out: LoopReport[] = [];
  for (const name of names) {
    const code = fns.get(name)!;
    // `mov %rsp,%rbp` in the prologue: %rbp is the frame pointer, not a free register.
    const framePointer = code.slice(0, 8).some((x) => x.mnemonic === "mov" && x.operands === "%rsp,%rbp");
    for (const [s, e] of innermost(code)) out.push(countLoop(name, code, s, e, framePointer));
  }
  return out.sort((a, b) => b.fma - a.fma || b.vector - a.vector || b.instructions - a.instructions);
}

/** One line about a loop. */
export function formatLoop(r: LoopReport): string {
  return `${r.fn} [0x${r.start.toString(16)}..0x${r.end.toString(16)}]: ${r.instructions} instructions, ${r.fma} FMA, ${r.vector} vector, ${r.loads} loads, ${r.stores} stores, ${r.stackLoads} stack loads, ${r.stackStores} stack stores`;
}

function main(): void {
  const [lib, symbol] = process.argv.slice(2);
  if (!lib || !symbol) {
    console.error("usage: npx tsx bench/lib/disasm.ts <library.so> <symbol>");
    process.exit(2);
  }
  const loops = hotLoops(lib, symbol);
  if (loops.length === 0) console.log(`${symbol}: no loop found`);
  loops.forEach((r, i) => console.log(`${i === 0 ? "hot loop: " : "          "}${formatLoop(r)}`));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
