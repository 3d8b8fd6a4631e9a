// Schedule.createGroup: a group placed with computeAt (tile-sized members, found by bound
// inference), computeInline and computeRoot of a group, a member computed at another member,
// nesting, and the refusals (a member computed outside its group, a group cut in part, an
// empty group, a group computed inside itself, a group that cannot be inlined). Results are
// built and compared with a JS reference.

import test from "ava";
import { te, lower, nd, schedule, tir } from "../../ts/index.js";
import { buildAndRun, randomF32, values } from "../tvm/helpers.js";

/** B = 2A, C = B + 1 (the group), D[i] = C[i] + C[i + 1] + C[i + 2] over 30 of A's 32. */
function stencil() {
  const A = te.placeholder([32], "float32", "A");
  const B = te.compute([32], (i) => A.at(i).mul(2), "B");
  const C = te.compute([32], (i) => B.at(i).add(1), "C");
  const D = te.compute([30], (i) => C.at(i).add(C.at(i.add(1))).add(C.at(i.add(2))), "D");
  return { A, B, C, D };
}

function reference(a: number[]): number[] {
  const c = a.map((v) => Math.fround(Math.fround(v * 2) + 1));
  return Array.from({ length: 30 }, (_, i) => Math.fround(Math.fround(c[i] + c[i + 1]) + c[i + 2]));
}

/** The lowered program's body: the lines after its buffer map. */
function body(text: string): string[] {
  const lines = text.split("\n");
  return lines.slice(lines.findIndex((l) => l.includes("buffer_map")) + 1);
}

function runStencil(s: schedule.Schedule, A: te.Tensor, D: te.Tensor): { got: number[]; want: number[] } {
  const a = randomF32([32], 3);
  const d = nd.empty([30], "float32");
  buildAndRun(s, [A, D], [a, d]);
  return { got: values(d), want: reference(values(a)) };
}

test("createGroup + computeAt: every member is computed per tile of the consumer, halo included", (t) => {
  const { A, B, C, D } = stencil();
  const s = te.createSchedule(D.op);
  const g = s.createGroup(C, A);
  t.deepEqual(g.members().map((m) => m.name), ["B", "C"]);
  t.is(s.stage(B).group, g);
  t.is(s.stage(A).group, undefined);
  const [xo] = s.stage(D).split(D.op.axis[0], { factor: 6 });
  g.computeAt(s.stage(D), xo);
  const bounds = schedule.inferBound(s.normalize());
  t.is(bounds.get(C.op.axis[0])!.extent.toString(), "8");
  t.is(bounds.get(B.op.axis[0])!.extent.toString(), "8");
  // C is computed in place of B (storage rewrite), 8 elements per tile of 6.
  t.deepEqual(body(lower(s, [A, D]).toString()), [
    "  attr [B: Pointer(float32)] \"storage_scope\" = \"global\";",
    "  allocate(B, float32, [8]);",
    "  for (i.outer: int32, 0, 5) {",
    "    for (i: int32, 0, 8) {",
    "      B[i] = ((float32*)A_2[((i.outer*6) + i)]*2f32)",
    "    }",
    "    for (i_1: int32, 0, 8) {",
    "      B[i_1] = ((float32*)B[i_1] + 1f32)",
    "    }",
    "    for (i.inner: int32, 0, 6) {",
    "      D_2[((i.outer*6) + i.inner)] = (((float32*)B[i.inner] + (float32*)B[(i.inner + 1)]) + (float32*)B[(i.inner + 2)])",
    "    }",
    "  }",
    "}",
  ]);
  const { got, want } = runStencil(s, A, D);
  t.deepEqual(got, want);
});

test("a member computed at another member stays there when the group moves", (t) => {
  const { A, B, C, D } = stencil();
  const s = te.createSchedule(D.op);
  const g = s.createGroup(C, A);
  s.stage(B).computeAt(s.stage(C), C.op.axis[0]);
  const [xo] = s.stage(D).split(D.op.axis[0], { factor: 6 });
  g.computeAt(s.stage(D), xo);
  const text = lower(s, [A, D], { simpleMode: true }).toString();
  t.regex(text, /allocate\(B, float32, \[1\]\)/);
  t.regex(text, /allocate\(C, float32, \[8\]\)/);
  const { got, want } = runStencil(s, A, D);
  t.deepEqual(got, want);
});

