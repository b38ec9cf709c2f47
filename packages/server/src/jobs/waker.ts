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
    /** Waits up to `ms`, or until `wake()`; true when woken. */
    wait(ms: number): Promise<boolean> {
      if (pending) {
        pending = false;
        return Promise.resolve(true);
      }
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => finish(false), ms);
        function finish(woken: boolean) {
          clearTimeout(timer);
          release = undefined;
          resolve(woken);
        }
        release = () => finish(true);
      });
    },
  };
}
