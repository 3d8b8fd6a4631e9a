// Builds and runs B = A * 3 + 1 (float32 [64], split and vectorized) and reports the library it
// loaded and B. Run as a worker thread (reports by postMessage) or as a child process (prints one
// JSON line); the cache is whatever TEJIT_CACHE_DIR says, the compiler whatever TEJIT_CC says.
import { parentPort } from "node:worker_threads";
import { build, nd, te } from "../../../ts/index.js";

const A = te.placeholder([64], "float32", "A");
const B = te.compute([64], (i) => A.at(i).mul(3).add(1), "B");
const s = te.createSchedule(B.op);
const [, inner] = s.stage(B).split(B.op.axis[0], 8);
s.stage(B).vectorize(inner);
const mod = build(s, [A, B], { name: "times3" });
const b = nd.empty([64]);
mod.getFunction("times3")(nd.array(Float32Array.from({ length: 64 }, (_, i) => i)), b);
const report = { libraryPath: mod.libraryPath, values: [...b.data] };
if (parentPort) parentPort.postMessage(report);
else process.stdout.write(`${JSON.stringify(report)}\n`);
