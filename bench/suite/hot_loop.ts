// The hot loop of a tejit kernel, read from its library's disassembly (`npm run bench -- gemm
// --disasm`): every innermost loop of the library's functions (a backward branch whose body holds
// no other one; parallel loops are outlined into functions of their own, so all functions are
// searched), the one with the most floating-point vector arithmetic taken as the hot one, and in
// it the instructions that say what limits a kernel: FMAs and other vector arithmetic and the
// register width they use, vector loads, stores and broadcasts, and stack accesses — in an
// inner loop, a load or store relative to %rsp or %rbp is a register spill (or a value gcc did not
// keep in a register). x86-64 only (AT&T syntax from binutils' objdump).
import { spawnSync } from "node:child_process";

/** One instruction of the disassembly. */
interface Insn {
  address: number;
  mnemonic: string;
  operands: string;
}

/** The summary of a hot loop. */
export interface HotLoop {
  /** The function holding it (an outlined parallel body has a name of its own). */
  fn: string;
  start: number;
  end: number;
  instructions: number;
  /** Fused multiply-adds (vfmadd/vfmsub/vfnmadd/vfnmsub, packed). */
  fmas: number;
  /** Other packed floating-point arithmetic (add, sub, mul, div, min, max, sqrt, rcp, rsqrt). */
  otherVectorArith: number;
  /** The widest vector register the loop's arithmetic uses: "zmm" (512 bits), "ymm", "xmm". */
  width: string;
  /** Vector loads, those folded into arithmetic included. */
  vectorLoads: number;
  vectorStores: number;
  /** Broadcasts of one element: vbroadcast instructions and embedded ({1toN}) ones. */
  broadcasts: number;
  /** Loads and stores relative to %rsp or %rbp: spills. */
  stackLoads: number;
  stackStores: number;
  /** Calls inside the loop (a libm call per element, a callback). */
  calls: number;
}

const FUNCTION = /^([0-9a-f]+) <(.+)>:$/;
const INSN = /^\s+([0-9a-f]+):\s+([a-z][\w.]*)\s*(.*)$/;
const BRANCH_TARGET = /^([0-9a-f]+) </;
const FMA = /^vf(n?)m(add|sub)(132|213|231)p[sd]$/;
const VEC_ARITH = /^v(add|sub|mul|div|min|max|sqrt|rcp14|rsqrt14|rcp|rsqrt)p[sd]$/;
const MOVES = /^v(movups|movaps|movupd|movapd|movdqu(8|16|32|64)?|movdqa(32|64)?)$/;

