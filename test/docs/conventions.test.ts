// The conventions of docs/contributing.md, as test/docs/samples.ts reads them: programs, continued
// pieces, output blocks with `...`, fragments, and the paths a page cites.
import test from "ava";
import { citedPaths, importsOf, outputMismatch, samplesOf } from "./samples.js";

const fence = "```";
const page = [
  "Intro.", `${fence}ts`, 'import { te } from "tejit";', "console.log(1);", fence,
  "Then:", `${fence}ts continued`, "console.log(2);", fence,
  `${fence}output`, "1", "2", fence,
  `${fence}ts fragment`, "// fragment: a signature", "f(x: number): void", fence,
  `${fence}sh`, "npm test", fence,
  `${fence}js`, 'import { nd } from "tejit";', fence,
].join("\n");

test("a continued block joins the program above it, and its output blocks are expected in order", (t) => {
  const { samples, fragments } = samplesOf("docs/x.md", page);
  t.deepEqual(samples.map((s) => s.title), ["docs/x.md:2 +7", "docs/x.md:21"]);
  t.is(samples[0].code, 'import { te } from "tejit";\nconsole.log(1);\nconsole.log(2);');
  t.deepEqual(samples[0].expected, ["1\n2"]);
  t.deepEqual(samples[1].expected, []);
  t.deepEqual(fragments.map((f) => f.title), ["docs/x.md:14"]);
});

test("a fragment without its reason, an unknown info word, a stray continued or output block are errors", (t) => {
  t.throws(() => samplesOf("a.md", `${fence}ts fragment\nf();\n${fence}`), { message: "a.md:1: a fragment must start with a '// fragment: why it does not run' comment" });
  t.throws(() => samplesOf("a.md", `${fence}ts runnable\nf();\n${fence}`), { message: "a.md:1: unknown info-string word(s) runnable (use continued or fragment)" });
  t.throws(() => samplesOf("a.md", `${fence}ts continued\nf();\n${fence}`), { message: "a.md:1: a 'continued' block with no program before it" });
  t.throws(() => samplesOf("a.md", `${fence}output\n1\n${fence}`), { message: "a.md:1: an output block with no program above it" });
  t.throws(() => samplesOf("a.md", `${fence}ts\nf();\n`), { message: "line 1: a code block that is never closed" });
});

test("output: exact lines (trailing spaces and blank ends ignored), `...` for any lines", (t) => {
  t.is(outputMismatch("a\nb", "a  \nb\n\n"), undefined);
  t.is(outputMismatch("...\nlast", "x\ny\nlast\n"), undefined);
  t.is(outputMismatch("first\n...\nlast", "first\nlast"), undefined);
  t.is(outputMismatch("a\n...", "a\nb\nc"), undefined);
  t.regex(outputMismatch("a\nb", "a\nc") ?? "", /first differing line: 2: "b"/);
  t.not(outputMismatch("a", "a\nb"), undefined);
  t.not(outputMismatch("...\nz", "z\ny"), undefined);
});

test("imports: static imports and re-exports", (t) => {
  t.deepEqual(importsOf('import { te } from "tejit";\nimport fs from "node:fs";\nexport { x } from "./x.js";\nimport "./side.js";'), ["tejit", "node:fs", "./x.js", "./side.js"]);
});

test("cited paths: code spans, relative links and bare file names, not other sites' files", (t) => {
  const text = [
    "See `ts/lower.ts` and [the guide](docs/README.md#top), `rfactor.ts`, REFERENCE.md and `a.ts:12`.",
    "TVM's [`src/arith/`](https://github.com/apache/tvm/tree/v0.8.0/src/arith); not paths: `.js`, `tvm_struct_get/set`, `/proc/cpuinfo`.",
    fence, "ts/inside_a_block.ts", fence,
  ].join("\n");
  t.deepEqual(citedPaths(text).map((p) => `${p.line}:${p.path}`), ["1:ts/lower.ts", "1:docs/README.md", "1:rfactor.ts", "1:a.ts", "1:REFERENCE.md"]);
});
