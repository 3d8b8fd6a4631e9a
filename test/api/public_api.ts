// The public API as the TypeScript compiler sees it: every export reachable from ts/index.ts,
// walked through namespaces (`export * as te`), classes (public members, inherited ones from
// project files included) and interfaces (their members), each with whether a JSDoc comment
// documents it. test/api/docs.test.ts asserts that none is undocumented.
import ts from "typescript";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The package entry the walk starts from. */
export const entryFile = path.join(root, "ts/index.ts");
const projectDir = path.join(root, "ts") + path.sep;

/** One public export or member: its dotted name, where it is declared and whether it has a doc comment. */
export interface PublicName {
  name: string;
  file: string;
  line: number;
  documented: boolean;
}

/** A program over ts/index.ts with the project's compiler options (no emit, no type errors needed). */
export function createApiProgram(): ts.Program {
  const configPath = path.join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram([entryFile], { ...parsed.options, noEmit: true });
}

function hasJsDoc(decl: ts.Declaration): boolean {
  // getJSDocCommentsAndTags finds the comment on the statement for a `const` declaration too,
  // and for a constructor's parameter property the constructor's `@param` tag of that name.
  return ts.getJSDocCommentsAndTags(decl).some(
    (d) => ts.isJSDoc(d) || (ts.isJSDocParameterTag(d) && !!d.comment),
  );
}

/** Declared in the project's ts/ (not in a lib file or a dependency's types). */
function inProject(decl: ts.Declaration): boolean {
  return path.resolve(decl.getSourceFile().fileName).startsWith(projectDir);
}

function isPublicMember(decl: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(decl);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = ts.getNameOfDeclaration(decl);
  if (name && ts.isPrivateIdentifier(name)) return false;
  return true;
}

/** Every public name reachable from ts/index.ts, in walk order. */
export function listPublicNames(program: ts.Program = createApiProgram()): PublicName[] {
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(entryFile);
  if (!entry) throw new Error(`cannot read ${entryFile}`);
  const moduleSymbol = checker.getSymbolAtLocation(entry);
  if (!moduleSymbol) throw new Error(`${entryFile} is not a module`);
  const out: PublicName[] = [];
  const seenDecls = new Set<ts.Declaration>();
  const seenModules = new Set<ts.Symbol>();

  const record = (name: string, decls: readonly ts.Declaration[], inherited = false): void => {
    const own = decls.filter(inProject);
    if (own.length === 0) return;
    if (own.every((d) => seenDecls.has(d))) return;
    for (const d of own) seenDecls.add(d);
    const first = own[0]!;
    const sf = first.getSourceFile();
    out.push({
      name,
      file: path.relative(root, sf.fileName),
      line: sf.getLineAndCharacterOfPosition(first.getStart()).line + 1,
      documented: inherited || own.some(hasJsDoc),
    });
  };

  const resolve = (sym: ts.Symbol): ts.Symbol =>
    sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;

  // A member that overrides or implements a documented member of a base class or an implemented
  // interface takes that member's comment (as typedoc and the editor's hover do).
  const inheritsDoc = (decl: ts.Declaration, name: string): boolean => {
    // A parameter property's parent is the constructor; its class is one further up.
    const owner = ts.isParameter(decl) ? decl.parent.parent : decl.parent;
    if (!owner || !(ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner))) return false;
    for (const clause of owner.heritageClauses ?? []) {
      for (const base of clause.types) {
        const prop = checker.getTypeAtLocation(base).getProperty(name);
        const baseDecls = (prop?.declarations ?? []).filter((d) => d.parent !== owner);
        if (baseDecls.some((d) => hasJsDoc(d) || inheritsDoc(d, name))) return true;
      }
    }
    return false;
  };

  const walkMembers = (prefix: string, props: readonly ts.Symbol[], skip: (d: ts.Declaration) => boolean): void => {
    for (const prop of props) {
      const decls = (prop.declarations ?? []).filter((d) => inProject(d) && !skip(d) && isPublicMember(d));
      if (decls.length === 0) continue;
      record(`${prefix}.${prop.getName()}`, decls, decls.some((d) => inheritsDoc(d, prop.getName())));
    }
  };

  const walkModule = (prefix: string, mod: ts.Symbol): void => {
    if (seenModules.has(mod)) return;
    seenModules.add(mod);
    for (const exp of checker.getExportsOfModule(mod)) {
      const target = resolve(exp);
      const name = prefix ? `${prefix}.${exp.getName()}` : exp.getName();
      const decls = target.declarations ?? [];
      const isNamespace = decls.some((d) => ts.isSourceFile(d) || ts.isModuleDeclaration(d));
      if (isNamespace) {
        // `export * as te from "./te/index.js"`: the namespace itself needs no comment (its
        // file's top comment says what it is); its exports do.
        walkModule(name, target);
        continue;
      }
      record(name, decls);
      if (target.flags & ts.SymbolFlags.Class) {
        const instance = checker.getDeclaredTypeOfSymbol(target);
        walkMembers(name, checker.getPropertiesOfType(instance), (d) => ts.isConstructorDeclaration(d));
        const statics = checker.getTypeOfSymbol(target);
        walkMembers(
          name,
          checker.getPropertiesOfType(statics).filter((p) => p.getName() !== "prototype"),
          (d) => !(ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Static),
        );
      } else if (target.flags & ts.SymbolFlags.Interface) {
        walkMembers(name, checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target)), () => false);
      }
    }
  };

  walkModule("", moduleSymbol);
  return out;
}

/** The public names without a doc comment, formatted `name (file:line)`. */
export function listUndocumented(program?: ts.Program): string[] {
  return listPublicNames(program)
    .filter((n) => !n.documented)
    .map((n) => `${n.name} (${n.file}:${n.line})`);
}

// `npx tsx test/api/public_api.ts` prints the undocumented names, one a line, and a count.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const all = listPublicNames();
  const missing = all.filter((n) => !n.documented);
  for (const n of missing) console.log(`${n.name} (${n.file}:${n.line})`);
  console.log(`${missing.length} of ${all.length} public names have no doc comment`);
}
