// The program tejit started from (../shared/seed/te-extern-question.txt), in tejit: an extern
// stage computed at a consumer's loop. Lowered as TVM lowers it (whole tensor, every iteration),
// then tiled with a region map (only the tile, views of it), each explained, built and run.
//
//   npm run demo

import { te, tir, lower, build, explainBounds, nd, registerFunc } from "../ts/index.js";

const shape = [3, 4, 8];
const calls: string[] = [];
registerFunc("my_py_func", (dataIn: nd.NDArray, dataMid: nd.NDArray) => {
  calls.push(`in [${dataIn.shape}] at byte ${dataIn.byteOffset} -> out [${dataMid.shape}] at byte ${dataMid.byteOffset}`);
  dataMid.copyFrom(dataIn.toTypedArray().map((v) => v + 1));
});

function program(regionMap?: te.RegionMap) {
  const dataIn = te.placeholder(shape);
  const dataMid = te.extern(shape, [dataIn], (ins, outs) => tir.callPacked("my_py_func", ins[0], outs[0]), { regionMap });
  const dataOut = te.compute(shape, (i, j, k) => dataMid.at(i, j, k));
  const s = te.createSchedule(dataOut.op);
  s.stage(dataMid).computeAt(s.stage(dataOut), s.stage(dataOut).op.axis[0]);
  return { s, args: [dataIn, dataOut] };
}

function run(title: string, regionMap?: te.RegionMap): Float32Array {
  console.log(`\n=== ${title} ===\n`);
  const { s, args } = program(regionMap);
  console.log(lower(s, args, { onWarning: (w) => console.log(`warning: ${w}\n`) }).toString());
  console.log(`\nWhy these bounds:\n${explainBounds(s).toString()}\n`);
  const mod = build(s, args, { name: "main", onWarning: () => {} });
  const input = nd.array(Float32Array.from({ length: 96 }, (_, i) => i), shape);
  const output = nd.empty(shape);
  calls.length = 0;
  mod.getFunction("main")(input, output);
  console.log(`Built and run: my_py_func was called ${calls.length} times:`);
  for (const c of calls) console.log(`  ${c}`);
  return output.toTypedArray() as Float32Array;
}

const whole = run("TVM-compatible: no region map (allocates 96, calls on the whole tensor)");
const tiled = run('Tiled: regionMap "elementwise" (allocates 32, calls on each tile)', "elementwise");
const same = whole.every((v, i) => v === tiled[i] && v === i + 1);
console.log(`\nBoth outputs equal input + 1: ${same}`);

console.log("\n=== The same lowered function written by hand with tir.irBuilder ===\n");
const placeholder = tir.declBuffer(shape, "float32", "placeholder");
const compute = tir.declBuffer(shape, "float32", "compute");
const ib = tir.irBuilder();
const ext = ib.allocate("float32", 96, "extern", "global");
const externBuf = tir.declBuffer(shape, "float32", "extern", { data: ext.data });
const out = ib.bufferPtr(compute);
ib.forRange(0, 3, "i", (i) => {
  ib.newScope(() => {
    ib.scopeAttr(0, "extern_scope", 0); // what te.extern adds around its body
    ib.emit(tir.callPacked("my_py_func", placeholder, externBuf));
  });
  ib.forRange(0, 4, "j", (j) => {
    ib.forRange(0, 8, "k", (k) => {
      const idx = i.mul(32).add(j.mul(8)).add(k);
      out.set(idx, ext.get(idx));
    });
  });
});
const params = [new tir.Var("placeholder", "handle"), new tir.Var("compute", "handle")];
const byHand = new tir.PrimFunc(params, ib.get(), new Map([[params[0], placeholder], [params[1], compute]]), { global_symbol: "main", "tir.noalias": true });
console.log(byHand.toString());
const { s, args } = program();
const sameText = byHand.toString() === lower(s, args, { onWarning: () => {} }).toString();
console.log(`\nIdentical to lower()'s text: ${sameText}`);
if (!same || !sameText) process.exitCode = 1;
