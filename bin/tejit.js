#!/usr/bin/env node
// The `tejit` command (npx tejit ...): runs the compiled command line in dist/.
import { main } from "../dist/ts/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
