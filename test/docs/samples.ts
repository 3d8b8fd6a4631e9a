// Extracts the runnable samples of the docs (README.md, docs/*.md) and the file paths they cite,
// following the conventions of docs/contributing.md:
// - a ```ts or ```js block is a program, run as it stands;
// - ```ts continued: the block continues the previous program of the same file (run together);
// - ```ts fragment: not run (a signature list, a piece of a larger program); its first line is a
//   `// fragment: why` comment;
// - an ```output block belongs to the program above it: its stdout, line by line (trailing
//   spaces ignored); a line `...` stands for any number of lines.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

export interface Sample {
  /** "docs/extern.md:7" (the first block), "+27" for each block it continues. */
  title: string;
  file: string;
  code: string;
  /** The output blocks of the program's blocks, in order (none: output is not checked). */
  expected: string[];
}

export interface Fragment { title: string; code: string }

interface Block { line: number; lang: string; tags: string[]; code: string }

const RUNNABLE = new Set(["ts", "typescript", "js", "javascript", "mjs"]);

/** The fenced blocks of a markdown text (the fence's line number, 1-based). */
export function fencedBlocks(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === "```");
    if (end < 0) throw new Error(`line ${i + 1}: a code block that is never closed`);
    const indent = open[1].length;
    const code = lines.slice(i + 1, end).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join("\n");
    blocks.push({ line: i + 1, lang: open[2], tags: open[3].split(/\s+/).filter(Boolean), code });
    i = end;
  }
  return blocks;
}

/** The programs and fragments of one markdown file (`file` relative to the repository). */
export function samplesOf(file: string, text: string): { samples: Sample[]; fragments: Fragment[] } {
  const samples: Sample[] = [];
  const fragments: Fragment[] = [];
  let last: Sample | undefined;
  for (const b of fencedBlocks(text)) {
    if (b.lang === "output") {
      if (!last) throw new Error(`${file}:${b.line}: an output block with no program above it`);
      last.expected.push(b.code);
      continue;
    }
    if (!RUNNABLE.has(b.lang)) continue;
    const unknown = b.tags.filter((t) => t !== "continued" && t !== "fragment");
    if (unknown.length > 0) throw new Error(`${file}:${b.line}: unknown info-string word(s) ${unknown.join(", ")} (use continued or fragment)`);
    if (b.tags.includes("fragment")) {
      if (!/^\/\/ fragment: \S/.test(b.code)) throw new Error(`${file}:${b.line}: a fragment must start with a '// fragment: why it does not run' comment`);
      fragments.push({ title: `${file}:${b.line}`, code: b.code });
      last = undefined;
      continue;
    }
    if (b.tags.includes("continued")) {
      if (!last) throw new Error(`${file}:${b.line}: a 'continued' block with no program before it`);
      last.title += ` +${b.line}`;
      last.code += `\n${b.code}`;
      continue;
    }
    last = { title: `${file}:${b.line}`, file, code: b.code, expected: [] };
    samples.push(last);
  }
  return { samples, fragments };
}

/** The module specifiers a program imports (static imports and exports from). */
export function importsOf(code: string): string[] {
  return [...code.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm)].map((m) => m[1] ?? m[2]);
}

const trimLines = (s: string) => {
  const lines = s.split("\n").map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
};

/** Undefined when `actual` matches the expected output (`...` lines match any lines), else what differs. */
export function outputMismatch(expected: string, actual: string): string | undefined {
  const want = trimLines(expected);
  const got = trimLines(actual);
  // Matching with `...` wildcards: memoized over (expected line, actual line).
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = i * (got.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === want.length) r = j === got.length;
    else if (want[i] === "...") r = match(i + 1, j) || (j < got.length && match(i, j + 1));
    else r = j < got.length && want[i] === got[j] && match(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  if (match(0, 0)) return undefined;
  const first = want.findIndex((w, k) => w !== "..." && w !== got[k]);
  return `expected:\n${want.join("\n")}\n\ngot:\n${got.join("\n")}\n\n(first differing line: ${first + 1}: ${JSON.stringify(want[first])})`;
}

/** The file paths the prose of a doc cites: code spans, relative links and bare file names outside code blocks. */
export function citedPaths(text: string): { line: number; path: string }[] {
  const out: { line: number; path: string }[] = [];
  let inFence = false;
  text.split("\n").forEach((raw, i) => {
    if (/^\s*```/.test(raw)) { inFence = !inFence; return; }
    if (inFence) return;
    // Links to other sites (e.g. TVM's sources) name files that are not in this repository.
    const line = raw.replace(/\[[^\]]*\]\((https?:[^)]*)\)/g, "");
    for (const m of line.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)|`([^`\s]+)`/g)) {
      const p = (m[1] ?? m[3]).replace(/:\d+$/, "");
      if (looksLikePath(p)) out.push({ line: i + 1, path: p });
    }
    const prose = line.replace(/`[^`]*`/g, "").replace(/\]\([^)]*\)/g, "]");
    for (const m of prose.matchAll(/(?<![\w\/.-])((?:\.\.\/|[\w-]+\/)*[\w-]+\.(?:md|ts|cc|txt))(?![\w\/-])/g)) out.push({ line: i + 1, path: m[1] });
  });
  return out;
}

function looksLikePath(p: string): boolean {
  if (/^[a-z]+:/.test(p) || p.startsWith("/")) return false;
  if (!/^(\.\.\/)*[\w*][\w.*\/-]*$/.test(p)) return false;
  return /[\w*]\.(ts|mjs|js|md|c|cc|h|txt|json)$/.test(p) || (p.endsWith("/") && p.length > 1);
}

/**
 * Does a path cited by the doc `docFile` exist? From the repository root or the doc's folder, or,
 * abbreviated (`rfactor.ts` in a section about ts/schedule/), in a folder the doc cites. A C
 * header may also be one of Node's, which the addon is built against (`include/node/v8.h` under
 * node's prefix).
 */
export function pathExists(root: string, docFile: string, path: string, folders: readonly string[]): boolean {
  const bases = [root, join(root, dirname(docFile))];
  if (!path.startsWith("..")) bases.push(...folders.map((f) => join(root, f)));
  if (path.endsWith(".h")) bases.push(nodePrefix, join(nodePrefix, "include", "node"));
  return bases.some((b) => (path.includes("*") ? globMatches(join(b, path)) : existsSync(join(b, path))));
}

/** The folders of the paths a doc cites (for its bare file names). */
export function citedFolders(paths: readonly { path: string }[]): string[] {
  return [...new Set(paths.filter((p) => p.path.includes("/")).map((p) => (p.path.endsWith("/") ? p.path : dirname(p.path))))];
}

const nodePrefix = dirname(dirname(process.execPath));

function globMatches(pattern: string): boolean {
  const dir = dirname(pattern);
  const re = new RegExp(`^${pattern.slice(dir.length + 1).replace(/[.]/g, "\\.").replace(/\*/g, "[^/]*")}$`);
  return existsSync(dir) && readdirSync(dir).some((f) => re.test(f));
}

/** README.md and docs/*.md, relative to `root`. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => join("docs", f));
  return ["README.md", ...docs];
}

export function readDoc(root: string, file: string): string {
  return readFileSync(join(root, file), "utf8");
}

