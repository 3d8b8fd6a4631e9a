// A register-tiled GEMM written directly in TIR with irBuilder (not the TE API): B packed in
// panels two vectors wide, an MR x (2 VL) tile of float32xVL accumulators (8 x 32 floats as
// float32x16 with AVX-512, 4 x 16 as float32x8 with AVX2), k blocked by 256: what the C
// backend's vector code reaches when the TIR is good. Square n x n, n a multiple of 2 VL and 8.
import { declBuffer } from "../../../ts/ir/buffer.js";
import { Broadcast, IntImm, Load, type PrimExpr, Ramp, Var } from "../../../ts/ir/expr.js";
import { PrimFunc } from "../../../ts/ir/function.js";
import { irBuilder } from "../../../ts/ir/ir_builder.js";
import * as op from "../../../ts/ir/op.js";
import { Store } from "../../../ts/ir/stmt.js";

/**
 * A register-tiled GEMM written directly in TIR with irBuilder: an MR x (2 VL) tile of
 * float32xVL accumulators (8 x 32 with AVX-512, 4 x 16 with AVX2), B packed in 2 VL-wide panels.
 */
export function handKernel(N: number, VL: number): PrimFunc {
  const MR = VL === 16 ? 8 : 4;
  const NR = 2 * VL;
  const KC = Math.min(256, N);
  const vt = `float32x${VL}`;
  const A = declBuffer([N, N], "float32", "A");
  const B = declBuffer([N, N], "float32", "B");
  const C = declBuffer([N, N], "float32", "C");
  const ib = irBuilder();
  const i32 = (v: number): IntImm => new IntImm("int32", v);
  const vec = (base: PrimExpr): Ramp => new Ramp(base, i32(1), VL);
  const packed = ib.allocate("float32", N * N, "packedB");
  ib.forRange(0, N / NR, "jb", (jb) => ib.forRange(0, N, "k", (k) => {
    for (let v = 0; v < NR / VL; v++) {
      const src = new Load(vt, B.data, vec(op.add(op.mul(k, N), op.add(op.mul(jb, NR), v * VL))));
      ib.emit(new Store(packed.data, src, vec(op.add(op.mul(op.add(op.mul(jb, N), k), NR), v * VL))));
    }
  }), "parallel");
  ib.forRange(0, N / NR, "jb", (jb) => ib.forRange(0, N / KC, "kb", (kb) => ib.forRange(0, N / MR, "ib", (ibk) => {
    const acc = ib.allocate("float32", MR * NR, "acc");
    const cIndex = (r: number, v: number): PrimExpr => op.add(op.mul(op.add(op.mul(ibk, MR), r), N), op.add(op.mul(jb, NR), v * VL));
    for (let r = 0; r < MR; r++) for (let v = 0; v < NR / VL; v++) {
      const init = op.select(op.eq(kb, 0), new Broadcast(op.constant(0, "float32"), VL), new Load(vt, C.data, vec(cIndex(r, v))));
      ib.emit(new Store(acc.data, init, vec(i32(r * NR + v * VL))));
    }
    ib.forRange(0, KC, "k", (k) => {
      const kk = op.add(op.mul(kb, KC), k);
      for (let r = 0; r < MR; r++) {
        const a = new Broadcast(new Load("float32", A.data, op.add(op.mul(op.add(op.mul(ibk, MR), r), N), kk)), VL);
        for (let v = 0; v < NR / VL; v++) {
          const b = new Load(vt, packed.data, vec(op.add(op.mul(op.add(op.mul(jb, N), kk), NR), v * VL)));
          const at = vec(i32(r * NR + v * VL));
          ib.emit(new Store(acc.data, op.add(new Load(vt, acc.data, at), op.mul(a, b)), at));
        }
      }
    });
    for (let r = 0; r < MR; r++) for (let v = 0; v < NR / VL; v++) {
      ib.emit(new Store(C.data, new Load(vt, acc.data, vec(i32(r * NR + v * VL))), vec(cIndex(r, v))));
    }
  })), "parallel");
  const handles = [A, B, C].map((b) => new Var(`${b.name}_handle`, "handle"));
  return new PrimFunc(handles, ib.get(), new Map(handles.map((h, i) => [h, [A, B, C][i]])), { global_symbol: "gemm", "tir.noalias": true });
}

