// The hot loop of one benchmark kernel's tejit side (the ops default schedule), without timing
// anything: the kernel is built and its library read by bench/suite/hot_loop.ts (the reader of
// `npm run bench -- <kernel> --disasm`): FMAs, vector loads and broadcasts, stores, and stack
// accesses (spills). What limits a kernel is read from these counts (docs/ops.md, "Where the
// schedules are still short of the machine").
//
//   node --import tsx bench/hot_loop.ts gemm 1024 1024 1024     (M N K)
//   node --import tsx bench/hot_loop.ts conv 64 56 64 3 1 1     (C H F K stride pad)
//   node --import tsx bench/hot_loop.ts softmax [fast] | layernorm | add
import { describeHotLoop, hotLoop } from "./suite/hot_loop.js";
import type { Module } from "../ts/runtime/module.js";
import { tejitAdd } from "./suite/add.js";
import { tejitConv2d } from "./suite/conv2d.js";
import { tejitGemm } from "./suite/gemm.js";
import { tejitLayerNorm } from "./suite/layernorm.js";
import { tejitSoftmax } from "./suite/softmax.js";

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
  console.log(`${argv.join(" ")}: ${mod.libraryPath}`);
  console.log(`hot loop: ${describeHotLoop(hotLoop(mod.libraryPath))}`);
}

main();
