// Shared by the compile-driver tests: a private work directory (removed at exit), environment
// overrides restored afterwards, fake compilers written as shell scripts, and running a script
// in a child process with a time limit (so a hang fails the test instead of stalling it).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import "../runtime/helpers.js"; // a private compile cache per test process

export { withEnv } from "../helpers/env.js";

export const work = mkdtempSync(join(tmpdir(), "tejit-compile-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));


let scripts = 0;
/** Writes an executable shell script with `body` and returns its path. */
export function script(body: string): string {
  const path = join(work, `fake-cc-${scripts++}`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A compiler that appends each argument on its own line to `log` (runs end with "--"), then runs cc. */
export function loggingCompiler(log: string): string {
  return script(`printf '%s\\n' "$@" -- >> "${log}"\nexec cc "$@"`);
}

/** The runs logged by loggingCompiler: each an argument list. */
export function loggedRuns(text: string): string[][] {
  const runs: string[][] = [];
  let cur: string[] = [];
  for (const line of text.split("\n")) {
    if (line === "--") { runs.push(cur); cur = []; } else if (line !== "") cur.push(line);
  }
  return runs;
}

const root = join(import.meta.dirname, "..", "..");
export const tsUrl = (rel: string): string => pathToFileURL(join(root, "ts", rel)).href;

/** Runs an ES module script in a child node (with tsx) under `env`; killed after `timeoutMs`. */
export function runChild(code: string, env: Record<string, string>, timeoutMs = 60_000): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: root, env: { ...process.env, ...env }, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL",
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}
