// Module resolve hook (node:module register): the bare specifier "tejit" resolves to this
// checkout's ts/index.ts, so docs samples and examples run with `import ... from "tejit"` exactly
// as a user writes it, against the sources (the package's self-reference would give dist/, which
// may be stale). Registered by resolve_tejit.mjs, after tsx: the entry is passed on to tsx's resolve,
// which marks it as TypeScript for its loader.
const entry = new URL("../../ts/index.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "tejit") return nextResolve(entry, context);
  return nextResolve(specifier, context);
}
