// Runs a scenario of memory_child.ts in a child process (node --expose-gc) and returns its exit
// status, signal and the JSON it printed, so a crash is a failed assertion, not a dead runner.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import "./helpers.js"; // the test's private cache directory, inherited by the child

const script = join(dirname(fileURLToPath(import.meta.url)), "memory_child.ts");

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  result: unknown;
}

export function runScenario(name: string, ...args: (string | number)[]): ChildResult {
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", script, name, ...args.map(String)], {
    encoding: "utf8",
    timeout: 120_000,
  });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  let result: unknown;
  try {
    result = JSON.parse(line);
  } catch {
    result = undefined;
  }
  return { status: r.status, signal: r.signal, stderr: r.stderr, result };
}
