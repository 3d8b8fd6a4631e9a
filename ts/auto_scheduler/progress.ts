// Progress of a tuning run: what onProgress receives after each measurement, and the one status
// line written to a terminal (trials done, best so far, time left); nothing when stderr is not a
// TTY, so logs and pipes stay clean.

/** The state of a tuning run after a measurement. */
export interface TuneProgress {
  /** Measurements done in this run, and the budget. */
  done: number;
  /** The run's trial budget. */
  trials: number;
  /** The best median so far (seconds), if any candidate ran and was right. */
  bestSeconds?: number;
  /** Milliseconds since the run started, and an estimate of those left. */
  elapsedMs: number;
  /** Estimated milliseconds left (the mean time a trial so far, times the trials left). */
  remainingMs: number;
  /** The candidate just measured: its median or its error. */
  last: { seconds?: number; error?: string };
}

function fmtSeconds(s: number | undefined): string {
  if (s === undefined) return "none yet";
  return s < 1e-3 ? `${(s * 1e6).toFixed(1)} us` : s < 1 ? `${(s * 1e3).toFixed(3)} ms` : `${s.toFixed(3)} s`;
}

/** The status line for `p`. */
export function progressLine(p: TuneProgress): string {
  return `tune: ${p.done}/${p.trials} trials, best ${fmtSeconds(p.bestSeconds)}, ~${Math.ceil(p.remainingMs / 1000)} s left`;
}

/** Writes progress lines over each other on a TTY stream; does nothing on another stream. */
export class TerminalProgress {
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}
  get active(): boolean { return this.stream.isTTY === true; }
  update(p: TuneProgress): void {
    if (!this.active) return;
    this.stream.write(`\r\x1b[K${progressLine(p)}`);
    this.shown = true;
  }
  finish(): void {
    if (this.shown) this.stream.write("\n");
    this.shown = false;
  }
}
