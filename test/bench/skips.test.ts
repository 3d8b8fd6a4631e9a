// What the suite says when a baseline is missing (each message names the install command and the
// script that installs them all), the command line's errors, and the ONNX writer's bytes.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INSTALL, missing } from "../../bench/suite/baselines/install.js";
import { halideLibrary } from "../../bench/suite/baselines/halide.js";
import { numpyVersion } from "../../bench/suite/baselines/numpy.js";
import { openBlasLibrary } from "../../bench/suite/baselines/openblas.js";
import { loadOrt } from "../../bench/suite/baselines/ort.js";
import { oneNodeModel } from "../../bench/suite/baselines/onnx.js";
import { parseArgs } from "../../bench/suite/args.js";
import { selectKernels } from "../../bench/suite/index.js";
import type { Kernel } from "../../bench/suite/types.js";

const empty = mkdtempSync(join(tmpdir(), "tejit-bench-skip-"));
test.after.always(() => rmSync(empty, { recursive: true, force: true }));
const SCRIPT = "(or run scripts/install-bench-baselines.sh for every baseline)";

test("a missing baseline's skip says how to install it", (t) => {
  t.deepEqual(missing("numpy", "numpy is not installed"), { skip: `numpy is not installed; install it with \`apt-get install -y python3-numpy\` ${SCRIPT}` });
});

test("OpenBLAS without cblas.h", (t) => {
  const h = join(empty, "cblas.h");
  t.deepEqual(openBlasLibrary([h]), { skip: `OpenBLAS is not installed (no ${h}); install it with \`apt-get install -y libopenblas-dev\` ${SCRIPT}` });
});

test("Halide without Halide.h", (t) => {
  t.deepEqual(halideLibrary(() => {}, empty), { skip: `Halide 14 is not installed (no ${join(empty, "Halide.h")}); install it with \`apt-get install -y libhalide14-0-dev\` ${SCRIPT}` });
});

test("numpy without the python", (t) => {
  t.deepEqual(numpyVersion(join(empty, "python3")), { skip: `${join(empty, "python3")} is not installed; install it with \`apt-get install -y python3-numpy\` ${SCRIPT}` });
});

test("onnxruntime-node not in the scratch folder: the npm command with the skip flag", (t) => {
  t.deepEqual(loadOrt(empty), { skip: `onnxruntime-node is not installed in ${empty}; install it with \`${INSTALL.ort}\` ${SCRIPT}` });
  t.regex(INSTALL.ort, /^npm install --prefix \S+ onnxruntime-node@1\.30\.0 --onnxruntime-node-install=skip$/);
});

test("the command line: kernels, threads, rounds, quick; errors name the option", (t) => {
  t.deepEqual(parseArgs(["gemm", "--threads", "1,4", "--quick"], 2), { kernels: ["gemm"], threads: [1, 4], rounds: 3, quick: true, write: false, list: false, legacy: false, disasm: false });
  t.true(parseArgs(["gemm1024", "--disasm"], 2).disasm);
  t.deepEqual(parseArgs([], 1).threads, [1]);
  t.is(parseArgs(["--rounds", "7"], 2).rounds, 7);
  t.throws(() => parseArgs(["--threads", "0,2"], 2), { message: "bench: --threads expects positive integers separated by commas (e.g. 1,2), got 0,2" });
  t.throws(() => parseArgs(["--rounds"], 2), { message: "bench: --rounds needs a value" });
  t.throws(() => parseArgs(["--fast"], 2), { message: /^bench: unknown option --fast/ });
});

test("kernels are selected by id or group, the limits always with them; an unknown name is an error", (t) => {
  const k = (id: string, group: string): Kernel => ({ id, group, title: id, unit: "ms", entries: [] });
  const all = [k("fma", "limits"), k("gemm1024", "gemm"), k("gemm2048", "gemm"), k("add", "add")];
  t.deepEqual(selectKernels(all, ["gemm"]).map((x) => x.id), ["fma", "gemm1024", "gemm2048"]);
  t.deepEqual(selectKernels(all, ["gemm2048"]).map((x) => x.id), ["fma", "gemm2048"]);
  t.throws(() => selectKernels(all, ["gemm4096"]), { message: /^bench: unknown kernel gemm4096 \(known: limits, gemm, add/ });
});

test("the ONNX writer: ModelProto fields in protobuf wire format", (t) => {
  const b = oneNodeModel({ op: "Add", inputs: [{ name: "A", shape: [3] }, { name: "B", shape: [3] }], output: { name: "C", shape: [3] } });
  // ir_version (field 1, varint) = 8, then producer_name (field 2, bytes) "tejit-bench".
  t.deepEqual([...b.subarray(0, 4)], [0x08, 0x08, 0x12, 11]);
  t.is(new TextDecoder().decode(b.subarray(4, 15)), "tejit-bench");
  const text = new TextDecoder("latin1").decode(b);
  t.true(text.includes("Add") && text.includes("tejit_bench"));
  // The opset import (field 8) ends the message: domain "" and version 17.
  t.deepEqual([...b.subarray(b.length - 6)], [0x42, 4, 0x0a, 0, 0x10, 17]);
});
