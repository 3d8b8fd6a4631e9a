// The compile cache's directory: where it is (TEJIT_CACHE_DIR, else $XDG_CACHE_HOME/tejit, else
// ~/.cache/tejit), creating it private to the user (0700, whatever the umask), and refusing one
// that another user owns or others can write, since whoever can write there can replace a library
// this process then loads. Creation walks the path one component at a time (fs.mkdirSync's
// recursive mode spins forever on paths such as /proc/x), so every bad value ends in an Error
// that names the directory, what is wrong and which variable to set.
import { ConfigError } from "../errors.js";
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, constants, mkdirSync, openSync, realpathSync, statSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** The cache directory (not created). */
export function cacheDir(): string {
  if (process.env.TEJIT_CACHE_DIR) return process.env.TEJIT_CACHE_DIR;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, "tejit");
  return join(homedir(), ".cache", "tejit");
}

function origin(): string {
  if (process.env.TEJIT_CACHE_DIR) return "from $TEJIT_CACHE_DIR";
  if (process.env.XDG_CACHE_HOME) return "from $XDG_CACHE_HOME";
  return "the default";
}

const FIX = "set TEJIT_CACHE_DIR to a writable directory of your own, or TEJIT_DISABLE_CACHE=1";

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Creates `dir` and the parents it lacks, each 0700; an Error naming `dir` when it cannot. */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (!statSync(d).isDirectory()) {
        throw new ConfigError(`cannot create the tejit cache directory ${dir} (${origin()}): ${d} is not a directory; ${FIX}`);
      }
      break;
    } catch (e) {
      // ENOTDIR: a file further up; walk on to name it.
      if (errorCode(e) !== "ENOENT" && errorCode(e) !== "ENOTDIR") {
        if (e instanceof Error && e.message.startsWith("cannot create the tejit cache")) throw e;
        throw new ConfigError(`cannot create the tejit cache directory ${dir} (${origin()}): ${d}: ${errorCode(e)}; ${FIX}`);
      }
      missing.push(d);
      if (dirname(d) === d) break;
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode: 0o700 });
      chmodSync(d, 0o700); // the umask may have removed bits; it never adds any, but be exact
    } catch (e) {
      if (errorCode(e) === "EEXIST" && statSync(d, { throwIfNoEntry: false })?.isDirectory()) continue; // another process made it
      throw new ConfigError(`cannot create the tejit cache directory ${dir} (${origin()}): mkdir ${d}: ${errorCode(e)}; ${FIX}`);
    }
  }
}

function myUid(): number | undefined {
  return typeof process.getuid === "function" ? process.getuid() : undefined;
}

/** Throws unless the directory at `real` (no symlink) is ours and not writable by others. */
function checkTrusted(dir: string, real: string): void {
  const st = statSync(real);
  const uid = myUid();
  const shown = real === dir ? dir : `${dir} (${real})`;
  if (uid !== undefined && st.uid !== uid) {
    throw new ConfigError(`the tejit cache directory ${shown} is owned by uid ${st.uid}, not by you (uid ${uid}): its owner could replace a library there; ${FIX}`);
  }
  const mode = st.mode & 0o777;
  if ((mode & 0o022) !== 0) {
    throw new ConfigError(`the tejit cache directory ${shown} is writable by others (mode ${mode.toString(8).padStart(4, "0")}): anyone could replace a library there; run chmod 700 ${real}, or ${FIX}`);
  }
}

/** Checks that files can be created in `dir` (access() says yes for root on read-only places). */
function checkWritable(dir: string, shown: string): void {
  const probe = join(dir, `.tejit-write-test.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600));
    unlinkSync(probe);
  } catch (e) {
    throw new ConfigError(`the tejit cache directory ${shown} (${origin()}) is not writable (${errorCode(e)}); ${FIX}`);
  }
}

const opened = new Map<string, string>();

/**
 * The cache directory, created private when missing and checked: its real path (a symlink to
 * the directory is resolved here; entries inside are never followed). Creation and the write
 * test run once per process and directory; ownership and mode are checked on every call.
 */
export function openCacheDir(dir = cacheDir()): string {
  const abs = resolve(dir);
  let real = opened.get(abs);
  if (real === undefined) {
    if (abs.includes("\0")) throw new ConfigError(`the tejit cache directory ${JSON.stringify(dir)} contains a NUL character; ${FIX}`);
    makeDirs(abs);
    try {
      real = realpathSync(abs);
    } catch (e) {
      throw new ConfigError(`cannot resolve the tejit cache directory ${abs} (${origin()}): ${errorCode(e)}; ${FIX}`);
    }
    checkTrusted(abs, real);
    checkWritable(real, abs);
    opened.set(abs, real);
  } else {
    try {
      checkTrusted(abs, real);
    } catch (e) {
      if (errorCode(e) !== "ENOENT") throw e;
      opened.delete(abs); // removed since: create it again
      return openCacheDir(dir);
    }
  }
  return real;
}

/**
 * The cache directory's real path for reading, when it exists and passes openCacheDir's trust
 * check (ours, not writable by others); undefined when it does not exist yet. Nothing is
 * created or written (a lookup that hits writes nothing: openCacheDir's write test is for builds).
 */
export function trustedCacheDir(dir = cacheDir()): string | undefined {
  const abs = resolve(dir);
  const known = opened.get(abs);
  if (known !== undefined) return openCacheDir(dir);
  if (abs.includes("\0")) throw new ConfigError(`the tejit cache directory ${JSON.stringify(dir)} contains a NUL character; ${FIX}`);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return undefined; // missing (or unreachable): a miss; the build's openCacheDir says why
  }
  checkTrusted(abs, real);
  return real;
}

/** Forgets which directories were created and write-tested (tests change them underneath). */
export function forgetCheckedCacheDirs(): void {
  opened.clear();
}
