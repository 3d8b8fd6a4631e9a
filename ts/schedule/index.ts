// The `schedule` namespace: schedules and stages, and the analyses a user can run on them.

export { Schedule, createSchedule } from "./schedule.js";
export { Stage } from "./stage.js";
export { StageGroup } from "./group.js";
export { inferBound } from "./bound.js";
export { normalize } from "./normalize.js";
export { explainBounds, BoundExplanation, type StageExplanation, type ConsumerRequest } from "./explain.js";
export { inferTensorizeRegion, type TensorizeRegion } from "./tensorize_region.js";
export { matchTensorizeBody } from "./tensorize_match.js";
export { createReadGraph, createFeedGraph, postDFSOrder, type ReadGraph, type FeedGraph } from "./graph.js";
export { scheduleOps } from "./schedule_ops.js";
export { autoInlineElemWise, autoInlineBroadcast, autoInlineInjective } from "./auto_inline.js";
