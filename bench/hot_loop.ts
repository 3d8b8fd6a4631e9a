// The hot loop of a benchmark kernel's tejit side (the ops default schedule), read from the
// compiled library: objdump -d of the cached .so, the loops found as backward conditional jumps,
// and for the loop with the most vector FMAs (else the most vector instructions) its length and
// what is in it: FMAs, vector loads and broadcasts, stores, and stack accesses (spills and
// reloads of vector registers show as vector moves to or from (%rsp)). What limits a kernel is
// read from these counts (docs/ops.md, "Where the schedules are still short of the machine").
//
//   node --import tsx bench/hot_loop.ts gemm 1024 1024 1024     (M N K)
//   node --import tsx bench/hot_loop.ts conv 64 56 64 3 1 1     (C H F K stride pad)
//   node --import tsx bench/hot_loop.ts softmax [fast] | layernorm | add
//   add --print to print the loop's instructions
import { spawnSync } from "node:child_process";
import type { Module } from "../ts/runtime/module.js";
import { tejitAdd } from "./suite/add.js";
import { tejitConv2d } from "./suite/conv2d.js";
import { tejitGemm } from "./suite/gemm.js";
import { tejitLayerNorm } from "./suite/layernorm.js";
import { tejitSoftmax } from "./suite/softmax.js";

interface Insn {
  addr: number;
  fn: string;
  op: string;
  text: string;
}

/** The instructions of a shared library, with the function each is in. */
function disassemble(path: string): Insn[] {
  const r = spawnSync("objdump", ["-d", "--no-show-raw-insn", path], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`hot_loop: objdump -d ${path} failed: ${r.stderr || r.error?.message}`);
  const out: Insn[] = [];
  let fn = "";
  for (const line of r.stdout.split("\n")) {
    const f = /^[0-9a-f]+ <(.+)>:$/.exec(line);
    if (f) {
      fn = f[1];
      continue;
    }
    const m = /^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$/.exec(line);
    if (m) out.push({ addr: parseInt(m[1], 16), fn, op: m[2], text: m[3] });
  }
  return out;
}

/** What a loop body holds. */
interface LoopStats {
  fn: string;
  start: number;
  insns: Insn[];
  fma: number;
  vector: number;
  loads: number;
  stores: number;
  stack: number;
  vectorStack: number;
}

function stats(fn: string, body: Insn[]): LoopStats {
  const isVector = (i: Insn) => /%[xyz]mm/.test(i.text);
  const memRead = (i: Insn) => /\(/.test(i.text.split(",")[0]) && !/^(lea|nop)/.test(i.op);
  const memWrite = (i: Insn) => /^v?mov/.test(i.op) && /\([^)]*\)$/.test(i.text);
  const onStack = (i: Insn) => /\(%rsp|\(%rbp/.test(i.text) && !/^lea/.test(i.op);
  return {
    fn, start: body[0].addr, insns: body,
    fma: body.filter((i) => /^vfn?m(add|sub)/.test(i.op)).length,
    vector: body.filter(isVector).length,
    loads: body.filter((i) => memRead(i) && isVector(i)).length,
    stores: body.filter((i) => memWrite(i) && isVector(i)).length,
    stack: body.filter(onStack).length,
    vectorStack: body.filter((i) => onStack(i) && isVector(i)).length,
  };
}

/** Every innermost-looking loop: a backward conditional jump inside one function and the instructions it spans. */
function loops(insns: Insn[]): LoopStats[] {
  const found: LoopStats[] = [];
  insns.forEach((i, k) => {
    if (!/^j(?!mp)/.test(i.op)) return;
    const target = parseInt(i.text.split(" ")[0], 16);
    if (!(target < i.addr)) return;
    const first = insns.findIndex((x) => x.addr === target && x.fn === i.fn);
    if (first < 0) return;
    const body = insns.slice(first, k + 1);
    // Innermost: no other backward jump inside.
    if (body.slice(0, -1).some((x) => /^j(?!mp)/.test(x.op) && parseInt(x.text.split(" ")[0], 16) < x.addr && parseInt(x.text.split(" ")[0], 16) >= target)) return;
    found.push(stats(i.fn, body));
  });
  return found;
}

function kernel(argv: string[]): Module {
  const [what, ...rest] = argv;
  const n = rest.filter((x) => /^\d+$/.test(x)).map(Number);
  switch (what) {
    case "gemm": {
      const [m = 1024, nn = m, k = m] = n;
      return tejitGemm(m, nn, k);
    }
    case "conv": {
      const [c = 64, h = 56, f = 64, k = 3, stride = 1, pad = 1] = n;
      return tejitConv2d({ c, h, w: h, f, k, stride, pad });
    }
    case "softmax":
      return tejitSoftmax(4096, 1024, rest.includes("fast"));
    case "layernorm":
      return tejitLayerNorm(4096, 1024, 1e-5);
    case "add":
      return tejitAdd(1 << 24);
    default:
      throw new Error(`hot_loop: unknown kernel '${what}' (known: gemm M N K, conv C H F K stride pad, softmax [fast], layernorm, add)`);
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  const mod = kernel(argv);
  const all = loops(disassemble(mod.libraryPath));
  if (all.length === 0) throw new Error(`hot_loop: no loop found in ${mod.libraryPath}`);
  const hot = [...all].sort((a, b) => b.fma - a.fma || b.vector - a.vector)[0];
  console.log(`${argv.join(" ")}: ${mod.libraryPath}`);
  console.log(`hot loop in ${hot.fn} at 0x${hot.start.toString(16)}: ${hot.insns.length} instructions, ${hot.fma} FMAs, ${hot.vector} vector instructions, ${hot.loads} vector loads (broadcasts included), ${hot.stores} vector stores, ${hot.stack} stack accesses (${hot.vectorStack} of vector registers: spills and reloads)`);
  if (argv.includes("--print")) for (const i of hot.insns) console.log(`  ${i.addr.toString(16)}: ${i.op} ${i.text}`);
}

main();