test("group.computeInline inlines every member; computeRoot puts them back at the root", (t) => {
  const { A, B, C, D } = stencil();
  const s = te.createSchedule(D.op);
  const g = s.createGroup(C, A);
  g.computeInline();
  const inlined = lower(s, [A, D], { simpleMode: true }).toString();
  t.notRegex(inlined, /allocate/);
  t.regex(inlined, /D_2\[i\] = \(\(\(\(\(float32\*\)A_2\[i\]\*2f32\) \+ 1f32\)/);
  t.deepEqual(runStencil(s, A, D).got, runStencil(te.createSchedule(D.op), A, D).want);
  g.computeRoot();
  t.deepEqual(body(lower(s, [A, D], { simpleMode: true }).toString()).filter((l) => /for|allocate/.test(l)), [
    "  allocate(B, float32, [32]) {",
    "    for (i: int32, 0, 32) {",
    "    for (i_1: int32, 0, 32) {",
    "    for (i_2: int32, 0, 30) {",
  ]);
  void B;
});

test("a nested group is placed with its parent group", (t) => {
  const { A, B, C, D } = stencil();
  const s = te.createSchedule(D.op);
  const inner = s.createGroup(B, A);
  const outer = s.createGroup(C, A);
  t.is(inner.group, outer);
  t.is(s.stage(C).group, outer);
  t.is(s.stage(B).group, inner);
  t.is(outer.numChildStages, 2);
  const [xo] = s.stage(D).split(D.op.axis[0], { factor: 10 });
  outer.computeAt(s.stage(D), xo);
  const text = lower(s, [A, D], { simpleMode: true }).toString();
  t.regex(text, /allocate\(B, float32, \[12\]\)/);
  const { got, want } = runStencil(s, A, D);
  t.deepEqual(got, want);
});

test("a member computed at a stage outside the new group goes back to the group's root", (t) => {
  const { A, B, C, D } = stencil();
  const s = te.createSchedule(D.op);
  s.stage(B).computeAt(s.stage(D), D.op.axis[0]);
  s.createGroup(C, A);
  t.is(s.stage(B).attachType, "root");
  const { got, want } = runStencil(s, A, D);
  t.deepEqual(got, want);
});

test("createGroup refusals", (t) => {
  const { A, B, C, D } = stencil();
  const s = te.createSchedule(D.op);
  const g = s.createGroup(C, A);
  t.throws(() => s.stage(C).computeAt(s.stage(D), D.op.axis[0]), {
    message: /stage 'C': cannot compute at 'D', which is outside its group-stage\(C\)/,
  });
  t.throws(() => g.computeAt(s.stage(C), C.op.axis[0]), { message: /group-stage\(C\): cannot be computed at 'C', which is inside the group/ });
  t.throws(() => g.computeAt(s.stage(D), C.op.axis[0]), { message: /not a leaf axis of that stage \(leaf axes: i\)/ });
  t.throws(() => s.createGroup(D, B), { message: /cut group-stage\(C\) in part \(1 of its 2 members\)/ });
  t.throws(() => s.createGroup(A, D), { message: /no stage lies between the inputs \('D'\) and the outputs \('A'\)/ });
  t.throws(() => s.createGroup([C, "x" as unknown as te.Tensor], A), { message: /createGroup: output 1 must be a tensor/ });
  const k = te.reduceAxis([0, 32], "k");
  const R = te.compute([1], () => te.sum(C.at(k), k), "R");
  const E = te.compute([1], (i) => R.at(i).add(1), "E");
  const s2 = te.createSchedule(E.op);
  const g2 = s2.createGroup(R, A);
  t.throws(() => g2.computeInline(), { message: /stage 'R': a reduction cannot be inlined/ });
  t.is(g2.attachType, "root");
  void B;
});

test("a cache stage joins the group of the stage it caches, and moves with it", (t) => {
  const { A, B, C, D } = stencil();
  const s = te.createSchedule(D.op);
  const g = s.createGroup(C, A);
  const BL = s.cacheRead(B, "local", [C]);
  const CL = s.cacheWrite(C, "local");
  t.is(s.stage(BL).group, g);
  t.is(s.stage(CL).group, g);
  t.is(g.numChildStages, 4);
  t.deepEqual(g.members().map((m) => m.name), ["B", "B.local", "C.local", "C"]);
  const [xo] = s.stage(D).split(D.op.axis[0], { factor: 6 });
  g.computeAt(s.stage(D), xo);
  const bounds = schedule.inferBound(s.normalize());
  for (const x of [B, BL, CL, C]) t.is(bounds.get(x.op.axis[0])!.extent.toString(), "8", x.name);
  const { got, want } = runStencil(s, A, D);
  t.deepEqual(got, want);
});

test("a group including its placeholder input: placed and inlined without the placeholder", (t) => {
  const { A, B, C, D } = stencil();
  const s = te.createSchedule(D.op);
  const g = s.createGroup(C, A, true);
  t.deepEqual(g.members().map((m) => m.name), ["A", "B", "C"]);
  t.is(g.numChildStages, 3);
  g.computeInline();
  t.notRegex(lower(s, [A, D], { simpleMode: true }).toString(), /allocate/);
  t.deepEqual(runStencil(s, A, D).got, runStencil(te.createSchedule(D.op), A, D).want);
  const [xo] = s.stage(D).split(D.op.axis[0], { factor: 10 });
  g.computeAt(s.stage(D), xo);
  t.regex(lower(s, [A, D], { simpleMode: true }).toString(), /allocate\(B, float32, \[12\]\)/);
  const { got, want } = runStencil(s, A, D);
  t.deepEqual(got, want);
  void B;
});

test("a group's placement is recorded with te.keep_schedule_record, and each copy has its own groups", (t) => {
  const { A, C, D } = stencil();
  new tir.transform.PassContext({ config: { "te.keep_schedule_record": true } }).scope(() => {
    const s = te.createSchedule(D.op);
    const g = s.createGroup(C, A);
    g.computeAt(s.stage(D), D.op.axis[0]);
    g.computeRoot();
    t.deepEqual(s.primitiveRecord, ["vanilla", "compute_at", "compute_root"]);
    const atD = s.scheduleRecord[1];
    t.is(atD.groups.length, 1);
    t.not(atD.groups[0], g);
    t.is(atD.groups[0].attachStage, atD.stage(D));
    t.is(atD.stage(C).group, atD.groups[0]);
    t.is(g.attachType, "root");
    const { got, want } = runStencil(atD, A, D);
    t.deepEqual(got, want);
  });
});
