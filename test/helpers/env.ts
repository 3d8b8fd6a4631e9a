// Environment variables set for the duration of a call, restored after (undefined removes one;
// one that was unset is deleted again, not set to the string "undefined").

/** Runs `fn` with `vars` in process.env, restoring the previous values after. */
export function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) if (x === undefined) delete process.env[k]; else process.env[k] = x;
  };
  set(vars);
  try {
    return fn();
  } finally {
    set(saved);
  }
}
