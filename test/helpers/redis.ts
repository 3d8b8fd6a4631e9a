// The Redis server of the tests that need one. CI (.ci/run) starts redis-server and exports its
// URL as TEJIT_TEST_REDIS_URL: then that server is used, and a failure to reach it fails the
// tests. Without the variable (a developer's machine), a private redis-server is started on a
// free port of 127.0.0.1 (no persistence, a temporary directory, stopped when this process
// exits) if one is installed; only when none is does the caller skip, with the message.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A Redis URL to test with, or why there is none. */
export type TestRedis = { url: string } | { skip: string };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function startRedis(): Promise<TestRedis> {
  return freePort().then((port) => new Promise<TestRedis>((resolve) => {
    const dir = mkdtempSync(join(tmpdir(), "tejit-redis-"));
    const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => { proc.kill(); resolve({ skip: `redis-server did not start within 10 s: ${out.slice(-500)}` }); }, 10_000);
    proc.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve({ url: `redis://127.0.0.1:${port}` });
      }
    });
    proc.on("error", (e) => {
      clearTimeout(timer);
      resolve({ skip: `redis-server is not installed (${e.message}); install it (apt-get install redis-server) or set TEJIT_TEST_REDIS_URL to run these tests` });
    });
    proc.unref();
    (proc.stdout as unknown as { unref?(): void }).unref?.();
    (proc.stderr as unknown as { unref?(): void }).unref?.();
    process.on("exit", () => {
      proc.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    });
  }));
}

let redis: Promise<TestRedis> | undefined;

/** The Redis of this test process: TEJIT_TEST_REDIS_URL, else a redis-server started here, else a reason to skip. */
export function testRedis(): Promise<TestRedis> {
  const url = process.env.TEJIT_TEST_REDIS_URL;
  if (url !== undefined && url !== "") return Promise.resolve({ url });
  redis ??= startRedis();
  return redis;
}
