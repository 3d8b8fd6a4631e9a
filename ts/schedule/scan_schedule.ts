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
import { ScheduleError } from "../errors.js";

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

/**
 * Refuses an inlined init or update of a scan (they are the scan's own output, not expressions),
 * an init computed at a loop (it always runs before the time loop, as in TVM, which ignores the
 * attachment silently) and a stage of the body computed at a loop outside the body (the scan's own loops included:
 * the body already runs inside the time loop, one step at a time; TVM's scan group forbids it).
 */
export function checkScanSchedule(op: ScanOp, st: Stage, sch: Schedule): void {
  for (const body of sch.stages) {
    if (body.scanStage !== st || body.attachType !== "scope") continue;
    const target = body.attachStage!;
    if (target.scanStage === st) continue;
    const where = target === st ? "its time loop" : `a loop of '${target.name}', outside the scan's body`;
    throw new ScheduleError(`stage '${body.name}' is in the body of scan '${st.name}' but is computed at ${where} ('${body.attachIvar!.name}'): the body runs inside the time loop, one step at a time; compute it at the root (computeRoot) or at a loop of another stage of the body`);
  }
  for (const t of op.init) {
    const init = sch.stage(t.op);
    if (init.attachType === "scope") {
      throw new ScheduleError(`stage '${init.name}' is the init of scan '${st.name}': it runs before the scan's time loop wherever it is attached, so computeAt at '${init.attachIvar!.name}' of '${init.attachStage!.name}' would do nothing; leave it at the root`);
    }
  }
  checkScanPartsNotInlined(op, st, sch);
}

/** Refuses an inlined init or update of a scan: they are the scan's own output, not expressions. */
function checkScanPartsNotInlined(op: ScanOp, st: Stage, sch: Schedule): void {
  for (const t of [...op.init, ...op.update]) {
    const part = sch.stage(t.op);
    if (part.attachType === "inline" || part.attachType === "inlinedAlready") {
      const role = op.init.includes(t) ? "init" : "update";
      throw new ScheduleError(`stage '${part.name}' is the ${role} of scan '${st.name}' and cannot be inlined: it writes the scan's state (inline the stages it reads instead)`);
    }
  }
}
