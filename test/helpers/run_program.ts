// Runs a TypeScript program in a child process as a user would run it — `node --import tsx` with
// "tejit" resolved to this checkout (resolve_tejit.mjs) — with the tests' own TEJIT_CACHE_DIR, and
// collects its exit code and output. At most one child per core runs at a time, so a test file
// can start all its programs at once (each costs about a second of startup).
import { spawn } from "node:child_process";
import { availableParallelism, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const tsx = import.meta.resolve("tsx");
const resolveTejit = new URL("./resolve_tejit.mjs", import.meta.url).href;
let cacheDir: string | undefined;
const slots = { free: Math.max(1, availableParallelism()), waiting: [] as (() => void)[] };

/**
 * The compile cache of the programs the tests run: not the user's, one for all of them (programs
 * share kernels) and kept between runs (entries are named by the hash of what built them).
 */
export function sharedCacheDir(): string {
  return (cacheDir ??= join(tmpdir(), `tejit-test-programs-${userInfo().uid}`));
}

async function acquire(): Promise<void> {
  if (slots.free > 0) { slots.free--; return; }
  await new Promise<void>((resolve) => slots.waiting.push(resolve));
}

function release(): void {
  const next = slots.waiting.shift();
  if (next) next(); else slots.free++;
}

/** Runs `file` (with `args`) from `cwd` (default the repository root); rejects only if it cannot start. */
export async function runProgram(file: string, args: string[] = [], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<ProgramResult> {
  await acquire();
  try {
    return await new Promise<ProgramResult>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", tsx, "--import", resolveTejit, file, ...args], {
        cwd: opts.cwd ?? repoRoot,
        env: { ...process.env, TEJIT_CACHE_DIR: sharedCacheDir(), TEJIT_LOG: "" },
        stdio: ["ignore", "pipe", "pipe"],
        timeout: opts.timeoutMs ?? 120_000,
      });
      let stdout = "", stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
      child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  } finally {
    release();
  }
}

export { repoRoot };
