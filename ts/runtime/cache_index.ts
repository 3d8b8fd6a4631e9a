// The compile cache as a set of entries: every file named by one build's key (the library, its
// C source, its manifest) is one entry, last used when its library was last read or written.
// listCacheEntries gives them newest first; pruneCache removes the least recently used entries
// until the cache fits a size. Links and other files are left alone.

import { existsSync, lstatSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface CacheEntry {
  /** The build key (SHA-256, hex). */
  key: string;
  files: string[];
  bytes: number;
  /** Last use of the library (the later of its access and modification times), ms since the epoch. */
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
    if (f.endsWith(".so")) e.used = Math.max(e.used, st.atimeMs, st.mtimeMs);
    else if (e.used === 0) e.used = st.mtimeMs;
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
