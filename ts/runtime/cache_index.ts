// The compile cache as a set of entries: every file named by one build's key (the library, its
// C source, its manifest) is one entry, last used when one of its files was last written (a cache
// hit touches the manifest: markUsed). listCacheEntries gives them newest first; pruneCache
// removes the least recently used entries until the cache fits a size; the compile driver calls
// enforceCacheLimit after every build, with TEJIT_CACHE_MAX_MB (default 1024; 0: no limit),
// which sums the entries' sizes in one addon call and lists them only when over the limit.
// Links and other files are left alone.

import { ConfigError } from "../errors.js";
import { existsSync, lstatSync, readdirSync, rmSync } from "node:fs";
import { type Addon, type CacheBytesJob, addonBinary } from "./addon_binary.js";
import { touchFile } from "./cache_entry.js";
import { join } from "node:path";

/** The cache's size limit in bytes from TEJIT_CACHE_MAX_MB (default 1024 MiB), or undefined for none. */
export function cacheLimitBytes(): number | undefined {
  const v = process.env.TEJIT_CACHE_MAX_MB;
  if (v === undefined || v === "") return 1024 * 1024 * 1024;
  if (!/^\d+$/.test(v)) throw new ConfigError(`TEJIT_CACHE_MAX_MB must be a whole number of MiB (0 for no limit), got '${v}'`);
  return Number(v) === 0 ? undefined : Number(v) * 1024 * 1024;
}

/** Records a use of the entry whose file is `path` (its modification time becomes now). */
export function markUsed(path: string): void {
  touchFile(path); // false on a read-only cache, which still works; its order is just older
}

/** A walk of the cache's size started with a compile (startCacheUsage). */
export interface CacheUsage {
  job: CacheBytesJob;
  addon: Addon;
}

function addonWith(fn: keyof Addon): Addon | undefined {
  try {
    const a = addonBinary();
    return typeof a[fn] === "function" ? a : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts summing `dir`'s size on a thread of its own, for enforceCacheLimit after the compile
 * (the walk overlaps the compiler); undefined without a limit or an addon that can.
 */
export function startCacheUsage(dir: string): CacheUsage | undefined {
  try {
    if (cacheLimitBytes() === undefined) return undefined;
  } catch {
    return undefined; // a bad TEJIT_CACHE_MAX_MB: enforceCacheLimit says so after the build, as before
  }
  const addon = addonWith("cacheBytesBegin");
  return addon === undefined ? undefined : { job: addon.cacheBytesBegin(dir), addon };
}

/** The size of the files of entry `key` in `dir`. */
function entryBytes(dir: string, key: string): number {
  let n = 0;
  for (const ext of [".so", ".c", ".json"]) n += lstatSync(join(dir, key + ext), { throwIfNoEntry: false })?.size ?? 0;
  return n;
}

/**
 * Prunes `dir` to TEJIT_CACHE_MAX_MB, never removing the entry `keep` (the one just built). The
 * size is summed in one addon call (or taken from `started`, a walk begun before entry `keep` was
 * written, plus that entry's files: never less than the cache holds); the entries are listed
 * only when that is over the limit.
 */
export function enforceCacheLimit(dir: string, keep: string, started?: CacheUsage): void {
  const limit = cacheLimitBytes();
  if (limit === undefined) return;
  let bytes: number | undefined;
  if (started !== undefined) {
    const before = started.addon.cacheBytesEnd(started.job);
    bytes = before < 0 ? undefined : before + entryBytes(dir, keep);
  } else {
    const a = addonWith("cacheBytes");
    const n = a?.cacheBytes(dir);
    bytes = n === undefined || n < 0 ? undefined : n;
  }
  if (bytes !== undefined && bytes <= limit) return;
  pruneCache(dir, limit, new Set([keep]));
}

export interface CacheEntry {
  /** The build key (SHA-256, hex). */
  key: string;
  files: string[];
  bytes: number;
  /** Last use: the latest modification time of its files, ms since the epoch. */
  used: number;
}

/** The entries of `dir`, most recently used first. */
export function listCacheEntries(dir: string): CacheEntry[] {
  if (!existsSync(dir)) return [];
  const byKey = new Map<string, CacheEntry>();
  for (const f of readdirSync(dir)) {
    const m = /^([0-9a-f]{64})\./.exec(f);
    if (!m || f.endsWith(".tmp")) continue; // a build in progress (renamed into place when done)
    const st = lstatSync(join(dir, f));
    if (!st.isFile()) continue;
    const e = byKey.get(m[1]) ?? { key: m[1], files: [], bytes: 0, used: 0 };
    e.files.push(f);
    e.bytes += st.size;
    e.used = Math.max(e.used, st.mtimeMs);
    byKey.set(m[1], e);
  }
  return [...byKey.values()].sort((a, b) => b.used - a.used);
}

/** Removes least recently used entries of `dir` until at most `maxBytes` remain; what was removed and what is left. */
export function pruneCache(dir: string, maxBytes: number, keep: ReadonlySet<string> = new Set()): { removed: number; bytes: number } {
  const list = listCacheEntries(dir);
  let bytes = list.reduce((a, e) => a + e.bytes, 0);
  let removed = 0;
  for (let i = list.length - 1; i >= 0 && bytes > maxBytes; i--) {
    if (keep.has(list[i].key)) continue;
    for (const f of list[i].files) rmSync(join(dir, f), { force: true });
    bytes -= list[i].bytes;
    removed++;
  }
  return { removed, bytes };
}
