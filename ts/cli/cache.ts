// `tejit cache ls | clear | prune [--max-mb N]`: the compile cache's libraries (newest use
// first, with size), emptying it, and shrinking it to a size by removing the least recently used
// libraries with their sources and manifests.

import { ArgumentError } from "../errors.js";
import { cacheDir, clearCache } from "../runtime/compile.js";
import { listCacheEntries, pruneCache } from "../runtime/cache_index.js";

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

export function cacheCommand(args: readonly string[], opts: { maxMb?: number }, out: (s: string) => void): void {
  const [sub, ...extra] = args;
  if (extra.length > 0) throw new ArgumentError(`cache ${sub}: unexpected ${extra.join(" ")}`);
  const dir = cacheDir();
  switch (sub) {
    case "ls": {
      const list = listCacheEntries(dir);
      for (const e of list) out(`${e.key.slice(0, 16)}  ${mib(e.bytes).padStart(10)}  ${new Date(e.used).toISOString()}\n`);
      out(`${list.length} entries, ${mib(list.reduce((a, e) => a + e.bytes, 0))} in ${dir}\n`);
      return;
    }
    case "clear":
      out(`removed ${clearCache()} files from ${dir}\n`);
      return;
    case "prune": {
      if (opts.maxMb === undefined) throw new ArgumentError("cache prune needs --max-mb N (the size to shrink the cache to)");
      const { removed, bytes: total } = pruneCache(dir, opts.maxMb * 1024 * 1024);
      out(`removed ${removed} entries; ${mib(total)} left in ${dir}\n`);
      return;
    }
    default:
      throw new ArgumentError(`cache expects ls, clear or prune, got ${sub === undefined ? "nothing" : `'${sub}'`}`);
  }
}
