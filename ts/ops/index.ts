// The `ops` namespace (TVM's TOPI for CPU): operators as TE computes, one family a file, and
// ops.schedule, their default CPU schedule (schedule.ts). Written with the public TE and
// schedule API only, so each family's schedule reads as an example of a good one.

export { relu, leakyRelu, gelu, sigmoid, tanh, exp, log, sqrt, rsqrt, abs, negative, clip, add, sub, mul, div, maximum, minimum, broadcastShape, type Operand } from "./elementwise.js";
export { sum, max, min, mean, type ReduceOptions } from "./reduce.js";
export { matmul, batchMatmul, dense, type MatmulOptions } from "./matmul.js";
export { conv2d, depthwiseConv2d, pad, type Conv2dOptions } from "./conv2d.js";
export { pool2d, type Pool2dOptions } from "./pool.js";
export { softmax, type SoftmaxOptions } from "./softmax.js";
export { layerNorm, type LayerNormOptions } from "./layer_norm.js";
export { schedule } from "./schedule.js";
export { TargetInfo, targetInfo, type OpsScheduleOptions } from "./target.js";
export { familyOf, type OpFamily } from "./family.js";
// ops.schedule is the auto-scheduler's default for graphs made with ops.
import "./auto_scheduler_default.js";
