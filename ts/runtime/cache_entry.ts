// Files in the compile cache: written atomically (a unique temporary name opened with O_EXCL and
// O_NOFOLLOW, its mode set exactly whatever the umask, then renamed into place), read without
// following symlinks and only when they are regular files of this user, and libraries verified
// before they are loaded: `<key>.so` has a sidecar manifest `<key>.json` written after it with
// the library's size and SHA-256. A library whose manifest is missing, unreadable or different
// (truncated, corrupt, replaced, a symlink) is not an entry: the caller rebuilds it. Reads and
// the LRU touch go through the addon when it is built (one call each; a warm build's hit is a
// few of them, and Node's fs functions cost more on their first use than the reads themselves).
import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, readSync, renameSync, rmSync, utimesSync, writeSync } from "node:fs";
import { type Addon, addonBinary } from "./addon_binary.js";

const MANIFEST_FORMAT = "tejit-library-1";

export function uniqueSuffix(): string {
  return `${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
}

/** Writes `data` to `path` atomically with exactly `mode`. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const tmp = `${path}.${uniqueSuffix()}`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fchmodSync(fd, mode);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

function myUid(): number | undefined {
  return typeof process.getuid === "function" ? process.getuid() : undefined;
}

/** The addon when it is built and reads files (one native call, not four first uses of Node's fs). */
function nativeFiles(): Addon | undefined {
  if (files === undefined) {
    try {
      const a = addonBinary();
      files = typeof a.readOwnFile === "function" && typeof a.touchFile === "function" ? a : null;
    } catch {
      files = null;
    }
  }
  return files ?? undefined;
}
let files: Addon | null | undefined;

/** Sets `path`'s access and modification times to now (following a symlink, as utimes does); false when it cannot. */
export function touchFile(path: string): boolean {
  const a = nativeFiles();
  if (a !== undefined) return a.touchFile(path);
  try {
    const now = new Date();
    utimesSync(path, now, now);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bytes of `path` when it is a regular file owned by this user, opened without following a
 * symlink; undefined when it is missing or anything else. With `mode`, also sets its mode.
 */
export function readOwnFile(path: string, mode?: number): Buffer | undefined {
  if (mode === undefined) {
    const a = nativeFiles();
    if (a !== undefined) return a.readOwnFile(path);
  }
  return readOwnFileJs(path, mode);
}

/** readOwnFile with Node's fs (also what sets a mode; the addon's does the rest). */
export function readOwnFileJs(path: string, mode?: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined; // missing, a symlink (ELOOP), unreadable
  }
  try {
    const st = fstatSync(fd);
    const uid = myUid();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid)) return undefined;
    if (mode !== undefined) fchmodSync(fd, mode);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === st.size ? buf : undefined;
  } finally {
    closeSync(fd);
  }
}

export function manifestPath(lib: string): string {
  return lib.replace(/\.so$/, ".json");
}

function digest(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** True when `lib` is a regular file of ours matching the manifest recorded when it was built. */
export function verifyLibrary(lib: string): boolean {
  const manifest = readOwnFile(manifestPath(lib));
  if (manifest === undefined) return false;
  let recorded: { format?: unknown; size?: unknown; sha256?: unknown };
  try {
    recorded = JSON.parse(manifest.toString("utf8"));
  } catch {
    return false;
  }
  if (recorded === null || recorded.format !== MANIFEST_FORMAT || typeof recorded.sha256 !== "string") return false;
  const bytes = readOwnFile(lib);
  return bytes !== undefined && bytes.length === recorded.size && digest(bytes) === recorded.sha256;
}

/**
 * Moves the compiler's output `tmpLib` (in the cache directory) to `lib` with mode 0700 and
 * records its digest in the manifest. Returns false when `tmpLib` is not a non-empty regular file.
 */
export function storeLibrary(tmpLib: string, lib: string): boolean {
  const bytes = readOwnFile(tmpLib, 0o700);
  if (bytes === undefined || bytes.length === 0) return false;
  // A directory or other non-file squatting on the name would make rename fail: remove it.
  const at = lstatSync(lib, { throwIfNoEntry: false });
  if (at !== undefined && !at.isFile() && !at.isSymbolicLink()) rmSync(lib, { recursive: true, force: true });
  renameSync(tmpLib, lib);
  writeFileAtomic(manifestPath(lib), JSON.stringify({ format: MANIFEST_FORMAT, size: bytes.length, sha256: digest(bytes) }), 0o600);
  return true;
}
