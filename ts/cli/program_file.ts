// What the command line's `lower`, `build` and `bench` read: a module file that describes one
// program. It exports `schedule` and `args` (and optionally `name` and `options`, lower()/build()
// options), or a default export of that shape, or a default function returning it (sync or async).
// A .ts file is loaded through tsx when it is installed (the user's project, or tejit's own
// devDependencies); .js/.mjs/.cjs files are imported as they are.

import { ArgumentError } from "../errors.js";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Schedule } from "../schedule/schedule.js";
import type { LowerArg } from "../schedule/postproc_to_primfunc.js";
import type { BuildAndLowerOptions } from "../build.js";

export interface Program {
  schedule: Schedule;
  args: LowerArg[];
  name?: string;
  options: BuildAndLowerOptions;
  file: string;
}

let tsxRegistered = false;

async function registerTsx(file: string): Promise<void> {
  if (tsxRegistered || process.execArgv.some((a) => a.includes("tsx"))) return;
  for (const base of [file, resolve("package.json"), import.meta.url]) {
    let api: string;
    try {
      api = createRequire(base).resolve("tsx/esm/api");
    } catch {
      continue;
    }
    const { register } = (await import(pathToFileURL(api).href)) as { register: () => unknown };
    register();
    tsxRegistered = true;
    return;
  }
  throw new ArgumentError(`${file}: loading a .ts module needs tsx (npm install --save-dev tsx), or compile it to .js first`);
}

function shapeError(file: string, what: string): Error {
  return new ArgumentError(`${file}: ${what}; the module must export \`schedule\` (te.createSchedule(...)) and \`args\` (the tensors of the function), or a default export of { schedule, args } or a function returning it`);
}

/** Loads and checks a program module. */
export async function loadProgram(path: string): Promise<Program> {
  const file = resolve(path);
  if (!existsSync(file)) throw new ArgumentError(`no such file: ${file}`);
  if (extname(file) === ".ts" || extname(file) === ".mts") await registerTsx(file);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  let desc: unknown = "schedule" in mod ? mod : mod.default;
  if (typeof desc === "function") desc = await (desc as () => unknown)();
  if (desc === null || typeof desc !== "object") throw shapeError(file, "it exports no schedule");
  const { schedule, args, name, options } = desc as Record<string, unknown>;
  if (!(schedule instanceof Schedule)) {
    if (schedule && typeof schedule === "object" && schedule.constructor?.name === "Schedule") {
      throw new ArgumentError(`${file}: its schedule was made by another copy of tejit than this command's; import te from "tejit" in the module`);
    }
    throw shapeError(file, `\`schedule\` is ${schedule === undefined ? "missing" : "not a Schedule"}`);
  }
  if (!Array.isArray(args)) throw shapeError(file, `\`args\` is ${args === undefined ? "missing" : "not an array"}`);
  if (name !== undefined && typeof name !== "string") throw new ArgumentError(`${file}: \`name\` must be a string`);
  if (options !== undefined && (options === null || typeof options !== "object")) throw new ArgumentError(`${file}: \`options\` must be an object of lower()/build() options`);
  return { schedule, args: args as LowerArg[], name, options: (options ?? {}) as BuildAndLowerOptions, file };
}
