// The schedule-keyed records of the compile cache: `<key>.sched.json` maps a key computed before
// lowering (build's warm path, ts/warm_build.ts) to the library a build with that key produced,
// `<library key>.so`, with the SHA-256 of its C source `<library key>.c`, the C names of its
// functions and the lowering warnings to give again. The trust rules are the cache's own
// (cache_entry.ts): the record is written atomically, read only as a regular file of this user
// (no symlink), and the library it names is loaded only when it matches its manifest's size and
// SHA-256; a record that is missing, malformed or names a library that fails the check is a
// miss, and the build takes the source-keyed path (which records again).

import { join } from "node:path";
import { manifestPath, readOwnFile, verifyLibrary, writeFileAtomic } from "./cache_entry.js";
import { markUsed } from "./cache_index.js";

const RECORD_FORMAT = "tejit-schedule-1";
const HEX64 = /^[0-9a-f]{64}$/;

/** What a schedule key leads to. */
export interface ScheduleRecord {
  /** The library's key: the cache holds `<library>.so`, `.json` (its manifest) and `.c`. */
  library: string;
  /** SHA-256 (hex) of the C source the library was built from. */
  sourceSha256: string;
  /** The C symbol of each function whose TIR name is not one, [TIR name, symbol]. */
  symbols: [string, string][];
  /** The warnings lowering gave (given again on a hit). */
  warnings: string[];
}

/** The record file of `key` in the cache directory `dir`. */
export function recordPath(dir: string, key: string): string {
  return join(dir, `${key}.sched.json`);
}

function isRecord(r: unknown): r is ScheduleRecord & { format: string } {
  if (r === null || typeof r !== "object") return false;
  const x = r as Record<string, unknown>;
  const pairs = (v: unknown) => Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && typeof p[1] === "string");
  return x.format === RECORD_FORMAT && typeof x.library === "string" && HEX64.test(x.library) && typeof x.sourceSha256 === "string" &&
    HEX64.test(x.sourceSha256) && pairs(x.symbols) && Array.isArray(x.warnings) && x.warnings.every((w) => typeof w === "string");
}

/** A hit: the verified library's path and its record; undefined for a miss. */
export function lookupSchedule(dir: string, key: string): { lib: string; record: ScheduleRecord } | undefined {
  const path = recordPath(dir, key);
  const bytes = readOwnFile(path);
  if (bytes === undefined) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(record)) return undefined;
  const lib = join(dir, `${record.library}.so`);
  if (!verifyLibrary(lib)) return undefined;
  markUsed(path);
  markUsed(manifestPath(lib));
  return { lib, record };
}

/** Records that `key` builds `record.library` (in `dir`). */
export function recordSchedule(dir: string, key: string, record: ScheduleRecord): void {
  writeFileAtomic(recordPath(dir, key), JSON.stringify({ format: RECORD_FORMAT, ...record }), 0o600);
}
