// npm run soak [-- --count N --warm W --rounds R]: the long form of test/runtime/soak.test.ts.
// Runs N (default 1,000,000) kernel calls, N scalar callbacks and N tensor-view callbacks, each
// in one synchronous loop, in a child process with gc exposed (test/runtime/memory_child.ts,
// scenario "soak", on the kernels of test/fixtures/memory.c), after a warm-up of W of each, R
// rounds each, and prints the RSS growth and time of every round. Exits 1 if a phase grew by
// 2 MB or more in every round (what the test asserts for 100,000).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`soak: --${name} must be a positive integer, got '${process.argv[i + 1]}'`);
  return v;
}

const count = option("count", 1_000_000);
const warm = option("warm", 200_000);
const rounds = option("rounds", 1);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = process.env.TEJIT_CACHE_DIR ?? mkdtempSync(join(tmpdir(), "tejit-soak-"));
const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(root, "test/runtime/memory_child.ts"), "soak", String(count), String(warm), String(rounds)], {
  encoding: "utf8",
  env: { ...process.env, TEJIT_CACHE_DIR: cache },
  cwd: root,
});
if (!process.env.TEJIT_CACHE_DIR) rmSync(cache, { recursive: true, force: true });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  throw new Error(`soak: the child process failed (status ${r.status}, signal ${r.signal})`);
}
const result = JSON.parse(r.stdout.trim().split("\n").pop()!) as { growth: Record<string, number[]>; seconds: Record<string, number[]> };
const labels: Record<string, string> = {
  kernel: "JS -> kernel calls (three float32 [64] tensors)",
  scalar: "kernel -> JS callbacks, one double",
  tensor: "kernel -> JS callbacks, one tensor view",
};
console.log(`soak: ${count.toLocaleString("en")} of each after a warm-up of ${warm.toLocaleString("en")}, node ${process.version}`);
let leaked = false;
for (const phase of Object.keys(labels)) {
  for (let k = 0; k < result.growth[phase].length; k++) {
    const mb = result.growth[phase][k] / 1e6;
    const s = result.seconds[phase][k];
    console.log(`  ${labels[phase].padEnd(50)} round ${k + 1}: RSS ${mb >= 0 ? "+" : ""}${mb.toFixed(2)} MB, ${s.toFixed(2)} s (${((s / count) * 1e9).toFixed(0)} ns each)`);
  }
  if (Math.min(...result.growth[phase]) >= 2e6) leaked = true;
}
if (leaked) {
  console.log("soak: a phase grew RSS by 2 MB or more in every round");
  process.exitCode = 1;
}
