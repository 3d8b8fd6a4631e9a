// A child process of the build-time kernel (build.ts): builds the tejit GEMM 1024 kernel under
// the function name given on the command line and prints {"ms": ...}, the time of build() alone
// (lowering, C generation, the compile driver with its cache, dlopen), the addon loaded before.
// A new name is a cold build (not in the cache); a name built before is a warm one.
import { getAddon } from "../../ts/runtime/addon.js";
import { build } from "../../ts/build.js";
import { gemmPanel } from "./schedules/gemm_panel.js";

const name = process.argv[2] ?? "gemm";
const lanes = Number(process.argv[3] ?? 16);
getAddon();
const g = gemmPanel(1024, 1024, 1024, lanes);
const t0 = process.hrtime.bigint();
build(g.s, g.args, { name, maxStackBytes: g.maxStackBytes });
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms }) + "\n");
