// Outlined functions. The `compute_scope` body becomes a static noinline function of its free
// variables, pointer parameters `restrict` when the function is tir.noalias, so the C compiler
// may keep values in registers. A parallel loop becomes a closure — a struct of the captured
// variables, a shared iteration counter and a task function — launched through
// __TVMBackendParallelLaunch. The tasks hand the range out among themselves in chunks (about
// CHUNKS_PER_TASK per task, taken with an atomic add on the counter), so a thread that runs
// slower (a busy core) takes fewer chunks instead of setting the time of the loop; an iteration
// computes the same values whichever thread runs it. Both inherit the loop ranges and aligned
// arrays in scope, and tell the C compiler again that a captured internal buffer is 64-byte
// aligned (`__builtin_assume_aligned`): a pointer parameter forgets what the allocation said.

import { InternalError } from "../errors.js";
import type { Var } from "../ir/expr.js";
import { Range } from "../ir/iter_var.js";
import { type AttrStmt, For } from "../ir/stmt.js";
import { freeVars } from "./c_analysis.js";
import type { FnEmitter } from "./c_function.js";
import { WORKSPACE_ALIGN } from "./c_memory.js";

/** Chunks a parallel loop is cut into per task: fine enough to balance, few enough to be cheap. */
export const CHUNKS_PER_TASK = 8;

/** The parameter declaration of a captured variable in an outlined function. */
function captureDecl(em: FnEmitter, v: Var, name: string): string {
  const ty = em.varType(v);
  return v.dtype.isHandle() && v.typeAnnotation && em.noalias ? `${ty} restrict ${name}` : `${ty} ${name}`;
}

/** `value` as the captured `v`, with its alignment restated when it is an aligned internal buffer. */
function assumeAligned(em: FnEmitter, v: Var, value: string): string {
  return em.aligned.has(v) && v.dtype.isHandle() ? `(${em.varType(v)})__builtin_assume_aligned(${value}, ${WORKSPACE_ALIGN})` : value;
}

export function outlineCompute(em: FnEmitter, s: AttrStmt): void {
  const fn = em.mod.closureNames.get(s);
  if (!fn) throw new InternalError(`codegen(${em.fname}): compute scope not planned`, { ir: s });
  const captured = freeVars(s.body);
  const child = em.outlined();
  const params = captured.map((v) => {
    const name = child.define(v);
    return captureDecl(child, v, name);
  });
  for (const v of captured) {
    if (child.aligned.has(v) && v.dtype.isHandle()) child.line(`${child.varName(v)} = ${assumeAligned(child, v, child.varName(v))};`);
  }
  child.stmt(s.body);
  if (child.streamed) child.line(`${child.helpers.storeFence()}();`);
  em.mod.functions.push(`static __attribute__((noinline)) int32_t ${fn}(${params.length ? params.join(", ") : "void"}) {\n${child.text()}\n  return 0;\n}\n`);
  const args = captured.map((v) => em.varName(v));
  em.line(`if (${fn}(${args.join(", ")}) != 0) return -1;`);
}

export function outlineParallel(em: FnEmitter, s: For): void {
  const fn = em.mod.closureNames.get(s);
  if (!fn) throw new InternalError(`codegen(${em.fname}): parallel loop not planned`, { ir: s });
  const captured = freeVars(new For(s.loopVar, s.min, s.extent, "serial", s.body));
  const structName = `${fn}_args`;
  const child = em.outlined();
  child.names.reserve("task_id");
  child.names.reserve("penv");
  child.names.reserve("cdata");
  const closure = child.names.fresh("closure");
  const lines: string[] = [];
  const fields: string[] = [];
  for (const v of captured) {
    const field = em.varName(v);
    fields.push(`  ${em.varType(v)} ${field};`);
    const local = child.define(v);
    lines.push(`  ${captureDecl(child, v, local)} = ${assumeAligned(child, v, `${closure}->${field}`)};`);
  }
  const ity = em.types.value(s.loopVar.dtype, `loop variable '${s.loopVar.name}'`);
  const min = child.names.fresh(`${s.loopVar.name}_min`);
  const ext = child.names.fresh(`${s.loopVar.name}_extent`);
  const chunk = child.names.fresh("chunk");
  const begin = child.names.fresh("begin");
  const end = child.names.fresh("end");
  const next = em.names.fresh("next_chunk");
  fields.push(`  int64_t ${next};`);
  const lv = child.define(s.loopVar);
  const minCode = child.expr(s.min);
  const extCode = child.expr(s.extent);
  // 64-bit chunk bookkeeping: the counter may run past the extent by a chunk per task.
  const pre = [
    ...lines,
    `  ${ity} ${min} = ${minCode};`,
    `  int64_t ${ext} = (int64_t)(${extCode});`,
    `  int64_t ${chunk} = (${ext} + (int64_t)penv->num_task * ${CHUNKS_PER_TASK} - 1) / ((int64_t)penv->num_task * ${CHUNKS_PER_TASK});`,
    `  if (${chunk} < 1) ${chunk} = 1;`,
    `  for (;;) {`,
    `    int64_t ${begin} = __atomic_fetch_add(&${closure}->${next}, ${chunk}, __ATOMIC_RELAXED);`,
    `    if (${begin} >= ${ext}) break;`,
    `    int64_t ${end} = ${begin} + ${chunk} < ${ext} ? ${begin} + ${chunk} : ${ext};`,
    `    for (${ity} ${lv} = (${ity})(${min} + ${begin}); ${lv} < (${ity})(${min} + ${end}); ++${lv}) {`,
  ];
  child.bindRange(s.loopVar, new Range(s.min, s.extent));
  child.indent = 3;
  child.stmt(s.body);
  const head = `typedef struct {\n${fields.join("\n")}\n} ${structName};\n\n`;
  const unpack = `  ${structName}* ${closure} = (${structName}*)cdata;\n`;
  // Streaming stores of this task ordered before its end (the barrier the launcher waits on).
  const fence = child.streamed ? `  ${child.helpers.storeFence()}();\n` : "";
  em.mod.functions.push(`${head}static int32_t ${fn}(int32_t task_id, TVMParallelGroupEnv* penv, void* cdata) {\n  (void)task_id;\n${unpack}${pre.join("\n")}\n${child.text()}\n    }\n  }\n${fence}  return 0;\n}\n`);
  const c = em.names.fresh(`${fn}_closure`);
  const init = [...captured.map((v) => `.${em.varName(v)} = ${em.varName(v)}`), `.${next} = 0`].join(", ");
  em.line(`{`);
  em.line(`  ${structName} ${c} = {${init}};`);
  em.line(`  if (__TVMBackendParallelLaunch(${fn}, &${c}, 0) != 0) return -1;`);
  em.line(`}`);
}
