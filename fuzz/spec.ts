// The fuzzer's case description: plain JSON data, so a case can be shrunk by editing it and
// printed inside a ready test. A Program is a list of stages (each reading earlier stages'
// tensors); a Case adds the schedule steps (resolved against the live schedule when replayed),
// the build flags, the value of the symbolic extent n, and the seed of the input data.

export type DType = "float32" | "float64" | "int32" | "int8" | "uint8";

/** An extent: n + c when `sym`, else c (n is the case's one symbolic size, a te.sizeVar). */
export interface Dim { sym: boolean; c: number }

/** One index of a load: axis `ax` (output axes first, then reduce axes) times `mul` (default 1) plus `off`, or the constant `off`. */
export interface Idx { ax?: number; off: number; mul?: number }

export type BinOp = "add" | "sub" | "mul" | "min" | "max" | "div" | "floordiv" | "floormod" | "mod";
export type UnOp = "neg" | "abs" | "exp" | "tanh" | "sigmoid" | "sqrt1" | "log1" | "floor";
export type CmpOp = "lt" | "le" | "gt" | "ge" | "eq" | "ne";

export type Expr =
  | { k: "load"; dt: DType; t: number; idx: Idx[] }
  | { k: "const"; dt: DType; v: number }
  | { k: "axis"; dt: DType; ax: number }
  | { k: "bin"; dt: DType; op: BinOp; a: Expr; b: Expr }
  | { k: "un"; dt: DType; op: UnOp; a: Expr }
  | { k: "cast"; dt: DType; a: Expr }
  | { k: "select"; dt: DType; cmp: CmpOp; l: Expr; r: Expr; a: Expr; b: Expr }
  /** ifThenElse(every index inside [pads[d], pads[d] + extent of t), t[i - pads], v): zero padding. */
  | { k: "pad"; dt: DType; t: number; pads: number[]; v: number };

export type Reducer = "sum" | "max" | "min" | "csum" | "argmax";

/** An extern's element function: out = in * mul + add, in the dtype (JS, an irBuilder body, or fabs via callExtern then * mul + add). */
export interface ExternSpec { src: number; impl: "js" | "irbuilder" | "callextern"; regionMap: boolean; mul: number; add: number }

export type Stage =
  | { kind: "input"; name: string; dt: DType; shape: Dim[] }
  | { kind: "compute"; name: string; dt: DType; shape: Dim[]; body: Expr[] }
  /** `where`: only iterations with floormod(reduce axis `ax`, `mod`) == 0 (never empty: 0 qualifies). */
  | { kind: "reduce"; name: string; dt: DType; shape: Dim[]; raxes: number[]; reducer: Reducer; body: Expr; where?: { ax: number; mod: number } }
  | { kind: "extern"; name: string; dt: DType; shape: Dim[]; ext: ExternSpec };

export interface Program { stages: Stage[] }

/** A schedule step; `stage` names a stage (or a tensor's op), `leaf`/`leaf2` index its current leaf loops. */
export interface Step {
  kind: "split" | "fuse" | "reorder" | "tile" | "computeAt" | "computeInline" | "computeRoot" | "cacheRead" | "cacheWrite"
    | "rfactor" | "vectorize" | "unroll" | "parallel" | "pragma" | "storageAlign";
  stage: string;
  leaf?: number;
  leaf2?: number;
  factor?: number;
  factor2?: number;
  nparts?: boolean;
  order?: number[];
  target?: string;
  readers?: string[];
  scope?: string;
  tensor?: number;
}

export interface Case {
  program: Program;
  steps: Step[];
  /** Extra compiler flags, e.g. ["-O1"]. */
  cflags: string[];
  /** The compiler ("cc" unless clang was picked). */
  cc?: string;
  /** The value of the symbolic size n at run time. */
  n: number;
  dataSeed: number;
}

/** A stage's tensors: the argmax reducer and two-body computes have two outputs. */
export function stageOutputs(st: Stage): number {
  if (st.kind === "compute") return st.body.length;
  if (st.kind === "reduce" && st.reducer === "argmax") return 2;
  return 1;
}

/** The flat tensor list of a program: tensor id -> [stage index, output index]. */
export function tensorTable(p: Program): [number, number][] {
  const out: [number, number][] = [];
  p.stages.forEach((st, s) => {
    for (let o = 0; o < stageOutputs(st); o++) out.push([s, o]);
  });
  return out;
}

export function dimValue(d: Dim, n: number): number {
  return (d.sym ? n : 0) + d.c;
}

export function isFloat(dt: DType): boolean {
  return dt === "float32" || dt === "float64";
}
