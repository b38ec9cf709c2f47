/**
 * A wake-up signal for a polling loop that never loses a wake: `wake()` while the loop is busy
 * (not waiting) makes its next `wait()` return at once, so work that arrived during a query is
 * picked up without waiting a whole polling interval.
 */
export function createWaker() {
  let pending = false;
  let release: (() => void) | undefined;
  return {
    /** Ends the current wait, or the next one at once when the loop is not waiting. */
    wake(): void {
      if (release) release();
      else pending = true;
    },
    /** Waits up to `ms`, or until `wake()`. */
    wait(ms: number): Promise<void> {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          release = undefined;
          resolve();
        }
        release = done;
      });
    },
  };
}
