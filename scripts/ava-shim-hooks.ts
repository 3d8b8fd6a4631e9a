// Module resolution hook for scripts/run-tests.ts: `import test from "ava"` in a test file gets
// scripts/ava-shim.ts instead, so test files run inside the runner's process.
const shim = new URL("./ava-shim.ts", import.meta.url).href;

export async function resolve(specifier: string, context: unknown, next: (s: string, c: unknown) => Promise<unknown>): Promise<unknown> {
  if (specifier === "ava") return { url: shim, shortCircuit: true };
  return next(specifier, context);
}
