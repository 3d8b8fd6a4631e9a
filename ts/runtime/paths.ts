// Locations inside the installed tejit package: its root (found by walking up from this file, so
// it works from ts/ under tsx and from dist/ts/ when compiled), the native addon binary (TEJIT_ADDON_PATH
// overrides it, e.g. with the sanitizer build scripts/check-asan.sh makes), and the directory
// holding tejit_abi.h, which kernel sources include.
import { ConfigError } from "../errors.js";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The directory of tejit's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "tejit") return (root = dir);
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new ConfigError(`tejit: cannot find the package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The addon binary: $TEJIT_ADDON_PATH when set, else where cmake-js puts it. */
export function addonBinaryPath(): string {
  const override = process.env.TEJIT_ADDON_PATH;
  if (override) return resolve(override);
  return join(packageRoot(), "build", "Release", "tejit.node");
}

/** The directory of tejit_abi.h (added with -I when compiling kernels). */
export function nativeIncludeDir(): string {
  return join(packageRoot(), "native");
}

/** The path of the ABI header that generated code and fixtures include. */
export function abiHeaderPath(): string {
  return join(nativeIncludeDir(), "tejit_abi.h");
}
