// bench --disasm's hot-loop reader (bench/suite/hot_loop.ts): on a listing whose numbers are known
// (an inner loop of FMAs with a spill, inside an outer loop), and on a kernel tejit builds.
import test from "ava";
import { hotLoop, hotLoopOfDisassembly, describeHotLoop, type HotLoop } from "../../bench/suite/hot_loop.js";
import { te, build } from "../../ts/index.js";

const LISTING = `
0000000000001100 <k_parallel_0>:
    1100:	push   %rbp
    1104:	vxorps %zmm0,%zmm0,%zmm0
    1110:	vbroadcastss (%rsi,%rax,4),%zmm2
    1116:	vfmadd231ps (%rdx),%zmm2,%zmm0
    111c:	vfmadd231ps 0x40(%rdx),%zmm2,%zmm1
    1122:	vfmadd231ps (%rcx){1to16},%zmm3,%zmm4
    1128:	vmovups %zmm5,-0x80(%rsp)
    1130:	vmovups -0x40(%rbp),%zmm6
    1138:	vaddps %ymm6,%ymm7,%ymm7
    113c:	add    $0x1,%rax
    1140:	cmp    %rax,%rdi
    1144:	jne    1110 <k_parallel_0+0x10>
    1146:	vmovups %zmm0,(%r8)
    114c:	sub    $0x1,%r9
    1150:	jne    1104 <k_parallel_0+0x4>
    1152:	ret
`;

test("the innermost loop is read: FMAs, width, folded loads, embedded broadcasts, spills", (t) => {
  const h = hotLoopOfDisassembly(LISTING) as HotLoop;
  t.is(typeof h, "object");
  t.is(h.fn, "k_parallel_0");
  t.is(h.start, 0x1110);
  t.is(h.end, 0x1144);
  t.is(h.instructions, 10);
  t.is(h.fmas, 3);
  t.is(h.otherVectorArith, 1);
  t.is(h.width, "zmm");
  t.is(h.vectorLoads, 2); // two folded into FMAs; the %rbp load is a spill
  t.is(h.broadcasts, 2); // vbroadcastss and {1to16}
  t.is(h.vectorStores, 0);
  t.is(h.stackStores, 1);
  t.is(h.stackLoads, 1);
  t.regex(describeHotLoop(h), /3 FMAs and 1 other vector ops on zmm.*1 stack loads and 1 stack stores \(spills\)/);
  t.is(hotLoopOfDisassembly("0000000000001000 <f>:\n    1000:\tret\n"), "no inner loop with packed floating-point arithmetic");
});

test("a vectorized kernel's hot loop has its vector arithmetic and no spills", (t) => {
  if (process.arch !== "x64") return t.pass();
  const n = 4096;
  const A = te.placeholder([n], "float32", "A");
  const B = te.placeholder([n], "float32", "B");
  const C = te.compute([n], (i) => A.at(i).mul(B.at(i)).add(A.at(i)), "C");
  const s = te.createSchedule(C.op);
  const [, inner] = s.stage(C).split(C.op.axis[0], 8);
  s.stage(C).vectorize(inner);
  const h = hotLoop(build(s, [A, B, C], { name: "fma8" }).libraryPath);
  if (typeof h === "string") return t.fail(h);
  t.true(h.fmas + h.otherVectorArith >= 1, describeHotLoop(h));
  t.is(h.stackLoads + h.stackStores, 0, describeHotLoop(h));
});
