// The scan part of making a schedule: every stage of a scan's body (the ops between its
// updates and its states, scan_graph.ts) is marked as computing that scan's update, so that
// at the root it runs inside the scan's time loop (TVM puts these stages in a group attached
// with kScanUpdate).

import { ScanOp } from "../te/scan.js";
import { scanGetBody } from "./scan_graph.js";
import type { Schedule } from "./schedule.js";

/** Marks the stages of each scan's body with the scan's stage (Stage.scanStage). */
export function markScanBodies(sch: Schedule): void {
  for (const st of sch.stages) {
    if (!(st.op instanceof ScanOp)) continue;
    for (const op of scanGetBody(st.op)) {
      // Stages come inputs first, so an inner scan marks its body before an outer one: a stage
      // in both bodies stays in the inner (the inner scan itself runs in the outer's loop).
      const body = sch.stage(op);
      body.scanStage ??= st;
    }
  }
}

/** Refuses an inlined init or update of a scan: they are the scan's own output, not expressions. */
export function checkScanPartsNotInlined(sch: Schedule): void {
  for (const st of sch.stages) {
    if (!(st.op instanceof ScanOp)) continue;
    for (const t of [...st.op.init, ...st.op.update]) {
      const part = sch.stage(t.op);
      if (part.attachType === "inline" || part.attachType === "inlinedAlready") {
        const role = st.op.init.includes(t) ? "init" : "update";
        throw new Error(`stage '${part.name}' is the ${role} of scan '${st.name}' and cannot be inlined: it writes the scan's state (inline the stages it reads instead)`);
      }
    }
  }
}
