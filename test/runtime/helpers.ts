// Shared by the runtime tests: a private compile cache per test process, and fixture loading
// (the fixture's #include "fixture.h" is inlined so the source is self-contained).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createModuleFromSource, type Module, type ModuleOptions } from "../../ts/runtime/module.js";

if (!process.env.TEJIT_CACHE_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "tejit-test-cache-"));
  process.env.TEJIT_CACHE_DIR = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}

export const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

/** The fixture's C source with fixture.h inlined. */
export function fixtureSource(name: string): string {
  const header = readFileSync(join(fixtureDir, "fixture.h"), "utf8");
  return readFileSync(join(fixtureDir, name), "utf8").replace('#include "fixture.h"', header);
}

export function loadFixture(name: string, opts: ModuleOptions = {}): Module {
  return createModuleFromSource(fixtureSource(name), opts);
}
