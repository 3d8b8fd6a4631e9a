// The gate between compiling and timing in the in-process queue: a candidate's run waits until
// no compile is in flight. On a machine of few cores a compiler running beside a measurement takes
// a core from it, and a parallel kernel waits for its slowest thread, so the times of candidates
// measured during compiles were 2-4x too slow, and by different amounts: the search then chose
// candidates that only looked faster (a conv2d layer tuned to 0.44x of its default).

/** Counts compiles in flight; idle() resolves when there are none. */
export class CompileGate {
  #inFlight = 0;
  #waiting: (() => void)[] = [];

  /** Counts `p` as a compile in flight until it settles; returns it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight++;
    const done = () => {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const resolve of this.#waiting.splice(0)) resolve();
    };
    p.then(done, done);
    return p;
  }

  /** The number of compiles in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves when no compile is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}
