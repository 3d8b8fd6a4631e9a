// The runtime import graph of ts/: which file loads which when the package is imported. An
// `import type` / `export type`, or a specifier marked `type`, is erased by the compiler and is
// no edge; a declaration whose every specifier is type-only is none either. Dynamic import() is
// left out (it loads later, on purpose). findCycles gives one cycle of files per strongly
// connected component, so a test can name it.
import ts from "typescript";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** The .ts files under `dir`, recursively, as absolute paths. */
export function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFilesUnder(p));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Whether a named import/export list carries a value (some specifier not marked `type`). */
function namedCarriesValue(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean {
  return elements.length === 0 || elements.some((e) => !e.isTypeOnly);
}

/** The relative module specifiers `text` (a file's source) loads at run time. */
export function runtimeImports(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      if (c?.isTypeOnly) continue;
      if (c && !c.name && c.namedBindings && ts.isNamedImports(c.namedBindings) && !namedCarriesValue(c.namedBindings.elements)) continue;
      out.push((st.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier) {
      if (st.isTypeOnly) continue;
      if (st.exportClause && ts.isNamedExports(st.exportClause) && !namedCarriesValue(st.exportClause.elements)) continue;
      out.push((st.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isImportEqualsDeclaration(st) && !st.isTypeOnly && ts.isExternalModuleReference(st.moduleReference)) {
      out.push((st.moduleReference.expression as ts.StringLiteral).text);
    }
  }
  return out.filter((s) => s.startsWith("."));
}

/** The graph: each file (relative to `root`) to the project files it loads at run time. */
export function importGraph(files: Map<string, string>): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const [file, text] of files) {
    const deps: string[] = [];
    for (const spec of runtimeImports(file, text)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, ".ts");
      if (files.has(target) && !deps.includes(target)) deps.push(target);
    }
    g.set(file, deps);
  }
  return g;
}

/** The graph of the project's ts/ folder (file names like "ts/ir/expr.ts"). */
export function projectImportGraph(root: string): Map<string, string[]> {
  const files = new Map<string, string>();
  for (const abs of tsFilesUnder(path.join(root, "ts"))) files.set(path.relative(root, abs).split(path.sep).join("/"), readFileSync(abs, "utf8"));
  return importGraph(files);
}

/**
 * One cycle per strongly connected component of more than one file (or a file importing
 * itself), each as the files in import order, the first repeated at the end: [a, b, a].
 */
export function findCycles(g: Map<string, string[]>): string[][] {
  return cyclicComponents(g).map((comp) => cycleIn(g, new Set(comp), comp[0]));
}

/** The strongly connected components that hold a cycle, each sorted, in order of their first file. */
export function cyclicComponents(g: Map<string, string[]>): string[][] {
  // Tarjan's algorithm, iterative enough for the project's size (recursion depth = path length).
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) components.push(comp.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return components.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** A shortest cycle through `start` inside `comp` (breadth-first back to start). */
function cycleIn(g: Map<string, string[]>, comp: Set<string>, start: string): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of g.get(v) ?? []) {
      if (!comp.has(w)) continue;
      if (w === start) {
        const path: string[] = [];
        for (let u = v; u !== start; u = prev.get(u)!) path.unshift(u);
        return [start, ...path, start];
      }
      if (!prev.has(w) && w !== start) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
