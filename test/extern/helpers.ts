// Shared pieces of the extern tests: the seed program (with or without a region map), and a
// recorder of the views a registered JS function receives.

import { te, tir, nd, registerFunc } from "../../ts/index.js";

export type ViewRecord = { shape: number[]; strides: number[]; byteOffset: number };

let counter = 0;
/** A fresh function name, so test files running in one process never clash. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base}_${process.pid}_${counter}`;
}

/** Registers `name` as "output = input + 1" over its two views, recording what it saw. */
export function registerAddOne(name: string): { inputs: ViewRecord[]; outputs: ViewRecord[] } {
  const seen = { inputs: [] as ViewRecord[], outputs: [] as ViewRecord[] };
  registerFunc(name, (a: nd.NDArray, b: nd.NDArray) => {
    seen.inputs.push({ shape: [...a.shape], strides: [...a.strides], byteOffset: a.byteOffset });
    seen.outputs.push({ shape: [...b.shape], strides: [...b.strides], byteOffset: b.byteOffset });
    b.copyFrom(a.toTypedArray().map((v) => v + 1));
  });
  return seen;
}

export function seedProgram(funcName: string, regionMap?: te.RegionMap) {
  const shape = [3, 4, 8];
  const dataIn = te.placeholder(shape);
  const dataMid = te.extern(shape, [dataIn], (ins, outs) => tir.callPacked(funcName, ins[0], outs[0]), { regionMap }) as te.Tensor;
  const dataOut = te.compute(shape, (i, j, k) => dataMid.at(i, j, k));
  const s = te.createSchedule(dataOut.op);
  s.stage(dataMid).computeAt(s.stage(dataOut), s.stage(dataOut).op.axis[0]);
  return { s, dataIn, dataMid, dataOut, args: [dataIn, dataOut], shape };
}

export function iota(n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i * scale);
}
