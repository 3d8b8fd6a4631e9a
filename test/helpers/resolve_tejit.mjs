// `node --import tsx --import ./test/helpers/resolve_tejit.mjs program.ts`: "tejit" is this
// checkout's ts/index.ts (see resolve_tejit_hooks.mjs).
import { register } from "node:module";

register("./resolve_tejit_hooks.mjs", import.meta.url);
