/**
 * Saves what a person types shortly after they stop typing, and at once when asked to flush
 * (the page is hidden or closing). At most one save is in flight; the newest values win. A save
 * that fails does not stop the ones after it: its values stay pending and go with the next.
 */
export function createDraftSaver<T>(save: (values: T) => Promise<void>, delayMs = 300) {
  let pending: T | undefined;
  let hasPending = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!hasPending) return inFlight;
    const values = pending as T;
    hasPending = false;
    pending = undefined;
    const attempt = inFlight.then(() => save(values));
    // The chain continues whatever this save did; its caller still hears of the failure.
    inFlight = attempt.catch(() => {
      if (!hasPending) {
        pending = values;
        hasPending = true;
      }
    });
    return attempt;
  }

  function schedule(values: T): void {
    pending = values;
    hasPending = true;
    if (timer !== undefined) clearTimeout(timer);
    // The editor shows a failed save itself (its save function reports it): nothing to add.
    timer = setTimeout(() => void flush().catch(() => undefined), delayMs);
  }

  return { schedule, flush };
}
