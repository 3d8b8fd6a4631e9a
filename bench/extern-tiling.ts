// The seed pattern scaled up: an extern computed at the outer loop of its consumer, lowered as
// TVM does (no region map: the whole tensor is allocated and processed in every iteration) and
// tiled (regionMap "elementwise": one tile allocated, processed once per iteration). Two externs:
// a JS callback (+1 through registerFunc) and a C loop written with tir.irBuilder (+1).
// Each variant runs in its own child process so that its peak memory (max RSS) is its own.
//
//   node --import tsx bench/extern-tiling.ts            (all variants)

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { te, tir, nd, registerFunc, build } from "../ts/index.js";

type Kind = "js" | "c";
const SHAPES: Record<Kind, number[]> = { js: [128, 128, 128], c: [512, 256, 256] };

function program(kind: Kind, tiled: boolean) {
  const shape = SHAPES[kind];
  const A = te.placeholder(shape, "float32", "A");
  const fcompute = kind === "js"
    ? (ins: tir.Buffer[], outs: tir.Buffer[]) => tir.callPacked("bench_add_one", ins[0], outs[0])
    : (ins: tir.Buffer[], outs: tir.Buffer[]) => {
      const ib = tir.irBuilder();
      const a = ib.bufferPtr(ins[0]);
      const o = ib.bufferPtr(outs[0]);
      const [n0, n1, n2] = outs[0].shape;
      ib.forRange(0, n0, "i", (i) => ib.forRange(0, n1, "j", (j) => ib.forRange(0, n2, "k", (k) => {
        o.set([i, j, k], a.get([i, j, k]).add(1));
      })));
      return ib.get();
    };
  const mid = te.extern(shape, [A], fcompute, { name: "mid", regionMap: tiled ? "elementwise" : undefined });
  const C = te.compute(shape, (i, j, k) => mid.at(i, j, k).mul(2), "C");
  const s = te.createSchedule(C.op);
  s.stage(mid).computeAt(s.stage(C), C.op.axis[0]);
  return { s, args: [A, C], shape };
}

function child(kind: Kind, tiled: boolean, repeats: number): void {
  registerFunc("bench_add_one", (a: nd.NDArray, b: nd.NDArray) => { b.copyFrom(a.toTypedArray().map((v) => v + 1)); });
  const { s, args, shape } = program(kind, tiled);
  const fn = build(s, args, { onWarning: () => {} }).getFunction("main");
  const size = shape.reduce((x, y) => x * y, 1);
  const input = nd.array(Float32Array.from({ length: size }, (_, i) => i % 1000), shape);
  const out = nd.empty(shape);
  const rssBefore = process.resourceUsage().maxRSS;
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn(input, out);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const o = out.toTypedArray();
  for (let i = 0; i < size; i += 9973) {
    if (o[i] !== ((i % 1000) + 1) * 2) throw new Error(`wrong result at ${i}: ${o[i]}`);
  }
  times.sort((x, y) => x - y);
  const rssAfter = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ seconds: times[Math.floor(times.length / 2)], maxRssMiB: rssAfter / 1024, rssBeforeKernelMiB: rssBefore / 1024 }));
}

function parent(): void {
  const self = fileURLToPath(import.meta.url);
  console.log("extern tiling: TVM-compatible (whole tensor per iteration) vs tiled (regionMap)");
  console.log("| extern | shape | variant | median s | max RSS MiB | RSS before kernel MiB | extra allocation |");
  console.log("|---|---|---|---:|---:|---:|---|");
  for (const kind of ["js", "c"] as Kind[]) {
    const res: Record<string, { seconds: number; maxRssMiB: number; rssBeforeKernelMiB: number }> = {};
    for (const tiled of [false, true]) {
      const repeats = tiled ? 5 : kind === "c" ? 1 : 3;
      const r = spawnSync(process.execPath, ["--import", "tsx", self, "child", kind, String(tiled), String(repeats)], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
      const line = r.stdout.trim().split("\n").pop()!;
      res[String(tiled)] = JSON.parse(line);
      const shape = SHAPES[kind];
      const elems = tiled ? shape[1] * shape[2] : shape.reduce((x, y) => x * y, 1);
      const v = res[String(tiled)];
      console.log(`| ${kind === "js" ? "JS callback" : "C (irBuilder)"} | ${shape.join("x")} | ${tiled ? "tiled" : "TVM-compatible"} | ${v.seconds.toFixed(4)} | ${v.maxRssMiB.toFixed(0)} | ${v.rssBeforeKernelMiB.toFixed(0)} | ${(elems * 4 / 1048576).toFixed(2)} MiB |`);
    }
    console.log(`${kind}: tiled is ${(res["false"].seconds / res["true"].seconds).toFixed(1)}x faster, peak RSS ${(res["false"].maxRssMiB - res["true"].maxRssMiB).toFixed(0)} MiB lower`);
  }
}

if (process.argv[2] === "child") child(process.argv[3] as Kind, process.argv[4] === "true", Number(process.argv[5]));
else parent();
