// Runs a fuzz campaign: cases [0, cases) of a seed (or one case), in batches over a pool of
// worker processes; counts the outcomes; shrinks each failure and writes it as a ready ava test
// under fuzz/found/. The compile cache is a private temporary directory unless TEJIT_CACHE_DIR
// is set, so a run neither fills nor trusts the user's cache.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool, type Outcome } from "./pool.js";
import { reproTest } from "./repro.js";
import { shrink } from "./shrink.js";
import { FLAG_BLOCK, makeCase, type Status } from "./check.js";

export interface FuzzOptions {
  cases: number;
  seed: number;
  jobs: number;
  /** Run only this case. */
  only?: number;
  /** Cases per worker batch (one compile each). */
  batch?: number;
  /** Shrink failures and write reproducers (default true). */
  shrink?: boolean;
  /** Candidates the shrinker may try per failure (default 400). */
  shrinkBudget?: number;
  /** Where reproducers go (default fuzz/found/). */
  foundDir?: string;
  log?: (line: string) => void;
}

export interface Failure { index: number; status: Status; detail?: string; repro?: string; file?: string }

export interface Summary {
  cases: number; passed: number; refused: number; wrong: number; crashes: number; buildErrors: number;
  /** Wrong at -O2/-O3 and right with -fno-tree-loop-if-convert: gcc 12's if-conversion bug. */
  knownGccIfConvert: number;
  /** A region-mapped extern's tile reached outside its tensor or had a negative extent (an open lowering bug). */
  knownExternTile: number;
  /** Cases whose reference found undefined behaviour: a generator bug. */
  invalid: number;
  seconds: number;
  failures: Failure[];
  refusals: Map<string, number>;
}

const FAILING: Status[] = ["wrong", "crash", "build", "invalid"];
/** Counted in their own columns, but listed (and shrunk) like failures so each can be looked at. */
const LISTED: Status[] = [...FAILING, "known", "known-extern-tile"];

export async function runFuzz(o: FuzzOptions): Promise<Summary> {
  const log = o.log ?? ((l: string) => console.log(l));
  let cacheDir: string | undefined;
  if (!process.env.TEJIT_CACHE_DIR) {
    cacheDir = mkdtempSync(join(tmpdir(), "tejit-fuzz-cache-"));
    process.env.TEJIT_CACHE_DIR = cacheDir;
  }
  const t0 = Date.now();
  const pool = new Pool(o.jobs);
  const indices = o.only !== undefined ? [o.only] : Array.from({ length: o.cases }, (_, i) => i);
  const batch = o.batch ?? FLAG_BLOCK;
  const summary: Summary = { cases: indices.length, passed: 0, refused: 0, wrong: 0, crashes: 0, buildErrors: 0, knownGccIfConvert: 0, knownExternTile: 0, invalid: 0, seconds: 0, failures: [], refusals: new Map() };
  const outcomes: Outcome[] = new Array(indices.length);
  let done = 0;
  const tally: Record<string, number> = {};
  let lastLog = Date.now();
  try {
    const batches: number[][] = [];
    // Batches follow the flag blocks (cases k*FLAG_BLOCK.. share flags), so each is one compile.
    for (let i = 0; i < indices.length;) {
      const end = Math.min(indices.length, i + batch, (Math.floor(indices[i] / FLAG_BLOCK) + 1) * FLAG_BLOCK - indices[0]);
      batches.push(indices.slice(i, Math.max(end, i + 1)));
      i = Math.max(end, i + 1);
    }
    await Promise.all(batches.map(async (b) => {
      const rs = await pool.run({ seed: o.seed, indices: b });
      rs.forEach((r, k) => {
        outcomes[b[k] - indices[0]] = r;
        tally[r.status] = (tally[r.status] ?? 0) + 1;
        if (LISTED.includes(r.status)) log(`  case ${b[k]}: ${r.status}: ${(r.detail ?? "").slice(0, 300)}`);
      });
      done += b.length;
      if (Date.now() - lastLog > 60_000) {
        lastLog = Date.now();
        log(`  ${done}/${indices.length} cases, ${Math.round((Date.now() - t0) / 1000)} s: ${JSON.stringify(tally)}`);
      }
    }));
    outcomes.forEach((r, k) => {
      switch (r.status) {
        case "pass": summary.passed++; break;
        case "refused": {
          summary.refused++;
          const key = (r.detail ?? "").replace(/'[^']*'/g, "'…'").slice(0, 90);
          summary.refusals.set(key, (summary.refusals.get(key) ?? 0) + 1);
          break;
        }
        case "wrong": summary.wrong++; break;
        case "crash": summary.crashes++; break;
        case "build": summary.buildErrors++; break;
        case "known": summary.knownGccIfConvert++; break;
        case "known-extern-tile": summary.knownExternTile++; break;
        case "invalid": summary.invalid++; break;
      }
      if (LISTED.includes(r.status)) summary.failures.push({ index: indices[k], status: r.status, detail: r.detail });
    });
    if (o.shrink !== false) {
      for (const f of summary.failures) {
        const original = outcomes[indices.indexOf(f.index)].case ?? makeCase(o.seed, f.index);
        log(`shrinking case ${f.index} (${f.status}): ${(f.detail ?? "").slice(0, 200)}`);
        const run = async (c: typeof original): Promise<Outcome> => (await pool.run({ cases: [c] }))[0];
        const small = await shrink(original, f.status, run, o.shrinkBudget);
        const title = `seed ${o.seed} case ${f.index}`;
        f.repro = reproTest(small.case, title, f.status, small.detail ?? f.detail);
        const dir = o.foundDir ?? fileURLToPath(new URL("./found/", import.meta.url));
        mkdirSync(dir, { recursive: true });
        f.file = join(dir, `seed${o.seed}-case${f.index}.test.ts`);
        writeFileSync(f.file, f.repro);
        log(`case ${f.index}: shrunk in ${small.tried} tries; reproducer: ${f.file}\n${f.repro}`);
      }
    }
  } finally {
    pool.close();
    if (cacheDir) {
      rmSync(cacheDir, { recursive: true, force: true });
      delete process.env.TEJIT_CACHE_DIR;
    }
  }
  summary.seconds = (Date.now() - t0) / 1000;
  return summary;
}

export function formatSummary(s: Summary, o: FuzzOptions): string {
  const cmd = o.only !== undefined ? `--seed ${o.seed} --case ${o.only}` : `--cases ${o.cases} --seed ${o.seed} --jobs ${o.jobs}`;
  const lines = [
    `fuzz ${cmd}`,
    `cases ${s.cases}, passed ${s.passed}, refused ${s.refused}, wrong ${s.wrong}, crashes ${s.crashes}, build errors ${s.buildErrors}, ` +
      `known: gcc if-convert bug ${s.knownGccIfConvert}, known: extern tile outside its tensor ${s.knownExternTile}, invalid (generator) ${s.invalid}, time ${s.seconds.toFixed(1)} s`,
  ];
  const top = [...s.refusals].sort((a, b) => b[1] - a[1]).slice(0, 6);
  if (top.length > 0) lines.push(`refusals: ${top.map(([k, v]) => `${v} × ${k}`).join(" | ")}`);
  for (const f of s.failures) lines.push(`${f.status === "known" ? "KNOWN (gcc)" : "FAILED"} case ${f.index} (${f.status}): ${(f.detail ?? "").slice(0, 300)}${f.file ? `\n  reproducer: ${f.file}` : ""}`);
  return lines.join("\n");
}