function parse(text: string): Map<string, Insn[]> {
  const fns = new Map<string, Insn[]>();
  let current: Insn[] | undefined;
  for (const line of text.split("\n")) {
    const f = FUNCTION.exec(line);
    if (f) {
      current = [];
      fns.set(f[2], current);
      continue;
    }
    const m = INSN.exec(line);
    if (m && current) current.push({ address: parseInt(m[1], 16), mnemonic: m[2], operands: m[3].replace(/\s+#.*$/, "").trim() });
  }
  return fns;
}

/** The memory operand of an AT&T operand list, and whether it is the destination (the last). */
function memoryOperand(operands: string): { dest: boolean; text: string } | undefined {
  const parts = operands.split(/,(?![^(]*\))/);
  const i = parts.findIndex((p) => p.includes("("));
  if (i < 0) return undefined;
  return { dest: i === parts.length - 1 && parts.length > 1, text: parts[i] };
}

function summarize(fn: string, body: Insn[]): HotLoop {
  const s: HotLoop = {
    fn, start: body[0].address, end: body[body.length - 1].address, instructions: body.length,
    fmas: 0, otherVectorArith: 0, width: "", vectorLoads: 0, vectorStores: 0, broadcasts: 0, stackLoads: 0, stackStores: 0, calls: 0,
  };
  const widths = new Set<string>();
  for (const i of body) {
    const arith = FMA.test(i.mnemonic) || VEC_ARITH.test(i.mnemonic);
    if (FMA.test(i.mnemonic)) s.fmas++;
    else if (VEC_ARITH.test(i.mnemonic)) s.otherVectorArith++;
    if (arith) for (const w of i.operands.match(/%([xyz]mm)\d+/g) ?? []) widths.add(w.slice(1, 4));
    if (i.mnemonic.startsWith("call")) s.calls++;
    if (i.mnemonic.startsWith("vbroadcast")) s.broadcasts++;
    const mem = memoryOperand(i.operands);
    if (!mem) continue;
    const stack = /\(%(rsp|rbp)\b/.test(mem.text);
    if (stack) {
      if (mem.dest) s.stackStores++;
      else s.stackLoads++;
    } else if (MOVES.test(i.mnemonic) && /%[xyz]mm/.test(i.operands)) {
      if (mem.dest) s.vectorStores++;
      else s.vectorLoads++;
    } else if (arith) {
      // A load folded into the arithmetic (vfmadd231ps 0x40(%rax),%zmm1,%zmm0), or an embedded
      // broadcast of one element ({1to16}).
      if (/\{1to\d+\}/.test(i.operands)) s.broadcasts++;
      else s.vectorLoads++;
    }
  }
  s.width = ["zmm", "ymm", "xmm"].find((w) => widths.has(w)) ?? "none";
  return s;
}

/** The innermost loops of one function: [first, last] instruction indices of each. */
function innermostLoops(insns: Insn[]): [number, number][] {
  const index = new Map(insns.map((x, i) => [x.address, i]));
  const loops: [number, number][] = [];
  insns.forEach((x, i) => {
    if (!x.mnemonic.startsWith("j")) return;
    const t = BRANCH_TARGET.exec(x.operands);
    if (!t) return;
    const target = index.get(parseInt(t[1], 16));
    if (target !== undefined && target <= i) loops.push([target, i]);
  });
  return loops.filter(([a, b]) => !loops.some(([c, d]) => (c !== a || d !== b) && a <= c && d <= b));
}

/**
 * The hot loop of the library at `path`, or a string saying why there is none (no objdump, not
 * x86-64, no loop with vector arithmetic).
 */
export function hotLoop(path: string): HotLoop | string {
  if (process.arch !== "x64") return `hot-loop analysis reads x86-64 disassembly; this is ${process.arch}`;
  const r = spawnSync("objdump", ["-d", "--no-show-raw-insn", path], { encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.error || r.status !== 0) return "objdump is not available (Debian: apt-get install binutils)";
  return hotLoopOfDisassembly(r.stdout);
}

/** The hot loop of an `objdump -d --no-show-raw-insn` listing (AT&T syntax). */
export function hotLoopOfDisassembly(text: string): HotLoop | string {
  let best: HotLoop | undefined;
  for (const [fn, insns] of parse(text)) {
    for (const [a, b] of innermostLoops(insns)) {
      const s = summarize(fn, insns.slice(a, b + 1));
      const score = (x: HotLoop): number => 4 * x.fmas + x.otherVectorArith;
      if (!best || score(s) > score(best) || (score(s) === score(best) && s.instructions > best.instructions)) best = s;
    }
  }
  if (!best || best.fmas + best.otherVectorArith === 0) return "no inner loop with packed floating-point arithmetic";
  return best;
}

/** One line saying what the hot loop does. */
export function describeHotLoop(h: HotLoop | string): string {
  if (typeof h === "string") return h;
  const spills = h.stackLoads + h.stackStores;
  return `${h.fn} at 0x${h.start.toString(16)}–0x${h.end.toString(16)}: ${h.instructions} instructions, ` +
    `${h.fmas} FMAs and ${h.otherVectorArith} other vector ops on ${h.width}, ${h.vectorLoads} vector loads, ` +
    `${h.broadcasts} broadcasts, ${h.vectorStores} vector stores, ` +
    `${spills === 0 ? "no stack accesses (no spills)" : `${h.stackLoads} stack loads and ${h.stackStores} stack stores (spills)`}` +
    `${h.calls > 0 ? `, ${h.calls} calls` : ""}`;
}
