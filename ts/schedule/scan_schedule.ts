// The scan part of making and checking a schedule: every stage of a scan's body (the ops
// between its updates and its states, scan_graph.ts) is marked as computing that scan's update,
// so that at the root it runs inside the scan's time loop, and grouped (as TVM's scan group,
// attached with kScanUpdate): a body stage can be computed only at body stages, and
// `s.createGroup` can nest groups in the body; and a scan's init or update may not be inlined.

import type { ScanOp } from "../te/scan.js";
import { createGroup } from "./group.js";
import { scanGetBody } from "./scan_graph.js";
import type { Schedule } from "./schedule.js";
import type { Stage } from "./stage.js";

/** Marks the stages of the body of scan stage `st` with it (Stage.scanStage). */
export function markScanBody(st: Stage, sch: Schedule): void {
  for (const op of scanGetBody(st.op as ScanOp)) {
    // Stages come inputs first, so an inner scan marks its body before an outer one: a stage
    // in both bodies stays in the inner (the inner scan itself runs in the outer's loop).
    const body = sch.stage(op);
    body.scanStage ??= st;
  }
  const op = st.op as ScanOp;
  createGroup(sch, op.update, [...op.statePlaceholder, ...op.inputs], false);
}

/** Refuses an inlined init or update of a scan: they are the scan's own output, not expressions. */
export function checkScanPartsNotInlined(op: ScanOp, st: Stage, sch: Schedule): void {
  for (const t of [...op.init, ...op.update]) {
    const part = sch.stage(t.op);
    if (part.attachType === "inline" || part.attachType === "inlinedAlready") {
      const role = op.init.includes(t) ? "init" : "update";
      throw new Error(`stage '${part.name}' is the ${role} of scan '${st.name}' and cannot be inlined: it writes the scan's state (inline the stages it reads instead)`);
    }
  }
}
